"""The first wave's hourly spike detector, kept as the benchmark's baseline."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from bench.trends.hourly import (
    HourlySeries,
    HourlySettings,
    detect,
    expected_counts,
    surprise,
    week_profile,
)
from tests.conftest import T0

START = T0.replace(hour=0)


def _series(counts: list[int]) -> HourlySeries:
    return HourlySeries(START, np.array(counts, dtype=np.int64))


def test_surprise_is_poisson_tail() -> None:
    # P(X >= 3 | λ=1) = 1 - e^-1 (1 + 1 + 1/2) = 0.0803 -> 1.095
    assert surprise(np.array([3]), np.array([1.0]))[0] == pytest.approx(1.0952, abs=1e-3)
    assert surprise(np.array([0]), np.array([1.0]))[0] == 0.0


def test_quiet_topic_jumping_within_hours_is_flagged_at_its_start() -> None:
    rng = np.random.default_rng(0)
    counts = list(rng.poisson(0.2, size=24 * 10))
    burst_at = len(counts)
    counts += [12, 30, 25, 10, 4, *rng.poisson(0.2, size=24)]
    settings = HourlySettings()
    flat = np.ones(168)
    episodes, scores = detect(_series(counts), flat, settings)
    assert len(episodes) == 1
    episode = episodes[0]
    assert episode.start_index == burst_at
    assert episode.peak_index == burst_at + 1
    assert episode.observed == 30
    assert scores[burst_at] >= settings.min_score


def test_steady_busy_series_raises_no_alarm() -> None:
    rng = np.random.default_rng(1)
    counts = list(rng.poisson(8.0, size=24 * 21))
    episodes, _ = detect(_series(counts), np.ones(168), HourlySettings())
    assert episodes == []


def test_baseline_knows_time_of_day() -> None:
    # Every day: 1 post/h at night, 10 posts/h from 18:00 to 21:59.
    day = [1] * 18 + [10] * 4 + [1] * 2
    counts = day * 14
    total = _series(counts)
    profile = week_profile(total)
    expected = expected_counts(total, profile, HourlySettings())
    evening = START + timedelta(days=13, hours=19)
    night = START + timedelta(days=13, hours=3)
    idx = {t: int((t - START).total_seconds() // 3600) for t in (evening, night)}
    assert expected[idx[evening]] == pytest.approx(10, rel=0.2)
    assert expected[idx[night]] == pytest.approx(1, rel=0.3)
    episodes, _ = detect(total, profile, HourlySettings())
    assert episodes == []  # the evening peak is routine, not a spike


def test_minimum_volume_is_respected() -> None:
    counts = [0] * 24 * 8 + [4] + [0] * 5
    settings = HourlySettings(min_count=5)
    assert detect(_series(counts), np.ones(168), settings)[0] == []
    assert len(detect(_series(counts), np.ones(168), HourlySettings(min_count=3))[0]) == 1


def test_expected_counts_follow_the_formula_hour_by_hour() -> None:
    """The vectorised baseline equals λ_t written out for every hour (window, floor, NaN)."""
    rng = np.random.default_rng(2)
    series = _series(list(rng.poisson(3.0, size=24 * 12)))
    profile = week_profile(series)
    settings = HourlySettings(baseline_days=3)
    got = expected_counts(series, profile, settings)
    window = settings.baseline_days * 24
    for t in range(len(series.counts)):
        lo = max(0, t - window)
        if t - lo < 24:
            assert np.isnan(got[t])
            continue
        moment = series.time(t)
        weights = [
            profile[series.time(i).weekday() * 24 + series.time(i).hour] for i in range(lo, t)
        ]
        level = series.counts[lo:t].sum() / sum(weights)
        own = profile[moment.weekday() * 24 + moment.hour]
        assert got[t] == pytest.approx(max(settings.floor_rate, level * own))


def test_surprise_stays_finite_far_in_the_tail() -> None:
    scores = surprise(np.array([500, 100]), np.array([0.05, 0.05]))
    assert np.isfinite(scores).all()
    assert scores[0] > scores[1] > 280  # -log10 P(X >= 100 | 0.05) is about 288
