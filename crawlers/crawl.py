"""Run Siang's spiders: ``crawl(sources, settings, on_item=...)``.

Why a child process: Twisted's reactor runs once per process and cannot be restarted, so a
``CrawlerProcess`` started in the caller would make a second ``crawl()`` (``siang collect
--schedule``, the next test) fail with ``ReactorNotRestartable``. Each ``crawl()`` therefore
runs all its spiders in one ``CrawlerProcess`` inside a fresh *spawned* process (no inherited
reactor, threads or signal handlers) and streams the accepted items back over a queue. The
caller's ``on_item`` runs in the caller's process, and only after it returns is the item's id
appended to the source's seen-state: an item is never marked seen before someone has it. If
``on_item`` raises, the crawl is stopped and the exception propagates; items not yet handed
over are fetched again next run.

The cost is one interpreter start per crawl (about a second), small next to polite crawling.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Only light imports at module level: Scrapy and Twisted are imported in the child process.
from crawlers.pipelines import Refused, SeenStore
from domain.errors import SiangError
from domain.settings import Settings, SourceSettings

SPIDER_KINDS = ("pantip", "news", "generic")
_POLL_S = 0.5


class CrawlError(SiangError):
    """The crawler process failed as a whole (not one page: those are counted as failed)."""

    def __init__(self, message: str, *, exitcode: int | None = None) -> None:
        super().__init__(message)
        self.exitcode = exitcode


@dataclass
class SourceCounts:
    """What one source's crawl did. ``fetched == new + duplicate + quarantined`` always."""

    fetched: int = 0  # items the spider produced
    new: int = 0  # handed to on_item and recorded as seen
    duplicate: int = 0  # seen in an earlier run or earlier in this one
    quarantined: int = 0  # refused by validation; see ``refused``
    failed: int = 0  # requests given up after retries, unparsable responses, spider errors
    pages: int = 0  # pages and comment endpoints parsed
    robots_forbidden: int = 0  # requests robots.txt forbade (not fetched, by design)
    errors: dict[str, int] = field(default_factory=dict)  # failed attempts by kind
    refused: list[Refused] = field(default_factory=list)


def _spider_class(kind: str) -> type:
    if kind == "pantip":
        from crawlers.spiders.pantip import PantipSpider

        return PantipSpider
    if kind == "news":
        from crawlers.spiders.news import NewsSpider

        return NewsSpider
    if kind == "generic":
        from crawlers.spiders.generic import GenericSpider

        return GenericSpider
    raise ValueError(f"no spider for source kind {kind!r}")


def crawl(
    sources: list[SourceSettings],
    settings: Settings,
    *,
    on_item: Callable[[dict[str, Any]], None],
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, SourceCounts]:
    """Crawl the enabled spider sources (pantip, news, generic) once; others are ignored.

    Args:
        sources: Sources to crawl; API sources and disabled ones are skipped.
        settings: Siang settings (``collect`` for politeness and seen-state, ``privacy``).
        on_item: Called with each new, valid raw record (the dict ``parse_post`` reads).
        overrides: Extra Scrapy settings (tests: shorter delays).

    Returns:
        Counts per source name.

    Raises:
        CrawlError: the crawler process died or Scrapy could not start.
    """
    chosen = [s for s in sources if s.enabled and s.kind in SPIDER_KINDS]
    if not chosen:
        return {}
    counts = {s.name: SourceCounts() for s in chosen}
    seen = {s.name: SeenStore.for_source(settings.collect.checkpoint_dir, s.name) for s in chosen}
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    child = context.Process(
        target=_run_child,
        args=(chosen, settings, dict(overrides or {}), messages),
        name="siang-crawl",
        daemon=True,
    )
    child.start()
    finished = False
    try:
        while True:
            try:
                kind, name, payload = messages.get(timeout=_POLL_S)
            except queue_module.Empty:
                if not child.is_alive():
                    raise CrawlError(
                        f"crawler process exited with code {child.exitcode}",
                        exitcode=child.exitcode,
                    ) from None
                continue
            if kind == "item":
                on_item(payload)
                seen[name].add(str(payload["native_id"]))
                counts[name].new += 1
            elif kind == "refused":
                counts[name].refused.append(payload)
            elif kind == "stats":
                for key, value in payload.items():
                    setattr(counts[name], key, value)
            elif kind == "error":
                raise CrawlError(f"crawler process failed: {payload}")
            elif kind == "done":
                finished = True
                break
    finally:  # also on Shutdown: the child never outlives the crawl
        if finished:
            child.join(timeout=30)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join(timeout=5)
    return counts


def _errors(stats: Mapping[str, Any]) -> dict[str, int]:
    """Failed attempts by kind, from Scrapy's downloader stats (retried ones included)."""
    errors: dict[str, int] = {}

    def add(kind: str, n: int) -> None:
        if n:
            errors[kind] = errors.get(kind, 0) + n

    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            status = int(key.rsplit("/", 1)[1])
            if status == 429:
                add("rate_limited", int(value))
            elif status >= 500:
                add("server_error", int(value))
        elif key.startswith("downloader/exception_type_count/"):
            add("timeout" if "Timeout" in key else "transport", int(value))
    return errors


def _stats_counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "errors": _errors(stats),
        "fetched": int(stats.get("siang/items", 0)),
        "duplicate": int(stats.get("siang/duplicate", 0)),
        "quarantined": int(stats.get("siang/quarantined", 0)),
        "failed": int(stats.get("siang/failed", 0)) + int(stats.get("spider_exceptions/count", 0)),
        "pages": int(stats.get("siang/pages", 0)),
        "robots_forbidden": int(stats.get("siang/robots_forbidden", 0)),
    }


def _run_child(
    sources: list[SourceSettings],
    settings: Settings,
    overrides: dict[str, Any],
    messages: Any,
) -> None:
    """The child process: every source's spider in one CrawlerProcess, results to ``messages``."""
    from crawlers.shutdown import die_with_parent

    die_with_parent()
    try:
        from itemadapter import ItemAdapter
        from scrapy import signals
        from scrapy.crawler import CrawlerProcess

        from crawlers.pipelines import record_refused
        from crawlers.settings import scrapy_settings

        process = CrawlerProcess({**scrapy_settings(settings), **overrides})
        crawlers = []
        for source in sources:
            crawler = process.create_crawler(_spider_class(source.kind))

            def _item(item: Any, _name: str = source.name, **_: Any) -> None:
                messages.put(("item", _name, ItemAdapter(item).asdict()))

            def _refused(refused: Refused, _name: str = source.name, **_: Any) -> None:
                messages.put(("refused", _name, refused))

            crawler.signals.connect(_item, signal=signals.item_scraped, weak=False)
            crawler.signals.connect(_refused, signal=record_refused, weak=False)
            process.crawl(crawler, source=source)
            crawlers.append((source.name, crawler))
        process.start()
        for name, crawler in crawlers:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            messages.put(("stats", name, _stats_counts(stats)))
    except Exception:
        messages.put(("error", None, traceback.format_exc()))
    else:
        messages.put(("done", None, None))


__all__ = ["SPIDER_KINDS", "CrawlError", "SourceCounts", "crawl"]
