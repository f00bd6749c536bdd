"""Enrich speed: posts/s per stage and end to end on 1 and 2 processes, and peak memory.

The full enrich stage (redact, normalise, tokenise, sentiment, category, grievance,
places, USE embeddings) runs over ``--posts`` distinct posts, once in process and once
on 2 worker processes, each time with fresh models and a fresh embedding cache.

The posts are built from ``sample_data/posts.jsonl``, which has only ~3,700 posts and
repeats many texts: each bench post joins the first half of one sample post's words to
the second half of another's (pairs drawn with a fixed seed), and is kept only if its
normalised text, which is what the embedder reads and the cache keys on, is new. So
every text reaches the embedder, and lengths stay those of the sample. Writes
``bench/results/enrich_speed.json``::

    python -m bench.enrich.speed [--posts 20000] [--batch-size 256] [--output PATH]

End to end is wall time from nothing built to the last batch back, start-up included;
``steady_posts_per_s`` leaves out the time to the first batch. A stage's posts/s is
posts over the seconds spent in that stage, summed over processes (so per process).
Peak RSS is the largest sum, sampled every 0.25 s from /proc, over this process and all
its descendants; getrusage's maxrss figures (this process, largest child) are beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.errors import RecordError
from domain.models import Post
from domain.privacy import Pseudonymizer
from domain.settings import Settings, load_settings
from enrich.embeddings import build_embedder
from enrich.jobs import run_enrichment
from enrich.service import Enricher
from enrich.thai_text import normalize
from ingest.service import parse_post

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "enrich_speed.json"
COLLECTED = datetime(2026, 11, 10, tzinfo=UTC)


def sample_posts(settings: Settings) -> list[Post]:
    """The bundled sample posts, parsed as ingest parses them."""
    pseudonymizer = Pseudonymizer(settings.privacy.pseudonym_key.get_secret_value())
    posts = []
    for line in (ROOT / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            posts.append(parse_post(record, pseudonymizer=pseudonymizer, collected_at=COLLECTED))
        except (json.JSONDecodeError, RecordError):
            continue
    return posts


def distinct_posts(sample: list[Post], n: int, *, seed: int = 0) -> list[Post]:
    """``n`` posts whose normalised texts are pairwise distinct (see the module doc)."""
    rng = random.Random(seed)
    words = [p.text.split() for p in sample]
    seen: set[str] = set()
    posts: list[Post] = []
    while len(posts) < n:
        a, b = rng.randrange(len(sample)), rng.randrange(len(sample))
        head, tail = words[a][: (len(words[a]) + 1) // 2], words[b][(len(words[b]) + 1) // 2 :]
        text = " ".join(head + tail)
        key = normalize(text).text
        if key in seen:
            continue
        seen.add(key)
        posts.append(
            sample[a].model_copy(update={"native_id": f"bench-{len(posts):06d}", "text": text})
        )
    return posts


class _PeakRss:
    """Samples the summed RSS of this process and its descendants in a background thread."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak_bytes = max(self.peak_bytes, self._tree_rss())
            if self._stop.wait(self.interval):
                return

    def _tree_rss(self) -> int:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue  # exited meanwhile
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, frontier = {os.getpid()}, [os.getpid()]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            tree.update(children)
            frontier += children
        total = 0
        for pid in tree:
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page
            except OSError:
                continue
        return total


def _mb(n_bytes: float) -> float:
    return round(n_bytes / 2**20, 1)


def _measure(
    posts: list[Post], settings: Settings, *, workers: int, batch_size: int
) -> dict[str, Any]:
    timings: dict[str, float] = {}
    done = 0
    first_batch_at = 0.0
    embedder = None
    with _PeakRss() as rss:
        start = time.perf_counter()
        enricher = None
        if workers == 1:  # built here rather than inside, to read its cache counters after
            embedder = build_embedder(settings.models.embedder)
            enricher = Enricher.from_settings(settings, embedder=embedder)
        for batch in run_enrichment(
            posts,
            settings=settings,
            workers=workers,
            batch_size=batch_size,
            timings=timings,
            enricher=enricher,
        ):
            if batch.vectors.shape != (len(batch.posts), 512):
                raise RuntimeError(f"unexpected vectors {batch.vectors.shape}")
            done += len(batch.posts)
            first_batch_at = first_batch_at or time.perf_counter() - start
        elapsed = time.perf_counter() - start
    if done != len(posts):
        raise RuntimeError(f"{done} of {len(posts)} posts came back")
    staged = sum(timings.values())
    return {
        "workers": workers,
        "elapsed_s": round(elapsed, 2),
        "posts_per_s": round(done / elapsed, 1),
        "first_batch_s": round(first_batch_at, 2),
        "steady_posts_per_s": round((done - batch_size) / (elapsed - first_batch_at), 1),
        "stage_seconds": {k: round(v, 2) for k, v in timings.items()},
        "stage_posts_per_s": {k: round(done / v, 1) for k, v in timings.items()},
        "stage_share": {k: round(v / staged, 3) for k, v in timings.items()},
        "embedding_cache_hits": getattr(embedder, "hits", None),
        "peak_rss_mb": _mb(rss.peak_bytes),
    }


def run(n_posts: int = 20_000, batch_size: int = 256, output: Path = RESULTS) -> dict[str, Any]:
    settings = load_settings()
    sample = sample_posts(settings)
    posts = distinct_posts(sample, n_posts)
    load_before = os.getloadavg()
    # 2 processes first, so this process holds no models while the workers run.
    two = _measure(posts, settings, workers=2, batch_size=batch_size)
    one = _measure(posts, settings, workers=1, batch_size=batch_size)
    usage_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    usage_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    from threadpoolctl import threadpool_info

    result: dict[str, Any] = {
        "posts_per_s_1proc": one["posts_per_s"],
        "posts_per_s_2proc": two["posts_per_s"],
        "peak_rss_mb": max(one["peak_rss_mb"], two["peak_rss_mb"]),
        "stages": one["stage_posts_per_s"],
        "stages_2proc": two["stage_posts_per_s"],
        "n_posts": len(posts),
        "batch_size": batch_size,
        "mean_chars": round(sum(len(p.text) for p in posts) / len(posts), 1),
        "sample_mean_chars": round(sum(len(p.text) for p in sample) / len(sample), 1),
        "embedder": {
            "kind": settings.models.embedder.kind,
            "threads_1proc": settings.models.embedder.threads,
            "threads_per_worker": 1,
            "batch_size": settings.models.embedder.batch_size,
        },
        "tokenizer": settings.models.tokenizer,
        "models": {
            name: getattr(getattr(settings.models, name), "kind", None)
            for name in ("sentiment", "category", "grievance")
            if hasattr(settings.models, name)
        },
        "runs": {"1proc": one, "2proc": two},
        "maxrss_self_mb": _mb(usage_self * 1024),
        "maxrss_largest_child_mb": _mb(usage_children * 1024),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "arch": platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "blas": sorted({f"{i['internal_api']} {i['version']}" for i in threadpool_info()}),
            "load_avg_1m_before": round(load_before[0], 2),
            "load_avg_1m_after": round(os.getloadavg()[0], 2),
        },
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    summary = run(args.posts, args.batch_size, args.output)
    json.dump({k: v for k, v in summary.items() if k != "runs"}, sys.stdout, indent=2)
    print()
