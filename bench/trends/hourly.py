"""The first wave's spike detector, kept as the baseline ``bench.trends.evaluate`` compares
against: hourly Poisson surprise on topic and (category, province) series.

For an hourly series c_t the expected count is

    λ_t = max(floor, level_t · profile[hour_of_week(t)])

where ``level_t`` is the series' mean hourly count over the previous ``baseline_days``
(excluding the current hour; the first day of the window only builds the baseline) and
``profile`` is the all-post volume share per hour of the week, normalised to mean 1, so a
quiet 4 a.m. and a busy 8 p.m. are judged fairly.
The burst score is the surprise ``-log10 P(X ≥ c_t | Poisson(λ_t))``; an hour is flagged
when the score reaches ``min_score`` and ``c_t ≥ min_count``. Consecutive flagged hours
(gaps of one hour allowed) form a ``SpikeEpisode``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from scipy.stats import poisson

HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class HourlySettings:
    """Its settings as they shipped (``trends:`` before the multi-scale detector)."""

    baseline_days: int = 7
    min_count: int = 5
    min_score: float = 6.0
    floor_rate: float = 0.05


@dataclass(frozen=True)
class HourlySeries:
    """Counts per hour from ``start`` (a Bangkok-aware hour boundary)."""

    start: datetime
    counts: np.ndarray

    def time(self, index: int) -> datetime:
        return self.start + timedelta(hours=index)


@dataclass(frozen=True)
class Detection:
    start_index: int
    peak_index: int
    end_index: int
    score: float
    observed: int
    expected: float


def series_from_buckets(
    buckets: Mapping[datetime, int], start: datetime, hours: int
) -> HourlySeries:
    counts = np.zeros(hours, dtype=np.int64)
    for moment, count in buckets.items():
        index = int((moment - start).total_seconds() // 3600)
        if 0 <= index < hours:
            counts[index] += count
    return HourlySeries(start, counts)


def week_profile(total: HourlySeries) -> np.ndarray:
    """Relative volume per hour of the week (mean 1), smoothed with a uniform prior."""
    slots = hour_of_week_slots(total)
    sums = 1.0 + np.bincount(slots, weights=total.counts, minlength=HOURS_PER_WEEK)
    seen = 1.0 + np.bincount(slots, minlength=HOURS_PER_WEEK)
    rate = sums / seen
    return rate / rate.mean()


def hour_of_week_slots(series: HourlySeries) -> np.ndarray:
    """The hour of the week of every index (aware datetime arithmetic is wall-clock time)."""
    return (_hour_of_week(series.start) + np.arange(len(series.counts))) % HOURS_PER_WEEK


def expected_counts(
    series: HourlySeries, profile: np.ndarray, settings: HourlySettings
) -> np.ndarray:
    """λ_t for every hour; NaN while less than a day of history is in the window."""
    counts = series.counts.astype(float)
    weights = profile[hour_of_week_slots(series)]
    cumulative = np.concatenate([[0.0], np.cumsum(counts)])
    cumulative_w = np.concatenate([[0.0], np.cumsum(weights)])
    now = np.arange(len(counts))
    lo = np.maximum(0, now - settings.baseline_days * 24)
    level = (cumulative[now] - cumulative[lo]) / np.maximum(
        cumulative_w[now] - cumulative_w[lo], 1e-9
    )
    expected = np.maximum(settings.floor_rate, level * weights)
    expected[now - lo < 24] = np.nan
    return expected


def surprise(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """-log10 P(X ≥ observed) under Poisson(expected), elementwise; 0 where unknown (NaN)."""
    known = np.isfinite(expected)
    rate = np.where(known, expected, 1.0)
    log_sf = poisson.logsf(observed - 1, rate)
    # Far in the tail logsf underflows to -inf; there P(X >= k) is P(X = k) to within a
    # factor near 1, so the pmf keeps the score finite (a store cannot hold infinity).
    log_sf = np.where(np.isfinite(log_sf), log_sf, poisson.logpmf(observed, rate))
    return np.where((observed > 0) & known, -log_sf / np.log(10), 0.0)


def detect(
    series: HourlySeries, profile: np.ndarray, settings: HourlySettings
) -> tuple[list[Detection], np.ndarray]:
    """Spike episodes in ``series`` and the per-hour scores."""
    expected = expected_counts(series, profile, settings)
    scores = surprise(series.counts, expected)
    flagged = (scores >= settings.min_score) & (series.counts >= settings.min_count)
    episodes: list[Detection] = []
    i, n = 0, len(flagged)
    while i < n:
        if not flagged[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and (flagged[j + 1] or (j + 2 < n and flagged[j + 2])):
            j += 1
        peak = i + int(np.argmax(scores[i : j + 1]))
        episodes.append(
            Detection(
                i,
                peak,
                j,
                float(scores[peak]),
                int(series.counts[peak]),
                float(np.nan_to_num(expected[peak])),
            )
        )
        i = j + 1
    return episodes, scores


def _hour_of_week(moment: datetime) -> int:
    return moment.weekday() * 24 + moment.hour


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def total_hours(start: datetime, end: datetime) -> int:
    return int((hour_floor(end) - hour_floor(start)).total_seconds() // 3600) + 1


def rank_episodes(episodes: Sequence[Detection]) -> list[Detection]:
    return sorted(episodes, key=lambda d: -d.score)


__all__ = [
    "Detection",
    "HourlySeries",
    "HourlySettings",
    "detect",
    "expected_counts",
    "hour_floor",
    "hour_of_week_slots",
    "series_from_buckets",
    "surprise",
    "total_hours",
    "week_profile",
]
