"""Bulk ingest and filtered queries at 100,000 posts with 512-d vectors, on both stores.

The posts are ``bench.es_ingest.corpus``'s (the sample enriched once, cycled with
variations; random unit vectors). Each store is written as the pipeline writes it: in a
bulk load (``storage.loading.bulk_load``), a batch of 2,000 posts at a time, each post
with its enrichment and vector in one write (``storage.loading.upsert_enriched``; the
embedded store, which has no one-write path, does ``upsert_posts`` then
``save_enrichment``). Posts/s is the wall time from the first write to the end of the
load, its one refresh included.

Measured on Elasticsearch, each on a fresh index prefix that is deleted afterwards:

* ``before``: the path the issue measured (``upsert_posts`` then ``save_enrichment``, every
  chunk of 500 asking ``refresh="wait_for"``), on ``--before-posts`` posts;
* ``sweep``: chunk sizes 250 to 2,000 on one thread and 500/1,000 on two
  (``elasticsearch.helpers.parallel_bulk``), on ``--sweep-posts`` posts each, every
  setting twice in turn, the faster run kept (``sweep_runs`` has them all);
* the full load with the store's defaults (``storage.es_bulk``), then ``--repeats`` runs
  of each query kind (``bench.es_ingest.queries``) on both stores: filtered Thai search
  (20 hits with the total), filtered kNN (k=10) and a day timeline, and the totals of
  ``--parity`` filtered queries, which must be the same on both stores.

``node_profile`` samples the node's hot threads during the full load (what its write
threads spend their time on). CPU seconds per 1,000 posts are read for this process (the
client) and, when its pid file is readable, for the Elasticsearch node
(``SIANG_TEST_ES_RUN_DIR/pid``): unlike posts/s, they hardly move when other work shares
the cores. ``client_profile_top`` is the client's busiest functions over one load of half
``--sweep-posts`` posts.

Elasticsearch must be running (source ``services/elasticsearch.sh``'s env file first, or
the configured node is used). Writes ``bench/results/es_ingest.json`` and exits 1 if the
stores' totals differ::

    python -m bench.es_ingest [--posts 100000] [--sweep-posts 6000] [--repeats 50]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

from bench.es_ingest.corpus import bench_posts, enriched_sample, unit_vectors
from bench.es_ingest.profile import CpuClock, HotThreads, say
from bench.es_ingest.queries import (
    Vocabulary,
    agg_query,
    knn_query,
    parity_queries,
    search_query,
)
from domain.models import Post
from domain.settings import Settings, load_settings
from storage.base import Page, PostQuery, Store
from storage.elasticsearch import ElasticsearchStore
from storage.embedded import EmbeddedStore, content_hash
from storage.es_bulk import BULK_CHUNK_SIZE, BULK_THREADS
from storage.es_documents import post_source
from storage.loading import bulk_load, upsert_enriched
from storage.templates import VectorIndex, install_templates

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "es_ingest.json"
DIMS = 512
BATCH = 2_000  # posts per store call, as an ingest batch
SWEEP_ROUNDS = 2  # each setting is loaded this often; the best run counts
SWEEP: tuple[tuple[int, int], ...] = ((250, 1), (500, 1), (1000, 1), (2000, 1), (500, 2), (1000, 2))
TARGET_POSTS_PER_S = 2_000


def _settings() -> Settings:
    node: dict[str, Any] = {}
    if os.environ.get("SIANG_TEST_ES_URL"):  # the node services/elasticsearch.sh started
        node = {
            "hosts": [os.environ["SIANG_TEST_ES_URL"]],
            "username": os.environ.get("SIANG_TEST_ES_USER", "elastic"),
            "password": os.environ.get("SIANG_TEST_ES_PASSWORD"),
        }
    return load_settings(store={"backend": "elasticsearch"}, elasticsearch=node)


@contextmanager
def _prefix(client: Elasticsearch, vector_index: VectorIndex = "flat") -> Iterator[str]:
    """A fresh index prefix with Siang's templates; indices and templates go afterwards."""
    prefix = f"siang-bench-ingest-{uuid.uuid4().hex[:8]}"
    install_templates(client, prefix=prefix, dims=DIMS, vector_index=vector_index)
    try:
        yield prefix
    finally:
        client.options(ignore_status=404).indices.delete(
            index=f"{prefix}-*", expand_wildcards="all"
        )
        for t in client.indices.get_index_template(name=f"{prefix}-*")["index_templates"]:
            client.indices.delete_index_template(name=t["name"])
        for t in client.cluster.get_component_template(name=f"{prefix}-*")["component_templates"]:
            client.cluster.delete_component_template(name=t["name"])


def load(store: Store, posts: Sequence[Post], vectors: np.ndarray) -> int:
    """Write ``posts`` as the pipeline does; returns how many the store created."""
    created = 0
    with bulk_load(store):
        for start in range(0, len(posts), BATCH):
            counts = upsert_enriched(
                store, posts[start : start + BATCH], vectors[start : start + BATCH]
            )
            created += counts.created
    return created


def _load_es(
    client: Elasticsearch,
    posts: Sequence[Post],
    vectors: np.ndarray,
    cpu: CpuClock,
    *,
    chunk_size: int,
    threads: int,
    vector_index: VectorIndex = "flat",
) -> dict[str, Any]:
    figures: dict[str, Any] = {"chunk_size": chunk_size, "threads": threads, "posts": len(posts)}
    with _prefix(client, vector_index) as prefix:
        store = ElasticsearchStore(
            client, prefix=prefix, chunk_size=chunk_size, bulk_threads=threads
        )
        with cpu.measured(len(posts), figures):
            created = load(store, posts, vectors)
        figures["stored"] = store.count_posts()
    if created != len(posts) or figures["stored"] != len(posts):
        raise RuntimeError(f"stored {figures['stored']} of {len(posts)} posts: {figures}")
    return figures


def _best(runs: list[dict[str, Any]], setting: tuple[int, int]) -> dict[str, Any]:
    """The fastest run of one (chunk size, threads) setting: the machine's other load only
    ever slows a run down."""
    mine = [r for r in runs if (r["chunk_size"], r["threads"]) == setting]
    return {**max(mine, key=lambda r: r["posts_per_s"]), "rounds": len(mine)}


def _before(
    client: Elasticsearch, posts: Sequence[Post], vectors: np.ndarray, cpu: CpuClock
) -> dict[str, Any]:
    """The path the issue measured: two passes, every chunk of 500 refreshed (wait_for)."""
    figures: dict[str, Any] = {"posts": len(posts), "path": "upsert then save_enrichment"}
    with _prefix(client) as prefix, cpu.measured(len(posts), figures):
        index_of = ElasticsearchStore(client, prefix=prefix).posts_index
        alias = f"{prefix}-posts"

        def write(actions: list[dict[str, Any]]) -> None:
            for ok, item in streaming_bulk(
                client, actions, chunk_size=500, refresh="wait_for", raise_on_error=False
            ):
                if not ok:
                    raise RuntimeError(f"refused: {item}")

        def existing(ids: list[str], fields: list[str]) -> None:
            client.search(index=alias, query={"ids": {"values": ids}}, size=len(ids),
                          source_includes=fields, ignore_unavailable=True)  # fmt: skip

        for start in range(0, len(posts), BATCH):
            batch = posts[start : start + BATCH]
            ids = [p.id for p in batch]
            existing(ids, ["content_hash", "doc", "enriched", "topic_id"])
            fresh = [p.model_copy(update={"enrichment": None}) for p in batch]
            write([_index_action(index_of, p, None) for p in fresh])
            existing(ids, ["content_hash", "doc", "enriched", "topic_id", "embedding"])
            write([_index_action(index_of, p, vectors[start + i]) for i, p in enumerate(batch)])
    return figures


def _index_action(
    index_of: Callable[[datetime], str], post: Post, vector: np.ndarray | None
) -> dict[str, Any]:
    return {
        "_index": index_of(post.created_at),
        "_id": post.id,
        "_source": post_source(post, content_hash(post), vector),
    }


def _profile(client: Elasticsearch, posts: Sequence[Post], vectors: np.ndarray) -> list[str]:
    """The client's busiest functions (own time) over one load with the defaults."""
    profiler = cProfile.Profile()
    with _prefix(client) as prefix:
        store = ElasticsearchStore(client, prefix=prefix)
        profiler.enable()
        load(store, posts, vectors)
        profiler.disable()
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:12]  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    return [f"{v[2] / total:5.1%} {Path(f).name}:{line} {name}" for (f, line, name), v in rows]


def _nearest(store: Store, vocabulary: Vocabulary, rng: random.Random) -> object:
    vector, query = knn_query(vocabulary, rng, DIMS)
    return store.nearest_posts(vector, k=10, query=query)


def _p95(timings: list[float]) -> float:
    return round(float(np.percentile(np.array(timings) * 1000, 95)), 1)


def _latencies(store: Store, vocabulary: Vocabulary, repeats: int) -> dict[str, Any]:
    """p95 (and p50) in ms of each query kind, ``repeats`` runs each after 5 warm-ups."""
    rng = random.Random(7)
    kinds: dict[str, Callable[[], object]] = {
        "search": lambda: store.search_posts(search_query(vocabulary, rng), Page(limit=20)),
        "knn": lambda: _nearest(store, vocabulary, rng),
        "agg": lambda: store.counts(agg_query(vocabulary, rng), interval="day"),
    }
    result: dict[str, Any] = {}
    for name, run_once in kinds.items():
        for _ in range(5):
            run_once()
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            run_once()
            timings.append(time.perf_counter() - started)
        result[f"{name}_p95_ms"] = _p95(timings)
        result[f"{name}_p50_ms"] = round(float(np.median(timings)) * 1000, 1)
    return result


def parity(first: Store, second: Store, queries: Sequence[PostQuery]) -> list[dict[str, Any]]:
    """The queries whose totals differ between the stores (search and count alike)."""
    differing = []
    for query in queries:
        a = first.search_posts(query, Page(limit=1)).total
        b = second.search_posts(query, Page(limit=1)).total
        if a != b or first.count_posts(query) != a or second.count_posts(query) != b:
            differing.append({"query": repr(query), "first": a, "second": b})
    return differing


def run(
    *,
    n: int,
    sweep_posts: int,
    before_posts: int,
    repeats: int,
    n_parity: int,
    output: Path = RESULTS,
    sweep: Sequence[tuple[int, int]] = SWEEP,
    profile: bool = True,
    sample_limit: int | None = None,
    vector_index: VectorIndex = "flat",
) -> dict[str, Any]:
    """Measure everything (see the module doc), write ``output``, return the figures."""
    settings = _settings()
    load_before = os.getloadavg()
    say("enriching the sample")
    sample = enriched_sample(settings, limit=sample_limit)
    posts = bench_posts(sample, n)
    vectors = unit_vectors(n, DIMS)
    vocabulary = Vocabulary.of(posts)
    cpu = CpuClock()
    from storage import elasticsearch_client

    client = elasticsearch_client(settings).options(request_timeout=120)
    result: dict[str, Any] = {}
    try:
        say(f"before: {before_posts} posts the old way")
        before = _before(client, posts[:before_posts], vectors, cpu)
        runs = []
        for round_ in range(SWEEP_ROUNDS):  # rounds in turn: a busy spell hits every setting
            for chunk_size, threads in sweep:
                say(f"sweep {round_ + 1}: chunk {chunk_size}, {threads} thread(s), {sweep_posts}")
                runs.append(
                    _load_es(
                        client,
                        posts[:sweep_posts],
                        vectors,
                        cpu,
                        chunk_size=chunk_size,
                        threads=threads,
                        vector_index=vector_index,
                    )
                )
        sweeps = [_best(runs, setting) for setting in sweep]
        busiest = _profile(client, posts[: sweep_posts // 2], vectors) if profile else []
        with tempfile.TemporaryDirectory() as tmp, _prefix(client, vector_index) as prefix:
            embedded = EmbeddedStore(Path(tmp) / "bench.db")
            es = ElasticsearchStore(client, prefix=prefix)
            say(f"elasticsearch: {n} posts, chunk {BULK_CHUNK_SIZE}, {BULK_THREADS} thread(s)")
            es_load: dict[str, Any] = {"chunk_size": BULK_CHUNK_SIZE, "threads": BULK_THREADS}
            with cpu.measured(n, es_load), HotThreads(client) as node_profile:
                load(es, posts, vectors)
            say(f"embedded: {n} posts")
            embedded_load: dict[str, Any] = {}
            with cpu.measured(n, embedded_load):
                load(embedded, posts, vectors)
            docs = {"elasticsearch": es.count_posts(), "embedded": embedded.count_posts()}
            say(f"queries: {repeats} of each kind per store; {n_parity} parity queries")
            queries = parity_queries(vocabulary, n_parity)
            differing = parity(es, embedded, queries)
            es_latency = _latencies(es, vocabulary, repeats)
            embedded_latency = _latencies(embedded, vocabulary, repeats)
            embedded.close()
        best = max(sweeps, key=lambda s: s["posts_per_s"])
        result = {
            "index_posts_per_s": es_load["posts_per_s"],
            "search_p95_ms": es_latency["search_p95_ms"],
            "knn_p95_ms": es_latency["knn_p95_ms"],
            "agg_p95_ms": es_latency["agg_p95_ms"],
            "embedded_index_posts_per_s": embedded_load["posts_per_s"],
            "embedded_search_p95_ms": embedded_latency["search_p95_ms"],
            "embedded_knn_p95_ms": embedded_latency["knn_p95_ms"],
            "embedded_agg_p95_ms": embedded_latency["agg_p95_ms"],
            "docs": n,
            "vector_index": vector_index,
            "dims": DIMS,
            "target_posts_per_s": TARGET_POSTS_PER_S,
            "target_met": es_load["posts_per_s"] >= TARGET_POSTS_PER_S,
            "before_posts_per_s": before["posts_per_s"],
            "totals_match": not differing and docs["elasticsearch"] == docs["embedded"] == n,
            "parity_queries": len(queries),
            "parity_differences": differing,
            "stored": docs,
            "load": {"elasticsearch": es_load, "embedded": embedded_load, "before": before},
            "sweep": sweeps,
            "sweep_runs": runs,
            "sweep_best": {k: best[k] for k in ("chunk_size", "threads", "posts_per_s")},
            "defaults": {"chunk_size": BULK_CHUNK_SIZE, "threads": BULK_THREADS},
            "latency": {"elasticsearch": es_latency, "embedded": embedded_latency},
            "repeats": repeats,
            "client_profile_top": busiest,
            "node_profile": node_profile.summary(),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "load_avg_before": [round(x, 2) for x in load_before],
                "load_avg_after": [round(x, 2) for x in os.getloadavg()],
                "note": "client and Elasticsearch (1 GB heap, Java 17) share the 2 cores",
            },
        }
    finally:
        client.close()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--sweep-posts", type=int, default=6_000)
    parser.add_argument("--before-posts", type=int, default=4_000)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--parity", type=int, default=60)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--vector-index",
        choices=["flat", "hnsw"],
        default="flat",
        help="how the posts' vectors are indexed (elasticsearch.vector_index)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(
        n=args.posts,
        sweep_posts=min(args.sweep_posts, args.posts),
        before_posts=min(args.before_posts, args.posts),
        repeats=args.repeats,
        n_parity=args.parity,
        output=args.output,
        vector_index=args.vector_index,
    )
    say(f"done in {time.perf_counter() - started:.0f} s; wrote {args.output}")
    print(json.dumps({k: v for k, v in result.items() if not isinstance(v, dict | list)}))
    if not result.get("totals_match"):
        say(f"TOTALS DIFFER between the stores: {result.get('parity_differences')}")
        return 1
    return 0


__all__ = ["load", "main", "parity", "run"]
