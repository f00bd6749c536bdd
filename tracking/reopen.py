"""Reopen candidates: resolved complaints the public still reports after the fix.

A complaint counts as resolved from the last step of its history marked ``resolved`` or
``closed``. Posts from then to ``tracking.after_days`` later are scored against it with the
linker's calibrated model (``linking``), with time counted from the resolution rather than the
filing; those at ``tracking.about_threshold`` or more are about it, when their place agrees
too (``place_agrees``: "same problem at the same place"). Each such post's stance is read
(``tracking.stance``); a complaint with ``tracking.reopen_min_posts`` still-broken posts is a
reopen candidate, its posts the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from domain.models import Complaint, Post
from domain.settings import LinkSettings, TrackingSettings
from linking.calibration import score
from linking.service import Linker, PlaceOf
from tracking.stance import StanceReading, read_stance

RESOLVED = ("resolved", "closed")
# Chosen on the reopen training set (tracking/data/train): a post names no other province,
# and names the complaint's district, lies near it, or shares its words.
_NEAR = 0.2  # the linker's near signal, exp(-km / 5): about 8 km
_SHARED_WORDS = 0.3


def place_agrees(signals: dict[str, float]) -> bool:
    """Whether a post's place is the complaint's, as far as its signals tell."""
    if signals.get("province", 0.0) < 0:
        return False
    return (
        signals.get("district", 0.0) > 0
        or signals.get("near", 0.0) > _NEAR
        or signals.get("lexical", 0.0) >= _SHARED_WORDS
    )


@dataclass(frozen=True)
class PostAfter:
    """A post about a resolved complaint, after its resolution."""

    post: Post
    score: float  # linking score, time counted from the resolution
    days_after: float
    reading: StanceReading
    signals: dict[str, float] = field(default_factory=dict)  # the linking signals


@dataclass(frozen=True)
class ReopenCandidate:
    complaint: Complaint
    resolved_at: datetime
    still_broken: list[PostAfter]  # the evidence, surest first
    fixed: list[PostAfter]  # posts saying it was fixed, for the officer to weigh


def resolved_at(complaint: Complaint) -> datetime | None:
    """When the complaint was last marked resolved or closed; None while it is open."""
    if complaint.status not in RESOLVED:
        return None
    steps = [step.at for step in complaint.history if step.status in RESOLVED]
    if steps:
        return max(steps)
    return complaint.updated_at


def resolving_agency(complaint: Complaint) -> str | None:
    """The agency that resolved the case (its last resolved step's), else the one the
    complaint names: the one answerable for what the public says afterwards."""
    steps = [s for s in complaint.history if s.status in RESOLVED and s.agency]
    return steps[-1].agency if steps else complaint.agency


def posts_after_resolution(
    complaints: Sequence[Complaint],
    complaint_vectors: np.ndarray,
    posts: Sequence[Post],
    post_vectors: np.ndarray,
    *,
    tracking: TrackingSettings,
    linking: LinkSettings,
    place_of: PlaceOf | None = None,
) -> dict[str, list[PostAfter]]:
    """complaint id → the posts about it after its resolution, surest first."""
    resolved = [(i, c, at) for i, c in enumerate(complaints) if (at := resolved_at(c))]
    if not resolved:
        return {}
    anchored = [c.model_copy(update={"filed_at": at}) for _, c, at in resolved]
    vectors = (
        complaint_vectors[[i for i, _, _ in resolved]]
        if complaint_vectors.size
        else np.zeros((len(resolved), 0), dtype=np.float32)
    )
    window = linking.model_copy(update={"days_before": 0.0, "days_after": tracking.after_days})
    linker = Linker(window, place_of=place_of)
    run = linker.candidates(anchored, vectors, posts, post_vectors)
    found: dict[str, list[PostAfter]] = {}
    for pair in run.pairs:
        value = score(linker.weights, pair.signals)
        if value < tracking.about_threshold or not place_agrees(pair.signals):
            continue
        post = run.posts[pair.post].post
        _, complaint, at = resolved[pair.complaint]
        reading = read_stance(post)
        days = (post.created_at - at).total_seconds() / 86400
        found.setdefault(complaint.complaint_id, []).append(
            PostAfter(post, round(value, 4), round(days, 2), reading, pair.signals)
        )
    for about in found.values():
        about.sort(key=lambda p: (-p.score, p.post.id))
    return found


def reopen_candidates(
    complaints: Sequence[Complaint],
    after: dict[str, list[PostAfter]],
    *,
    min_posts: int,
) -> list[ReopenCandidate]:
    """Resolved complaints with at least ``min_posts`` still-broken posts, most first."""
    found = []
    for complaint in complaints:
        at = resolved_at(complaint)
        about = after.get(complaint.complaint_id, [])
        broken = [p for p in about if p.reading.stance == "still_broken"]
        if at is None or len(broken) < min_posts:
            continue
        fixed = [p for p in about if p.reading.stance == "fixed"]
        found.append(ReopenCandidate(complaint, at, broken, fixed))
    return sorted(found, key=lambda c: (-len(c.still_broken), c.complaint.complaint_id))


__all__ = [
    "RESOLVED",
    "PostAfter",
    "ReopenCandidate",
    "place_agrees",
    "posts_after_resolution",
    "reopen_candidates",
    "resolved_at",
    "resolving_agency",
]
