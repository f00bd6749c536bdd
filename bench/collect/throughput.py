"""Collect throughput: items/s through the Pantip spider and the X collector, local servers.

Two synthetic sources are generated here (not from ``tests/``), pre-rendered and served by
a ``ThreadingHTTPServer`` on 127.0.0.1 in its own process, so serving never competes with
the measured code for the GIL:

* a Pantip-style room: ``--topics`` topic pages listed 25 per room page (``rel="next"``),
  each with 3..11 Thai comments from ``/forum/topic/render_comments`` (10 per JSON page, so
  some topics take two), in exactly the HTML/JSON shape ``crawlers.spiders.pantip`` parses,
  plus a ``robots.txt`` (obeyed);
* an X API v2 ``/2/tweets/search/recent`` stream of ``--tweets`` Thai tweets, 100 a page,
  chained by ``next_token``, with ``includes.users`` and ``meta`` as X sends them.

Four runs, each with a fresh checkpoint directory (nothing seen yet) and, end to end, a
fresh ``EmbeddedStore`` in a temp directory:

* ``spider_crawl_only``: ``crawlers.crawl.crawl`` with ``on_item`` appending to a list (the
  seen-state file is still written and fsynced per item, as ``crawl`` always does);
* ``spider`` (headline): ``Collection.run_source``, each item ingested into the store;
* ``api_collector_only``: ``collector_for(...)`` drained by ``async for``;
* ``api`` (headline): ``Collection.run_source``, ingested 200 records at a time.

Elapsed time is wall time around the call, so the spider's figures include starting the
spawned crawler process (``time_to_first_item_s`` shows how much). Scrapy keeps Siang's
polite defaults (robots.txt, AutoThrottle **on**, ``CONCURRENT_REQUESTS_PER_DOMAIN`` from
``CollectSettings``) except the download delay, 0 against localhost, which also makes
AutoThrottle's start delay 0. Writes ``bench/results/collect.json``::

    python -m bench.collect.throughput [--topics 250] [--tweets 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.collect.sources import (
    COMMENTS_PER_PAGE,
    ROOM,
    SCRAPY_OVERRIDES,
    TOKEN,
    TWEETS_PER_PAGE,
    pantip_site,
    server,
    x_api,
)
from crawlers.collectors import collector_for
from crawlers.crawl import crawl
from crawlers.jobs import Collection
from crawlers.settings import scrapy_settings
from domain.settings import Settings, SourceSettings
from storage.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "collect.json"


def _settings(checkpoints: Path) -> Settings:
    return Settings(
        collect={"download_delay_s": 0.0, "checkpoint_dir": checkpoints},
        credentials={"x_bearer_token": TOKEN},
    )


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _result(items: int, elapsed: float, **extra: Any) -> dict[str, Any]:
    return {
        "items": items,
        "elapsed_s": round(elapsed, 3),
        "items_per_s": round(items / elapsed, 1),
        **extra,
        "load_avg_after": _load(),
    }


def spider_crawl_only(source: SourceSettings, tmp: Path, expected: int) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    first: list[float] = []

    def on_item(record: dict[str, Any]) -> None:
        if not first:
            first.append(time.perf_counter())
        items.append(record)

    started = time.perf_counter()
    counts = crawl(
        [source], _settings(tmp / "crawl-only"), on_item=on_item, overrides=SCRAPY_OVERRIDES
    )
    elapsed = time.perf_counter() - started
    mine = counts[source.name]
    _check(len(items), expected, failed=mine.failed, what="spider crawl only")
    steady = len(items) / (elapsed - (first[0] - started)) if first else 0.0
    return _result(
        len(items),
        elapsed,
        time_to_first_item_s=round(first[0] - started, 3) if first else None,
        steady_items_per_s=round(steady, 1),
        pages_parsed=mine.pages,
        failed=mine.failed,
    )


def through_collection(source: SourceSettings, tmp: Path, expected: int) -> dict[str, Any]:
    store = EmbeddedStore(tmp / f"{source.name}.db")
    try:
        collection = Collection(
            _settings(tmp / f"{source.name}-e2e"), store, scrapy_overrides=SCRAPY_OVERRIDES
        )
        started = time.perf_counter()
        run = collection.run_source(source)
        elapsed = time.perf_counter() - started
        stored = store.count_posts()
    finally:
        store.close()
    if run.error:
        raise SystemExit(f"{source.name} end to end failed: {run.error}")
    _check(run.new, expected, failed=run.failed, what=f"{source.name} end to end")
    _check(stored, expected, failed=0, what=f"{source.name} posts in the store")
    return _result(
        run.new,
        elapsed,
        fetched=run.fetched,
        stored=stored,
        duplicate=run.duplicate,
        quarantined=run.quarantined,
    )


def api_collector_only(source: SourceSettings, tmp: Path, expected: int) -> dict[str, Any]:
    collector = collector_for(source, _settings(tmp / "collector-only"))
    records: list[dict[str, Any]] = []

    async def drain() -> None:
        async with collector:
            async for record in collector.collect():
                records.append(record)

    started = time.perf_counter()
    asyncio.run(drain())
    elapsed = time.perf_counter() - started
    _check(len(records), expected, failed=collector.stats.rejected, what="api collector only")
    return _result(
        len(records), elapsed, pages=collector.stats.pages, requests=collector.client.requests
    )


def _check(got: int, expected: int, *, failed: int, what: str) -> None:
    if got != expected or failed:
        raise SystemExit(f"{what}: {got} items of {expected}, {failed} failed")


def _machine() -> dict[str, Any]:
    import httpx
    import scrapy
    import twisted

    return {
        "arch": platform.machine(),
        "processor": platform.processor() or None,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "twisted": twisted.__version__,
        "httpx": httpx.__version__,
        "note": "servers run in their own process on the same machine (127.0.0.1)",
    }


def _reported_settings(settings: Settings) -> dict[str, Any]:
    scrapy = {**scrapy_settings(settings), **SCRAPY_OVERRIDES}
    for key in ("SIANG_PSEUDONYM_KEY", "SIANG_CHECKPOINT_DIR", "ITEM_PIPELINES", "USER_AGENT"):
        scrapy.pop(key, None)
    collect = settings.collect.model_dump(mode="json", exclude={"checkpoint_dir"})
    return {
        "scrapy": scrapy,
        "collect": collect,
        "autothrottle": "on, start delay 0 (DOWNLOAD_DELAY 0 against localhost)",
        "server": "ThreadingHTTPServer, HTTP/1.1 keep-alive, TCP_NODELAY, pages pre-rendered, "
        "own process",
        "api_ingest_batch": 200,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=250, help="Pantip topics (~8 items each)")
    parser.add_argument("--tweets", type=int, default=20_000, help="tweets (100 a page)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    load_before = _load()
    date = datetime.now(UTC).isoformat(timespec="seconds")
    _, spider_items, room_pages = pantip_site(args.topics)
    _, tweet_pages = x_api(args.tweets)
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="siang-bench-collect-") as tmp_name:
        tmp = Path(tmp_name)
        with server("pantip", args.topics) as base:
            pantip = SourceSettings(
                name="pantip-bench",
                kind="pantip",
                start_urls=[base() + ROOM],
                max_pages=room_pages,
            )
            print(f"spider: {spider_items} items, {room_pages} room pages at {base()}", flush=True)
            runs["spider_crawl_only"] = spider_crawl_only(pantip, tmp, spider_items)
            print("  crawl only:", runs["spider_crawl_only"], flush=True)
            runs["spider"] = through_collection(pantip, tmp, spider_items)
            print("  end to end:", runs["spider"], flush=True)
        with server("x", args.tweets) as base:
            x = SourceSettings(
                name="x-bench",
                kind="x",
                queries=["ร้องเรียน lang:th"],
                endpoint=base(),
                max_pages=tweet_pages,
            )
            print(f"api: {args.tweets} tweets, {tweet_pages} pages at {base()}", flush=True)
            runs["api_collector_only"] = api_collector_only(x, tmp, args.tweets)
            print("  collector only:", runs["api_collector_only"], flush=True)
            runs["api"] = through_collection(x, tmp, args.tweets)
            print("  end to end:", runs["api"], flush=True)
    result = {
        "spider_items_per_s": runs["spider"]["items_per_s"],
        "api_items_per_s": runs["api"]["items_per_s"],
        "spider_crawl_only_items_per_s": runs["spider_crawl_only"]["items_per_s"],
        "api_collector_only_items_per_s": runs["api_collector_only"]["items_per_s"],
        "spider_items": spider_items,
        "api_items": args.tweets,
        "elapsed_s": {name: run["elapsed_s"] for name, run in runs.items()},
        "runs": runs,
        "sources": {
            "spider": {
                "topics": args.topics,
                "room_pages": room_pages,
                "comments_per_topic": "3..11",
                "comments_per_json_page": COMMENTS_PER_PAGE,
            },
            "api": {"tweets": args.tweets, "pages": tweet_pages, "per_page": TWEETS_PER_PAGE},
        },
        "settings": _reported_settings(_settings(Path("unused"))),
        "machine": _machine(),
        "load_avg_before": load_before,
        "load_avg_after": _load(),
        "date": date,
        "notes": (
            "spider_items_per_s and api_items_per_s are end to end: Collection.run_source into "
            "a fresh EmbeddedStore (validation, pseudonyms, redaction, upsert). Spider times "
            "include starting the spawned crawler process; the spider's seen-state is fsynced "
            "per item in every spider run."
        ),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(json.dumps({k: result[k] for k in list(result)[:6]}, indent=2))


if __name__ == "__main__":
    main()
