"""The topics stage: topics that keep their identity over time, and their spikes.

The first run (or ``refit``) fits BERTopic over every enriched post. Later runs cluster only
the posts no run has seen, window by window (``models.topics.window``, Bangkok time), with
the recent unassigned posts (``lookback_days``) given another chance; each window's clusters
are matched to the known topics (``topics.identity``) so a topic keeps its id, and merges
and splits are recorded. History is never refitted. Posts a run saw but could not place get
``topic_id = -1``, so a run with nothing new changes nothing.

Every run then rebuilds the topic records (``topics.records``) and looks for emerging
grievances (``topics.detector``) on every topic, category and place series, judging only the
hours after the previous run's; the emergences are kept in the store with the time they
were detected, and each topic's spikes are the emergences on its posts.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from domain.models import BANGKOK, Emergence, Post, SpikeEpisode, Topic, TopicEvent
from domain.settings import Settings, TrendSettings
from enrich.thai_text import content_tokens
from storage.base import EmergenceQuery, Store
from topics.detector import detect_emergences
from topics.identity import Matching, TopicSignature, match_clusters, unit_centroid
from topics.modeling import OUTLIER, cluster_documents, min_documents, topic_keywords
from topics.records import PostFrame, merged_record, topic_record

log = logging.getLogger(__name__)
_UNSEEN = -2  # internal: a post no topic run has looked at yet
SPIKE_HISTORY = timedelta(days=30)  # a topic record lists the spikes of its last 30 days
_BANGKOK = ZoneInfo(BANGKOK)


@dataclass
class TrendsReport:
    topics: list[Topic]
    emergences: list[Emergence] = field(default_factory=list)
    outliers: int = 0
    mode: str = "none"  # full | update | none
    windows: int = 0
    events: list[TopicEvent] = field(default_factory=list)
    posts: int = 0  # enriched posts the run read


class TopicStage:
    """Fit or update topics for the enriched posts in the store, then score them."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def run(
        self, *, refit: bool = False, progress: Callable[[str], None] | None = None
    ) -> TrendsReport:
        posts = sorted(
            (p for p in self.store.iter_posts() if p.enrichment is not None),
            key=lambda p: (p.created_at, p.id),
        )
        if not posts:
            return TrendsReport([])
        vectors = self.store.post_vectors([p.id for p in posts])
        known = {} if refit else {t.topic_id: t for t in self.store.iter_topics()}
        before = [p.topic_id for p in posts]
        if progress:
            progress(f"topics over {len(posts)} posts ({len(known)} known topics)")
        judged = None if refit else self.store.emergences_judged_until()
        earlier: list[Emergence] = []
        if judged is not None:
            _, earlier = self.store.list_emergences(
                EmergenceQuery(detected_from=judged - SPIKE_HISTORY), limit=10_000
            )
        report = build_trends(
            posts,
            vectors,
            self.settings,
            known=known,
            refit=refit,
            judge_from=judged,
            earlier=earlier,
        )
        changed = {
            p.id: p.topic_id for p, old in zip(posts, before, strict=True) if p.topic_id != old
        }
        if changed:
            self.store.assign_topics(changed)
        self.store.replace_topics(report.topics)
        self.store.upsert_emergences(report.emergences, judged_until=posts[-1].created_at)
        report.posts = len(posts)
        return report


def documents_of(posts: Sequence[Post]) -> list[str]:
    """What BERTopic reads: Siang content tokens (no stopwords, digits, URL parts), joined."""
    return [" ".join(content_tokens(p.enrichment.tokens)) if p.enrichment else "" for p in posts]


def build_trends(
    posts: list[Post],
    vectors: np.ndarray,
    settings: Settings,
    *,
    known: dict[int, Topic] | None = None,
    refit: bool = False,
    judge_from: datetime | None = None,
    earlier: Sequence[Emergence] = (),
) -> TrendsReport:
    """Assign topics to ``posts`` (setting their ``topic_id``), build every record and
    detect emergences in the hours from ``judge_from`` (all hours when None).

    ``posts`` must be sorted by time; ``known`` holds the stored topic records and
    ``earlier`` the stored emergences. A run judges again the ``max(windows_hours)`` before
    ``judge_from``, so an episode that was still growing keeps its id and grows.
    """
    known = known or {}
    documents = documents_of(posts)
    ids = np.array([_UNSEEN if p.topic_id is None else p.topic_id for p in posts], dtype=np.int64)
    as_of = max(p.created_at for p in posts)
    start = hour_floor(min(p.created_at for p in posts).astimezone(_BANGKOK))
    frame = PostFrame.build(posts, start, total_hours(start, as_of))
    if refit or not known or (ids == _UNSEEN).all():
        ids, events = _full_fit(documents, vectors, settings, at=as_of)
        known, mode, windows = {}, "full", 1
    elif (ids == _UNSEEN).any():
        ids, events, windows = _update(frame, documents, vectors, ids, known, settings)
        mode = "update"
    else:
        events, mode, windows = [], "none", 0
    for post, topic_id in zip(posts, ids.tolist(), strict=True):
        if post.topic_id != topic_id:
            post.topic_id = topic_id
    topics = _records(frame, documents, vectors, ids, known, events, settings, as_of=as_of)
    recent = np.arange(len(posts))
    if judge_from is not None:
        judge_from -= timedelta(hours=max(settings.trends.windows_hours))
        # only the history the judged hours read: baseline, guard, windows and copies
        reach = history_needed(settings.trends)
        first = int(np.searchsorted(frame.stamp, (judge_from - reach).timestamp()))
        recent = recent[first:]
    found = detect_emergences(
        [posts[i] for i in recent] if len(recent) < len(posts) else posts,
        vectors[recent] if len(recent) < len(posts) else vectors,
        settings.trends,
        judge_from=judge_from,
        topic_labels={t.topic_id: t.label for t in topics},
    )
    found += carry_into_topics(earlier, posts)
    every = list({e.episode_id: e for e in [*earlier, *found]}.values())
    topics = [_with_spikes(t, every, settings, as_of=as_of) for t in topics]
    return TrendsReport(
        topics,
        found,
        outliers=int((ids == OUTLIER).sum()),
        mode=mode,
        windows=windows,
        events=events,
    )


def _full_fit(
    documents: list[str], vectors: np.ndarray, settings: Settings, *, at: datetime
) -> tuple[np.ndarray, list[TopicEvent]]:
    clustering = cluster_documents(documents, vectors, settings.models.topics)
    ids = np.array(clustering.assignments, dtype=np.int64)
    events = [
        TopicEvent(kind="created", at=at, topic_ids=[int(t)])
        for t in sorted(set(ids.tolist()) - {OUTLIER})
    ]
    return ids, events


def _window_start(moment: datetime, window: str) -> datetime:
    local = moment.astimezone(_BANGKOK)
    if window == "hour":
        return hour_floor(local)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _update(
    frame: PostFrame,
    documents: list[str],
    vectors: np.ndarray,
    ids: np.ndarray,
    known: dict[int, Topic],
    settings: Settings,
) -> tuple[np.ndarray, list[TopicEvent], int]:
    """Cluster unseen posts window by window and match the clusters to known topics."""
    config = settings.models.topics
    step = timedelta(hours=1) if config.window == "hour" else timedelta(days=1)
    lookback = timedelta(days=config.lookback_days)
    keywords = {
        t.topic_id: {k.word: k.weight for k in t.keywords}
        for t in known.values()
        if t.merged_into is None
    }
    next_id = max(known) + 1 if known else 0
    events: list[TopicEvent] = []
    unseen_rows = np.flatnonzero(ids == _UNSEEN).tolist()
    starts = sorted({_window_start(frame.posts[i].created_at, config.window) for i in unseen_rows})
    for window in starts:
        end = window + step
        before_end = frame.stamp < end.timestamp()
        unseen = (ids == _UNSEEN) & (frame.stamp >= window.timestamp())
        retried = (ids == OUTLIER) & (frame.stamp >= (window - lookback).timestamp())
        pool = np.flatnonzero(before_end & (unseen | retried))
        if not len(pool):
            continue
        signatures = _signatures(vectors, ids, keywords)
        pool_docs = [documents[i] for i in pool]
        pool_vectors = vectors[pool]
        placed = np.full(len(pool), OUTLIER, dtype=np.int64)
        if len(pool) >= min_documents(len(pool), config):
            local = np.array(
                cluster_documents(
                    pool_docs, pool_vectors, config, reducer=config.window_reducer
                ).assignments,
                dtype=np.int64,
            )
            local_keywords = topic_keywords(pool_docs, local.tolist(), top_n=config.top_n_words)
            clusters = [
                TopicSignature(
                    key=int(c),
                    centroid=unit_centroid(pool_vectors[local == c]),
                    keywords=dict(local_keywords.get(int(c), [])),
                    size=int((local == c).sum()),
                )
                for c in sorted(set(local.tolist()) - {OUTLIER})
            ]
            matching = match_clusters(
                signatures,
                clusters,
                at=end,
                next_id=next_id,
                threshold=config.match_threshold,
                keyword_weight=config.keyword_weight,
            )
            next_id = matching.next_id
            events += matching.events
            for cluster in clusters:
                topic_id = matching.cluster_topic[cluster.key]
                placed[local == cluster.key] = topic_id
                if topic_id not in keywords:
                    keywords[topic_id] = dict(cluster.keywords)
            _apply_merges(ids, placed, keywords, matching)
        ids[pool] = placed
        rest = pool[placed == OUTLIER]
        if len(rest):
            ids[rest] = _nearest(
                vectors[rest], _signatures(vectors, ids, keywords), config.assign_threshold
            )
    ids[ids == _UNSEEN] = OUTLIER  # cannot happen: every unseen post is in some window
    log.info("topics: %d windows, %d events", len(starts), len(events))
    return ids, events, len(starts)


def _apply_merges(
    ids: np.ndarray, placed: np.ndarray, keywords: dict[int, dict[str, float]], matching: Matching
) -> None:
    for retired, survivor in matching.merged.items():
        while survivor in matching.merged:
            survivor = matching.merged[survivor]
        ids[ids == retired] = survivor
        placed[placed == retired] = survivor
        keywords.pop(retired, None)


def _signatures(
    vectors: np.ndarray, ids: np.ndarray, keywords: dict[int, dict[str, float]]
) -> list[TopicSignature]:
    out = []
    for topic_id in sorted(keywords):
        members = ids == topic_id
        if members.any():
            out.append(
                TopicSignature(
                    key=topic_id,
                    centroid=unit_centroid(vectors[members]),
                    keywords=keywords[topic_id],
                    size=int(members.sum()),
                )
            )
    return out


def _nearest(
    vectors: np.ndarray, signatures: Sequence[TopicSignature], threshold: float
) -> np.ndarray:
    if not signatures:
        return np.full(len(vectors), OUTLIER, dtype=np.int64)
    centroids = np.vstack([s.centroid for s in signatures])
    keys = np.array([s.key for s in signatures], dtype=np.int64)
    cosines = vectors @ centroids.T
    best = cosines.argmax(axis=1)
    return np.where(cosines[np.arange(len(vectors)), best] >= threshold, keys[best], OUTLIER)


def _records(
    frame: PostFrame,
    documents: list[str],
    vectors: np.ndarray,
    ids: np.ndarray,
    known: dict[int, Topic],
    events: list[TopicEvent],
    settings: Settings,
    *,
    as_of: datetime,
) -> list[Topic]:
    config = settings.models.topics
    keywords = topic_keywords(
        documents, ids.tolist(), top_n=config.top_n_words, min_df=config.min_df
    )
    by_topic: dict[int, list[int]] = defaultdict(list)
    for index, topic_id in enumerate(ids.tolist()):
        if topic_id != OUTLIER:
            by_topic[topic_id].append(index)
    history: dict[int, list[TopicEvent]] = defaultdict(list)
    for topic in known.values():
        history[topic.topic_id] = list(topic.events)
    for event in events:
        for topic_id in event.topic_ids:
            history[topic_id].append(event)
    records = [
        topic_record(
            topic_id,
            np.array(rows, dtype=np.int64),
            frame,
            vectors[rows],
            keywords.get(topic_id, []),
            as_of=as_of,
            events=history[topic_id],
        )
        for topic_id, rows in sorted(by_topic.items())
    ]
    survivors = _survivors(events, known)
    for topic_id, topic in sorted(known.items()):
        if topic_id not in by_topic:  # merged away (now or earlier), kept so the id resolves
            into = survivors.get(topic_id, topic.merged_into)
            if into is not None:
                records.append(merged_record(topic, into=into, events=history[topic_id]))
    return sorted(records, key=lambda t: t.topic_id)


def _survivors(events: Sequence[TopicEvent], known: dict[int, Topic]) -> dict[int, int]:
    into: dict[int, int] = {
        t.topic_id: t.merged_into for t in known.values() if t.merged_into is not None
    }
    for event in events:
        if event.kind == "merged":
            survivor, *retired = event.topic_ids
            for topic_id in retired:
                into[topic_id] = survivor
    for topic_id in list(into):
        target = into[topic_id]
        while target in into:
            target = into[target]
        into[topic_id] = target
    return into


def carry_into_topics(earlier: Sequence[Emergence], posts: Sequence[Post]) -> list[Emergence]:
    """Earlier emergences no topic held (new clusters) whose posts a topic now holds: they
    are carried into that topic, and become its spikes."""
    topic_of = {p.id: p.topic_id for p in posts}
    carried = []
    for e in earlier:
        if e.topic_id is not None:
            continue
        ids = [topic_of.get(i) for i in e.post_ids]
        held = [t for t in ids if t is not None and t != OUTLIER]
        if held:
            topic, n = Counter(held).most_common(1)[0]
            if n * 2 >= len(e.post_ids):
                carried.append(e.model_copy(update={"topic_id": topic}))
    return carried


def _with_spikes(
    topic: Topic, found: Sequence[Emergence], settings: Settings, *, as_of: datetime
) -> Topic:
    """The topic's spikes: emergences on its posts detected in the last ``SPIKE_HISTORY``;
    its spike score: the strongest detected in the last ``trends.current_hours``."""
    if topic.merged_into is not None:
        return topic
    mine = [
        e for e in found if e.topic_id == topic.topic_id and e.detected_at > as_of - SPIKE_HISTORY
    ]
    recent = as_of - timedelta(hours=settings.trends.current_hours)
    spikes = [
        SpikeEpisode(
            start=e.start,
            peak=e.peak,
            end=e.end,
            score=e.score,
            observed=e.observed,
            expected=e.expected,
            posts=e.posts,
            post_ids=e.post_ids[:20],
        )
        for e in sorted(mine, key=lambda e: e.start)
    ]
    current = max((e.score for e in mine if e.detected_at > recent), default=0.0)
    return topic.model_copy(update={"spikes": spikes, "spike_score": round(current, 3)})


def history_needed(trends: TrendSettings) -> timedelta:
    """How far before the first judged hour the detector reads."""
    return (
        timedelta(days=trends.baseline_days)
        + timedelta(hours=trends.guard_hours + max(trends.windows_hours))
        + timedelta(hours=max(trends.copy_hours, trends.repeat_hours))
    )


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def total_hours(start: datetime, end: datetime) -> int:
    return int((hour_floor(end) - hour_floor(start)).total_seconds() // 3600) + 1


__all__ = [
    "TopicStage",
    "TrendsReport",
    "build_trends",
    "carry_into_topics",
    "documents_of",
    "history_needed",
]
