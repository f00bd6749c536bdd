"""Embedded kNN at 100,000 posts x 512-d: p50/p95 of ``nearest_posts``, load, memory, exactness.

The corpus is synthetic and deterministic (seed 0), so any store version can be measured
on the same posts: 100,000 enriched posts over 60 days on five platforms, a Zipf-weighted
province (a quarter have none), category, sentiment and Thai tokens, and unit vectors drawn
around 256 centroids plus a direction every vector shares (related posts score about 0.4,
unrelated about 0.15, as USE vectors do). It is written once to ``bench/.cache/`` and each
run works on a copy, because the run writes to it.

Each of ``--queries`` query vectors (fresh draws around the centroids) is asked unfiltered
and with each realistic filter below (k=10); every answer is checked against an exact
brute-force reference over the same vectors and filters (score descending, then id). Then
a second store on the same file re-enriches 1,000 posts and the first store is asked
again: the time of that query and whether it sees the new vectors. ``--alternatives``
also times the candidates for the store's design on the same vectors and filters
(``knn_alternatives.py``: numpy, faiss, hnswlib, usearch, sqlite-vec, each if importable
by ``--alternatives-python``) and reading a filter's posts from SQLite. Writes or updates
one labelled run (and the alternatives) in ``bench/results/embedded_knn.json``::

    python -m bench.storage.embedded_knn --label after [--queries 200]
    python -m bench.storage.embedded_knn --no-store --alternatives --alternatives-python PY
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from domain.models import (
    BANGKOK_TZ,
    Category,
    CategoryPrediction,
    Enrichment,
    Location,
    Post,
    Sentiment,
)
from storage.base import PostQuery
from storage.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results" / "embedded_knn.json"
_CORPUS_VERSION = 1  # bump when the corpus changes
_N = 100_000
_DIM = 512
_DAYS = 60
_END = datetime(2026, 12, 1, tzinfo=BANGKOK_TZ)
_K = 10
_TARGET_P95_MS = 100.0
_PLATFORMS = ("x", "facebook", "pantip", "news_comment", "youtube")
_PROVINCES = (
    "กรุงเทพมหานคร",
    "เชียงใหม่",
    "ชลบุรี",
    "ขอนแก่น",
    "นครราชสีมา",
    "สงขลา",
    "นนทบุรี",
    "ภูเก็ต",
    "อุดรธานี",
    "สุราษฎร์ธานี",
    "เชียงราย",
    "พิษณุโลก",
    "นครศรีธรรมราช",
    "อุบลราชธานี",
    "ระยอง",
    "ปทุมธานี",
    "สมุทรปราการ",
    "ลำปาง",
    "กระบี่",
    "ตรัง",
)
# Thai words, most frequent first (one string: a tuple of 58 literals is 60 lines)
_WORDS = tuple(
    "น้ำ ไฟ ถนน ขยะ รถ ติด ดับ ไม่ ไหล เสีย ซ่อม แจ้ง หลุม ท่อ ตัน เหม็น ฝุ่น ควัน"  # noqa: SIM905
    " น้ำท่วม ไฟดับ รถติด น้ำประปา ไฟฟ้า ขยะล้น ถนนพัง สัญญาณ เน็ต หมอ โรงพยาบาล ยา"
    " โรงเรียน ครู เงิน ภาษี ตำรวจ ปล้น ขโมย เสียงดัง หมาจร ราคา แพง บ้าน ที่ดิน รถเมล์"
    " รถไฟ เทศบาล อบต ผู้ว่า เขต ซอย ตลาด ร้าน อร่อย สวย เที่ยว กิน ดี ชอบ".split()
)
# Filters on columns with no index of their own: SQLite reads every post to answer them.
_UNINDEXED = {"unfiltered", "platform_grievance"}
_TERM_RANK = 22  # the word asked as a term filter; its share of posts is reported


@dataclass
class Corpus:
    ids: list[str]
    vectors: np.ndarray  # (n, dim) float32, unit rows, in ``ids`` order
    centroids: np.ndarray
    common: np.ndarray
    platform: np.ndarray
    province: np.ndarray  # index into _PROVINCES, -1 for none
    category: np.ndarray  # index into list(Category)
    sentiment: np.ndarray
    created: np.ndarray  # epoch seconds
    tokens: list[list[str]]


def say(message: str) -> None:
    print(f"[bench.storage {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr)


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _around(
    rng: np.random.Generator, centroids: np.ndarray, common: np.ndarray, n: int
) -> np.ndarray:
    picks = rng.integers(len(centroids), size=n)
    noise = rng.standard_normal((n, centroids.shape[1]), dtype=np.float32)
    return _unit(centroids[picks] + 1.2 * noise + 0.45 * common)


def make_corpus(n: int = _N, dim: int = _DIM) -> Corpus:
    """The deterministic corpus (about 2 s and 0.4 GB at 100,000 x 512)."""
    rng = np.random.default_rng(0)
    centroids = rng.standard_normal((256, dim), dtype=np.float32)
    common = rng.standard_normal(dim, dtype=np.float32)
    vectors = np.vstack(
        [_around(rng, centroids, common, min(10_000, n - i)) for i in range(0, n, 10_000)]
    )
    weights = 1.0 / np.arange(1, len(_PROVINCES) + 1)
    province = rng.choice(len(_PROVINCES), size=n, p=weights / weights.sum())
    province[rng.random(n) < 0.25] = -1
    categories = list(Category)
    cat_weights = np.array([1.0 / (i + 1) for i in range(len(categories) - 1)] + [3.0])
    category = rng.choice(len(categories), size=n, p=cat_weights / cat_weights.sum())
    word_weights = 1.0 / np.arange(1, len(_WORDS) + 1)
    word_weights /= word_weights.sum()
    tokens = [
        [_WORDS[w] for w in rng.choice(len(_WORDS), size=6, p=word_weights)] + [f"w{i % 50_000}"]
        for i in range(n)
    ]
    platform = rng.choice(len(_PLATFORMS), size=n, p=[0.35, 0.3, 0.15, 0.15, 0.05])
    return Corpus(
        ids=[f"{_PLATFORMS[p]}:knn-{i:06d}" for i, p in enumerate(platform.tolist())],
        vectors=vectors,
        centroids=centroids,
        common=common,
        platform=platform,
        province=province,
        category=category,
        sentiment=rng.choice(3, size=n, p=[0.5, 0.35, 0.15]),
        created=(_END.timestamp() - rng.uniform(0, _DAYS * 86_400, size=n)).astype(np.int64),
        tokens=tokens,
    )


def _post(corpus: Corpus, i: int) -> Post:
    categories = list(Category)
    category = categories[corpus.category[i]]
    province = _PROVINCES[corpus.province[i]] if corpus.province[i] >= 0 else None
    created = datetime.fromtimestamp(int(corpus.created[i]), BANGKOK_TZ)
    text = " ".join(corpus.tokens[i])
    platform = _PLATFORMS[corpus.platform[i]]
    return Post(
        platform=platform,
        native_id=corpus.ids[i].split(":", 1)[1],
        text=text,
        created_at=created,
        collected_at=created + timedelta(minutes=5),
        enrichment=Enrichment(
            tokens=corpus.tokens[i],
            normalized_text=text,
            redacted_text=text,
            sentiment=Sentiment(
                label=("negative", "neutral", "positive")[corpus.sentiment[i]],
                score=0.9,
            ),
            locations=[Location(province=province, lat=13.7, lon=100.5, confidence=0.9)]
            if province
            else [],
            category=CategoryPrediction(label=category, confidence=0.8),
            is_grievance=category is not Category.none,
        ),
    )


def cached_store_file(corpus: Corpus) -> tuple[Path, float | None]:
    """The corpus in an embedded store file under bench/.cache (built once); build seconds."""
    path = CACHE / f"embedded-knn-v{_CORPUS_VERSION}-{len(corpus.ids)}x{corpus.vectors.shape[1]}.db"
    if path.exists():
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    say(f"building {path.name} ({len(corpus.ids):,} posts)")
    started = time.perf_counter()
    store = EmbeddedStore(partial)
    try:
        for start in range(0, len(corpus.ids), 5_000):
            stop = min(start + 5_000, len(corpus.ids))
            posts = [_post(corpus, i) for i in range(start, stop)]
            store.upsert_posts(posts)
            store.save_enrichment(posts, corpus.vectors[start:stop])
    finally:
        store.close()
    sqlite3.connect(partial).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    partial.rename(path)
    return path, time.perf_counter() - started


# queries ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filter:
    name: str
    query: PostQuery
    mask: np.ndarray


def filters(corpus: Corpus) -> list[Filter]:
    """Realistic filters: a province (common and rare), a week, a category, a Thai word..."""
    end = _END.timestamp()
    week, month = end - 7 * 86_400, end - 30 * 86_400
    categories = list(Category)
    water = categories.index(Category.water_supply)
    term = _WORDS[_TERM_RANK]
    has_term = np.array([term in t for t in corpus.tokens])
    recent_week = corpus.created >= week
    recent_month = corpus.created >= month
    start_week = datetime.fromtimestamp(week, BANGKOK_TZ)
    start_month = datetime.fromtimestamp(month, BANGKOK_TZ)
    return [
        Filter("province", PostQuery(province=_PROVINCES[0]), corpus.province == 0),
        Filter("province_rare", PostQuery(province=_PROVINCES[15]), corpus.province == 15),
        Filter("last_7_days", PostQuery(start=start_week, end=_END), recent_week),
        Filter("category", PostQuery(category="water_supply"), corpus.category == water),
        Filter("term", PostQuery(terms=(term,)), has_term),
        Filter(
            "province_last_30_days",
            PostQuery(province=_PROVINCES[0], start=start_month, end=_END),
            (corpus.province == 0) & recent_month,
        ),
        Filter(
            "term_category",
            PostQuery(terms=(term,), category="water_supply"),
            has_term & (corpus.category == water),
        ),
        Filter(
            "platform_grievance",
            PostQuery(platforms=("x", "facebook"), is_grievance=True),
            np.isin(corpus.platform, [0, 1]) & (corpus.category != categories.index(Category.none)),
        ),
    ]


def reference(
    corpus: Corpus, vector: np.ndarray, mask: np.ndarray | None, k: int, wide: np.ndarray
) -> list[str]:
    """Exact top ``k`` by brute force in float64 (``wide``: the vectors as float64): score
    descending, then id."""
    rows = np.flatnonzero(mask) if mask is not None else np.arange(len(corpus.ids))
    scores = wide[rows] @ vector.astype(np.float64)
    if len(rows) > k:  # every row scoring at least the k-th best, ties included
        keep = scores >= np.partition(scores, len(scores) - k)[len(scores) - k]
        rows, scores = rows[keep], scores[keep]
    order = sorted(range(len(rows)), key=lambda i: (-scores[i], corpus.ids[rows[i]]))
    return [corpus.ids[rows[i]] for i in order[:k]]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2),
        "max_ms": round(ms[-1], 2),
    }


def measure_store(corpus: Corpus, path: Path, queries: np.ndarray) -> dict[str, Any]:
    """Time ``nearest_posts`` on a fresh store over ``path``; check every answer."""
    kinds = filters(corpus)
    wide = corpus.vectors.astype(np.float64)
    expected = {
        f.name if f else "unfiltered": [
            reference(corpus, v, f.mask if f else None, _K, wide) for v in queries
        ]
        for f in (None, *kinds)
    }
    deep_queries = queries[:30]
    deep_kinds = (None, kinds[-1], kinds[0])
    deep_expected = [
        [reference(corpus, v, f.mask if f else None, 1_000, wide) for v in deep_queries]
        for f in deep_kinds
    ]
    del wide
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS from here on
    rss_before = _rss_mb()
    started = time.perf_counter()
    store = EmbeddedStore(path)
    opened = time.perf_counter()
    store.nearest_posts(queries[0], k=_K)
    first = time.perf_counter()
    rss_loaded, rss_peak = _rss_mb(), _peak_rss_mb()
    say(f"opened in {opened - started:.2f} s, first query {first - opened:.2f} s")
    timings: dict[str, list[float]] = {name: [] for name in expected}
    mismatches: dict[str, int] = dict.fromkeys(timings, 0)
    max_score_error = 0.0
    for q, vector in enumerate(queries):
        for f in (None, *kinds):
            name = f.name if f else "unfiltered"
            t0 = time.perf_counter()
            got = store.nearest_posts(vector, k=_K, query=f.query if f else PostQuery())
            timings[name].append(time.perf_counter() - t0)
            if [pid for pid, _ in got] != expected[name][q]:
                mismatches[name] += 1
            for pid, score in got:
                row = int(pid.rsplit("-", 1)[1])
                max_score_error = max(
                    max_score_error, abs(score - float(corpus.vectors[row] @ vector))
                )
        if q % 20 == 19:
            say(f"{q + 1}/{len(queries)} queries")
    filtered = [s for name, v in timings.items() if name != "unfiltered" for s in v]
    indexed = [s for name, v in timings.items() if name not in _UNINDEXED for s in v]
    result: dict[str, Any] = {
        "open_s": round(opened - started, 3),
        "first_query_s": round(first - opened, 3),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_first_query_mb": round(rss_loaded, 1),
        "rss_added_by_load_mb": round(rss_loaded - rss_before, 1),
        "rss_peak_while_loading_mb": round(rss_peak - rss_before, 1),
        "unfiltered": _percentiles(timings["unfiltered"]),
        "filtered": _percentiles(filtered),
        "filtered_by_indexed_columns": _percentiles(indexed),
        "by_filter": {
            f.name: _percentiles(timings[f.name]) | {"matching_posts": int(f.mask.sum())}
            for f in kinds
        },
        "answers_checked": sum(len(v) for v in timings.values()),
        "answers_differing_from_exact": sum(mismatches.values()),
        "differing_by_filter": {k: v for k, v in mismatches.items() if v},
        "max_score_error": float(f"{max_score_error:.3g}"),
    }
    result["k_1000"] = _deep(store, deep_queries, deep_kinds, deep_expected)
    result |= _writes_seen(corpus, path, store)
    store.close()
    return result


def _deep(
    store: EmbeddedStore,
    queries: np.ndarray,
    kinds: tuple[Filter | None, ...],
    expected: list[list[list[str]]],
) -> dict[str, Any]:
    """k=1000, as semantic search pages ask (``storage.hybrid``): unfiltered, the broadest
    filter and a common province."""
    out: dict[str, Any] = {}
    for f, wanted in zip(kinds, expected, strict=True):
        samples, differing = [], 0
        for vector, ids in zip(queries, wanted, strict=True):
            t0 = time.perf_counter()
            got = store.nearest_posts(vector, k=1_000, query=f.query if f else PostQuery())
            samples.append(time.perf_counter() - t0)
            differing += [pid for pid, _ in got] != ids
        out[f.name if f else "unfiltered"] = _percentiles(samples) | {"differing": differing}
    return out


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _writes_seen(corpus: Corpus, path: Path, store: EmbeddedStore) -> dict[str, Any]:
    """Another store on the same file re-enriches 1,000 posts; does ``store`` see them?"""
    rng = np.random.default_rng(1)
    rows = rng.choice(len(corpus.ids), size=1_000, replace=False)
    fresh = _around(rng, corpus.centroids, corpus.common, len(rows))
    writer = EmbeddedStore(path)
    posts = [_post(corpus, int(r)) for r in rows]
    t0 = time.perf_counter()
    writer.save_enrichment(posts, fresh)
    written = time.perf_counter() - t0
    writer.close()
    t0 = time.perf_counter()
    top = store.nearest_posts(fresh[0], k=1)
    after = time.perf_counter() - t0
    steady = []
    for vector in fresh[1:21]:
        t0 = time.perf_counter()
        store.nearest_posts(vector, k=1)
        steady.append(time.perf_counter() - t0)
    # and one write by the store itself
    own = _around(rng, corpus.centroids, corpus.common, 1)
    store.save_enrichment([_post(corpus, int(rows[1]))], own)
    own_top = store.nearest_posts(own[0], k=1)
    return {
        "other_writer_1000_posts_s": round(written, 3),
        "first_query_after_other_writer_ms": round(after * 1000, 2),
        "queries_after_that": _percentiles(steady),
        "sees_other_writer": bool(top and top[0][0] == corpus.ids[rows[0]]),
        "sees_own_write": bool(own_top and own_top[0][0] == corpus.ids[rows[1]]),
    }


# alternatives ----------------------------------------------------------------------------
def measure_alternatives(
    corpus: Corpus, path: Path, queries: np.ndarray, python: str
) -> dict[str, Any]:
    """``knn_alternatives.py`` under ``python`` on this corpus, and the filter's rowids read
    from SQLite three ways."""
    kinds = filters(corpus)
    data = CACHE / "knn-alternatives.npz"
    arrays: dict[str, Any] = {"vectors": corpus.vectors, "queries": queries}
    arrays |= {f"mask_{f.name}": f.mask for f in kinds}
    np.savez(data, **arrays)
    script = Path(__file__).with_name("knn_alternatives.py")
    done = subprocess.run([python, str(script), str(data)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{script.name} failed:\n{done.stderr}")
    out: dict[str, Any] = json.loads(done.stdout)
    out["filter_rowids_from_sqlite"] = _sql_candidates(path, kinds)
    return out


def _sql_candidates(path: Path, kinds: list[Filter]) -> dict[str, Any]:
    """The filter's posts as one JSON array of rowids (the store's way), as rowid rows, as
    id rows: p50/p95 ms."""
    from storage.embedded import _where  # the store's own WHERE clause

    db = sqlite3.connect(path)
    out: dict[str, Any] = {}
    for f in kinds:
        where, params, join = _where(f.query)
        out[f.name] = {}
        for shape, what in (
            ("rowids_json", "json_group_array(p.rowid)"),
            ("rowids", "p.rowid"),
            ("ids", "p.id"),
        ):
            sql = f"SELECT {what} FROM {join}posts p WHERE {where}"
            samples = []
            for _ in range(11):
                t0 = time.perf_counter()
                db.execute(sql, params).fetchall()
                samples.append(time.perf_counter() - t0)
            out[f.name][shape] = _percentiles(samples[1:])
    db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="after", help="name of this run in the results")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--alternatives", action="store_true")
    parser.add_argument(
        "--alternatives-python",
        default=sys.executable,
        help="the Python to run knn_alternatives.py with (numpy, and the libraries to time)",
    )
    parser.add_argument("--no-store", action="store_true", help="only the alternatives")
    parser.add_argument("--note", default="", help="kept with the run (which code, load)")
    args = parser.parse_args(argv)

    say("making the corpus")
    corpus = make_corpus()
    cached, built_s = cached_store_file(corpus)
    queries = _around(np.random.default_rng(2), corpus.centroids, corpus.common, args.queries)
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results |= {
        "posts": len(corpus.ids),
        "dim": corpus.vectors.shape[1],
        "k": _K,
        "target_p95_ms": _TARGET_P95_MS,
        "machine": f"{os.cpu_count()} cores",
    }
    runs = results.setdefault("runs", {})
    with tempfile.TemporaryDirectory(prefix="siang-knn-") as tmp:
        work = Path(tmp) / "knn.db"
        shutil.copyfile(cached, work)
        if not args.no_store:
            say(f"measuring the store ({args.queries} queries x {1 + len(filters(corpus))})")
            run = measure_store(corpus, work, queries)
            run["measured_at"] = datetime.now(BANGKOK_TZ).isoformat(timespec="seconds")
            run["load_average_1_5_15"] = list(os.getloadavg())
            if args.note:
                run["note"] = args.note
            if built_s is not None:
                run["corpus_build_s"] = round(built_s, 1)
            runs[args.label] = run
        if args.alternatives:
            say("measuring the alternatives")
            results["alternatives"] = measure_alternatives(
                corpus, cached, queries, args.alternatives_python
            )
    for label, run in runs.items():
        results[f"{label}_unfiltered_p95_ms"] = run["unfiltered"]["p95_ms"]
        results[f"{label}_filtered_p95_ms"] = run["filtered"]["p95_ms"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    say(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
