"""The candidates for the embedded store's kNN, timed on the same vectors and filters.

Standalone (numpy and whichever of faiss-cpu, hnswlib, usearch, sqlite-vec import), so it
runs under any Python: sqlite-vec needs an ``sqlite3`` module that loads extensions, which
a pyenv-built Python may lack. ``bench.storage.embedded_knn --alternatives`` writes the
input and reads the JSON this prints::

    python bench/storage/knn_alternatives.py bench/.cache/knn-alternatives.npz

The input holds ``vectors`` (n x d float32, unit rows), ``queries`` and one boolean row
mask per filter (``mask_<name>``). Recall is against exact float64 brute force.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

_K = 10


def _percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2),
    }


def _time(fn: Callable[[np.ndarray], object], queries: np.ndarray, repeat: int) -> dict[str, float]:
    """p50/p95 of ``fn(query)`` over ``repeat`` calls, the queries taken in turn."""
    fn(queries[0])
    samples = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(queries[i % len(queries)])
        samples.append(time.perf_counter() - t0)
    return _percentiles(samples)


def _exact(vectors: np.ndarray, query: np.ndarray, mask: np.ndarray | None) -> set[int]:
    rows = np.flatnonzero(mask) if mask is not None else np.arange(len(vectors))
    scores = vectors[rows].astype(np.float64) @ query.astype(np.float64)
    return set(rows[np.argsort(-scores, kind="stable")[:_K]].tolist())


def _recall(found: list[Any], exact: list[set[int]]) -> float:
    hits = sum(len({int(i) for i in f} & e) for f, e in zip(found, exact, strict=True))
    return round(hits / sum(len(e) for e in exact), 4)


def _top(scores: np.ndarray) -> np.ndarray:
    top = np.argpartition(-scores, _K - 1)[:_K]
    return top[np.argsort(-scores[top], kind="stable")]


def _score_all(matrix: np.ndarray, rows: np.ndarray | None, query: np.ndarray) -> np.ndarray:
    scores = matrix @ query
    return _top(scores if rows is None else scores[rows])


def _gather(matrix: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    scores = np.empty(len(rows), np.float32)
    for i in range(0, len(rows), 1024):  # einsum: BLAS threads wait on a busy machine
        np.einsum("ij,j->i", matrix[rows[i : i + 1024]], query, out=scores[i : i + 1024])
    return _top(scores)


def _gather_blas(matrix: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    scores = np.concatenate([matrix[rows[i : i + 4096]] @ query for i in range(0, len(rows), 4096)])
    return _top(scores)


def numpy_exact(vectors: np.ndarray, queries: np.ndarray, masks: dict[str, np.ndarray]) -> Any:
    """One product over every row; per filter, that then the filter's rows, or the filter's
    rows gathered and scored alone (by einsum, or by BLAS as ``@``)."""
    out: dict[str, Any] = {"all_rows": _time(partial(_score_all, vectors, None), queries, 100)}
    for name, mask in masks.items():
        rows = np.flatnonzero(mask)
        out[name] = {
            "share_of_rows": round(len(rows) / len(vectors), 3),
            "score_all_then_take": _time(partial(_score_all, vectors, rows), queries, 50),
            "gather_then_score": _time(partial(_gather, vectors, rows), queries, 50),
            "gather_then_score_blas": _time(partial(_gather_blas, vectors, rows), queries, 50),
        }
    return out


def faiss_flat(vectors: np.ndarray, queries: np.ndarray, masks: dict[str, np.ndarray]) -> Any:
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)

    def search(query: np.ndarray, params: Any = None) -> Any:
        return index.search(query[None, :], _K, params=params)[1][0]

    out: dict[str, Any] = {
        "kind": "exact (IndexFlatIP)",
        "unfiltered": _time(search, queries, 100),
        "recall_at_10": _recall(
            [search(q) for q in queries[:50]], [_exact(vectors, q, None) for q in queries[:50]]
        ),
    }
    for name, mask in list(masks.items())[:3]:
        selector = faiss.IDSelectorBatch(np.flatnonzero(mask).astype(np.int64))
        out[f"filtered_{name}"] = _time(
            partial(search, params=faiss.SearchParameters(sel=selector)), queries, 30
        )
    return out


class _Allowed:
    """hnswlib's filter: is this label allowed?"""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask

    def __call__(self, label: int) -> bool:
        return bool(self.mask[label])


def hnsw(vectors: np.ndarray, queries: np.ndarray, masks: dict[str, np.ndarray]) -> Any:
    import hnswlib

    t0 = time.perf_counter()
    index = hnswlib.Index(space="ip", dim=vectors.shape[1])
    index.init_index(max_elements=len(vectors), ef_construction=200, M=16)
    index.add_items(vectors, np.arange(len(vectors)))
    out: dict[str, Any] = {
        "kind": "ANN (HNSW, M=16, ef_construction=200)",
        "build_s": round(time.perf_counter() - t0, 1),
    }

    def search(query: np.ndarray, allowed: _Allowed | None = None) -> Any:
        return index.knn_query(query, k=_K, filter=allowed)[0][0]

    exact = [_exact(vectors, q, None) for q in queries[:50]]
    for ef in (64, 256):
        index.set_ef(ef)
        out[f"ef_{ef}"] = {
            "unfiltered": _time(search, queries, 100),
            "recall_at_10": _recall([search(q) for q in queries[:50]], exact),
        }
    for name, mask in list(masks.items())[:3]:  # a Python predicate per visited node
        allowed = _Allowed(mask)
        out[f"ef_256_filtered_{name}"] = {
            "time": _time(partial(search, allowed=allowed), queries, 20),
            "recall_at_10": _recall(
                [search(q, allowed) for q in queries[:20]],
                [_exact(vectors, q, mask) for q in queries[:20]],
            ),
        }
    return out


def usearch_hnsw(vectors: np.ndarray, queries: np.ndarray, masks: dict[str, np.ndarray]) -> Any:
    from usearch.index import Index

    t0 = time.perf_counter()
    index = Index(ndim=vectors.shape[1], metric="ip", dtype="f32")
    index.add(np.arange(len(vectors)), vectors)
    built = time.perf_counter() - t0

    def search(query: np.ndarray) -> Any:
        return index.search(query, _K).keys

    return {
        "kind": "ANN (HNSW, defaults)",
        "build_s": round(built, 1),
        "unfiltered": _time(search, queries, 100),
        "recall_at_10": _recall(
            [search(q) for q in queries[:50]], [_exact(vectors, q, None) for q in queries[:50]]
        ),
        "filtered": "no predicate in its Python search: over-fetch then filter, recall unbounded",
    }


def sqlite_vec_scan(vectors: np.ndarray, queries: np.ndarray, masks: dict[str, np.ndarray]) -> Any:
    import sqlite_vec

    db = sqlite3.connect(":memory:")
    if not hasattr(db, "enable_load_extension"):
        return {"skipped": "this Python's sqlite3 cannot load extensions"}
    db.enable_load_extension(True)
    sqlite_vec.load(db)
    db.enable_load_extension(False)
    t0 = time.perf_counter()
    db.execute(f"CREATE VIRTUAL TABLE v USING vec0(embedding float[{vectors.shape[1]}])")
    db.executemany(
        "INSERT INTO v(rowid, embedding) VALUES(?, ?)",
        ((i + 1, vectors[i].tobytes()) for i in range(len(vectors))),
    )
    built = time.perf_counter() - t0
    plain = "SELECT rowid FROM v WHERE embedding MATCH ? AND k = ? ORDER BY distance"
    within = (
        "SELECT rowid FROM v WHERE embedding MATCH ? AND k = ? AND rowid IN"
        " (SELECT value FROM json_each(?)) ORDER BY distance"
    )

    def search(query: np.ndarray, rowids: str | None = None) -> list[int]:
        args = (query.tobytes(), _K) if rowids is None else (query.tobytes(), _K, rowids)
        return [r - 1 for (r,) in db.execute(plain if rowids is None else within, args)]

    out: dict[str, Any] = {
        "kind": "exact (vec0 brute force over its own copy, in memory; L2 on unit vectors)",
        "load_s": round(built, 1),
        "unfiltered": _time(search, queries, 20),
        "recall_at_10": _recall(
            [search(q) for q in queries[:20]], [_exact(vectors, q, None) for q in queries[:20]]
        ),
    }
    name, mask = next(iter(masks.items()))
    rowids = json.dumps((np.flatnonzero(mask) + 1).tolist())
    try:
        out[f"filtered_{name}"] = _time(partial(search, rowids=rowids), queries, 20)
    except sqlite3.Error as exc:
        out[f"filtered_{name}"] = {"error": str(exc)}
    db.close()
    return out


def main(path: Path) -> dict[str, Any]:
    data = np.load(path)
    vectors, queries = data["vectors"], data["queries"]
    masks = {key.removeprefix("mask_"): data[key] for key in data.files if key.startswith("mask_")}
    out: dict[str, Any] = {"python": sys.version.split()[0]}
    for name, fn in (
        ("numpy", numpy_exact),
        ("faiss", faiss_flat),
        ("hnswlib", hnsw),
        ("usearch", usearch_hnsw),
        ("sqlite_vec", sqlite_vec_scan),
    ):
        print(f"[knn_alternatives] {name}", file=sys.stderr)
        try:
            out[name] = fn(vectors, queries, masks)
        except ImportError as exc:
            out[name] = {"skipped": f"not importable: {exc}"}
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), indent=2))
