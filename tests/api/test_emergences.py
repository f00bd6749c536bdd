"""GET /v1/emergences: emerging grievances now or in a period, on the data's clock or the
real one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.access import issue_key
from api.app import create_app
from domain.settings import Settings
from storage.embedded import EmbeddedStore
from tests.conftest import T0, FixedEmbedder, make_emergence


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    store = EmbeddedStore(settings.store.path)
    store.upsert_emergences(
        [
            make_emergence(1, detected_at=T0 - timedelta(hours=2)),
            make_emergence(2, detected_at=T0 - timedelta(hours=30), province="นครราชสีมา", score=14),
            make_emergence(3, detected_at=T0 - timedelta(days=10), province="ตราด", score=20.0),
        ],
        judged_until=T0,
    )
    key = issue_key(store, role="viewer", name="analyst-nok")
    with TestClient(
        create_app(settings, store, embedder=FixedEmbedder(dimension=4)), headers={"X-API-Key": key}
    ) as test_client:
        yield test_client
    store.close()


def test_now_is_the_data_clock_on_a_development_store(client: TestClient) -> None:
    body = client.get("/v1/emergences").json()
    assert body["clock"] == "data" and body["as_of"].startswith("2026-11-01T02:00")  # 09:00 +07
    assert body["total"] == 1
    [only] = body["emergences"]
    assert only["episode_id"] == "ep1"
    assert only["reason"] == "5 โพสต์ใน 6 ชม. จากปกติ 0.2 — ไฟฟ้า · สงขลา"


def test_last_week_strongest_first_and_filters(client: TestClient) -> None:
    body = client.get("/v1/emergences", params={"period": "week"}).json()
    assert [e["episode_id"] for e in body["emergences"]] == ["ep2", "ep1"]
    nickname = client.get("/v1/emergences", params={"period": "week", "province": "โคราช"})
    assert [e["episode_id"] for e in nickname.json()["emergences"]] == ["ep2"]
    since = (T0 - timedelta(days=30)).isoformat()
    everything = client.get("/v1/emergences", params={"detected_from": since}).json()
    assert everything["total"] == 3 and everything["emergences"][0]["episode_id"] == "ep3"


def test_production_uses_the_real_clock(settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    production = settings.model_copy(
        update={"trends": settings.trends.model_copy(update={"clock": "real"})}
    )
    store = EmbeddedStore(tmp_path / "real.db")
    store.upsert_emergences(
        [make_emergence(1, detected_at=T0 - timedelta(hours=2))], judged_until=T0
    )
    key = issue_key(store, role="viewer", name="v")
    with TestClient(
        create_app(production, store, embedder=FixedEmbedder(dimension=4)),
        headers={"X-API-Key": key},
    ) as client:
        body = client.get("/v1/emergences").json()
    store.close()
    assert body["clock"] == "real" and body["total"] == 0  # 2026-11-01 is long past


def test_needs_a_key_and_refuses_bad_periods(client: TestClient) -> None:
    assert client.get("/v1/emergences", headers={"X-API-Key": ""}).status_code == 401
    assert client.get("/v1/emergences", params={"period": "year"}).status_code == 422
