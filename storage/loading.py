"""How a stage loads many posts into any store: a bulk load, and one write per enriched post.

``bulk_load(store)`` is the store's bulk-load mode where it has one (Elasticsearch: nothing
is refreshed until the stage ends, then everything once) and nothing otherwise (the
embedded store's writes are visible when their transaction commits). ``upsert_enriched``
stores posts whose enrichment is already known with one write per post where the store can
(``upsert_enriched_posts``), and as ``upsert_posts`` then ``save_enrichment`` otherwise.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from domain.models import Post
from storage.base import Store, UpsertCounts


@runtime_checkable
class BulkLoading(Protocol):
    """A store with a bulk-load mode (``storage.es_bulk.BulkWriter.bulk_load``)."""

    def bulk_load(self) -> contextlib.AbstractContextManager[None]: ...


@runtime_checkable
class EnrichedWriting(Protocol):
    """A store that writes a post, its enrichment and its vector in one action."""

    def upsert_enriched_posts(
        self, posts: Sequence[Post], vectors: np.ndarray | None
    ) -> UpsertCounts: ...


def bulk_load(store: object) -> contextlib.AbstractContextManager[None]:
    """``store``'s bulk-load mode, or nothing to do for a store without one."""
    return store.bulk_load() if isinstance(store, BulkLoading) else contextlib.nullcontext()


def upsert_enriched(
    store: Store, posts: Sequence[Post], vectors: np.ndarray | None
) -> UpsertCounts:
    """Store enriched posts and their row-aligned vectors; counts as ``upsert_posts``."""
    if isinstance(store, EnrichedWriting):
        return store.upsert_enriched_posts(posts, vectors)
    counts = store.upsert_posts(posts)
    store.save_enrichment(posts, vectors)
    return counts


__all__ = ["BulkLoading", "EnrichedWriting", "bulk_load", "upsert_enriched"]
