"""The satisfaction signal of a resolved complaint (tracking/satisfaction.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.models import Category
from domain.settings import TrackingSettings
from tests.conftest import T0, make_post
from tests.linking.test_linker import _complaint
from tests.tracking.test_reopen import FIXED_AT, _resolved
from tracking.reopen import PostAfter
from tracking.satisfaction import satisfaction
from tracking.stance import StanceReading

SETTINGS = TrackingSettings(before_days=14, after_days=30)


def _series():  # type: ignore[no-untyped-def]
    def post(n: int, days: float, sentiment: str, **kwargs: object):  # type: ignore[no-untyped-def]
        base = dict(created_at=T0 + timedelta(days=days), sentiment=sentiment, province="นนทบุรี")
        base.update(kwargs)
        return make_post(f"p{n}", "น้ำ ไม่ ไหล", **base)  # type: ignore[arg-type]

    return [
        post(1, -10, "negative"), post(2, -7, "negative"), post(3, -3, "negative"),
        post(4, -1, "neutral"),                      # before filing: 4 posts, 3 negative
        post(5, 8, "neutral"), post(6, 20, "positive"),  # after the fix (day 5): 2, none negative
        post(7, -2, "negative", province="เชียงใหม่"),  # another province
        post(8, -2, "negative", category=Category.electricity),  # another problem
        post(9, 60, "negative"),                     # past the window
    ]  # fmt: skip


def _about(*stances: str) -> list[PostAfter]:
    return [
        PostAfter(make_post(f"a{i}"), 0.9, 1.0, StanceReading(s, ()))  # type: ignore[arg-type]
        for i, s in enumerate(stances)
    ]


def test_a_quieter_happier_place_with_thanks_reads_satisfied() -> None:
    signal = satisfaction(_resolved(), _series(), _about("fixed", "fixed"), SETTINGS)
    assert signal is not None
    assert (signal.before.posts, signal.before.negative) == (4, 3)
    assert (signal.after.posts, signal.after.negative) == (2, 0)
    assert signal.relief == 0.75
    # per-day rates are rounded to 4 places before they are compared
    assert signal.quieter == pytest.approx((4 / 14 - 2 / 30) / (4 / 14), abs=1e-3)
    assert signal.voice == 1.0
    assert signal.label == "satisfied" and signal.score == pytest.approx(0.8389, abs=1e-4)
    assert signal.after.start == FIXED_AT


def test_an_officers_verdict_overrides_the_posts_voice() -> None:
    about = _about("fixed", "still_broken", "still_broken")
    plain = satisfaction(_resolved(), _series(), about, SETTINGS)
    assert plain is not None and plain.voice == pytest.approx(-1 / 3, abs=1e-4)
    confirmed = satisfaction(_resolved(), _series(), about, SETTINGS, verdict="confirmed")
    assert confirmed is not None and confirmed.voice == -1.0 and confirmed.label == "mixed"
    dismissed = satisfaction(_resolved(), _series(), about, SETTINGS, verdict="dismissed")
    assert dismissed is not None and dismissed.voice == 1.0 and dismissed.still_broken_posts == 0


def test_no_posts_is_no_signal_and_an_open_complaint_has_none() -> None:
    signal = satisfaction(_resolved(), [], [], SETTINGS)
    assert signal is not None and signal.label == "no_signal" and signal.score is None
    assert satisfaction(_complaint(), _series(), [], SETTINGS) is None
