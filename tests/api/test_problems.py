"""One error shape (api/problems.py): problem details with a request id, 503 on outages."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.access import issue_key
from api.app import create_app
from domain.settings import Settings, load_settings
from storage.elasticsearch import ElasticsearchStore
from storage.embedded import EmbeddedStore
from storage.es_documents import build_client
from tests.conftest import FixedEmbedder

PROBLEM = "application/problem+json"


@pytest.fixture
def app_and_key(settings: Settings) -> Iterator[tuple[TestClient, str]]:
    store = EmbeddedStore(settings.store.path)
    key = issue_key(store, role="viewer", name="problems")
    app = create_app(settings, store, embedder=FixedEmbedder(dimension=4))

    @app.get("/v1/boom", include_in_schema=False)
    def boom() -> None:
        raise ZeroDivisionError("0812345678 divided by zero")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, key
    store.close()


def _assert_problem(response: object, status: int, title: str) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] == title
    assert body["request_id"] == response.headers["x-request-id"]  # type: ignore[attr-defined]
    assert str(body["type"]).startswith("/problems/")
    return body


def test_every_error_is_a_problem_with_a_specific_title(
    app_and_key: tuple[TestClient, str],
) -> None:
    client, key = app_and_key
    headers = {"X-API-Key": key}
    _assert_problem(client.get("/v1/topics"), 401, "API key missing or not accepted")
    _assert_problem(client.get("/v1/topics/5", headers=headers), 404, "Not found")
    _assert_problem(
        client.get("/v1/topics", params={"limit": 0}, headers=headers), 422, "Invalid request"
    )
    _assert_problem(client.get("/v1/complaints", headers=headers), 403, "Role not allowed")
    _assert_problem(client.delete("/v1/topics", headers=headers), 405, "Method not allowed")


def test_a_caller_request_id_is_kept_and_a_bad_one_replaced(
    app_and_key: tuple[TestClient, str],
) -> None:
    client, _ = app_and_key
    kept = client.get("/v1/topics", headers={"X-Request-ID": "desk-42.a_b"})
    assert kept.headers["x-request-id"] == "desk-42.a_b" == kept.json()["request_id"]
    replaced = client.get("/v1/topics", headers={"X-Request-ID": "<script>" * 20})
    assert replaced.headers["x-request-id"] != "<script>" * 20
    assert len(replaced.headers["x-request-id"]) == 32


def test_an_unexpected_error_is_a_500_problem_logged_with_its_request_id(
    app_and_key: tuple[TestClient, str], caplog: pytest.LogCaptureFixture
) -> None:
    client, key = app_and_key
    with caplog.at_level(logging.ERROR, logger="api.problems"):
        response = client.get("/v1/boom", headers={"X-API-Key": key})
    body = _assert_problem(response, 500, "Internal server error")
    assert "0812345678" not in response.text and "ZeroDivisionError" not in response.text
    [record] = [r for r in caplog.records if r.name == "api.problems"]
    assert record.exc_info is not None and "/v1/boom" in record.getMessage()
    assert record.__dict__.get("request_id") in (None, body["request_id"])  # set by the filter


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once it is closed


def test_a_store_outage_is_503_with_retry_after(settings: Settings) -> None:
    outage = load_settings(
        store={"backend": "embedded", "path": str(settings.store.path)},
        api={"retry_after_seconds": 17},
    )
    client = build_client([f"http://127.0.0.1:{_closed_port()}"], username="elastic", password=None)
    store = ElasticsearchStore(client, prefix="outage", max_retries=0, initial_backoff=0)
    app = create_app(outage, store, embedder=FixedEmbedder(dimension=4))  # type: ignore[arg-type]
    with TestClient(app) as api:
        response = api.get("/v1/posts/search", headers={"X-API-Key": "siang_0a1b2c3d_secret"})
        ready = api.get("/health/ready")
        alive = api.get("/health")
    body = _assert_problem(response, 503, "Store unavailable")
    assert response.headers["retry-after"] == "17"
    assert "Elasticsearch" in str(body["detail"])
    assert ready.status_code == 503 and ready.json()["store_reachable"] is False
    assert alive.status_code == 200
