"""Retries with backoff on 429 and 5xx, against the real node behind a fault-injecting proxy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from domain.errors import StoreUnavailable
from storage.elasticsearch import ElasticsearchStore, build_client
from tests.conftest import elasticsearch_settings, make_post

pytestmark = pytest.mark.integration


class FaultyProxy:
    """Forwards to the node; answers the next bulk requests with the queued statuses."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.faults: list[int] = []
        self.bulk_requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                return

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "/_bulk" in self.path:
                    proxy.bulk_requests += 1
                    if proxy.faults:
                        status = proxy.faults.pop(0)
                        payload = (
                            b'{"error":{"type":"injected","reason":"fault"},"status":%d}' % status
                        )
                        self.send_response(status)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("X-Elastic-Product", "Elasticsearch")
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        self.wfile.write(payload)
                        return
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in {"host", "content-length", "connection"}
                }
                response = httpx.request(
                    self.command,
                    proxy.upstream + self.path,
                    content=body,
                    headers=headers,
                    timeout=60,
                )
                self.send_response(response.status_code)
                for key, value in response.headers.items():
                    if key.lower() not in {
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    }:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def proxied(es_store: ElasticsearchStore) -> Iterator[tuple[ElasticsearchStore, FaultyProxy]]:
    conn = elasticsearch_settings()
    proxy = FaultyProxy(conn["url"])
    client = build_client([proxy.url], username=conn["user"], password=conn["password"])
    client = client.options(max_retries=0)  # only Siang's backoff loop retries here
    yield ElasticsearchStore(client, prefix=es_store.prefix, initial_backoff=0.05), proxy
    proxy.server.shutdown()


def test_429_and_503_are_retried_and_nothing_is_lost(proxied) -> None:  # type: ignore[no-untyped-def]
    store, proxy = proxied
    proxy.faults = [429, 503, 502]
    posts = [make_post(str(i), enriched=False) for i in range(20)]
    counts = store.upsert_posts(posts)
    assert counts.created == 20
    assert proxy.bulk_requests == 4  # three injected failures, then success
    assert store.count_posts() == 20


def test_persistent_failure_raises_store_unavailable(proxied) -> None:  # type: ignore[no-untyped-def]
    store, proxy = proxied
    proxy.faults = [503] * 10
    with pytest.raises(StoreUnavailable, match="after 4 attempts"):
        store.upsert_posts([make_post("x", enriched=False)])
    assert proxy.bulk_requests == 4
