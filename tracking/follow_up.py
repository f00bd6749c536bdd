"""One follow-up per resolved complaint: its satisfaction signal and whether to reopen it.

``follow_ups`` reads every resolved complaint against the posts after its resolution
(``tracking.reopen``) and the public voice of its place and category
(``tracking.satisfaction``), with the officers' latest verdicts applied: a dismissed
candidate is no candidate and its still-broken posts leave the score; a confirmed one stays
a candidate and counts as the public's no.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from domain.models import Complaint, ComplaintFollowUp, FollowUpPost, Post, ReopenDecision
from domain.settings import LinkSettings, TrackingSettings
from linking.service import PlaceOf
from tracking.reopen import PostAfter, posts_after_resolution, resolved_at, resolving_agency
from tracking.satisfaction import satisfaction


def latest_verdicts(decisions: Sequence[ReopenDecision]) -> dict[str, ReopenDecision]:
    """The verdict in force per complaint: the newest one."""
    latest: dict[str, ReopenDecision] = {}
    for d in sorted(decisions, key=lambda d: d.at):
        latest[d.complaint_id] = d
    return latest


def follow_ups(
    complaints: Sequence[Complaint],
    complaint_vectors: np.ndarray,
    posts: Sequence[Post],
    post_vectors: np.ndarray,
    *,
    tracking: TrackingSettings,
    linking: LinkSettings,
    now: datetime,
    decisions: Sequence[ReopenDecision] = (),
    place_of: PlaceOf | None = None,
) -> list[ComplaintFollowUp]:
    """A follow-up for every resolved complaint, candidates first."""
    after = posts_after_resolution(
        complaints, complaint_vectors, posts, post_vectors,
        tracking=tracking, linking=linking, place_of=place_of,
    )  # fmt: skip
    verdicts = latest_verdicts(decisions)
    found = []
    for complaint in complaints:
        at = resolved_at(complaint)
        if at is None:
            continue
        about = after.get(complaint.complaint_id, [])
        decision = verdicts.get(complaint.complaint_id)
        verdict = decision.verdict if decision else None
        signal = satisfaction(complaint, posts, about, tracking, verdict=verdict)
        assert signal is not None  # resolved
        broken = [_post(p) for p in about if p.reading.stance == "still_broken"]
        candidate = len(broken) >= tracking.reopen_min_posts
        if verdict is not None:
            candidate = verdict == "confirmed"
        found.append(
            ComplaintFollowUp(
                complaint_id=complaint.complaint_id,
                agency=resolving_agency(complaint),
                province=complaint.province,
                district=complaint.district,
                category=complaint.category,
                resolved_at=at,
                satisfaction=signal,
                reopen_candidate=candidate,
                still_broken=broken,
                fixed=[_post(p) for p in about if p.reading.stance == "fixed"],
                decision=decision,
                computed_at=now,
            )
        )
    return sorted(
        found,
        key=lambda f: (not f.reopen_candidate, -len(f.still_broken), f.complaint_id),
    )


def _post(found: PostAfter) -> FollowUpPost:
    return FollowUpPost(
        post_id=found.post.id,
        stance=found.reading.stance,
        score=found.score,
        days_after=found.days_after,
        cues=list(found.reading.cues),
    )


__all__ = ["follow_ups", "latest_verdicts"]
