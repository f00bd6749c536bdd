"""Counts of the posts matching any filters: over time (every bucket) and by dimension."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from api.access import Viewer
from api.deps import PostFilters, StoreDep
from api.models import Breakdown, BreakdownBucket, Timeline
from api.timelines import STEP, Interval, every_bucket

router = APIRouter(prefix="/v1")


@router.get("/stats/timeline", response_model=Timeline, tags=["stats"])
def timeline(
    store: StoreDep, caller: Viewer, query: PostFilters, interval: Interval = "day"
) -> Timeline:
    """Posts per hour or day matching the filters: every bucket from ``start`` to ``end``
    (else from the first to the last matching post), zeros included, on Bangkok hours and
    midnights."""
    points = every_bucket(
        store.counts(query, interval=interval), interval=interval, start=query.start, end=query.end
    )
    return Timeline(
        interval=interval,
        start=points[0].time if points else None,
        end=points[-1].time + STEP[interval] if points else None,
        points=points,
    )


@router.get("/stats/{dimension}", response_model=Breakdown, tags=["stats"])
def breakdown(
    store: StoreDep,
    caller: Viewer,
    query: PostFilters,
    dimension: Literal["province", "sentiment", "category", "platform", "topic"],
) -> Breakdown:
    """Posts matching the filters counted by province, sentiment, category, platform or topic."""
    buckets = store.counts(query, by=dimension)
    ordered = sorted((b for b in buckets if b.key is not None), key=lambda b: (-b.count, b.key))
    return Breakdown(
        dimension=dimension,
        buckets=[BreakdownBucket(key=str(b.key), count=b.count) for b in ordered],
    )


__all__ = ["router"]
