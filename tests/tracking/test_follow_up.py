"""Follow-ups of resolved complaints, with officers' verdicts applied (tracking/follow_up.py)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from domain.models import ReopenDecision
from domain.settings import LinkSettings, TrackingSettings
from tests.conftest import T0
from tests.linking.test_linker import _complaint
from tests.tracking.test_reopen import FIXED_AT, _posts, _resolved
from tracking.follow_up import follow_ups

NOW = T0 + timedelta(days=40)


def _run(*decisions: ReopenDecision):  # type: ignore[no-untyped-def]
    posts = _posts()
    return follow_ups(
        [_resolved(), _complaint(complaint_id="c-open")],
        np.array([[1.0, 0.0], [1.0, 0.0]], np.float32),
        posts,
        np.array([[0.9, 0.436]] * len(posts), np.float32),
        tracking=TrackingSettings(about_threshold=0.3),
        linking=LinkSettings(),
        now=NOW,
        decisions=decisions,
    )


def _decision(verdict: str, minutes: int = 0) -> ReopenDecision:
    return ReopenDecision(
        complaint_id="c-1",
        verdict=verdict,  # type: ignore[arg-type]
        by="officer-a",
        at=NOW + timedelta(minutes=minutes),
    )


def test_a_resolved_complaint_still_reported_is_a_candidate_with_its_evidence() -> None:
    [follow_up] = _run()  # the open complaint has none
    assert follow_up.complaint_id == "c-1" and follow_up.reopen_candidate
    assert follow_up.resolved_at == FIXED_AT
    assert [p.post_id for p in follow_up.still_broken] == ["x:broken"]
    assert [p.post_id for p in follow_up.fixed] == ["x:thanks"]
    assert follow_up.satisfaction.voice == 0.0  # one fixed, one still broken
    assert follow_up.decision is None and follow_up.computed_at == NOW


def test_the_latest_verdict_decides_and_feeds_the_score() -> None:
    [dismissed] = _run(_decision("confirmed"), _decision("dismissed", minutes=5))
    assert not dismissed.reopen_candidate
    assert dismissed.decision is not None and dismissed.decision.verdict == "dismissed"
    assert dismissed.satisfaction.still_broken_posts == 0 and dismissed.satisfaction.voice == 1.0
    [confirmed] = _run(_decision("dismissed"), _decision("confirmed", minutes=5))
    assert confirmed.reopen_candidate and confirmed.satisfaction.voice == -1.0
