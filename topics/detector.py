"""Emerging grievances over a set of posts: series, voices, windows, new clusters, records.

``detect_emergences`` is the one entry point: the topics stage calls it on the store's posts
(judging only the hours after its last run), and ``siang trends`` on a file's whole history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np

from domain.models import Emergence, Post
from domain.settings import TrendSettings
from topics.emergence import Grid, count_voices, score_windows
from topics.episodes import attach_rows, emergences, join
from topics.novelty import new_clusters
from topics.series import PostColumns, copies, memberships


def detect_emergences(
    posts: Sequence[Post],
    vectors: np.ndarray,
    settings: TrendSettings,
    *,
    judge_from: datetime | None = None,
    topic_labels: Mapping[int, str] | None = None,
) -> list[Emergence]:
    """Emergences among ``posts`` (time-ordered, row-aligned with ``vectors``), strongest
    first. Only hours from ``judge_from`` on are judged; earlier posts are the baseline."""
    if not posts:
        return []
    columns = PostColumns.of(posts)
    copy = copies(columns, vectors, settings)
    members = memberships(columns, copy, settings)
    grid = Grid.covering(float(columns.stamp.min()), float(columns.stamp.max()))
    counts = count_voices(columns, members, grid, settings)
    first = int(settings.warmup_days * 24)
    if judge_from is not None:
        first = max(first, int(grid.hour_of(np.array([judge_from.timestamp()]))[0]))
    judged = (first, int(grid.hour_of(columns.stamp[-1:])[0]) + 1)
    episodes = score_windows(counts, members, settings, evaluate=judged)
    attach_rows(episodes, members, columns, grid)
    episodes += new_clusters(
        columns, vectors, (~copy).astype(float), grid, settings, evaluate=judged
    )
    return emergences(
        join(episodes),
        keys=members.keys,
        columns=columns,
        grid=grid,
        settings=settings,
        topic_labels=topic_labels or {},
    )


__all__ = ["detect_emergences"]
