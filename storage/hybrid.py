"""Post search in three modes: lexical (BM25), semantic (kNN) and hybrid (both, fused).

Hybrid ranking is reciprocal rank fusion (RRF), done client-side: Elasticsearch's built-in
RRF retriever needs a commercial licence, and the embedded store has none, so both
backends fuse here: each list contributes ``1 / (k + rank)`` per post.

Semantic and hybrid search rank the ``depth`` nearest posts that pass the filters (and,
for hybrid, the ``depth`` best BM25 hits); pages reach that far. The query's words are a
filter in lexical search only: in the other two the text is what the posts should mean.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

import numpy as np

from domain.models import Post
from storage.base import Page, PostQuery, SearchResult, Store

RRF_K = 60
SearchMode = Literal["lexical", "semantic", "hybrid"]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], *, k: int = RRF_K
) -> list[tuple[str, float]]:
    """Fuse ranked id lists; ties break by id so the order is stable."""
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def search(
    store: Store,
    query: PostQuery,
    page: Page,
    *,
    mode: SearchMode = "lexical",
    vector: np.ndarray | None = None,
    depth: int = 1000,
) -> SearchResult:
    """One page of posts matching ``query``'s filters, ranked as ``mode`` says.

    ``vector`` is the query text's embedding (semantic and hybrid). Semantic: ``total`` is
    every post passing the filters (each has a similarity), pages reach ``depth``; scores
    are cosines. Hybrid: ``total`` is the fused list's length; scores are RRF sums.
    """
    if mode == "lexical":
        return store.search_posts(query, page)
    if vector is None or not vector.size:
        raise ValueError(f"{mode} search needs the query's vector")
    filters = dataclasses.replace(query, terms=())
    wanted = min(page.offset + page.limit, depth)
    if mode == "semantic":
        ranked = store.nearest_posts(vector, k=wanted, query=filters) if wanted > 0 else []
        total = store.count_posts(filters)
    else:
        fused = _fused(store, query, filters, vector, depth)
        ranked, total = fused[:wanted], len(fused)
    window = ranked[page.offset : wanted]
    posts = _posts(store, [pid for pid, _ in window])
    kept = [(posts[pid], score) for pid, score in window if pid in posts]
    return SearchResult(total, [p for p, _ in kept], [s for _, s in kept])


def similar(
    store: Store, post_id: str, query: PostQuery, page: Page, *, depth: int = 1000
) -> SearchResult | None:
    """Posts like ``post_id`` (nearest by embedding), the post itself left out; None when
    it has no vector (not stored, or not enriched yet)."""
    vectors = store.post_vectors([post_id])
    if not len(vectors) or not vectors.size:
        return None
    wanted = min(page.offset + page.limit, depth)
    ranked = [
        (pid, score)
        for pid, score in store.nearest_posts(vectors[0], k=wanted + 1, query=query)
        if pid != post_id
    ][:wanted]
    window = ranked[page.offset :]
    posts = _posts(store, [pid for pid, _ in window])
    kept = [(posts[pid], score) for pid, score in window if pid in posts]
    total = max(store.count_posts(query) - 1, 0)
    return SearchResult(total, [p for p, _ in kept], [s for _, s in kept])


def _fused(
    store: Store, query: PostQuery, filters: PostQuery, vector: np.ndarray, depth: int
) -> list[tuple[str, float]]:
    rankings: list[list[str]] = []
    if query.terms:
        lexical = store.search_posts(query, Page(limit=depth, sort="relevance"))
        rankings.append([p.id for p in lexical.posts])
    rankings.append([pid for pid, _ in store.nearest_posts(vector, k=depth, query=filters)])
    return reciprocal_rank_fusion(rankings)


def _posts(store: Store, ids: Sequence[str]) -> dict[str, Post]:
    return {post.id: post for post in store.get_posts(ids)}


__all__ = ["RRF_K", "SearchMode", "reciprocal_rank_fusion", "search", "similar"]
