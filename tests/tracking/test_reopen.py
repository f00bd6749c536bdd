"""Reopen candidates: resolved complaints the public still reports (tracking/reopen.py)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from domain.models import ComplaintStatusChange
from domain.settings import LinkSettings, TrackingSettings
from tests.conftest import T0, make_post
from tests.linking.test_linker import _complaint
from tracking.reopen import posts_after_resolution, reopen_candidates, resolved_at

FIXED_AT = T0 + timedelta(days=5)


def _resolved(complaint_id: str = "c-1", *, status: str = "resolved"):  # type: ignore[no-untyped-def]
    history = [
        ComplaintStatusChange(at=T0, status="received"),
        ComplaintStatusChange(at=T0 + timedelta(days=1), status="in_progress", agency="กปภ."),
        ComplaintStatusChange(at=FIXED_AT, status="resolved", agency="กปภ."),
    ]
    return _complaint(complaint_id=complaint_id, status=status, history=history)


def test_resolution_is_the_last_resolved_step_and_open_complaints_have_none() -> None:
    assert resolved_at(_resolved()) == FIXED_AT
    assert resolved_at(_complaint()) is None  # received, never resolved


def _posts():  # type: ignore[no-untyped-def]
    def post(native_id: str, tokens: str, days: float, sentiment: str):  # type: ignore[no-untyped-def]
        return make_post(
            native_id,
            tokens.replace(" ", ""),
            tokens=tokens.split(),
            sentiment=sentiment,
            created_at=FIXED_AT + timedelta(days=days),
        )

    return [
        post("broken", "บอก แก้ แล้ว แต่ น้ำประปา ยัง เค็ม เหมือน เดิม บางบัวทอง", 2, "negative"),
        post("thanks", "น้ำประปา ไม่ เค็ม แล้ว ขอบคุณ บางบัวทอง", 3, "positive"),
        post("before", "น้ำประปา เค็ม บางบัวทอง", -3, "negative"),  # before the fix
        post("late", "น้ำประปา ยัง เค็ม บางบัวทอง", 45, "negative"),  # past after_days
    ]


def test_a_still_broken_post_after_the_fix_makes_a_reopen_candidate() -> None:
    complaint = _resolved()
    posts = _posts()
    after = posts_after_resolution(
        [complaint],
        np.array([[1.0, 0.0]], np.float32),
        posts,
        np.array([[0.9, 0.436]] * len(posts), np.float32),
        tracking=TrackingSettings(about_threshold=0.3, after_days=30),
        linking=LinkSettings(),
    )
    stances = {p.post.native_id: p.reading.stance for p in after["c-1"]}
    assert stances == {"broken": "still_broken", "thanks": "fixed"}
    [candidate] = reopen_candidates([complaint], after, min_posts=1)
    assert [p.post.native_id for p in candidate.still_broken] == ["broken"]
    assert [p.post.native_id for p in candidate.fixed] == ["thanks"]
    assert candidate.resolved_at == FIXED_AT
    assert reopen_candidates([complaint], after, min_posts=2) == []


def test_posts_about_an_open_complaint_make_no_candidate() -> None:
    complaint = _complaint(complaint_id="c-open")
    posts = _posts()
    after = posts_after_resolution(
        [complaint],
        np.array([[1.0, 0.0]], np.float32),
        posts,
        np.array([[0.9, 0.436]] * len(posts), np.float32),
        tracking=TrackingSettings(about_threshold=0.3),
        linking=LinkSettings(),
    )
    assert after == {}
    assert reopen_candidates([complaint], after, min_posts=1) == []


def test_a_post_better_linked_to_a_neighbour_still_open_is_not_evidence() -> None:
    """The neighbour's problem is not yet fixed: a post reporting it there is about it."""
    fixed_here = _resolved().model_copy(
        update={"subject": "น้ำประปาไม่ไหล", "tokens": ["น้ำประปา", "ไม่", "ไหล"]}
    )
    open_next_door = _complaint(
        complaint_id="c-next", district="บางบัวทอง", filed_at=FIXED_AT + timedelta(days=1)
    )
    posts = _posts()
    vectors = np.array([[0.6, 0.8]] * len(posts), np.float32)
    settings = {"tracking": TrackingSettings(about_threshold=0.3, after_days=30),
                "linking": LinkSettings()}  # fmt: skip
    alone = posts_after_resolution(
        [fixed_here], np.array([[1.0, 0.0]], np.float32), posts, vectors, **settings
    )
    both = posts_after_resolution(
        [fixed_here, open_next_door],
        np.array([[1.0, 0.0], [0.6, 0.8]], np.float32),  # the posts read exactly as it
        posts,
        vectors,
        **settings,
    )
    assert "broken" in {p.post.native_id for p in alone["c-1"]}
    assert "broken" not in {p.post.native_id for p in both.get("c-1", [])}
