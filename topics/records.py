"""Topic records: what a policy team reads about a topic, rebuilt from its posts each run.

Counts per day and per hour (Bangkok time), spike episodes and the current spike score,
provinces, sentiment mix, dominant category, status, representative posts and a readable
phrase. Identity (id, events, merges) comes from ``topics.identity``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from domain.models import (
    BANGKOK,
    Category,
    Keyword,
    Post,
    SpikeEpisode,
    Topic,
    TopicEvent,
    TopicStatus,
)
from domain.settings import Settings
from topics.bursts import Detection, HourlySeries, detect, hour_floor

_REPRESENTATIVES = 5
_PHRASE_CHARS = 80
_HOURLY_DAYS = 7
_BANGKOK = ZoneInfo(BANGKOK)


@dataclass
class PostFrame:
    """Per-post columns computed once per run, so each topic's record is array work.

    ``hour`` is the index of the post's hour from ``start``; ``day`` and ``hour_label`` are
    its Bangkok calendar day and hour; order follows ``posts``.
    """

    posts: Sequence[Post]
    start: datetime
    hours: int
    hour: np.ndarray
    day: list[str]
    hour_label: list[str]

    @classmethod
    def build(cls, posts: Sequence[Post], start: datetime, hours: int) -> PostFrame:
        stamps = np.fromiter((p.created_at.timestamp() for p in posts), dtype=np.float64)
        local = [p.created_at.astimezone(_BANGKOK) for p in posts]
        return cls(
            posts=posts,
            start=start,
            hours=hours,
            hour=((stamps - start.timestamp()) // 3600).astype(np.int64),
            day=[t.date().isoformat() for t in local],
            hour_label=[hour_floor(t).isoformat(timespec="minutes") for t in local],
        )

    def series(self, rows: np.ndarray) -> HourlySeries:
        counts = np.bincount(self.hour[rows], minlength=self.hours)[: self.hours]
        return HourlySeries(self.start, counts.astype(np.int64))

    def episodes(self, rows: np.ndarray, detections: list[Detection]) -> list[SpikeEpisode]:
        """Spike episodes with their evidence: observed vs expected and the first posts."""
        found = []
        hours = self.hour[rows]
        for d in detections:
            inside = rows[(hours >= d.start_index) & (hours <= d.end_index)]
            first_posts = sorted(
                (self.posts[i] for i in inside), key=lambda p: (p.created_at, p.id)
            )[:20]
            found.append(
                SpikeEpisode(
                    start=self.start + timedelta(hours=d.start_index),
                    peak=self.start + timedelta(hours=d.peak_index),
                    end=self.start + timedelta(hours=d.end_index + 1),
                    score=round(d.score, 3),
                    observed=d.observed,
                    expected=round(d.expected, 4),
                    post_ids=[p.id for p in first_posts],
                )
            )
        return found


def hourly(posts: Sequence[Post], start: datetime) -> dict[datetime, int]:
    counts: Counter[datetime] = Counter(
        hour_floor(p.created_at.astimezone(start.tzinfo)) for p in posts
    )
    return dict(counts)


def episodes(
    series: HourlySeries, detections: list[Detection], posts: Sequence[Post]
) -> list[SpikeEpisode]:
    """Spike episodes with their evidence: observed vs expected and the first posts."""
    found = []
    for d in detections:
        first, last = series.time(d.start_index), series.time(d.end_index) + timedelta(hours=1)
        inside = sorted(
            (p for p in posts if first <= p.created_at < last), key=lambda p: (p.created_at, p.id)
        )
        found.append(
            SpikeEpisode(
                start=first,
                peak=series.time(d.peak_index),
                end=last,
                score=round(d.score, 3),
                observed=d.observed,
                expected=round(d.expected, 4),
                post_ids=[p.id for p in inside[:20]],
            )
        )
    return found


def phrase(posts: Sequence[Post], keywords: Sequence[str]) -> str:
    """The representative post that names most top keywords, cut at a word boundary."""
    best, best_hits = "", -1
    for post in posts:
        text = post.enrichment.normalized_text if post.enrichment else post.text
        hits = sum(1 for k in keywords[:5] if k in text.lower())
        if hits > best_hits:
            best, best_hits = text, hits
    if len(best) <= _PHRASE_CHARS:
        return best
    cut = best[:_PHRASE_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > _PHRASE_CHARS // 2 else cut).rstrip() + "…"


def status(posts: Sequence[Post], *, first_seen: datetime, as_of: datetime) -> TopicStatus:
    day = timedelta(days=1)
    last_day = sum(1 for p in posts if p.created_at > as_of - day)
    span_days = max((as_of - first_seen) / day, 1.0)
    daily = len(posts) / span_days
    if as_of - first_seen <= 3 * day:
        return "emerging"
    if last_day >= max(3, 1.5 * daily):
        return "growing"
    if last_day <= 0.5 * daily:
        return "fading"
    return "stable"


def topic_record(
    topic_id: int,
    rows: np.ndarray,
    frame: PostFrame,
    vectors: np.ndarray,
    keywords: list[tuple[str, float]],
    *,
    profile: np.ndarray,
    settings: Settings,
    as_of: datetime,
    events: Sequence[TopicEvent] = (),
) -> Topic:
    """The record of one live topic from its posts (``rows`` of ``frame``; ``vectors``
    row-aligned with ``rows``)."""
    posts = [frame.posts[i] for i in rows]
    series = frame.series(rows)
    detections, scores = detect(series, profile, settings.trends)
    current = float(scores[-settings.trends.current_hours :].max()) if len(scores) else 0.0
    centroid = vectors.mean(axis=0) if len(vectors) else None
    order = (
        np.argsort(-(vectors @ centroid), kind="stable")
        if centroid is not None
        else np.arange(len(posts))
    )
    representatives = [posts[i] for i in order[:_REPRESENTATIVES]]
    enriched = [p.enrichment for p in posts if p.enrichment]
    sentiments = Counter(e.sentiment.label for e in enriched)
    provinces = Counter(e.locations[0].province for e in enriched if e.locations)
    categories = Counter(e.category.label for e in enriched)
    words = [w for w, _ in keywords]
    first_seen = min(p.created_at for p in posts)
    last_seen = max(p.created_at for p in posts)
    recent = frame.hour[rows] > frame.hour.max() - _HOURLY_DAYS * 24
    return Topic(
        topic_id=topic_id,
        label=" · ".join(words[:4]) if words else f"topic {topic_id}",
        phrase=phrase(representatives, words),
        keywords=[Keyword(word=w, weight=round(s, 5)) for w, s in keywords],
        size=len(posts),
        representative_post_ids=[p.id for p in representatives],
        provinces=dict(provinces.most_common()),
        sentiment_mix=dict(sorted(sentiments.items())),
        dominant_category=categories.most_common(1)[0][0] if categories else Category.none,
        first_seen=first_seen,
        last_seen=last_seen,
        status=status(posts, first_seen=first_seen, as_of=as_of),
        spike_score=round(current, 3),
        spikes=frame.episodes(rows, detections),
        counts_daily=dict(sorted(Counter(frame.day[i] for i in rows).items())),
        counts_hourly=dict(
            sorted(
                Counter(frame.hour_label[i] for i, r in zip(rows, recent, strict=True) if r).items()
            )
        ),
        events=list(events),
    )


def merged_record(previous: Topic, *, into: int, events: Sequence[TopicEvent]) -> Topic:
    """A retired topic: kept, so its id still resolves, pointing at the one it joined."""
    return previous.model_copy(
        update={
            "size": 0,
            "status": "merged",
            "spike_score": 0.0,
            "merged_into": into,
            "events": list(events),
            "representative_post_ids": [],
        }
    )


__all__ = ["PostFrame", "episodes", "hourly", "merged_record", "phrase", "status", "topic_record"]
