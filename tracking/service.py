"""The tracking stage over the store: every resolved complaint's follow-up, replaced each run."""

from __future__ import annotations

from datetime import datetime

from domain.settings import Settings
from linking.service import PlaceOf
from storage.base import Store
from tracking.follow_up import follow_ups
from tracking.reopen import resolved_at


def track_store(
    store: Store, settings: Settings, *, now: datetime, place_of: PlaceOf | None = None
) -> tuple[int, int]:
    """Recompute and store the follow-up of every resolved complaint, with the officers'
    reopen verdicts applied; (follow-ups, reopen candidates)."""
    complaints = list(store.iter_complaints())  # open ones compete for the posts
    if not any(resolved_at(c) is not None for c in complaints):
        store.replace_follow_ups([])
        return 0, 0
    posts = sorted(store.iter_posts(), key=lambda p: p.id)
    found = follow_ups(
        complaints,
        store.complaint_vectors([c.complaint_id for c in complaints]),
        posts,
        store.post_vectors([p.id for p in posts]),
        tracking=settings.tracking,
        linking=settings.linking,
        now=now,
        decisions=store.reopen_decisions(),
        place_of=place_of,
    )
    store.replace_follow_ups(found)
    return len(found), sum(f.reopen_candidate for f in found)


__all__ = ["track_store"]
