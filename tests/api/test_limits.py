"""Bounded work per request (api/limits.py): body size, JSON depth, keys kept out of URLs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.limits import json_depth
from domain.settings import Settings, load_settings
from storage.embedded import EmbeddedStore
from tests.conftest import FixedEmbedder

SECRET = "limits-webhook-secret"
HOOK = {"X-Webhook-Secret": SECRET, "Content-Type": "application/json"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        store={"backend": "embedded", "path": str(tmp_path / "siang.db")},
        credentials={"traffy_webhook_secret": SECRET},
        api={"max_body_bytes": 50_000, "webhook_max_body_bytes": 20_000, "max_json_depth": 16},
    )
    store = EmbeddedStore(settings.store.path)
    with TestClient(create_app(settings, store, embedder=FixedEmbedder(dimension=4))) as c:
        yield c
    store.close()


def _new_issue(description: str) -> dict[str, object]:
    return {"ticket_id": "2026-LIMIT1", "type": "ถนน", "description": description,
            "timestamp": "2026-11-02 08:15:00"}  # fmt: skip


def test_json_depth_counts_brackets_outside_strings() -> None:
    assert json_depth(b"{}") == 1
    assert json_depth(b'{"a": [1, {"b": [2]}]}') == 4
    assert json_depth(b'{"a": "[[[[{{{{", "b": "\\\\\\"[["}') == 1
    assert json_depth(b'"just a string"') == 0
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000


def test_an_oversize_webhook_gets_413_before_anything_is_parsed(client: TestClient) -> None:
    body = json.dumps(_new_issue("ถนนพัง" * 10_000), ensure_ascii=False).encode()
    assert len(body) > 20_000
    response = client.post("/v1/webhooks/traffy", content=body, headers=HOOK)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Request body too large"
    assert "20,000 bytes" in response.json()["detail"]
    small = json.dumps(_new_issue("ถนนพัง")).encode()
    assert client.post("/v1/webhooks/traffy", content=small, headers=HOOK).status_code == 200


def test_a_streamed_body_without_length_is_cut_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 1_000  # 100 kB in all, no Content-Length

    response = client.post("/v1/webhooks/traffy", content=chunks(), headers=HOOK)
    assert response.status_code == 413


def test_other_routes_have_their_own_limit(client: TestClient) -> None:
    body = b'{"verdict": "confirmed", "note": "' + b"x" * 60_000 + b'"}'
    response = client.post("/v1/links/c1/x:1/decision", content=body, headers=HOOK)
    assert response.status_code == 413


@pytest.mark.parametrize("depth", [17, 1_000, 9_000])
def test_deep_json_gets_422_without_recursion(client: TestClient, depth: int) -> None:
    body = b'{"ticket_id": "x", "a": ' + b"[" * depth + b"]" * depth + b"}"
    started = time.monotonic()
    response = client.post("/v1/webhooks/traffy", content=body, headers=HOOK)
    assert response.status_code == 422 and time.monotonic() - started < 2
    assert "nested" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    ["api_key=siang_0a1b2c3d_secret", "apikey=x", "access_token=y",
     "q=siang_0a1b2c3d_AbCdEfGhIjKlMnOpQrStUvWxYz012345"],
)  # fmt: skip
def test_keys_in_the_url_are_refused(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/posts/search?{query}")
    assert response.status_code == 400
    assert "header" in response.json()["detail"]


# ----------------------------------------------------------------- a real server, measured


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_SERVER = textwrap.dedent(
    """
    import sys, uvicorn
    from api.app import create_app
    from domain.settings import load_settings
    settings = load_settings(store={"backend": "embedded", "path": sys.argv[1]},
                             credentials={"traffy_webhook_secret": sys.argv[3]})
    uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
    """
)


def _memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} missing")


@pytest.mark.integration
def test_huge_and_deep_bodies_are_refused_in_bounded_time_and_memory(
    settings: Settings,
) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(settings.store.path), str(port), SECRET],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("the API did not become ready")
        resident = _memory_kib(server.pid, "VmRSS")
        slowest_health: list[float] = []
        stop = threading.Event()

        def poll_health() -> None:
            while not stop.is_set():
                started = time.monotonic()
                assert httpx.get(f"{base}/health", timeout=10).status_code == 200
                slowest_health.append(time.monotonic() - started)

        poller = threading.Thread(target=poll_health)
        poller.start()
        huge = json.dumps(_new_issue("ถนนพัง " * 1_000_000), ensure_ascii=False).encode()
        deep = b'{"ticket_id": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        answers = {}
        for name, body in (("huge", huge), ("deep", deep)):
            started = time.monotonic()
            try:
                status = httpx.post(
                    f"{base}/v1/webhooks/traffy", content=body, headers=HOOK, timeout=30
                ).status_code
            except httpx.TransportError:  # the server may close while we still send
                status = -1
            answers[name] = (status, time.monotonic() - started)
        stop.set()
        poller.join()
        peak = _memory_kib(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(huge) > 5_000_000
    assert answers["huge"][0] in (413, -1) and answers["huge"][1] < 5, answers
    assert len(deep) < 256_000  # under the webhook limit: its depth alone refuses it
    assert answers["deep"][0] == 422 and answers["deep"][1] < 5, answers
    assert max(slowest_health) < 1.0, max(slowest_health)
    assert (peak - resident) / 1024 < 100, f"grew {(peak - resident) / 1024:.0f} MiB"
