"""Hybrid lexical + vector ranking by reciprocal rank fusion (RRF), done client-side.

Elasticsearch's built-in RRF retriever needs a commercial licence, and the embedded store
has none, so both backends fuse here: each list contributes ``1 / (k + rank)`` per post.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from domain.models import Post
from storage.base import Page, PostQuery, Store

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], *, k: int = RRF_K
) -> list[tuple[str, float]]:
    """Fuse ranked id lists; ties break by id so the order is stable."""
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def hybrid_search(
    store: Store, query: PostQuery, vector: np.ndarray | None, *, limit: int = 20, depth: int = 100
) -> list[tuple[Post, float]]:
    """Posts matching ``query``'s filters, ranked by RRF of BM25 (terms) and kNN (vector)."""
    rankings: list[list[str]] = []
    if query.terms:
        lexical = store.search_posts(query, Page(limit=depth, sort="relevance"))
        rankings.append([p.id for p in lexical.posts])
    if vector is not None and vector.size:
        filters = PostQuery(**{**query.__dict__, "terms": ()})
        rankings.append([pid for pid, _ in store.nearest_posts(vector, k=depth, query=filters)])
    fused = reciprocal_rank_fusion(rankings)[:limit]
    posts = {pid: store.get_post(pid) for pid, _ in fused}
    return [(post, score) for pid, score in fused if (post := posts[pid]) is not None]


__all__ = ["RRF_K", "hybrid_search", "reciprocal_rank_fusion"]
