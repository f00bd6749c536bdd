"""Retry-After on 429/503: waited out per request, capped, one retry budget with RetryMiddleware."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawlers.crawl import SourceCounts, crawl
from crawlers.middlewares import TOO_LONG_STAT, RetryAfterMiddleware, retry_after_seconds
from crawlers.settings import RETRY_HTTP_CODES
from domain.settings import Settings, SourceSettings
from tests.crawlers.conftest import FAST, HTML_UNDECLARED, FixtureSite, Route

# 2015-10-21T07:28:00Z, the RFC 9110 example date.
NOW = 1445412480.0


# --- Retry-After parsing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        (b"120", 120.0),
        ("  7 ", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),  # IMF-fixdate
        ("Wednesday, 21-Oct-15 07:29:00 GMT", 60.0),  # obsolete RFC 850 form
        ("Wed Oct 21 07:28:05 2015", 5.0),  # obsolete asctime form, no zone: GMT
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # already past: retry now
        (None, None),
        ("", None),
        ("-5", None),
        ("soon", None),
        ("inf", None),
        ("nan", None),
        ("Wed, 32 Oct 2015 07:28:00 GMT", None),
    ],
)
def test_retry_after_seconds(value: str | bytes | None, expected: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == expected


# --- the middleware on its own, with a recorded sleep ----------------------------------------


class _Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _middleware(*, backoff_max_s: float = 10.0) -> tuple[RetryAfterMiddleware, _Sleeps, Crawler]:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 2, "RETRY_HTTP_CODES": RETRY_HTTP_CODES})
    crawler._apply_settings()
    crawler.spider = crawler._create_spider("unit")
    sleeps = _Sleeps()
    middleware = RetryAfterMiddleware(
        crawler, backoff_max_s=backoff_max_s, clock=lambda: NOW, sleep=sleeps
    )
    return middleware, sleeps, crawler


def _respond(
    middleware: RetryAfterMiddleware, request: Request, status: int, retry_after: str | None
) -> Request | Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    response = Response(request.url, status=status, headers=headers, request=request)
    return asyncio.run(middleware.process_response(request, response))


def _stats(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return crawler.stats.get_stats()


@pytest.mark.parametrize("status", [429, 503])
def test_waits_then_retries_with_retry_middleware_budget(status: int) -> None:
    middleware, sleeps, crawler = _middleware()
    request = Request("http://example.test/a", priority=5)

    retry = _respond(middleware, request, status, "3")

    assert isinstance(retry, Request)
    assert sleeps.calls == [3.0]
    assert retry.url == request.url
    assert retry.meta["retry_times"] == 1
    assert retry.dont_filter
    assert retry.priority == 4  # RETRY_PRIORITY_ADJUST, as RetryMiddleware does
    assert _stats(crawler)["retry/count"] == 1
    # The HTTP-date form is measured from the clock.
    again = _respond(middleware, retry, status, formatdate(NOW + 4, usegmt=True))
    assert isinstance(again, Request) and again.meta["retry_times"] == 2
    assert sleeps.calls == [3.0, 4.0]


def test_spent_budget_is_left_to_retry_middleware() -> None:
    middleware, sleeps, crawler = _middleware()
    request = Request("http://example.test/a", meta={"retry_times": 2})

    response = _respond(middleware, request, 429, "1")

    assert isinstance(response, Response) and response.status == 429
    assert sleeps.calls == []
    assert "dont_retry" not in request.meta  # RetryMiddleware gives up and logs it, once
    assert "retry/count" not in _stats(crawler)


def test_max_retry_times_meta_is_honoured() -> None:
    middleware, sleeps, _ = _middleware()
    request = Request("http://example.test/a", meta={"max_retry_times": 0})

    assert isinstance(_respond(middleware, request, 429, "1"), Response)
    assert sleeps.calls == []


def test_too_long_gives_up_without_waiting(caplog: pytest.LogCaptureFixture) -> None:
    middleware, sleeps, crawler = _middleware(backoff_max_s=10.0)
    request = Request("http://example.test/a")

    response = _respond(middleware, request, 429, "3600")

    assert isinstance(response, Response) and response.status == 429
    assert sleeps.calls == []
    assert request.meta["dont_retry"] is True  # RetryMiddleware must not retry it at once
    assert _stats(crawler)[TOO_LONG_STAT] == 1
    assert "giving up on http://example.test/a" in caplog.text


@pytest.mark.parametrize(
    ("status", "retry_after"), [(429, None), (429, "soon"), (500, "1"), (200, "1")]
)
def test_other_responses_pass_through(status: int, retry_after: str | None) -> None:
    middleware, sleeps, crawler = _middleware()
    request = Request("http://example.test/a")

    response = _respond(middleware, request, status, retry_after)

    assert isinstance(response, Response) and response.status == status
    assert sleeps.calls == []
    assert "dont_retry" not in request.meta
    assert "retry/count" not in _stats(crawler)


def test_dont_retry_is_respected() -> None:
    middleware, sleeps, _ = _middleware()
    request = Request("http://example.test/a", meta={"dont_retry": True})

    assert isinstance(_respond(middleware, request, 429, "1"), Response)
    assert sleeps.calls == []


# --- real crawls against a local site ---------------------------------------------------------

SELECTORS = {
    "item": "div.post",
    "text": ".body",
    "created_at": "time::attr(datetime)",
    "url": "a.permalink::attr(href)",
    "next_page": "xpath://a[@class='next']/@href",
}


@pytest.fixture
def retry_settings(crawl_settings: Settings) -> Settings:
    collect = crawl_settings.collect.model_copy(update={"backoff_max_s": 5.0})
    return crawl_settings.model_copy(update={"collect": collect})


def _site(limited: str) -> FixtureSite:
    """``/limited`` scripted with ``limited``; ``/board?p=1..3`` a chain answered in 0.3 s each."""
    routes = {
        "/limited": Route("limited.html", behaviour=limited),
        "/board?p=1": Route("board_p1.html", behaviour="delay-0.3"),
        "/board?p=2": Route("board_p2.html", behaviour="delay-0.3"),
        "/board?p=3": Route("board_p3.html", HTML_UNDECLARED, behaviour="delay-0.3"),
    }
    return FixtureSite("generic", routes)


@pytest.fixture
def limited_site(request: pytest.FixtureRequest) -> Iterator[FixtureSite]:
    with _site(request.param) as site:
        yield site


def _run(
    site: FixtureSite, settings: Settings, *paths: str
) -> tuple[list[dict[str, Any]], SourceCounts]:
    source = SourceSettings(
        name="board", kind="generic", selectors=SELECTORS, max_pages=5,
        start_urls=[site.url(path) for path in paths],
    )  # fmt: skip
    items: list[dict[str, Any]] = []
    counts = crawl([source], settings, on_item=items.append, overrides=FAST)
    return items, counts[source.name]


@pytest.mark.integration
@pytest.mark.parametrize("limited_site", ["429-retry-after-1"], indirect=True)
def test_retry_after_is_waited_out_while_other_pages_are_fetched(
    limited_site: FixtureSite, retry_settings: Settings
) -> None:
    items, counts = _run(limited_site, retry_settings, "/limited", "/board?p=1")

    first, second = limited_site.hit_times["/limited"]
    assert second - first >= 1.0
    # The chain's next pages are only requested once the previous one is parsed, so a
    # blocked reactor would send none of them during the wait.
    chain = [t for p in (1, 2, 3) for t in limited_site.hit_times[f"/board?p={p}"]]
    assert len([t for t in chain if first < t < second]) >= 2
    assert limited_site.url("/p/r1") in {item["url"] for item in items}
    assert counts.failed == 0


@pytest.mark.integration
@pytest.mark.parametrize("limited_site", ["429-retry-after-date-2"], indirect=True)
def test_retry_after_http_date_is_waited_out(
    limited_site: FixtureSite, retry_settings: Settings
) -> None:
    items, counts = _run(limited_site, retry_settings, "/limited")

    first, second = limited_site.hit_times["/limited"]
    # Whole-second dates: "2 s ahead" is between 1 and 2 s after the 429 was sent.
    assert 1.0 <= second - first < retry_settings.collect.backoff_max_s
    assert [item["url"] for item in items] == [limited_site.url("/p/r1")]
    assert counts.failed == 0


@pytest.mark.integration
@pytest.mark.parametrize("limited_site", ["429-retry-after-3600"], indirect=True)
def test_retry_after_beyond_backoff_max_is_given_up(
    limited_site: FixtureSite, retry_settings: Settings
) -> None:
    started = time.monotonic()
    items, counts = _run(limited_site, retry_settings, "/limited")

    assert time.monotonic() - started < 30  # the hour was not waited, nor retried at once
    assert limited_site.hits["/limited"] == 1
    assert items == []
    assert counts.failed == 1


@pytest.mark.integration
@pytest.mark.parametrize("limited_site", ["429-always-retry-after-0"], indirect=True)
def test_one_retry_budget_for_both_middlewares(
    limited_site: FixtureSite, retry_settings: Settings
) -> None:
    items, counts = _run(limited_site, retry_settings, "/limited")

    # max_retries=2: the first try and two retries, not two retries from each middleware.
    assert limited_site.hits["/limited"] == 1 + retry_settings.collect.max_retries
    assert items == []
    assert counts.failed == 1
