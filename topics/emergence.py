"""Emerging grievances: multi-scale spikes of distinct voices, judged with no look-ahead.

Public-health surveillance (CDC's EARS, Farrington, Kulldorff's space-time scans) counts
cases per place and time against a baseline from the past. Siang does the same for voices
(``topics.series``) on every series, at the end of every hour ``t`` and for every window
``w`` in ``trends.windows_hours``:

* observed ``O``: voices in the hours ``(t-w, t]``;
* exposure ``x``: the window's share of the series' usual rhythm, hour of day × weekday,
  estimated from the days before and pulled toward everyone's rhythm by
  ``trends.season_posts`` pseudo-posts (a sparse series follows the overall rhythm);
* baseline: the series' ``n`` voices over exposure ``T`` in the ``trends.baseline_days``
  before the window, leaving out ``trends.guard_hours`` so a slow start does not raise its
  own baseline;
* prior: sparse series borrow a rate from their parents as if category and place were
  independent (the space-time permutation scan's expectation), e.g. for (category,
  province) ``n_category · n_province / n_grievances`` over the same baseline, as a
  Gamma prior worth ``trends.prior_posts`` posts, floored at ``trends.min_rate_per_day``;
* the posterior predictive of ``O`` is negative binomial (Gamma–Poisson), which stays
  honest at zero and near-zero counts, and the score is ``-log10 P(X >= O)``.

A window fires when the score reaches the threshold set by
``trends.false_alarms_per_1000_series_month`` and ``O`` reaches ``trends.min_voices[w]``.
Runs of firing hours are episodes; episodes of different series or windows that share most
of their posts are one emergence (``Emergence``), reported by the series that fired first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from scipy.stats import nbinom

from domain.models import BANGKOK_TZ
from domain.settings import TrendSettings
from topics.series import SCORED, Memberships, PostColumns, SeriesKey

_HOUR = 3600.0


def score_threshold(settings: TrendSettings) -> float:
    """-log10 p that gives ``false_alarms_per_1000_series_month`` under the baseline."""
    tests_per_month = 30 * 24 * len(settings.windows_hours)
    return math.log10(1000 * tests_per_month / settings.false_alarms_per_1000_series_month)


@dataclass(frozen=True)
class Grid:
    """Hours from ``start`` (a Bangkok midnight) over whole days."""

    start: datetime
    days: int

    @property
    def hours(self) -> int:
        return self.days * 24

    @classmethod
    def covering(cls, first: float, last: float) -> Grid:
        day0 = datetime.fromtimestamp(first, BANGKOK_TZ).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        days = int((last - day0.timestamp()) // 86_400) + 1
        return cls(day0, max(days, 1))

    def hour_of(self, stamps: np.ndarray) -> np.ndarray:
        return ((stamps - self.start.timestamp()) // _HOUR).astype(np.int64)

    def time(self, hour: int) -> datetime:
        return self.start + timedelta(hours=hour)


@dataclass
class Episode:
    """A run of firing hours on one series and window (grid hours, inclusive): the peak's
    score, and the observed and expected voices of the first hour, when it was seen."""

    series: int
    window: int
    first: int
    last: int
    peak: int
    score: float
    observed: int
    expected: float
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    kind: str = ""


@dataclass(frozen=True)
class Counts:
    """Voices per series and grid hour, with the exposure each hour carries."""

    grid: Grid
    voices: np.ndarray  # series × hours
    exposure: np.ndarray  # series × hours, mean about 1 per hour

    def cumulative(self) -> tuple[np.ndarray, np.ndarray]:
        zero = np.zeros((self.voices.shape[0], 1))
        return (
            np.concatenate([zero, np.cumsum(self.voices, axis=1)], axis=1),
            np.concatenate([zero, np.cumsum(self.exposure, axis=1)], axis=1),
        )


def count_voices(
    columns: PostColumns, members: Memberships, grid: Grid, settings: TrendSettings
) -> Counts:
    """The voices matrix and a causal rhythm (each day's from the days before it)."""
    n_series, hours = len(members.keys), grid.hours
    hour = grid.hour_of(columns.stamp)[members.post]
    voices = np.zeros((n_series, hours))
    np.add.at(voices, (members.series, hour), members.weight)
    return Counts(grid, voices, _rhythm(voices, grid, settings.season_posts))


def _rhythm(voices: np.ndarray, grid: Grid, strength: float) -> np.ndarray:
    """Exposure per series and hour from earlier days only: the series' hour-of-day shares
    times its weekday factor, each pulled toward everyone's by ``strength`` pseudo-posts, so
    a series with few posts follows the overall rhythm and a busy one its own."""
    n_series, days = voices.shape[0], grid.days
    by_day = voices.reshape(n_series, days, 24)
    hod_before = np.cumsum(by_day, axis=1) - by_day  # series × days × 24, days before each day
    total = hod_before.sum(axis=0)  # days × 24
    overall_hod = (total + 1.0) / (total.sum(axis=1, keepdims=True) + 24.0)
    n_before = hod_before.sum(axis=2, keepdims=True)
    hod_share = (hod_before + strength * overall_hod[None]) / (n_before + strength)
    return (
        hod_share * 24.0 * _weekday_factor(by_day.sum(axis=2), grid, strength)[:, :, None]
    ).reshape(n_series, days * 24)


def _weekday_factor(daily: np.ndarray, grid: Grid, strength: float) -> np.ndarray:
    """Series × days: how busy each day's weekday is for the series, from earlier days.

    Everyone's factor is the weekday's mean volume over the mean (one pseudo-day at the mean);
    a series' own is its voices on that weekday against an even spread over the days seen,
    with ``strength`` pseudo-posts at everyone's factor.
    """
    days = daily.shape[1]
    weekday = np.array([(grid.start + timedelta(days=d)).weekday() for d in range(days)])
    one_hot = np.eye(7)[weekday]  # days × 7
    seen = np.cumsum(one_hot, axis=0) - one_hot  # weekdays of each kind before each day
    everyone = daily.sum(axis=0)
    volume = np.cumsum(everyone[:, None] * one_hot, axis=0) - everyone[:, None] * one_hot
    mean = volume.sum(axis=1, keepdims=True) / np.maximum(seen.sum(axis=1, keepdims=True), 1)
    rate = (volume + mean) / (seen + 1.0)
    overall = (rate / np.maximum(rate.mean(axis=1, keepdims=True), 1e-12))[np.arange(days), weekday]
    same_day = np.zeros_like(daily)  # a series' voices on earlier days of the same weekday
    for k in range(7):
        mask = weekday == k
        running = np.cumsum(daily * mask[None], axis=1)
        same_day[:, mask] = (running - daily * mask[None])[:, mask]
    before = np.cumsum(daily, axis=1) - daily
    share = seen[np.arange(days), weekday] / np.maximum(np.arange(days), 1)  # of days seen
    even = before * share[None]
    prior = strength * share[None]
    return np.where(
        even + prior > 0,
        (same_day + prior * overall[None]) / np.maximum(even + prior, 1e-12),
        overall[None],
    )


def score_windows(
    counts: Counts,
    members: Memberships,
    settings: TrendSettings,
    *,
    evaluate: tuple[int, int],
) -> list[Episode]:
    """Episodes of every scored series and window over grid hours ``evaluate`` [from, to)."""
    cum_v, cum_x = counts.cumulative()
    keys = members.keys
    parents, sibling_counts = _parents(keys)
    scored = np.array([k.kind in SCORED for k in keys])
    threshold = score_threshold(settings)
    floor = settings.min_rate_per_day / 24.0
    lo_eval, hi_eval = evaluate
    episodes: list[Episode] = []
    for window in sorted(settings.windows_hours):
        need = settings.min_voices.get(window, max(settings.min_voices.values(), default=1))
        t = np.arange(lo_eval, hi_eval)
        if not len(t):
            continue
        start = np.maximum(t + 1 - window, 0)
        observed = cum_v[:, t + 1] - cum_v[:, start]
        s_idx, t_pos = np.nonzero((observed >= need - 1e-9) & scored[:, None])
        if not len(s_idx):
            continue
        hours = t[t_pos]
        obs = observed[s_idx, t_pos]
        x = cum_x[s_idx, hours + 1] - cum_x[s_idx, np.maximum(hours + 1 - window, 0)]
        base_hi = np.maximum(hours + 1 - window - settings.guard_hours, 0)
        base_lo = np.maximum(base_hi - settings.baseline_days * 24, 0)
        n = cum_v[s_idx, base_hi] - cum_v[s_idx, base_lo]
        exposure = cum_x[s_idx, base_hi] - cum_x[s_idx, base_lo]

        a, b, c = parents[s_idx, 0], parents[s_idx, 1], parents[s_idx, 2]
        count_a = np.where(a >= 0, _between(cum_v, np.maximum(a, 0), base_lo, base_hi), 0.0)
        count_b = np.where(b >= 0, _between(cum_v, np.maximum(b, 0), base_lo, base_hi), 1.0)
        count_c = np.where(c >= 0, _between(cum_v, np.maximum(c, 0), base_lo, base_hi), 1.0)
        siblings = sibling_counts[s_idx]
        share = np.where(
            b >= 0, count_a * count_b / np.maximum(count_c, 1e-9), count_a / np.maximum(siblings, 1)
        )
        prior_rate = np.maximum(share / np.maximum(exposure, 1e-9), floor)
        alpha = settings.prior_posts + n
        beta = settings.prior_posts / prior_rate + exposure
        p = beta / (beta + np.maximum(x, 1e-9))
        log_sf = nbinom.logsf(np.round(obs) - 1, alpha, p)
        score = np.where(np.isfinite(log_sf), -log_sf / math.log(10), 300.0)
        expected = alpha / beta * x
        fired = score >= threshold
        episodes += _runs(
            s_idx[fired], hours[fired], score[fired], obs[fired], expected[fired], window
        )
    return episodes


def _between(
    cumulative: np.ndarray, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Sums of ``rows`` over the hours [lo, hi), from a cumulative-sum matrix."""
    return cumulative[rows, hi] - cumulative[rows, lo]


def _runs(
    series: np.ndarray,
    hours: np.ndarray,
    score: np.ndarray,
    observed: np.ndarray,
    expected: np.ndarray,
    window: int,
) -> list[Episode]:
    """Consecutive firing hours of one series (one quiet hour allowed) as episodes."""
    order = np.lexsort((hours, series))
    out: list[Episode] = []
    current: Episode | None = None
    for i in order.tolist():
        s, h = int(series[i]), int(hours[i])
        if current is not None and current.series == s and h - current.last <= 2:
            current.last = h
            if score[i] > current.score:
                current.peak, current.score = h, float(score[i])
            continue
        current = Episode(
            s, window, h, h, h, float(score[i]), round(float(observed[i])), float(expected[i])
        )
        out.append(current)
    return out


def _parents(keys: Sequence[SeriesKey]) -> tuple[np.ndarray, np.ndarray]:
    """Per series, (a, b, c) and a sibling count: the prior count over a baseline is
    ``n_a · n_b / n_c`` (category and place independent), or ``n_a / siblings`` (an even
    share of the parent) when ``b`` is -1."""
    index = {k: i for i, k in enumerate(keys)}

    def at(key: SeriesKey) -> int:
        return index.get(key, -1)

    posts, grievances = at(SeriesKey("posts")), at(SeriesKey("grievances"))
    out = np.full((len(keys), 3), -1, dtype=np.int64)
    for i, k in enumerate(keys):
        if k.kind == "category_province":
            out[i] = (
                at(SeriesKey("category", category=k.category)),
                at(SeriesKey("province", province=k.province)),
                posts,
            )
        elif k.kind == "category_district":
            out[i] = (
                at(SeriesKey("category_province", category=k.category, province=k.province)),
                at(SeriesKey("district", province=k.province, district=k.district)),
                at(SeriesKey("province", province=k.province)),
            )
        elif k.kind == "district":
            out[i, 0] = at(SeriesKey("province", province=k.province))
        elif k.kind == "category":
            out[i, 0] = grievances
        elif k.kind in ("province", "topic"):
            out[i, 0] = posts
    family = Counter((k.kind, int(out[i, 0])) for i, k in enumerate(keys))
    siblings = np.array([family[(k.kind, int(out[i, 0]))] for i, k in enumerate(keys)], float)
    return out, siblings


__all__ = [
    "Counts",
    "Episode",
    "Grid",
    "count_voices",
    "score_threshold",
    "score_windows",
]
