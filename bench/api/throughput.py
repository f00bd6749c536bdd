"""API speed at 100,000 posts on both stores: requests/s and p95 latency.

The posts are the topics benchmark's cached corpus (``bench.topics.corpus``: distinct
enriched posts with real USE vectors), loaded once into an embedded store under
``bench/.cache/`` and into Elasticsearch under the index prefix ``siang-bench`` (reused
while their post count matches), with topics fitted once by the real topics stage. Each
store is served by ``siang``'s app under uvicorn in its own process; a client process runs
``--concurrency`` requests at a time for ``--seconds`` per endpoint after a warm-up:

* search: ``/v1/posts/search`` with one or two frequent Thai content words, some with a
  province filter (relevance order, 20 hits);
* topics: ``/v1/topics?limit=50``;
* timeline: ``/v1/stats/timeline?interval=day`` for a random province.

Elasticsearch must be running: the configured node, or the one ``services/elasticsearch.sh
start`` runs (source its env file first); ``--stores embedded`` skips it.
Writes ``bench/results/api.json``::

    python -m bench.api.throughput [--stores embedded elasticsearch] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np

from bench.topics.corpus import CACHE, ROOT, corpus_dir, load_posts, say
from domain.settings import Settings, load_settings

RESULTS = ROOT / "bench" / "results" / "api.json"
_N = 100_000
_PREFIX = "siang-bench"
_TARGET_P95_MS = 150.0


def _settings(kind: str) -> Settings:
    if kind == "embedded":
        return load_settings(store={"backend": "embedded", "path": str(CACHE / "api-100k.db")})
    node: dict[str, Any] = {"index_prefix": _PREFIX}
    if os.environ.get("SIANG_TEST_ES_URL"):  # the node services/elasticsearch.sh started
        node |= {
            "hosts": [os.environ["SIANG_TEST_ES_URL"]],
            "username": os.environ.get("SIANG_TEST_ES_USER", "elastic"),
            "password": os.environ.get("SIANG_TEST_ES_PASSWORD"),
        }
    return load_settings(store={"backend": "elasticsearch"}, elasticsearch=node)


def _fill(kind: str) -> dict[str, Any]:
    """Load the corpus into the store unless it already holds it; fit topics once."""
    from storage import open_store
    from topics.service import TopicStage

    settings = _settings(kind)
    if kind == "elasticsearch":
        from enrich.embeddings import build_embedder
        from storage import elasticsearch_client
        from storage.templates import install_templates

        client = elasticsearch_client(settings)
        install_templates(
            client, prefix=_PREFIX, dims=build_embedder(settings.models.embedder).dimension
        )
        client.close()
    store = open_store(settings)
    try:
        if store.count_posts() == _N and store.list_topics(limit=1):
            return {"loaded_s": 0.0, "reused": True}
        started = time.perf_counter()
        directory = corpus_dir(settings, _N, 5_000, rebuild=False)
        posts, vectors, _, _ = load_posts(directory, _N, new=0)
        for start in range(0, len(posts), 2_000):
            batch = posts[start : start + 2_000]
            store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in batch])
            store.save_enrichment(batch, vectors[start : start + 2_000])
            say(f"{kind}: {start + len(batch)} posts stored")
        loaded = time.perf_counter() - started
        if kind == "embedded":
            TopicStage(store, settings).run()
        else:  # the embedded store's topics, so both serve the same records
            source = open_store(_settings("embedded"))
            try:
                store.assign_topics({p.id: p.topic_id for p in source.iter_posts()})
                store.replace_topics(source.list_topics(limit=10_000))
            finally:
                source.close()
        return {"loaded_s": round(loaded, 1), "reused": False}
    finally:
        store.close()


def _frequent_words(kind: str, n: int = 60) -> tuple[list[str], list[str]]:
    from enrich.thai_text import content_tokens
    from storage import open_store

    store = open_store(_settings(kind))
    try:
        words: Counter[str] = Counter()
        provinces: Counter[str] = Counter()
        for i, post in enumerate(store.iter_posts()):
            if post.enrichment and i % 10 == 0:
                words.update(set(content_tokens(post.enrichment.tokens)))
                provinces.update(loc.province for loc in post.enrichment.locations[:1])
        return [w for w, _ in words.most_common(n)], [p for p, _ in provinces.most_common(20)]
    finally:
        store.close()


def _serve_child(kind: str, port: int) -> None:
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(_settings(kind)), host="127.0.0.1", port=port, log_level="warning")


def _start_server(kind: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.api.throughput", "--serve", kind, "--port", str(port)],
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return child, base
        except httpx.HTTPError:
            time.sleep(0.5)
    child.kill()
    raise RuntimeError(f"the {kind} API did not start")


async def _load(
    base: str, key: str, make: Any, *, seconds: float, concurrency: int, warmup: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=30) as http:
        stop_warm = time.perf_counter() + warmup

        async def worker(until: float, record: bool) -> None:
            nonlocal errors
            rng = random.Random(id(asyncio.current_task()))
            while time.perf_counter() < until:
                path, params = make(rng)
                started = time.perf_counter()
                response = await http.get(path, params=params)
                took = time.perf_counter() - started
                if response.status_code != 200:
                    errors += 1
                elif record:
                    latencies.append(took)

        await asyncio.gather(*(worker(stop_warm, False) for _ in range(concurrency)))
        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds, True) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1) if len(ms) else None,
        "p95_ms": round(float(np.percentile(ms, 95)), 1) if len(ms) else None,
        "max_ms": round(float(ms.max()), 1) if len(ms) else None,
    }


def _measure(kind: str, *, seconds: float, concurrency: int) -> dict[str, Any]:
    from api.access import issue_key
    from storage import open_store

    filled = _fill(kind)
    words, provinces = _frequent_words("embedded")
    store = open_store(_settings(kind))
    try:
        key = issue_key(store, role="admin", name="bench", rate_per_minute=10_000_000)
        posts = store.count_posts()
    finally:
        store.close()

    def search(rng: random.Random) -> tuple[str, dict[str, Any]]:
        q = " ".join(rng.sample(words, rng.choice((1, 1, 2))))
        params: dict[str, Any] = {"q": q, "limit": 20}
        if rng.random() < 0.3:
            params["province"] = rng.choice(provinces)
        return "/v1/posts/search", params

    def topics(rng: random.Random) -> tuple[str, dict[str, Any]]:
        return "/v1/topics", {"limit": 50}

    def timeline(rng: random.Random) -> tuple[str, dict[str, Any]]:
        return "/v1/stats/timeline", {"interval": "day", "province": rng.choice(provinces)}

    child, base = _start_server(kind)
    try:
        results = {
            name: asyncio.run(
                _load(base, key, make, seconds=seconds, concurrency=concurrency, warmup=2.0)
            )
            for name, make in (("search", search), ("topics", topics), ("timeline", timeline))
        }
    finally:
        child.terminate()
        child.wait(timeout=30)
    return {"posts": posts, **filled, **results}


def run(stores: list[str], *, seconds: float, concurrency: int) -> dict[str, Any]:
    load_before = os.getloadavg()
    result: dict[str, Any] = {}
    runs: dict[str, Any] = {}
    for kind in stores:
        say(f"{kind}: measuring")
        measured = _measure(kind, seconds=seconds, concurrency=concurrency)
        runs[kind] = measured
        prefix = "es" if kind == "elasticsearch" else "embedded"
        result[f"{prefix}_search_rps"] = measured["search"]["rps"]
        result[f"{prefix}_search_p95_ms"] = measured["search"]["p95_ms"]
        result[f"{prefix}_topics_p95_ms"] = measured["topics"]["p95_ms"]
        result[f"{prefix}_timeline_p95_ms"] = measured["timeline"]["p95_ms"]
    p95s = [v for k, v in result.items() if k.endswith("_p95_ms") and v is not None]
    result |= {
        "target_p95_ms": _TARGET_P95_MS,
        "p95_under_target": bool(p95s) and max(p95s) < _TARGET_P95_MS,
        "concurrency": concurrency,
        "seconds_per_endpoint": seconds,
        "runs": runs,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_before": [round(x, 2) for x in load_before],
            "load_avg_after": [round(x, 2) for x in os.getloadavg()],
            "note": "server, client and Elasticsearch share the 2 cores",
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


def _main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stores", nargs="+", default=["embedded", "elasticsearch"])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # internal: the server child
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve_child(args.serve, args.port)
        return
    summary = run(args.stores, seconds=args.seconds, concurrency=args.concurrency)
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    _main()
