"""Reopen candidates: resolved complaints the public still reports after the fix.

A complaint counts as resolved from the last step of its history marked ``resolved`` or
``closed``. Posts from then to ``tracking.after_days`` later are paired with it through the
linker's signals, time counted from the resolution rather than the filing, and read twice:

* **about**: the chance the post is about this complaint, a logistic model over the pair's
  signals fitted on the reopen training sets (``tracking/data/reopen.json``). A post is about
  at most one complaint, the one it reads most like; and not about a resolved complaint when
  a complaint still open as it was posted links to it better (the neighbour whose problem
  it reports is not yet fixed).
* **stance**: the chance it says the problem is still there (``tracking.stance``).

A post whose about chance reaches ``tracking.about_threshold`` counts for the complaint. It is
evidence that the problem is still there when about × still reaches the calibrated
``evidence_threshold``; it says the problem was fixed when the stance model reads it so. A
complaint with ``tracking.reopen_min_posts`` still-broken posts is a reopen candidate.
``python -m tracking.calibration`` fits the about model and chooses the threshold, each
judged on one training writer with the models fitted on the other.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from domain.models import Complaint, Post
from domain.settings import LinkSettings, TrackingSettings
from linking.calibration import score
from linking.service import Linker, PlaceOf
from tracking.stance import StanceModel, StanceReading, read_stances

RESOLVED = ("resolved", "closed")
CALIBRATION = Path(str(files("tracking").joinpath("data", "reopen.json")))


@dataclass(frozen=True)
class ReopenCalibration:
    """What ``python -m tracking.calibration`` fitted and chose."""

    about_weights: dict[str, float]
    evidence_threshold: float  # about × still from which a post is still-broken evidence
    rival_margin: float  # an open complaint linking this much better takes the post
    rival_days: float  # days after filing an open complaint competes for posts


@lru_cache(maxsize=1)
def shipped_calibration(path: Path = CALIBRATION) -> ReopenCalibration:
    data = json.loads(path.read_text(encoding="utf-8"))
    return ReopenCalibration(
        about_weights={k: float(v) for k, v in data["about_weights"].items()},
        evidence_threshold=float(data["evidence_threshold"]),
        rival_margin=float(data["rival_margin"]),
        rival_days=float(data["rival_days"]),
    )


def about_chance(weights: dict[str, float], signals: dict[str, float], link: float) -> float:
    """The about model: a logistic over the pair's signals and its calibrated link score."""
    z = weights.get("bias", 0.0) + weights.get("link", 0.0) * link
    z += sum(weights.get(name, 0.0) * value for name, value in signals.items())
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class PostAfter:
    """A post about a resolved complaint, after its resolution."""

    post: Post
    score: float  # the chance it is about the complaint (the about model)
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
    calibration: ReopenCalibration | None = None,
    stance_model: StanceModel | None = None,
) -> dict[str, list[PostAfter]]:
    """complaint id → the posts about it after its resolution, surest first.

    ``complaints`` may hold open ones too: they compete for the posts (see the module)."""
    cal = calibration or shipped_calibration()
    resolved = [(i, c, at) for i, c in enumerate(complaints) if (at := resolved_at(c))]
    if not resolved:
        return {}
    anchored = [c.model_copy(update={"filed_at": at}) for _, c, at in resolved]
    has_vectors = complaint_vectors.size > 0
    vectors = (
        complaint_vectors[[i for i, _, _ in resolved]]
        if has_vectors
        else np.zeros((len(resolved), 0), dtype=np.float32)
    )
    window = linking.model_copy(update={"days_before": 0.0, "days_after": tracking.after_days})
    linker = Linker(window, place_of=place_of)
    run = linker.candidates(anchored, vectors, posts, post_vectors)
    links = [score(linker.weights, pair.signals) for pair in run.pairs]
    abouts = [
        about_chance(cal.about_weights, pair.signals, link)
        for pair, link in zip(run.pairs, links, strict=True)
    ]
    best: dict[int, float] = defaultdict(float)
    for pair, about in zip(run.pairs, abouts, strict=True):
        best[pair.post] = max(best[pair.post], about)
    kept = [
        (pair, about, link)
        for pair, about, link in zip(run.pairs, abouts, links, strict=True)
        if about >= tracking.about_threshold and about >= best[pair.post]
    ]
    if not kept:
        return {}
    rivals = _open_rivals(
        complaints, complaint_vectors, posts, post_vectors, linking, place_of, cal.rival_days
    )
    involved = sorted({pair.post for pair, _, _ in kept})
    readings = dict(
        zip(involved, read_stances([run.posts[i].post for i in involved], stance_model),
            strict=True)
    )  # fmt: skip
    found: dict[str, list[PostAfter]] = {}
    for pair, about, link in kept:
        post = run.posts[pair.post].post
        _, complaint, at = resolved[pair.complaint]
        rival = max(
            (s for cid, s in rivals.get(post.id, ()) if cid != complaint.complaint_id),
            default=0.0,
        )
        if rival > link + cal.rival_margin:
            continue
        reading = readings[pair.post]
        if about * reading.still >= cal.evidence_threshold:
            reading = replace(reading, stance="still_broken")
        elif reading.stance == "still_broken":
            reading = replace(reading, stance="other")  # reads broken, but not surely this one
        days = (post.created_at - at).total_seconds() / 86400
        found.setdefault(complaint.complaint_id, []).append(
            PostAfter(post, round(about, 4), round(days, 2), reading, pair.signals)
        )
    for about_it in found.values():
        about_it.sort(key=lambda p: (-p.score, p.post.id))
    return found


def _open_rivals(
    complaints: Sequence[Complaint],
    complaint_vectors: np.ndarray,
    posts: Sequence[Post],
    post_vectors: np.ndarray,
    linking: LinkSettings,
    place_of: PlaceOf | None,
    days: float,
) -> dict[str, list[tuple[str, float]]]:
    """post id → (complaint, link score) for the complaints still open when it was posted,
    from ``linking.days_before`` before their filing to ``days`` after."""
    window = linking.model_copy(update={"days_after": days})
    linker = Linker(window, place_of=place_of)
    vectors = complaint_vectors if complaint_vectors.size else np.zeros((len(complaints), 0))
    run = linker.candidates(complaints, vectors, posts, post_vectors)
    rivals: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for pair in run.pairs:
        complaint = complaints[pair.complaint]
        post = run.posts[pair.post].post
        fixed = resolved_at(complaint)
        if fixed is None or post.created_at < fixed:
            rivals[post.id].append((complaint.complaint_id, score(linker.weights, pair.signals)))
    return rivals


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
    "CALIBRATION",
    "RESOLVED",
    "PostAfter",
    "ReopenCalibration",
    "ReopenCandidate",
    "about_chance",
    "posts_after_resolution",
    "reopen_candidates",
    "resolved_at",
    "resolving_agency",
    "shipped_calibration",
]
