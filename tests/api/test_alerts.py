"""Alert rules and history through the API (api/alerts.py), and post exports (api/posts.py)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.access import issue_key
from api.app import create_app
from domain.models import Alert, Category
from domain.settings import Settings
from storage.embedded import EmbeddedStore
from tests.conftest import T0, FixedEmbedder, make_post


@pytest.fixture
def store(settings: Settings) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(settings.store.path)
    posts = [
        make_post("1", 'น้ำประปาเค็ม, มาก "บางบัวทอง"', province="นนทบุรี", created_at=T0),
        make_post("2", "ไฟดับ หาดใหญ่", province="สงขลา", category=Category.electricity,
                  created_at=T0 + timedelta(hours=1)),
    ]  # fmt: skip
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.eye(2, 4, dtype=np.float32))
    store.add_alerts(
        [Alert(alert_id="a1", rule="flood-keyword", kind="keyword", subject="keyword น้ำท่วม",
               triggered_at=T0, window_start=T0, score=9.0, observed=20, expected=1.5)]
    )  # fmt: skip
    yield store
    store.close()


@pytest.fixture
def client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(
        create_app(settings, store, embedder=FixedEmbedder(dimension=4))
    ) as test_client:
        yield test_client


def _as(store: EmbeddedStore, role: str) -> dict[str, str]:
    return {"X-API-Key": issue_key(store, role=role, name=f"{role}-1")}  # type: ignore[arg-type]


def test_alert_rules_crud_needs_admin(client: TestClient, store: EmbeddedStore) -> None:
    admin, analyst = _as(store, "admin"), _as(store, "analyst")
    configured = client.get("/v1/alert-rules", headers=analyst).json()
    assert (
        "flood-keyword" in [r["name"] for r in configured["rules"]] and configured["managed"] == []
    )
    rule = {"name": "power-hatyai", "kind": "category_province", "category": "electricity",
            "province": "สงขลา", "threshold": 5, "recipients": ["a@example.go.th"]}  # fmt: skip
    assert client.put("/v1/alert-rules/power-hatyai", json=rule, headers=analyst).status_code == 403
    created = client.put("/v1/alert-rules/power-hatyai", json=rule, headers=admin)
    assert created.status_code == 201
    replaced = client.put(
        "/v1/alert-rules/power-hatyai", json=rule | {"threshold": 9}, headers=admin
    )
    assert replaced.status_code == 200 and replaced.json()["threshold"] == 9
    assert client.get("/v1/alert-rules/power-hatyai", headers=analyst).json()["threshold"] == 9
    mismatch = client.put("/v1/alert-rules/other", json=rule, headers=admin)
    assert mismatch.status_code == 409
    bad = client.put(
        "/v1/alert-rules/x", json=rule | {"name": "x", "kind": "weather"}, headers=admin
    )
    assert bad.status_code == 422 and bad.json()["detail"].startswith("kind")
    assert client.delete("/v1/alert-rules/power-hatyai", headers=admin).status_code == 204
    assert client.delete("/v1/alert-rules/power-hatyai", headers=admin).status_code == 404
    assert client.get("/v1/alert-rules/power-hatyai", headers=analyst).status_code == 404


def test_alert_history_pages_filters_and_shows_its_posts(
    client: TestClient, store: EmbeddedStore
) -> None:
    analyst = _as(store, "analyst")
    store.add_alerts(
        [
            Alert(alert_id=f"s{i}", rule="power-spike", kind="topic_spike", subject="topic 3",
                  triggered_at=T0 + timedelta(hours=i + 1), window_start=T0, score=7.0,
                  observed=9, expected=1.0, post_ids=["x:2", "x:gone"], status="sent")
            for i in range(3)
        ]
    )  # fmt: skip
    page = client.get("/v1/alerts", params={"limit": 2}, headers=analyst).json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 0)
    assert [a["alert_id"] for a in page["alerts"]] == ["s2", "s1"]  # newest first
    rest = client.get("/v1/alerts", params={"limit": 2, "offset": 2}, headers=analyst).json()
    assert [a["alert_id"] for a in rest["alerts"]] == ["s0", "a1"]

    def ids(**params: str) -> list[str]:
        body = client.get("/v1/alerts", params=params, headers=analyst).json()
        return [a["alert_id"] for a in body["alerts"]]

    assert ids(status="pending") == ["a1"]
    assert ids(rule="power-spike", status="sent") == ["s2", "s1", "s0"]
    assert ids(rule="no-such-rule") == []
    assert ids(kind="topic_spike") == ["s2", "s1", "s0"] and ids(kind="keyword") == ["a1"]
    window = {"start": (T0 + timedelta(hours=2)).isoformat(),
              "end": (T0 + timedelta(hours=3)).isoformat()}  # fmt: skip
    assert ids(**window) == ["s1"]

    detail = client.get("/v1/alerts/s1", headers=analyst).json()
    assert detail["alert"]["observed"] == 9 and detail["alert"]["expected"] == 1.0
    assert [p["id"] for p in detail["posts"]] == ["x:2"]  # a post no longer stored is left out
    assert detail["posts"][0]["text"] == "ไฟดับ หาดใหญ่"
    assert client.get("/v1/alerts/nope", headers=analyst).status_code == 404
    assert client.get("/v1/alerts", headers=_as(store, "viewer")).status_code == 403
    assert client.get("/v1/alerts/s1", headers=_as(store, "viewer")).status_code == 403


def test_a_rule_is_muted_and_its_province_written_as_people_write_it(
    client: TestClient, store: EmbeddedStore
) -> None:
    admin = _as(store, "admin")
    rule = {"name": "water-korat", "kind": "category_province", "category": "water_supply",
            "province": "โคราช", "recipients": ["desk@example.go.th"]}  # fmt: skip
    created = client.put("/v1/alert-rules/water-korat", json=rule, headers=admin)
    assert created.status_code == 201 and created.json()["province"] == "นครราชสีมา"
    assert created.json()["muted_until"] is None
    until = "2026-12-08T09:00:00+07:00"
    muted = client.put(
        "/v1/alert-rules/water-korat", json=rule | {"muted_until": until}, headers=admin
    )
    assert muted.status_code == 200
    [stored] = [r for r in store.list_alert_rules() if r.name == "water-korat"]
    assert stored.muted_until is not None and stored.muted_until.isoformat() == until
    assert stored.province == "นครราชสีมา"
    unknown = client.put(
        "/v1/alert-rules/water-korat", json=rule | {"province": "เมืองลับแล"}, headers=admin
    )
    assert unknown.status_code == 422 and "เมืองลับแล" in unknown.json()["detail"]
    naive = client.put(
        "/v1/alert-rules/water-korat", json=rule | {"muted_until": "2026-12-08T09:00"},
        headers=admin,
    )  # fmt: skip
    assert naive.status_code == 422  # a time without its zone is refused, never guessed


def test_the_caller_learns_its_own_role(client: TestClient, store: EmbeddedStore) -> None:
    me = client.get("/v1/me", headers=_as(store, "officer"))
    assert me.status_code == 200
    body = me.json()
    assert (body["name"], body["role"]) == ("officer-1", "officer")
    assert set(body) == {"key_id", "name", "role"}  # never the secret or its hash
    assert client.get("/v1/me").status_code == 401


def test_export_any_search_as_csv_or_json_lines(client: TestClient, store: EmbeddedStore) -> None:
    analyst = _as(store, "analyst")
    exported = client.get("/v1/posts/export", headers=analyst)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == ["x:1", "x:2"]
    assert rows[0]["text"] == 'น้ำประปาเค็ม, มาก "บางบัวทอง"' and rows[0]["province"] == "นนทบุรี"
    lines = client.get("/v1/posts/export", params={"format": "jsonl", "province": "สงขลา"},
                       headers=analyst).text.splitlines()  # fmt: skip
    assert [json.loads(line)["id"] for line in lines] == ["x:2"]
    assert client.get("/v1/posts/export", headers=_as(store, "viewer")).status_code == 403


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "1e999", "NaN"])
def test_alert_rule_with_a_non_finite_number_is_refused(
    client: TestClient, store: EmbeddedStore, number: str
) -> None:
    admin = _as(store, "admin")
    body = (
        '{"name": "any-spike", "kind": "topic_spike", "min_score": ' + number + ","
        ' "recipients": ["policy-team@example.go.th"]}'
    )
    refused = client.put(
        "/v1/alert-rules/any-spike",
        content=body.encode(),
        headers=admin | {"Content-Type": "application/json"},
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"].startswith("min_score")
    listed = client.get("/v1/alert-rules", headers=admin)
    assert listed.status_code == 200 and listed.json()["managed"] == []
    assert client.get("/v1/alert-rules/any-spike", headers=admin).status_code == 404
    assert [e for e in store.list_audit() if e.resource == "rule:any-spike"] == []


def test_alert_rule_changes_are_audited(client: TestClient, store: EmbeddedStore) -> None:
    admin = _as(store, "admin")
    rule = {"name": "any-spike", "kind": "topic_spike", "min_score": 8,
            "recipients": ["policy-team@example.go.th"]}  # fmt: skip
    assert client.put("/v1/alert-rules/any-spike", json=rule, headers=admin).status_code == 201
    assert (
        client.put(
            "/v1/alert-rules/any-spike", json=rule | {"min_score": 9.5}, headers=admin
        ).status_code
        == 200
    )
    assert client.delete("/v1/alert-rules/any-spike", headers=admin).status_code == 204
    assert client.delete("/v1/alert-rules/any-spike", headers=admin).status_code == 404
    entries = store.list_audit(resource="rule:any-spike")
    assert sorted((e.action, e.name, e.role) for e in entries) == [
        ("create_alert_rule", "admin-1", "admin"),
        ("delete_alert_rule", "admin-1", "admin"),
        ("update_alert_rule", "admin-1", "admin"),
    ]
    assert [e.action for e in sorted(entries, key=lambda e: e.at)] == [
        "create_alert_rule",
        "update_alert_rule",
        "delete_alert_rule",
    ]


FORMULAS = {
    "x:11": '=HYPERLINK("http://evil.example","คลิก")',
    "x:12": "+1+1 ค่าไฟแพงมาก",
    "x:13": "-2+3 ถนนพัง",
    "x:14": "@SUM(1+1) น้ำไม่ไหล",
    "x:15": "\t=1+1 ไฟดับทั้งซอย",
    "x:16": "\r=1+1 ขยะไม่เก็บ",
}


def test_csv_export_neutralises_formula_cells(client: TestClient, store: EmbeddedStore) -> None:
    posts = [make_post(post_id.split(":")[1], text, created_at=T0 + timedelta(hours=2))
             for post_id, text in FORMULAS.items()]  # fmt: skip
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.eye(len(posts), 4, dtype=np.float32))
    exported = client.get(
        "/v1/posts/export", params={"format": "csv"}, headers=_as(store, "analyst")
    )
    assert exported.status_code == 200
    assert exported.text.startswith("\ufeff")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(exported.text.removeprefix("\ufeff")))}
    assert sorted(rows) == sorted(["x:1", "x:2", *FORMULAS])
    for post_id, text in FORMULAS.items():
        assert rows[post_id]["text"] == "'" + text, post_id
    assert rows["x:1"]["text"] == 'น้ำประปาเค็ม, มาก "บางบัวทอง"'  # ordinary Thai text: as is
    assert rows["x:2"]["text"] == "ไฟดับ หาดใหญ่"
    assert rows["x:11"]["province"] == "" and rows["x:11"]["sentiment"] == "negative"
    # JSON lines are data, not spreadsheet cells: the text is kept exactly.
    lines = client.get("/v1/posts/export", params={"format": "jsonl"},
                       headers=_as(store, "analyst")).text.splitlines()  # fmt: skip
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in lines}
    assert {k: texts[k] for k in FORMULAS} == FORMULAS
