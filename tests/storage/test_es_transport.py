"""The Elasticsearch client's request, retry and failure counts (storage/es_transport.py)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elasticsearch import ApiError
from elasticsearch import ConnectionError as ESConnectionError

from storage.elasticsearch import ElasticsearchStore, build_client
from storage.es_transport import TransportCounts
from tests.conftest import elasticsearch_settings


class ScriptedNode:
    """A local HTTP server that answers with the queued statuses, then 200 (like a node)."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.requests = 0
        node = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                return

            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                node.requests += 1
                status = node.statuses.pop(0) if node.statuses else 200
                body = b'{"cluster_name":"scripted"}' if status == 200 else b'{"error":"x"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def scripted() -> Iterator[ScriptedNode]:
    node = ScriptedNode()
    yield node
    node.server.shutdown()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _counts(store: ElasticsearchStore) -> TransportCounts:
    counts = store.transport_counts()
    assert counts is not None
    return counts


def test_an_unreachable_node_counts_three_retries_and_one_transport_failure() -> None:
    client = build_client([f"http://127.0.0.1:{_closed_port()}"], username="elastic", password="x")
    store = ElasticsearchStore(client)
    with pytest.raises(ESConnectionError):
        client.info()
    assert _counts(store) == TransportCounts(requests=1, retries=3, failures={"transport": 1})
    client.close()


@pytest.mark.integration
def test_a_retried_503_that_then_succeeds_is_retries_without_failure(
    scripted: ScriptedNode,
) -> None:
    client = build_client([scripted.url], username="elastic", password=None)
    store = ElasticsearchStore(client)
    scripted.statuses = [503, 502]
    assert client.info()["cluster_name"] == "scripted"
    assert scripted.requests == 3
    assert _counts(store) == TransportCounts(requests=1, retries=2, failures={})
    scripted.statuses = [503] * 4  # one try and three retries, all refused
    with pytest.raises(ApiError):
        client.info()
    scripted.statuses = [429] * 4
    with pytest.raises(ApiError):
        client.info()
    assert _counts(store) == TransportCounts(
        requests=3, retries=8, failures={"server_error": 1, "rate_limited": 1}
    )
    client.close()


@pytest.mark.integration
def test_a_healthy_node_counts_each_request_once(es_store: ElasticsearchStore) -> None:
    conn = elasticsearch_settings()
    client = build_client([conn["url"]], username=conn["user"], password=conn["password"])
    store = ElasticsearchStore(client, prefix=es_store.prefix)
    assert store.count_posts() == 0
    assert store.get_complaint("1111-none") is None
    client.options(ignore_status=404).get(index=store.index["sources"], id="none")
    # A 404 answers a question ("is it there?"): not a failure.
    assert _counts(store) == TransportCounts(requests=3, retries=0, failures={})
    client.close()


def test_a_client_built_elsewhere_reports_no_counts() -> None:
    from elasticsearch import Elasticsearch

    store = ElasticsearchStore(Elasticsearch("http://127.0.0.1:9"))
    assert store.transport_counts() is None
