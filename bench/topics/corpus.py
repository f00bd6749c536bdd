"""The topics benchmark's corpus: distinct enriched posts over 30 days, cached on disk.

``max(--sizes) + --update`` distinct posts built as ``bench/enrich/speed.py`` builds its
posts (``distinct_posts``: halves of two sample posts joined, every normalised text new),
enriched by the real enrich stage on 2 worker processes (USE embeddings). Each post keeps
the time of the sample post it starts from, moved by up to half an hour either way, so the
old posts span the sample's 30 days with its daily rhythm and its spikes; the last
``n_new`` take their sample post's time of day on one new day after all the others.

The enriched posts (``posts.jsonl``, in build order, which is random in time) and their
vectors (``vectors.npy``) are cached under ``bench/.cache/topics-<key>/``, the key a hash
of the inputs (sample file, counts, seed, model settings), with the build and enrich
times in ``meta.json``. Enrich code is not in the key: rebuild after changing it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench.enrich.speed import distinct_posts, sample_posts
from domain.models import BANGKOK, Post
from domain.settings import Settings
from enrich.jobs import run_enrichment

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "bench" / ".cache"
_CORPUS_VERSION = 1  # bump when the way the corpus is built changes
_SEED = 0
_JITTER_S = 1800
_BANGKOK = ZoneInfo(BANGKOK)


def say(message: str) -> None:
    """A progress line on stderr."""
    print(f"[bench.topics {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr)


def _timed_posts(posts: list[Post], n_new: int) -> list[Post]:
    """Jitter every post's time; move the last ``n_new`` onto one new day after the rest."""
    rng = np.random.default_rng(_SEED)
    jitter = rng.uniform(-_JITTER_S, _JITTER_S, size=len(posts))
    old = len(posts) - n_new
    moved = [p.created_at + timedelta(seconds=float(s)) for p, s in zip(posts, jitter, strict=True)]
    last = max(moved[:old]).astimezone(_BANGKOK)
    new_day = datetime.combine(last.date() + timedelta(days=1), datetime.min.time(), _BANGKOK)
    for i in range(old, len(posts)):
        local = posts[i].created_at.astimezone(_BANGKOK)
        second = (local.hour * 3600 + local.minute * 60 + local.second + jitter[i]) % 86_400
        moved[i] = new_day + timedelta(seconds=float(second))
    return [
        p.model_copy(update={"created_at": t, "collected_at": t + timedelta(hours=1)})
        for p, t in zip(posts, moved, strict=True)
    ]


def _corpus_key(settings: Settings, n_old: int, n_new: int) -> str:
    digest = hashlib.sha256()
    digest.update((ROOT / "sample_data" / "posts.jsonl").read_bytes())
    models = settings.models.model_dump(mode="json", exclude={"topics"})
    digest.update(json.dumps([_CORPUS_VERSION, _SEED, n_old, n_new, models]).encode())
    return digest.hexdigest()[:16]


def _build_corpus(settings: Settings, n_old: int, n_new: int, directory: Path) -> dict[str, Any]:
    """Enrich the bench posts on 2 workers; write posts.jsonl, vectors.npy and meta.json."""
    started = time.perf_counter()
    posts = _timed_posts(distinct_posts(sample_posts(settings), n_old + n_new), n_new)
    built_s = time.perf_counter() - started
    timings: dict[str, float] = {}
    vectors: list[np.ndarray] = []
    partial = directory.with_name(directory.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    done = 0
    with (partial / "posts.jsonl").open("w", encoding="utf-8") as out:
        for batch in run_enrichment(
            posts, settings=settings, workers=2, batch_size=256, timings=timings
        ):
            out.writelines(p.model_dump_json() + "\n" for p in batch.posts)
            vectors.append(batch.vectors.astype(np.float32, copy=False))
            done += len(batch.posts)
            if done % 10_240 < 256:
                say(f"enriched {done}/{len(posts)} posts")
    enrich_s = time.perf_counter() - started
    if done != len(posts):
        raise RuntimeError(f"{done} of {len(posts)} posts came back from enrichment")
    np.save(partial / "vectors.npy", np.vstack(vectors))
    meta = {
        "n_old": n_old,
        "n_new": n_new,
        "build_posts_s": round(built_s, 2),
        "enrich_s": round(enrich_s, 2),
        "enrich_workers": 2,
        "embed_stage_s_summed_over_workers": round(timings.get("embed", 0.0), 2),
        "enrich_stage_s_summed_over_workers": {k: round(v, 2) for k, v in timings.items()},
        "first_created_at": min(p.created_at for p in posts).isoformat(),
        "new_day": posts[n_old].created_at.astimezone(_BANGKOK).date().isoformat(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (partial / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    partial.rename(directory)
    return meta


def corpus_dir(settings: Settings, n_old: int, n_new: int, *, rebuild: bool) -> Path:
    """The cache directory of this corpus, built first when missing (or ``rebuild``)."""
    directory = CACHE / f"topics-{_corpus_key(settings, n_old, n_new)}"
    if rebuild and directory.exists():
        for file in directory.iterdir():
            file.unlink()
        directory.rmdir()
    if not directory.exists():
        say(f"building the corpus in {directory} ({n_old} + {n_new} posts)")
        _build_corpus(settings, n_old, n_new, directory)
    return directory


def load_posts(
    directory: Path, n: int, *, new: int
) -> tuple[list[Post], np.ndarray, list[Post], np.ndarray]:
    """The first ``n`` posts and the first ``new`` update posts, each time-sorted."""
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    if n > meta["n_old"] or new > meta["n_new"]:
        raise ValueError(f"corpus has {meta['n_old']} + {meta['n_new']} posts, asked {n} + {new}")
    with (directory / "posts.jsonl").open(encoding="utf-8") as lines:
        old = [Post.model_validate_json(line) for line in itertools.islice(lines, n)]
        rest = itertools.islice(lines, meta["n_old"] - n, meta["n_old"] - n + new)
        fresh = [Post.model_validate_json(line) for line in rest]
    stored = np.load(directory / "vectors.npy", mmap_mode="r")
    old_vectors = np.array(stored[:n], dtype=np.float32)
    new_vectors = np.array(stored[meta["n_old"] : meta["n_old"] + new], dtype=np.float32)
    del stored
    return (*by_time(old, old_vectors), *by_time(fresh, new_vectors))


def by_time(posts: list[Post], vectors: np.ndarray) -> tuple[list[Post], np.ndarray]:
    order = sorted(range(len(posts)), key=lambda i: (posts[i].created_at, posts[i].id))
    return [posts[i] for i in order], vectors[order]


__all__ = ["CACHE", "by_time", "corpus_dir", "load_posts", "say"]
