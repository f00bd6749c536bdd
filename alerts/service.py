"""Evaluate alert rules into Alerts queued in the store's outbox.

Alert ids are derived from (rule, subject, window start), so evaluating the same data twice
queues nothing new; a cooldown suppresses repeats of the same rule and subject.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.models import Alert, AlertRule, Post, Topic
from topics.bursts import hour_floor
from topics.service import SeriesSpike


def alert_id(rule: str, subject: str, window_start: datetime) -> str:
    key = f"{rule}\0{subject}\0{window_start.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


class AlertEvaluator:
    """Turns topic spikes, keyword volumes and (category, province) volumes into Alerts."""

    def __init__(self, rules: Sequence[AlertRule]) -> None:
        self.rules = list(rules)

    def evaluate(
        self,
        *,
        topics: Sequence[Topic],
        posts: Sequence[Post],
        series_spikes: Sequence[SeriesSpike] = (),
    ) -> list[Alert]:
        alerts: list[Alert] = []
        for rule in self.rules:
            if rule.kind == "topic_spike":
                alerts += self._topic_spikes(rule, topics)
            elif rule.kind == "keyword":
                alerts += self._volume(
                    rule,
                    [p for p in posts if _has_keyword(p, rule.keyword)],
                    subject=f"keyword {rule.keyword}",
                )
            else:
                members = [
                    p
                    for p in posts
                    if p.enrichment
                    and (rule.category is None or p.enrichment.category.label == rule.category)
                    and (rule.province is None or p.enrichment.province == rule.province)
                ]
                subject = f"{rule.category or 'any category'} in {rule.province or 'any province'}"
                alerts += self._volume(rule, members, subject=subject)
        return _cooldown(alerts, {r.name: r for r in self.rules})

    def _topic_spikes(self, rule: AlertRule, topics: Sequence[Topic]) -> list[Alert]:
        out = []
        for topic in topics:
            for spike in topic.spikes:
                if spike.score < rule.min_score:
                    continue
                subject = f"topic {topic.topic_id}: {topic.label}"
                out.append(
                    Alert(
                        alert_id=alert_id(rule.name, subject, spike.start),
                        rule=rule.name,
                        kind=rule.kind,
                        subject=subject,
                        triggered_at=spike.peak,
                        window_start=spike.start,
                        score=spike.score,
                        observed=spike.observed,
                        expected=spike.expected,
                        topic_id=topic.topic_id,
                        post_ids=spike.post_ids[:10],
                        recipients=rule.recipients,
                    )
                )
        return out

    def _volume(self, rule: AlertRule, posts: Sequence[Post], *, subject: str) -> list[Alert]:
        hourly = Counter(hour_floor(p.created_at) for p in posts)
        out = []
        for hour in sorted(h for h, n in hourly.items() if n >= rule.threshold):
            inside = sorted(
                (p for p in posts if hour_floor(p.created_at) == hour), key=lambda p: p.created_at
            )
            out.append(
                Alert(
                    alert_id=alert_id(rule.name, subject, hour),
                    rule=rule.name,
                    kind=rule.kind,
                    subject=subject,
                    triggered_at=hour + timedelta(hours=1),
                    window_start=hour,
                    score=float(hourly[hour]),
                    observed=hourly[hour],
                    expected=float(rule.threshold),
                    post_ids=[p.id for p in inside[:10]],
                    recipients=rule.recipients,
                )
            )
        return out


def _has_keyword(post: Post, keyword: str | None) -> bool:
    if not keyword or post.enrichment is None:
        return False
    return keyword in post.enrichment.tokens or keyword in post.enrichment.normalized_text


def _cooldown(alerts: list[Alert], rules: dict[str, AlertRule]) -> list[Alert]:
    """Keep the first alert per (rule, subject) within each cooldown period."""
    kept: list[Alert] = []
    last: dict[tuple[str, str], datetime] = {}
    for alert in sorted(alerts, key=lambda a: (a.window_start, a.alert_id)):
        key = (alert.rule, alert.subject)
        cooldown = timedelta(minutes=rules[alert.rule].cooldown_minutes)
        previous = last.get(key)
        if previous is not None and alert.window_start < previous + cooldown:
            continue
        last[key] = alert.window_start
        kept.append(alert)
    return kept


__all__ = ["AlertEvaluator", "alert_id"]
