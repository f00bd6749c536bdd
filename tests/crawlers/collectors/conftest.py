"""A local HTTP server that speaks a platform API from fixture pages, with scripted faults."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from crawlers.collectors import Collector, Rejected, collector_for
from domain.privacy import Pseudonymizer
from domain.settings import CollectSettings, CredentialSettings, Settings, SourceSettings
from ingest.service import parse_post, without_handles

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@dataclass
class Reply:
    """One scripted answer: a JSON body (or raw bytes), status, headers, delay before it."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]  # the first value of each parameter
    headers: dict[str, str]
    body: bytes
    params: dict[str, list[str]] = field(default_factory=dict)  # every value, in order


class ApiServer:
    """Routes ``(path, cursor)`` to fixture pages; ``fault`` queues replies served first.

    ``answer`` serves a path from a function of the request instead (lookups by id).
    """

    def __init__(self) -> None:
        self.pages: dict[tuple[str, str | None], Any] = {}
        self.cursor_params: dict[str, str] = {}
        self.faults: dict[tuple[str, str | None], list[Reply]] = {}
        self.answers: dict[str, Callable[[Seen], Reply]] = {}
        self.requests: list[Seen] = []
        self.latency = 0.0  # seconds before every answer (a slower platform)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                params = parse_qs(parts.query)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    method,
                    parts.path,
                    {k: v[0] for k, v in params.items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                    params,
                )
                reply = server.reply_for(seen)
                if reply.delay or server.latency:
                    time.sleep(reply.delay or server.latency)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, cursor_param: str, pages: dict[str | None, Any]) -> None:
        """Serve ``pages[cursor]`` at ``path``; ``None`` is the first page."""
        self.cursor_params[path] = cursor_param
        for cursor, body in pages.items():
            self.pages[(path, cursor)] = body

    def answer(self, path: str, handler: Callable[[Seen], Reply]) -> None:
        """Answer every request to ``path`` with ``handler(seen)`` (queued faults first)."""
        self.answers[path] = handler

    def fault(self, path: str, cursor: str | None, *replies: Reply) -> None:
        self.faults.setdefault((path, cursor), []).extend(replies)

    def reply_for(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            cursor = seen.query.get(self.cursor_params.get(seen.path, ""))
            queue = self.faults.get((seen.path, cursor))
            if queue:
                return queue.pop(0)
            if seen.path in self.answers:
                return self.answers[seen.path](seen)
            if (seen.path, cursor) in self.pages:
                return Reply(self.pages[(seen.path, cursor)])
        return Reply({"error": {"message": f"no page for {seen.path} {cursor}"}}, status=404)

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def api_server() -> Iterator[ApiServer]:
    server = ApiServer()
    server.start()
    yield server
    server.stop()


def load_fixture(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


class FakeSleep:
    """Records the waits asked for and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


SECRETS = {
    "x_bearer_token": "x-test-token",
    "facebook_access_token": "fb-test-token",
    "youtube_api_key": "yt-test-key",
}


def make_settings(tmp_path: Path, *, max_retries: int = 5, **credentials: str) -> Settings:
    creds = {k: (v if k == "bluesky_handle" else SecretStr(v)) for k, v in credentials.items()}
    return Settings(
        credentials=CredentialSettings(**creds),
        collect=CollectSettings(
            timeout_s=0.5,
            max_retries=max_retries,
            backoff_base_s=1.0,
            backoff_max_s=60.0,
            checkpoint_dir=tmp_path / "checkpoints",
        ),
    )


Builder = Callable[..., Collector]


@pytest.fixture
def build(api_server: ApiServer, fake_sleep: FakeSleep) -> Builder:
    """``build(kind, settings, **source_fields)``: a collector aimed at the local server."""

    def _build(kind: str, settings: Settings, **fields: Any) -> Collector:
        source = SourceSettings(name=f"{kind}-test", kind=kind, endpoint=api_server.url, **fields)
        return collector_for(source, settings, sleep=fake_sleep, random=lambda: 0.5)

    return _build


def drain(collector: Collector) -> tuple[list[dict[str, Any]], Exception | None]:
    """Run a collector to the end; return what it yielded and the error that stopped it."""
    out: list[dict[str, Any]] = []

    async def _run() -> None:
        async with collector:
            async for record in collector.collect():
                out.append(record)

    try:
        asyncio.run(_run())
    except Exception as exc:
        return out, exc
    return out, None


def assert_ingestible(records: list[dict[str, Any]]) -> None:
    """Every record passes ingest's validation; authors come out pseudonymised."""
    pseudonymizer = Pseudonymizer("collector-tests-key-0123456789")
    now = datetime.now(UTC)
    for record in records:
        post = parse_post(record, pseudonymizer=pseudonymizer, collected_at=now)
        assert post.followers == record["followers"]  # the record carries it into the Post
        # account handles and DIDs in ids are kept only in pseudonymous form
        assert post.native_id == without_handles(record["native_id"], pseudonymizer)
        assert "did:" not in post.id
        assert post.author is None or post.author.startswith("anon-")
        assert record["author"] is None or record["author"] not in json.dumps(post.raw)


def checkpoint_text(settings: Settings, source: str) -> str:
    return (settings.collect.checkpoint_dir / f"{source}.json").read_text(encoding="utf-8")


__all__ = [
    "ApiServer",
    "FakeSleep",
    "Rejected",
    "Reply",
    "Seen",
    "assert_ingestible",
    "checkpoint_text",
    "drain",
    "load_fixture",
    "make_settings",
]
