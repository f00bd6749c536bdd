"""The bench's posts: the bundled sample, enriched once, cycled with variations.

``sample_data/posts.jsonl`` has about 3,700 posts. Each bench post is a sample post's copy
``c`` (native id ``<id>-c<c>``, time moved by up to 12 hours either way, so the posts keep
the sample's month and daily rhythm) and, from the second copy on, one more word drawn from
the sample's own tokens added to its text and tokens, so searches meet realistic Thai words
at realistic frequencies. Enrichment is the real enrich stage's, run once on the sample
(no embedder); vectors are seeded random unit vectors.
"""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np

from bench.enrich.speed import sample_posts
from domain.models import Post
from domain.settings import Settings
from enrich.service import Enricher


def enriched_sample(settings: Settings, *, limit: int | None = None) -> list[Post]:
    """The sample posts (the first ``limit``), parsed as ingest parses them and enriched
    (no embedder)."""
    posts = sample_posts(settings)[:limit]
    enricher = Enricher.from_settings(settings, embedder=None)
    enriched: list[Post] = []
    for start in range(0, len(posts), 256):
        enriched += enricher.run(posts[start : start + 256]).posts
    return enriched


def bench_posts(sample: list[Post], n: int, *, seed: int = 0) -> list[Post]:
    """``n`` distinct enriched posts cycled from ``sample`` (see the module doc)."""
    rng = random.Random(seed)
    vocabulary = [t for p in sample if p.enrichment for t in p.enrichment.tokens if t.strip()]
    posts: list[Post] = []
    for i in range(n):
        copy, base = divmod(i, len(sample))
        post = sample[base]
        enrichment = post.enrichment
        if enrichment is None:
            raise ValueError("bench posts are built from enriched posts")
        text, tokens = post.text, list(enrichment.tokens)
        if copy:
            word = rng.choice(vocabulary)
            text, tokens = f"{text} {word}", [*tokens, word]
        moved = post.created_at + timedelta(seconds=rng.uniform(-43_200, 43_200))
        posts.append(
            post.model_copy(
                update={
                    "native_id": f"{post.native_id}-c{copy}",
                    "text": text,
                    "created_at": moved,
                    "collected_at": moved + timedelta(hours=1),
                    "enrichment": enrichment.model_copy(update={"tokens": tokens}),
                }
            )
        )
    return posts


def unit_vectors(n: int, dims: int, *, seed: int = 0) -> np.ndarray:
    """``n`` seeded random float32 unit vectors of ``dims`` dimensions."""
    vectors = np.random.default_rng(seed).normal(size=(n, dims)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


__all__ = ["bench_posts", "enriched_sample", "unit_vectors"]
