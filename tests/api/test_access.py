"""API keys, roles, rate limits and the audit log (api/access.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.access import RateLimiter, issue_key, revoke_key, verify
from api.app import create_app
from domain.models import Category, Complaint
from domain.settings import Settings
from storage.embedded import EmbeddedStore
from tests.conftest import T0

COMPLAINT = "1111-2569-000777"


@pytest.fixture
def store(settings: Settings) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(settings.store.path)
    store.upsert_complaints(
        [Complaint(complaint_id=COMPLAINT, filed_at=T0, channel="1111",
                   category=Category.road_traffic, province="ขอนแก่น", subject="ถนนพัง")]
    )  # fmt: skip
    yield store
    store.close()


@pytest.fixture
def client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store)) as test_client:
        yield test_client


def test_keys_are_stored_hashed_and_shown_once(store: EmbeddedStore) -> None:
    key = issue_key(store, role="viewer", name="policy-team")
    prefix, key_id, secret = key.split("_", 2)
    assert prefix == "siang" and len(secret) >= 40
    [stored] = store.list_api_keys()
    assert stored.key_id == key_id and secret not in stored.model_dump_json()
    assert verify(store, key) == stored
    assert verify(store, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert verify(store, "not-a-key") is None
    revoke_key(store, key_id)
    assert verify(store, key) is None


def test_every_data_endpoint_needs_a_live_key(client: TestClient, store: EmbeddedStore) -> None:
    assert client.get("/health").status_code == 200
    assert client.get("/metrics").status_code == 200
    missing = client.get("/v1/topics")
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert "X-API-Key" in missing.json()["detail"]
    assert client.get("/v1/topics", headers={"X-API-Key": "siang_0000_nope"}).status_code == 401
    key = issue_key(store, role="viewer", name="policy-team")
    assert client.get("/v1/topics", headers={"X-API-Key": key}).status_code == 200
    bearer = client.get("/v1/topics", headers={"Authorization": f"Bearer {key}"})
    assert bearer.status_code == 200
    revoke_key(store, key.split("_")[1])
    assert client.get("/v1/topics", headers={"X-API-Key": key}).status_code == 401


def test_roles_gate_complaints_and_reads_are_audited(
    client: TestClient, store: EmbeddedStore
) -> None:
    viewer = issue_key(store, role="viewer", name="policy-team")
    officer = issue_key(store, role="officer", name="officer-somchai")
    refused = client.get(f"/v1/complaints/{COMPLAINT}", headers={"X-API-Key": viewer})
    assert refused.status_code == 403 and "officer" in refused.json()["detail"]
    assert store.list_audit() == []
    read = client.get(f"/v1/complaints/{COMPLAINT}", headers={"X-API-Key": officer})
    assert read.status_code == 200 and read.json()["subject"] == "ถนนพัง"
    [entry] = store.list_audit(resource=f"complaint:{COMPLAINT}")
    assert (entry.name, entry.role, entry.action) == (
        "officer-somchai",
        "officer",
        "read_complaint",
    )


def test_rate_limit_per_key_answers_429_with_retry_after(
    client: TestClient, store: EmbeddedStore
) -> None:
    slow = issue_key(store, role="viewer", name="scraper", rate_per_minute=3)
    other = issue_key(store, role="viewer", name="dashboard")
    codes = [client.get("/v1/topics", headers={"X-API-Key": slow}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/v1/topics", headers={"X-API-Key": slow})
    assert int(limited.headers["Retry-After"]) >= 1
    assert client.get("/v1/topics", headers={"X-API-Key": other}).status_code == 200


def test_token_bucket_refills_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert [limiter.take("k", 2) for _ in range(2)] == [None, None]
    wait = limiter.take("k", 2)
    assert wait == pytest.approx(30.0)
    now[0] = 30.0
    assert limiter.take("k", 2) is None
