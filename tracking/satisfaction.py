"""The satisfaction signal of a resolved complaint: did the public voice change after the fix?

Three measures, each in [-1, 1] and positive when the public seems satisfied:

* ``relief``   the share of negative posts before filing minus the share after resolution,
               over the complaint's place (its district when the post names one, else its
               province) and category;
* ``quieter``  how much the daily volume of that series fell after resolution,
               ``(before - after) / max(before, after)``;
* ``voice``    posts about the complaint after the fix: ``(fixed - still broken) /
               (fixed + still broken)`` (``tracking.stance``).

The windows are ``tracking.before_days`` before filing and ``tracking.after_days`` after
resolution. The score is the mean of the measures that have posts to stand on; none is
``no_signal``. An officer's verdict on a reopen candidate overrides the posts' voice: a
confirmed candidate counts as -1, a dismissed one drops its still-broken posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.models import Complaint, Post, PublicWindow, ReopenVerdict, SatisfactionSignal
from domain.settings import TrackingSettings
from tracking.reopen import PostAfter, resolved_at

SATISFIED = 0.2  # a score above this reads satisfied, below its negative dissatisfied


def in_series(post: Post, complaint: Complaint) -> bool:
    """Whether the post belongs to the complaint's place-and-category series."""
    e = post.enrichment
    if e is None or e.category.label != complaint.category or not complaint.province:
        return False
    for location in e.locations:
        if location.province != complaint.province:
            continue
        if location.district is None or complaint.district in (None, location.district):
            return True
    return False


def satisfaction(
    complaint: Complaint,
    posts: Sequence[Post],
    about: Sequence[PostAfter],
    settings: TrackingSettings,
    *,
    verdict: ReopenVerdict | None = None,
) -> SatisfactionSignal | None:
    """The signal of one resolved complaint (None while it is open).

    ``posts``: candidates for its series (any; filtered here); ``about``: the posts about
    it after resolution (``tracking.reopen.posts_after_resolution``).
    """
    fixed_at = resolved_at(complaint)
    if fixed_at is None:
        return None
    series = [p for p in posts if in_series(p, complaint)]
    before = _window(series, complaint.filed_at - timedelta(days=settings.before_days),
                     complaint.filed_at)  # fmt: skip
    after = _window(series, fixed_at, fixed_at + timedelta(days=settings.after_days))
    fixed = sum(p.reading.stance == "fixed" for p in about)
    broken = sum(p.reading.stance == "still_broken" for p in about)
    if verdict == "dismissed":
        broken = 0
    relief = None
    if before.negative_share is not None and after.negative_share is not None:
        relief = before.negative_share - after.negative_share
    peak = max(before.per_day, after.per_day)
    quieter = (before.per_day - after.per_day) / peak if peak else None
    voice = (fixed - broken) / (fixed + broken) if fixed + broken else None
    if verdict == "confirmed":
        voice = -1.0
    measures = [m for m in (relief, quieter, voice) if m is not None]
    score = sum(measures) / len(measures) if measures else None
    label = "no_signal"
    if score is not None and score > SATISFIED:
        label = "satisfied"
    elif score is not None and score < -SATISFIED:
        label = "dissatisfied"
    elif score is not None:
        label = "mixed"
    return SatisfactionSignal(
        before=before,
        after=after,
        fixed_posts=fixed,
        still_broken_posts=broken,
        relief=_round(relief),
        quieter=_round(quieter),
        voice=_round(voice),
        score=_round(score),
        label=label,
    )


def _window(series: Sequence[Post], start: datetime, end: datetime) -> PublicWindow:
    inside = [p for p in series if start <= p.created_at < end]
    negative = sum(
        1 for p in inside if p.enrichment is not None and p.enrichment.sentiment.label == "negative"
    )
    days = max((end - start).total_seconds() / 86400, 1e-9)
    return PublicWindow(
        start=start,
        end=end,
        posts=len(inside),
        negative=negative,
        per_day=round(len(inside) / days, 4),
        negative_share=round(negative / len(inside), 4) if inside else None,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


__all__ = ["SATISFIED", "in_series", "satisfaction"]
