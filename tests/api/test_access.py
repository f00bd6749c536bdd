"""API keys, roles, rate limits and the audit log (api/access.py)."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access import Caller, RateLimiter, issue_key, operator, revoke_key, verify
from api.app import create_app
from domain.models import Category, Complaint
from domain.settings import Settings, load_settings
from storage.embedded import EmbeddedStore
from tests.conftest import T0, FixedEmbedder

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
    with TestClient(
        create_app(settings, store, embedder=FixedEmbedder(dimension=4))
    ) as test_client:
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
    assert store.list_audit(resource=f"complaint:{COMPLAINT}") == []
    created = {(e.action, e.name) for e in store.list_audit()}  # key creation is audited too
    assert created == {("create_key:viewer", f"cli:{getpass.getuser()}"),
                       ("create_key:officer", f"cli:{getpass.getuser()}")}  # fmt: skip
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


def test_creating_and_revoking_keys_is_audited_with_who_did_it(store: EmbeddedStore) -> None:
    admin = Caller(key_id="k0admin", name="admin-malee", role="admin")
    by_admin = issue_key(store, role="analyst", name="analytics", by=admin)
    by_cli = issue_key(store, role="viewer", name="policy-team")
    admin_key_id, cli_key_id = by_admin.split("_")[1], by_cli.split("_")[1]
    assert revoke_key(store, admin_key_id) is not None
    assert revoke_key(store, cli_key_id, by=admin) is not None
    assert revoke_key(store, "nosuchkey", by=admin) is None  # nothing revoked, nothing audited
    cli = f"cli:{getpass.getuser()}"
    entries = sorted((e.action, e.resource, e.key_id, e.name, e.role) for e in store.list_audit())
    assert entries == sorted(
        [
            ("create_key:analyst", f"key:{admin_key_id}", "k0admin", "admin-malee", "admin"),
            ("create_key:viewer", f"key:{cli_key_id}", "cli", cli, "admin"),
            ("revoke_key", f"key:{admin_key_id}", "cli", cli, "admin"),
            ("revoke_key", f"key:{cli_key_id}", "k0admin", "admin-malee", "admin"),
        ]
    )
    assert operator() == Caller(key_id="cli", name=cli, role="admin")


def test_bad_api_keys_are_rate_limited_per_client_address(
    tmp_path: Path, store: EmbeddedStore
) -> None:
    settings = load_settings(
        store={"backend": "embedded", "path": str(tmp_path / "limited.db")},
        api={"auth_failures_per_minute": 3},
    )
    good = issue_key(store, role="viewer", name="dashboard")
    bad = {"X-API-Key": "siang_0000_guessed"}
    with TestClient(create_app(settings, store, embedder=FixedEmbedder(dimension=4))) as client:
        answers = [client.get("/v1/topics", headers=bad) for _ in range(4)]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        limited = answers[-1]
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["title"] == "Rate limit exceeded"
        assert "failed authentications from this address" in limited.json()["detail"]
        assert 1 <= int(limited.headers["Retry-After"]) <= 21
        # A malformed key and a bearer token count too; a missing key does not.
        assert client.get("/v1/topics", headers={"Authorization": "Bearer nope"}).status_code == 429
        assert client.get("/v1/topics").status_code == 401
        # Only failures are counted: a live key still works from the same address.
        assert client.get("/v1/topics", headers={"X-API-Key": good}).status_code == 200
        elsewhere = TestClient(client.app, client=("203.0.113.7", 50000))
        assert elsewhere.get("/v1/topics", headers=bad).status_code == 401
