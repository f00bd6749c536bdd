"""Evaluate alert rules into Alerts queued in the store's outbox.

Alert ids are derived from (rule, subject, window start), so evaluating the same data twice
queues nothing new; a cooldown suppresses repeats of the same rule and subject. A topic's
subject key is its id, not its label, so a relabelled topic does not alert again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.models import Alert, AlertRule, ComplaintFollowUp, Emergence, Post, Topic
from domain.settings import Settings
from storage.base import Store


def list_rules(store: Store, settings: Settings) -> list[AlertRule]:
    """The configured rules and the stored ones (API); a stored rule wins on the same name."""
    rules = {rule.name: rule for rule in settings.alerts.rules}
    rules.update({rule.name: rule for rule in store.list_alert_rules()})
    return list(rules.values())


def alert_id(rule: str, subject: str, window_start: datetime) -> str:
    key = f"{rule}\0{subject}\0{window_start.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


class AlertEvaluator:
    """Turns topic spikes, emergences, keyword volumes, (category, province) volumes and
    reopen candidates into Alerts. ``topic_spike`` and ``emerging`` rules fire on the
    detector's episodes (``topics.detector``), the same ones the API and dashboard show;
    ``reopen`` rules on the tracking stage's follow-ups (``tracking.follow_up``)."""

    def __init__(self, rules: Sequence[AlertRule]) -> None:
        self.rules = list(rules)

    def evaluate(
        self,
        *,
        topics: Sequence[Topic],
        posts: Sequence[Post],
        emergences: Sequence[Emergence] = (),
        follow_ups: Sequence[ComplaintFollowUp] = (),
    ) -> list[Alert]:
        alerts: list[Alert] = []
        for rule in self.rules:
            if rule.kind == "reopen":
                alerts += self._reopen(rule, follow_ups)
            elif rule.kind == "topic_spike":
                alerts += self._topic_spikes(rule, topics)
            elif rule.kind == "emerging":
                alerts += self._emergences(rule, emergences)
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
        rules = {r.name: r for r in self.rules}
        return [_unless_muted(a, rules[a.rule]) for a in _cooldown(alerts, rules)]

    def _topic_spikes(self, rule: AlertRule, topics: Sequence[Topic]) -> list[Alert]:
        out = []
        for topic in topics:
            for spike in topic.spikes:
                if spike.score < rule.min_score:
                    continue
                subject = f"topic {topic.topic_id}: {topic.label}"
                out.append(
                    Alert(
                        alert_id=alert_id(rule.name, f"topic {topic.topic_id}", spike.start),
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

    def _emergences(self, rule: AlertRule, emergences: Sequence[Emergence]) -> list[Alert]:
        """One alert per emergence at or over ``min_score``, in the rule's category and
        province when it names them."""
        return [
            Alert(
                alert_id=alert_id(rule.name, f"emergence {e.episode_id}", e.start),
                rule=rule.name,
                kind=rule.kind,
                subject=e.label,
                triggered_at=e.detected_at,
                window_start=e.start,
                score=e.score,
                observed=e.observed,
                expected=e.expected,
                topic_id=e.topic_id,
                category=e.category,
                province=e.province,
                post_ids=e.post_ids[:10],
                recipients=rule.recipients,
            )
            for e in emergences
            if e.score >= rule.min_score
            and (rule.category is None or e.category == rule.category)
            and (rule.province is None or e.province == rule.province)
        ]

    def _reopen(self, rule: AlertRule, follow_ups: Sequence[ComplaintFollowUp]) -> list[Alert]:
        """One alert per undecided reopen candidate and resolution, in the rule's agency,
        category and province. An officer's verdict, either way, ends the alerting: a
        confirmed case is being reopened, a dismissed one is not a candidate."""
        out = []
        for f in follow_ups:
            if not f.reopen_candidate or f.decision is not None or not f.still_broken:
                continue
            if not _reopen_matches(rule, f):
                continue
            evidence = sorted(f.still_broken, key=lambda p: (p.days_after, p.post_id))
            out.append(
                Alert(
                    alert_id=alert_id(rule.name, f"complaint {f.complaint_id}", f.resolved_at),
                    rule=rule.name,
                    kind=rule.kind,
                    subject=f"complaint {f.complaint_id}",
                    triggered_at=f.resolved_at + timedelta(days=evidence[0].days_after),
                    window_start=f.resolved_at,
                    score=float(len(evidence)),
                    observed=len(evidence),
                    expected=0.0,
                    category=f.category,
                    province=f.province,
                    complaint_id=f.complaint_id,
                    post_ids=[p.post_id for p in evidence[:10]],
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
                    keyword=rule.keyword if rule.kind == "keyword" else None,
                    category=rule.category if rule.kind == "category_province" else None,
                    province=rule.province if rule.kind == "category_province" else None,
                    post_ids=[p.id for p in inside[:10]],
                    recipients=rule.recipients,
                )
            )
        return out


def hour_floor(moment: datetime) -> datetime:
    """The start of the clock hour (as ``topics.bursts.hour_floor``, without its imports)."""
    return moment.replace(minute=0, second=0, microsecond=0)


def _reopen_matches(rule: AlertRule, follow_up: ComplaintFollowUp) -> bool:
    if rule.category is not None and follow_up.category != rule.category:
        return False
    if rule.province is not None and follow_up.province != rule.province:
        return False
    return not rule.agency or rule.agency in (follow_up.agency or "")


def _has_keyword(post: Post, keyword: str | None) -> bool:
    if not keyword or post.enrichment is None:
        return False
    return keyword in post.enrichment.tokens or keyword in post.enrichment.normalized_text


def cooldown_key(alert: Alert) -> tuple[str, str]:
    """What a cooldown counts repeats of: the rule and the topic, keyword or place (an
    emergence's label names its category and place)."""
    if alert.kind == "emerging":
        return alert.rule, alert.subject
    subject = f"topic {alert.topic_id}" if alert.topic_id is not None else alert.subject
    return alert.rule, subject


def _unless_muted(alert: Alert, rule: AlertRule) -> Alert:
    """A muted rule's alert stays in the history, suppressed: nobody is mailed."""
    if rule.muted_until is not None and alert.triggered_at < rule.muted_until:
        return alert.model_copy(update={"status": "suppressed"})
    return alert


def _cooldown(alerts: list[Alert], rules: dict[str, AlertRule]) -> list[Alert]:
    """Keep the first alert per (rule, subject) within each cooldown period."""
    kept: list[Alert] = []
    last: dict[tuple[str, str], datetime] = {}
    for alert in sorted(alerts, key=lambda a: (a.window_start, a.alert_id)):
        key = cooldown_key(alert)
        cooldown = timedelta(minutes=rules[alert.rule].cooldown_minutes)
        previous = last.get(key)
        if previous is not None and alert.window_start < previous + cooldown:
            continue
        last[key] = alert.window_start
        kept.append(alert)
    return kept


__all__ = ["AlertEvaluator", "alert_id", "cooldown_key", "list_rules"]
