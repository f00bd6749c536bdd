"""The topics stage: fit topics over stored posts, score spikes, write Topic records.

Also detects spikes on every (category, province) series for the alert rules.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from domain.models import Category, Keyword, Post, SpikeEpisode, Topic, TopicStatus
from domain.settings import Settings
from enrich.thai_text import content_tokens
from storage.base import Store
from topics.bursts import (
    Detection,
    HourlySeries,
    detect,
    hour_floor,
    series_from_buckets,
    total_hours,
    week_profile,
)
from topics.modeling import OUTLIER, fit_topics

log = logging.getLogger(__name__)
_REPRESENTATIVES = 5


@dataclass
class SeriesSpike:
    """A spike on a (category, province) series, an alert candidate."""

    category: str
    province: str
    episode: SpikeEpisode


@dataclass
class TrendsReport:
    topics: list[Topic]
    series_spikes: list[SeriesSpike] = field(default_factory=list)
    outliers: int = 0


class TopicStage:
    """Fit, label and score topics for every enriched post in the store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def run(self, *, progress: Callable[[str], None] | None = None) -> TrendsReport:
        posts = [p for p in self.store.iter_posts() if p.enrichment is not None]
        posts.sort(key=lambda p: p.id)
        vectors = self.store.post_vectors([p.id for p in posts])
        if progress:
            progress(f"fitting topics on {len(posts)} posts")
        report = build_trends(posts, vectors, self.settings)
        self.store.assign_topics({p.id: p.topic_id for p in posts})
        self.store.replace_topics(report.topics)
        return report


def build_trends(posts: list[Post], vectors: np.ndarray, settings: Settings) -> TrendsReport:
    """Fit topics on ``posts`` (mutating their ``topic_id``) and score every series."""
    documents = [
        " ".join(content_tokens(p.enrichment.tokens)) if p.enrichment else "" for p in posts
    ]
    fit = fit_topics(documents, vectors, settings.models.topics)
    for post, topic_id in zip(posts, fit.assignments, strict=True):
        post.topic_id = None if topic_id == OUTLIER else topic_id
    start = hour_floor(min(p.created_at for p in posts))
    end = max(p.created_at for p in posts)
    hours = total_hours(start, end)
    total = series_from_buckets(_hourly(posts, start), start, hours)
    profile = week_profile(total)
    by_topic: dict[int, list[int]] = defaultdict(list)
    for index, post in enumerate(posts):
        if post.topic_id is not None:
            by_topic[post.topic_id].append(index)
    topics = [
        _topic_record(
            topic_id,
            [posts[i] for i in rows],
            vectors[rows],
            fit.keywords[topic_id],
            start=start,
            hours=hours,
            profile=profile,
            settings=settings,
            as_of=end,
        )
        for topic_id, rows in sorted(by_topic.items())
    ]
    return TrendsReport(
        topics, _series_spikes(posts, start, hours, profile, settings), outliers=fit.outliers_after
    )


def _hourly(posts: Sequence[Post], start: datetime) -> dict[datetime, int]:
    counts: Counter[datetime] = Counter(
        hour_floor(p.created_at.astimezone(start.tzinfo)) for p in posts
    )
    return dict(counts)


def _episodes(
    series: HourlySeries, detections: list[Detection], posts: Sequence[Post]
) -> list[SpikeEpisode]:
    episodes = []
    for d in detections:
        first, last = series.time(d.start_index), series.time(d.end_index) + timedelta(hours=1)
        inside = sorted(
            (p for p in posts if first <= p.created_at < last), key=lambda p: p.created_at
        )
        episodes.append(
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
    return episodes


def _topic_record(
    topic_id: int,
    posts: list[Post],
    vectors: np.ndarray,
    keywords: list[tuple[str, float]],
    *,
    start: datetime,
    hours: int,
    profile: np.ndarray,
    settings: Settings,
    as_of: datetime,
) -> Topic:
    series = series_from_buckets(_hourly(posts, start), start, hours)
    detections, scores = detect(series, profile, settings.trends)
    current = float(scores[-settings.trends.current_hours :].max()) if len(scores) else 0.0
    centroid = vectors.mean(axis=0) if len(vectors) else None
    order = (
        np.argsort(-(vectors @ centroid), kind="stable")
        if centroid is not None
        else np.arange(len(posts))
    )
    sentiments = Counter(p.enrichment.sentiment.label for p in posts if p.enrichment)
    provinces = Counter(
        p.enrichment.province for p in posts if p.enrichment and p.enrichment.province
    )
    categories = Counter(p.enrichment.category.label for p in posts if p.enrichment)
    top_words = [w for w, _ in keywords[:4]]
    first_seen = min(p.created_at for p in posts)
    last_seen = max(p.created_at for p in posts)
    return Topic(
        topic_id=topic_id,
        label=" · ".join(top_words) if top_words else f"topic {topic_id}",
        keywords=[Keyword(word=w, weight=round(s, 5)) for w, s in keywords],
        size=len(posts),
        representative_post_ids=[posts[i].id for i in order[:_REPRESENTATIVES]],
        provinces=dict(provinces.most_common()),
        sentiment_mix=dict(sorted(sentiments.items())),
        dominant_category=categories.most_common(1)[0][0] if categories else Category.none,
        first_seen=first_seen,
        last_seen=last_seen,
        status=_status(posts, first_seen=first_seen, as_of=as_of),
        spike_score=round(current, 3),
        spikes=_episodes(series, detections, posts),
    )


def _status(posts: Sequence[Post], *, first_seen: datetime, as_of: datetime) -> TopicStatus:
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


def _series_spikes(
    posts: Sequence[Post], start: datetime, hours: int, profile: np.ndarray, settings: Settings
) -> list[SeriesSpike]:
    groups: dict[tuple[str, str], list[Post]] = defaultdict(list)
    for post in posts:
        e = post.enrichment
        if e and e.is_grievance and e.province:
            groups[(e.category.label.value, e.province)].append(post)
    found = []
    for (category, province), members in sorted(groups.items()):
        if len(members) < settings.trends.min_count:
            continue
        series = series_from_buckets(_hourly(members, start), start, hours)
        detections, _ = detect(series, profile, settings.trends)
        found += [
            SeriesSpike(category, province, ep) for ep in _episodes(series, detections, members)
        ]
    return found


__all__ = ["SeriesSpike", "TopicStage", "TrendsReport", "build_trends"]
