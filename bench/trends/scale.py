"""Emerging-grievance detection at scale: 100,000 posts and every series, and an hourly run.

The posts are built directly as enriched posts (the detector reads only times, topic ids,
categories, places, authors, content words and vectors): 60 days with a daily rhythm, 77
provinces of uneven size with up to 8 districts each, 15 categories, 150 topics, 512-d unit
vectors, and 12 planted incidents of 6–12 posts. Timed:

* ``seconds_100k``: ``detect_emergences`` over all 100,000 posts, every hour judged;
* ``seconds_hourly``: what an hourly ``siang topics`` run asks of it: judging only the last
  hour (with the 24 hours before re-judged), reading only the history the baseline needs.

Peak memory is the process's max RSS after the full run. Writes the keys into
``bench/results/trends.json``, keeping what ``bench.trends.evaluate`` wrote::

    python -m bench.trends.scale [--posts 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from domain.models import BANGKOK_TZ, Category, Enrichment, Location, Post, Sentiment
from domain.models import CategoryPrediction as Prediction
from domain.settings import load_settings
from topics.detector import detect_emergences
from topics.service import history_needed

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "trends.json"
START = datetime(2026, 8, 1, tzinfo=BANGKOK_TZ)
DAYS = 60
DIM = 512
_CATEGORIES = [c for c in Category if c is not Category.none]
_RHYTHM = np.array(
    [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3, 3, 3, 4, 3, 3, 3, 3, 3, 4, 5, 6, 6, 5, 3]
)


def _post(i: int, at: datetime, rng: np.random.Generator, *, place: tuple[str, str] | None,
          category: Category, topic: int, words: list[str]) -> Post:  # fmt: skip
    grievance = category is not Category.none
    enrichment = Enrichment(
        tokens=words,
        normalized_text=" ".join(words),
        redacted_text=" ".join(words),
        sentiment=Sentiment(label="negative" if grievance else "neutral", score=0.8),
        locations=[
            Location(province=place[0], district=place[1], lat=13.0, lon=100.0, confidence=0.9)
        ]
        if place
        else [],
        category=Prediction(label=category, confidence=0.8),
        is_grievance=grievance,
    )
    return Post(
        platform="x",
        native_id=str(10**12 + i),
        author=f"a{int(rng.integers(0, 40_000))}",
        text=" ".join(words),
        created_at=at,
        collected_at=at,
        enrichment=enrichment,
        topic_id=topic,
    )


def build(n: int, seed: int = 0) -> tuple[list[Post], np.ndarray]:
    rng = np.random.default_rng(seed)
    provinces = [f"จังหวัด{k}" for k in range(77)]
    weight = 1.0 / np.arange(1, 78) ** 0.9
    weight /= weight.sum()
    hours = DAYS * 24
    hour_weight = np.tile(_RHYTHM, DAYS) / np.tile(_RHYTHM, DAYS).sum()
    stamp_hours = np.sort(rng.choice(hours, size=n, p=hour_weight))
    posts = []
    for i, h in enumerate(stamp_hours.tolist()):
        at = START + timedelta(hours=h, seconds=int(rng.integers(0, 3600)))
        grievance = rng.random() < 0.6
        has_place = rng.random() < 0.7
        province = provinces[int(rng.choice(77, p=weight))]
        place = (province, f"อำเภอ{int(rng.integers(0, 8))}") if has_place else None
        category = _CATEGORIES[int(rng.integers(len(_CATEGORIES)))] if grievance else Category.none
        words = [f"คำ{int(rng.integers(0, 5000))}" for _ in range(6)] + [f"โพสต์{i}"]
        posts.append(_post(i, at, rng, place=place, category=category,
                           topic=int(rng.integers(-1, 150)), words=words))  # fmt: skip
    for k in range(12):  # incidents
        at = START + timedelta(days=10 + 4 * k, hours=int(rng.integers(0, 24)))
        for j in range(int(rng.integers(6, 13))):
            posts.append(_post(n + k * 100 + j, at + timedelta(minutes=int(rng.integers(0, 360))),
                               rng, place=("จังหวัด70", "อำเภอ1"), category=Category.electricity,
                               topic=7, words=[f"ไฟดับ{k}", f"คน{j}", "มืด"]))  # fmt: skip
    posts.sort(key=lambda p: (p.created_at, p.id))
    vectors = rng.normal(size=(len(posts), DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return posts, vectors


def measure(n: int) -> dict[str, Any]:
    settings = load_settings().trends
    started = time.perf_counter()
    posts, vectors = build(n)
    built = time.perf_counter() - started
    started = time.perf_counter()
    found = detect_emergences(posts, vectors, settings)
    full = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    last_hour = posts[-1].created_at.replace(minute=0, second=0, microsecond=0)
    judge_from = last_hour - timedelta(hours=max(settings.windows_hours))
    reach = (judge_from - history_needed(settings)).timestamp()
    first = next(i for i, p in enumerate(posts) if p.created_at.timestamp() >= reach)
    started = time.perf_counter()
    hourly = detect_emergences(posts[first:], vectors[first:], settings, judge_from=judge_from)
    incremental = time.perf_counter() - started
    return {
        "posts_scale": len(posts),
        "seconds_100k": round(full, 2),
        "seconds_hourly": round(incremental, 2),
        "hourly_posts_read": len(posts) - first,
        "emergences_100k": len(found),
        "emergences_hourly": len(hourly),
        "peak_rss_mb_100k": round(rss, 0),
        "build_s": round(built, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    figures = measure(args.posts - 100)  # plus about 100 incident posts
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
