"""Timelines with every bucket of their range: an hour or day without posts is a zero.

Stores return only the buckets that hold posts; a chart drawn from those alone joins a
burst to the last busy day with a straight climb. Buckets start on Bangkok hours and
midnights (Thailand keeps no daylight saving, so every step is exactly an hour or a day).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from fastapi import HTTPException

from api.models import TimelinePoint
from domain.models import BANGKOK_TZ
from storage.base import Bucket

Interval = Literal["hour", "day"]
MAX_BUCKETS = 20_000  # 2.3 years of hours, 55 years of days
STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1)}


def bucket_start(moment: datetime, interval: Interval) -> datetime:
    """The Bangkok hour or day ``moment`` falls in."""
    local = moment.astimezone(BANGKOK_TZ).replace(minute=0, second=0, microsecond=0)
    return local.replace(hour=0) if interval == "day" else local


def every_bucket(
    buckets: Iterable[Bucket],
    *,
    interval: Interval,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[TimelinePoint]:
    """One point per bucket of ``[start, end)``, zeros included, in Bangkok time.

    A missing bound is the first or last bucket holding posts; with neither bound nor posts
    the timeline is empty. More than ``MAX_BUCKETS`` buckets is a 422 that says what to do.
    """
    counts: dict[datetime, int] = {}
    for bucket in buckets:
        if bucket.time is not None:
            at = bucket_start(bucket.time, interval)
            counts[at] = counts.get(at, 0) + bucket.count
    step = STEP[interval]
    first = bucket_start(start, interval) if start else min(counts, default=None)
    last = bucket_start(end - timedelta(microseconds=1), interval) if end else None
    if last is None:
        last = max(counts, default=first)
    if first is None or last is None or last < first:
        return []
    size = (last - first) // step + 1
    if size > MAX_BUCKETS:
        raise HTTPException(
            422,
            f"the range holds {size:,} {interval} buckets, more than {MAX_BUCKETS:,}: "
            + (
                "narrow start/end or use interval=day" if interval == "hour" else "narrow start/end"
            ),
        )
    return [
        TimelinePoint(time=moment, count=counts.get(moment, 0))
        for moment in (first + i * step for i in range(size))
    ]


__all__ = ["MAX_BUCKETS", "STEP", "Interval", "bucket_start", "every_bucket"]
