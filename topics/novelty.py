"""New clusters: grievances that resemble no earlier topic, flagged before topics catch up.

BERTopic gives a new grievance an id only at its next update. Until then its first posts
sit outside every topic, so no topic series can spike. At the end of each hour, a grievance
post from the last ``novelty.window_hours`` is *new* when no topic that existed before that
window has a centroid (from its posts before the window) within ``novelty.novel_below``
cosine of it. New posts within ``novelty.join_cosine`` of each other form clusters; a
cluster with ``novelty.min_voices`` distinct voices is an episode of kind ``new_cluster``.
Its posts carry their later topic id, so the emergence is joined to the topic it becomes.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from domain.settings import TrendSettings
from topics.emergence import Episode, Grid
from topics.modeling import OUTLIER
from topics.series import PostColumns


def new_clusters(
    columns: PostColumns,
    vectors: np.ndarray,
    voice: np.ndarray,
    grid: Grid,
    settings: TrendSettings,
    *,
    evaluate: tuple[int, int],
) -> list[Episode]:
    """``new_cluster`` episodes over the grid hours ``evaluate`` [from, to)."""
    config = settings.novelty
    if not len(vectors) or not len(columns.ids):
        return []
    window = config.window_hours * 3600.0
    hours = grid.hour_of(columns.stamp)
    grievance = np.array([c is not None for c in columns.category])
    dims = vectors.shape[1]
    sums: dict[int, np.ndarray] = {}
    added = 0  # posts before this index are in ``sums``
    found: dict[int, Episode] = {}
    novel_rows: list[int] = []
    lo, hi = evaluate
    born: dict[int, float] = {}
    for topic, stamp in zip(columns.topic.tolist(), columns.stamp.tolist(), strict=True):
        born.setdefault(topic, stamp)  # posts are in time order
    for day_start in range(lo - lo % 24, hi, 24):
        begin = grid.time(day_start).timestamp()
        cutoff = begin - window  # topics as they stood before the earliest window of the day
        while added < len(columns.ids) and columns.stamp[added] < cutoff:
            topic = int(columns.topic[added])
            if topic != OUTLIER:
                sums.setdefault(topic, np.zeros(dims, dtype=np.float64))
                sums[topic] += vectors[added]
            added += 1
        today = np.flatnonzero(
            grievance & (hours >= day_start) & (hours < min(day_start + 24, hi)) & (voice > 0)
        )
        today = today[
            [int(t) == OUTLIER or born[int(t)] >= cutoff for t in columns.topic[today].tolist()]
        ]
        if not len(today):
            continue
        earlier = np.flatnonzero(
            grievance[:added]
            & (columns.topic[:added] == OUTLIER)
            & (columns.stamp[:added] >= cutoff - config.reference_days * 86_400.0)
        )
        reference = [vectors[earlier]] if len(earlier) else []
        if sums:
            centroids = np.vstack(list(sums.values()))
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
            reference.append(centroids.astype(vectors.dtype))
        if reference:
            nearest = (vectors[today] @ np.vstack(reference).T).max(axis=1)
            today = today[nearest < config.novel_below]
        novel_rows = [r for r in novel_rows if columns.stamp[r] >= begin - window]
        novel_rows += today.tolist()
        if len(novel_rows) < config.min_voices:
            continue
        pool = np.array(novel_rows, dtype=np.int64)
        links = (vectors[pool] @ vectors[pool].T) >= config.join_cosine
        for hour in range(max(day_start, lo), min(day_start + 24, hi)):
            end = grid.time(hour + 1).timestamp()
            live = (columns.stamp[pool] < end) & (columns.stamp[pool] >= end - window)
            if live.sum() < config.min_voices or not (hours[pool[live]] == hour).any():
                continue
            _clusters(pool[live], links[np.ix_(live, live)], columns, hour, settings, found)
    return list(found.values())


def _clusters(
    rows: np.ndarray,
    links: np.ndarray,
    columns: PostColumns,
    hour: int,
    settings: TrendSettings,
    found: dict[int, Episode],
) -> None:
    """Record the clusters with enough distinct voices at ``hour``, keyed by first post."""
    n, labels = connected_components(csr_matrix(links), directed=False)
    config = settings.novelty
    rate = settings.min_rate_per_day / 24.0
    for label in range(n):
        members = rows[labels == label]
        voices = len({columns.author[r] or columns.ids[r] for r in members.tolist()})
        if voices < config.min_voices:
            continue
        first = int(members.min())
        expected = rate * config.window_hours
        # a series nobody spoke of: geometric predictive with the floor rate (prior of one post)
        score = -voices * math.log10(expected / (1.0 + expected))
        episode = found.get(first)
        if episode is None:
            found[first] = Episode(
                series=first,
                window=config.window_hours,
                first=hour,
                last=hour,
                peak=hour,
                score=score,
                observed=voices,
                expected=expected,
                rows=np.sort(members),
                kind="new_cluster",
            )
            continue
        episode.last = hour
        episode.rows = np.union1d(episode.rows, members)
        if score > episode.score:
            episode.peak, episode.score = hour, score


__all__ = ["new_clusters"]
