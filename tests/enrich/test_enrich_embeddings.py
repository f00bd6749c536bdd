"""Embedders: LRU cache with a fixed-vector fake, and the real USE model (enrich/embeddings.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from enrich.embeddings import CachedEmbedder

VECTORS = {
    "น้ำไม่ไหล": [1.0, 0.0, 0.0],
    "ไฟดับ": [0.0, 1.0, 0.0],
    "ถนนพัง": [0.0, 0.0, 1.0],
    "รถติด": [0.6, 0.8, 0.0],
}


class FakeEmbedder:
    """Fixed vectors per text; records every call it receives."""

    name = "fake-fixed"
    dimension = 3

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([VECTORS[t] for t in texts], dtype=np.float32).reshape(-1, 3)


def _expected(texts: list[str]) -> list[list[float]]:
    return [VECTORS[t] for t in texts]


def test_second_encode_of_the_same_texts_does_not_call_the_inner_embedder() -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner)
    texts = ["น้ำไม่ไหล", "ไฟดับ", "ถนนพัง"]
    first = cached.encode(texts)
    second = cached.encode(texts)
    assert len(inner.calls) == 1
    assert first.tolist() == second.tolist() == _expected(texts)
    assert (cached.misses, cached.hits) == (3, 3)


def test_only_new_texts_reach_the_inner_embedder_and_order_is_kept() -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner)
    cached.encode(["น้ำไม่ไหล", "ไฟดับ"])
    out = cached.encode(["ถนนพัง", "ไฟดับ", "รถติด", "น้ำไม่ไหล"])
    assert sorted(inner.calls[1]) == sorted(["ถนนพัง", "รถติด"])
    np.testing.assert_allclose(out, _expected(["ถนนพัง", "ไฟดับ", "รถติด", "น้ำไม่ไหล"]))


def test_duplicates_in_one_call_are_encoded_once() -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner)
    out = cached.encode(["ไฟดับ", "ไฟดับ", "น้ำไม่ไหล", "ไฟดับ"])
    assert sorted(inner.calls[0]) == ["น้ำไม่ไหล", "ไฟดับ"]
    assert out.tolist() == _expected(["ไฟดับ", "ไฟดับ", "น้ำไม่ไหล", "ไฟดับ"])
    assert (cached.misses, cached.hits) == (2, 2)


def test_name_dimension_and_empty_input() -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner)
    assert (cached.name, cached.dimension) == ("fake-fixed", 3)
    out = cached.encode([])
    assert out.shape == (0, 3) and out.dtype == np.float32
    assert inner.calls == []


def test_a_batch_larger_than_the_capacity_is_still_returned_whole() -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner, capacity=2)
    texts = ["น้ำไม่ไหล", "ไฟดับ", "ถนนพัง"]
    assert cached.encode(texts).tolist() == _expected(texts)


def test_least_recently_used_text_is_evicted() -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner, capacity=2)
    cached.encode(["น้ำไม่ไหล", "ไฟดับ"])  # full; น้ำไม่ไหล is the least recently used
    # A new text and the least recently used one in the same call.
    out = cached.encode(["ถนนพัง", "น้ำไม่ไหล"])
    np.testing.assert_allclose(out, _expected(["ถนนพัง", "น้ำไม่ไหล"]))
    cached.encode(["น้ำไม่ไหล", "ถนนพัง"])  # both still cached
    cached.encode(["ไฟดับ"])  # evicted by ถนนพัง, so encoded again
    assert [sorted(call) for call in inner.calls] == [
        ["น้ำไม่ไหล", "ไฟดับ"],
        ["ถนนพัง"],
        ["ไฟดับ"],
    ]
    assert (cached.misses, cached.hits) == (4, 3)


@pytest.mark.integration
def test_use_embedder_understands_thai() -> None:
    from enrich.embeddings import UseEmbedder

    texts = [
        "น้ำประปาเค็มมาก ดื่มไม่ได้",
        "ขอให้ตรวจสอบน้ำประปาที่มีรสเค็ม",
        "ทีมฟุตบอลชนะเมื่อคืน",
    ]
    vectors = UseEmbedder().encode(texts)
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    paraphrase, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert paraphrase > unrelated + 0.15, (paraphrase, unrelated)
