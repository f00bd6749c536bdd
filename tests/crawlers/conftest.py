"""A real local HTTP server per fixture site, with scripted failures, and crawl settings."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from domain.settings import Settings

# The API server fixtures serve tests/crawlers/test_jobs.py too (spiders and APIs together).
from tests.crawlers.collectors.conftest import api_server, fake_sleep  # noqa: F401

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HTML = "text/html; charset=utf-8"
HTML_UNDECLARED = "text/html"
JSON = "application/json; charset=utf-8"

# Short timings for tests: no delays, one-second timeout, two retries.
FAST = {"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_MAX_DELAY": 0.5, "LOG_LEVEL": "WARNING"}


@dataclass(frozen=True)
class Route:
    file: str
    content_type: str = HTML
    # "429-once" (with Retry-After), "500-once", "slow-once" (past the timeout), "500-always";
    # "429-retry-after-<N>": 429 with Retry-After: N on the first hit only;
    # "429-always-retry-after-<N>": the same on every hit;
    # "429-retry-after-date-<N>": 429 on the first hit, Retry-After an HTTP-date N s ahead;
    # "delay-<S>": every hit answered after S seconds.
    behaviour: str | None = None


class FixtureSite:
    """Serves ``tests/fixtures/<site>/`` by exact path+query; records every hit."""

    def __init__(self, site: str, routes: dict[str, Route]) -> None:
        self.root = FIXTURES / site
        self.routes = {"/robots.txt": Route("robots.txt", "text/plain"), **routes}
        self.hits: Counter[str] = Counter()
        self.hit_times: defaultdict[str, list[float]] = defaultdict(list)  # time.monotonic()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                with site._lock:
                    site.hits[self.path] += 1
                    site.hit_times[self.path].append(time.monotonic())
                    hit = site.hits[self.path]
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.behaviour == "500-always" or (route.behaviour == "500-once" and hit == 1):
                    self.send_error(500)
                    return
                if route.behaviour == "429-once" and hit == 1:
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                retry_after = _retry_after(route.behaviour, hit)
                if retry_after is not None:
                    self.send_response(429)
                    self.send_header("Retry-After", retry_after)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.behaviour and route.behaviour.startswith("delay-"):
                    time.sleep(float(route.behaviour.removeprefix("delay-")))
                if route.behaviour == "slow-once" and hit == 1:
                    time.sleep(2.0)  # past the 1 s DOWNLOAD_TIMEOUT of the test settings
                body = (
                    (site.root / route.file).read_bytes().replace(b"{{BASE}}", site.base.encode())
                )
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self) -> FixtureSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _retry_after(behaviour: str | None, hit: int) -> str | None:
    """The Retry-After value of a scripted 429 for this hit, or None to serve the page."""
    if behaviour is None:
        return None
    if behaviour.startswith("429-always-retry-after-"):
        return behaviour.removeprefix("429-always-retry-after-")
    if hit != 1:
        return None
    if behaviour.startswith("429-retry-after-date-"):
        ahead = float(behaviour.removeprefix("429-retry-after-date-"))
        return formatdate(time.time() + ahead, usegmt=True)
    if behaviour.startswith("429-retry-after-"):
        return behaviour.removeprefix("429-retry-after-")
    return None


@pytest.fixture
def crawl_settings(tmp_path: Path) -> Settings:
    return Settings(
        collect={
            "download_delay_s": 0,
            "timeout_s": 1.0,
            "max_retries": 2,
            "concurrency_per_domain": 4,
            # Above the 429-once routes' Retry-After: 1, so those are waited out and retried.
            "backoff_max_s": 2.0,
            "checkpoint_dir": tmp_path / "checkpoints",
        }
    )


def pantip_routes() -> dict[str, Route]:
    routes = {
        "/forum/siang": Route("room_page1.html"),
        "/forum/siang?page=2": Route("room_page2.html"),
        "/forum/siang?page=3": Route("room_page3.html"),
        "/forum/siang?page=4": Route("room_page4.html"),
        "/topic/1001": Route("topic_1001.html"),
        "/topic/1002": Route("topic_1002.html"),
        "/topic/1003": Route("topic_1003.html", behaviour="429-once"),
        "/topic/1004": Route("topic_1004.html", behaviour="500-once"),
        "/topic/1005": Route("topic_1005.html", HTML_UNDECLARED),  # TIS-620, undeclared
        "/topic/1006": Route("topic_1006.html", behaviour="slow-once"),
        "/topic/1007": Route("topic_1007.html"),
        "/topic/1008": Route("topic_1008.html"),
        "/topic/1009": Route("topic_1009.html"),
        "/topic/99999": Route("topic_99999.html"),
        "/forum/topic/render_comments?tid=1001&page=2": Route("comments_1001_2.json", JSON),
    }
    for tid in range(1001, 1009):
        routes[f"/forum/topic/render_comments?tid={tid}&page=1"] = Route(
            f"comments_{tid}_1.json", JSON
        )
    return routes


@pytest.fixture
def pantip_site() -> Iterator[FixtureSite]:
    with FixtureSite("pantip", pantip_routes()) as site:
        yield site


@pytest.fixture
def news_site() -> Iterator[FixtureSite]:
    routes = {
        "/feed.xml": Route("feed.xml", "application/rss+xml; charset=utf-8"),
        "/sitemap.xml": Route("sitemap.xml", "application/xml"),
        "/news/2001.html": Route("article_2001.html"),
        "/news/2001.html?utm_source=rss": Route("article_2001.html"),
        "/news/2001.html?cpage=2": Route("article_2001_p2.html", behaviour="500-once"),
        "/news/2002.html": Route("article_2002.html", HTML_UNDECLARED),  # meta windows-874
        "/news/2003.html": Route("article_2003.html", "text/html; charset=tis-620"),
        "/private/2004.html": Route("article_2004.html"),
    }
    with FixtureSite("news", routes) as site:
        yield site


@pytest.fixture
def generic_site() -> Iterator[FixtureSite]:
    routes = {
        "/board?p=1": Route("board_p1.html"),
        "/board?p=2": Route("board_p2.html", behaviour="429-once"),
        "/board?p=3": Route("board_p3.html", HTML_UNDECLARED),  # TIS-620, undeclared
        "/board/hidden": Route("board_hidden.html"),
        "/broken": Route("board_p1.html", behaviour="500-always"),
    }
    with FixtureSite("generic", routes) as site:
        yield site
