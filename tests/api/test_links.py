"""Complaints and links over HTTP: both directions, topics, officers' decisions, Traffy webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.access import issue_key
from api.app import create_app
from domain.models import Category, Complaint, LinkEvidence, PostComplaintLink, Topic
from domain.settings import Settings, load_settings
from linking.service import link_store
from storage.embedded import EmbeddedStore
from tests.conftest import T0, FixedEmbedder, make_post

COMPLAINT = "1111-2569-000001"
SECRET = "webhook-test-secret"


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return load_settings(
        store={"backend": "embedded", "path": str(tmp_path / "siang.db")},
        credentials={"traffy_webhook_secret": SECRET},
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(settings.store.path)
    posts = [
        make_post("1", "น้ำประปาเค็มมาก บางบัวทอง", tokens=["น้ำประปา", "เค็ม", "บางบัวทอง"],
                  province="นนทบุรี", created_at=T0 + timedelta(hours=3)),
        make_post("2", "น้ำประปา เค็ม อีกแล้ว", tokens=["น้ำประปา", "เค็ม"], province="นนทบุรี",
                  created_at=T0 + timedelta(hours=5)),
        make_post("3", "ไฟดับ หาดใหญ่", tokens=["ไฟดับ", "หาดใหญ่"], province="สงขลา",
                  category=Category.electricity, created_at=T0 + timedelta(hours=2)),
    ]  # fmt: skip
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.eye(3, 4, dtype=np.float32))
    store.assign_topics({"x:1": 0, "x:2": 0, "x:3": 1})
    store.replace_topics(
        [
            Topic(topic_id=0, label="น้ำประปา · เค็ม", keywords=[], size=2, first_seen=T0,
                  last_seen=T0),
            Topic(topic_id=1, label="ไฟดับ", keywords=[], size=1, first_seen=T0, last_seen=T0),
        ]
    )  # fmt: skip
    store.upsert_complaints(
        [
            Complaint(complaint_id=COMPLAINT, filed_at=T0, channel="1111",
                      category=Category.water_supply, province="นนทบุรี", subject="น้ำประปาเค็ม",
                      tokens=["น้ำประปา", "เค็ม"]),
        ],
        np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32),
    )  # fmt: skip
    evidence = LinkEvidence(matched=["province"], shared_words=["เค็ม"], days_from_filing=0.1)
    store.replace_links(
        [
            PostComplaintLink(post_id="x:1", complaint_id=COMPLAINT, score=0.93,
                              explanation="same province (นนทบุรี)", evidence=evidence),
            PostComplaintLink(post_id="x:2", complaint_id=COMPLAINT, score=0.71,
                              explanation="same province (นนทบุรี)", evidence=evidence),
        ]
    )  # fmt: skip
    yield store
    store.close()


@pytest.fixture
def client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    key = issue_key(store, role="admin", name="officer-somchai")
    with TestClient(create_app(settings, store), headers={"X-API-Key": key}) as test_client:
        test_client.app.state.embedder = FixedEmbedder(dimension=4)  # type: ignore[attr-defined]
        yield test_client


def test_both_directions_and_topics(client: TestClient) -> None:
    related = client.get(f"/v1/complaints/{COMPLAINT}/related-posts").json()
    assert [(r["post"]["id"], r["score"]) for r in related["related"]] == [
        ("x:1", 0.93),
        ("x:2", 0.71),
    ]
    assert related["related"][0]["evidence"]["shared_words"] == ["เค็ม"]
    candidates = client.get("/v1/posts/x:2/complaints").json()
    assert [c["complaint"]["complaint_id"] for c in candidates["complaints"]] == [COMPLAINT]
    topic = client.get("/v1/topics/0/complaints").json()
    assert topic["complaints"][0]["linked_posts"] == 2
    assert topic["complaints"][0]["post_ids"] == ["x:1", "x:2"]
    assert client.get("/v1/topics/1/complaints").json()["complaints"] == []
    assert client.get("/v1/posts/x:9/complaints").status_code == 404
    assert client.get(f"/v1/complaints/{COMPLAINT}").json()["subject"] == "น้ำประปาเค็ม"


def test_decisions_show_at_once_and_survive_relinking(
    client: TestClient, store: EmbeddedStore, settings: Settings
) -> None:
    body = {"post_id": "x:1", "complaint_id": COMPLAINT, "verdict": "rejected",
            "note": "คนละหมู่บ้าน"}  # fmt: skip
    first = client.post("/v1/links/decisions", json=body)
    assert first.status_code == 200 and first.json()["recorded"] is True
    assert first.json()["link"]["decision"]["by"] == "officer-somchai"
    shown = client.get(f"/v1/complaints/{COMPLAINT}/related-posts").json()["related"]
    assert [r["post"]["id"] for r in shown] == ["x:2"]  # the rejected link is hidden
    with_rejected = client.get(
        f"/v1/complaints/{COMPLAINT}/related-posts", params={"include_rejected": True}
    ).json()["related"]
    assert with_rejected[-1]["decision"]["verdict"] == "rejected"
    confirm = client.post("/v1/links/decisions", json=body | {"post_id": "x:2",
                                                               "verdict": "confirmed"})  # fmt: skip
    assert confirm.status_code == 200
    history = client.get("/v1/links/decisions", params={"complaint_id": COMPLAINT}).json()
    assert [(d["post_id"], d["verdict"]) for d in history] == [
        ("x:1", "rejected"),
        ("x:2", "confirmed"),
    ]
    # A fresh linking run keeps both verdicts on their pairs.
    link_store(store, settings.linking)
    after = {lk.post_id: lk for lk in store.links_for_complaint(COMPLAINT)}
    assert after["x:1"].decision is not None and after["x:1"].decision.verdict == "rejected"
    assert after["x:2"].decision is not None and after["x:2"].decision.verdict == "confirmed"
    missing = client.post("/v1/links/decisions", json=body | {"post_id": "x:3"})
    assert missing.status_code == 404
    bad = client.post("/v1/links/decisions", json=body | {"verdict": "maybe"})
    assert bad.status_code == 422


def _new_issue() -> dict[str, object]:
    return {
        "ticket_id": "2026-HKWX7Q",
        "type": "ถนน",
        "description": "ถนนหน้าหมู่บ้านเป็นหลุมลึก รถจักรยานยนต์ล้มหลายคัน",
        "latitude": 13.7769,
        "longitude": 100.5790,
        "address": "แขวงห้วยขวาง เขตห้วยขวาง กรุงเทพมหานคร",
        "timestamp": "2026-11-02 08:15:00",
    }


def test_traffy_webhook_needs_the_secret_and_records_history(
    client: TestClient, store: EmbeddedStore
) -> None:
    refused = client.post("/v1/webhooks/traffy", json=_new_issue())
    assert refused.status_code == 401
    headers = {"X-Webhook-Secret": SECRET}
    created = client.post("/v1/webhooks/traffy", json=_new_issue(), headers=headers)
    assert created.status_code == 200, created.text
    assert created.json()["applied"] is True
    complaint_id = created.json()["complaint_id"]
    stored = store.get_complaint(complaint_id)
    assert stored is not None and stored.source == "traffy" and stored.tokens
    assert (
        client.post("/v1/webhooks/traffy", json=_new_issue(), headers=headers).json()["applied"]
        is False
    )  # the same call again changes nothing
    update = {"ticket_id": "2026-HKWX7Q", "status": "กำลังดำเนินการ",
              "timestamp": "2026-11-03 10:00:00", "note": "ส่งช่างเข้าตรวจสอบ"}  # fmt: skip
    changed = client.request("PATCH", "/v1/webhooks/traffy", json=update, headers=headers)
    assert changed.status_code == 200, changed.text
    after = store.get_complaint(complaint_id)
    assert after is not None and after.status == "in_progress"
    assert [c.status for c in after.history][-1] == "in_progress"
    malformed = client.post("/v1/webhooks/traffy", content=b"{not json", headers=headers)
    assert malformed.status_code == 422


def test_complaint_search_is_for_officers_and_audited(
    client: TestClient, store: EmbeddedStore
) -> None:
    found = client.get("/v1/complaints", params={"q": "น้ำประปาเค็ม", "province": "นนทบุรี"})
    assert found.status_code == 200, found.text
    assert found.json()["total"] == 1
    assert found.json()["complaints"][0]["complaint_id"] == COMPLAINT
    assert client.get("/v1/complaints", params={"province": "สงขลา"}).json()["total"] == 0
    listed = [e for e in store.list_audit() if e.action == "list_complaint"]
    assert [e.resource for e in listed] == [f"complaint:{COMPLAINT}"]


def test_topic_detail_shows_related_complaints_to_officers_only(
    client: TestClient, store: EmbeddedStore
) -> None:
    detail = client.get("/v1/topics/0").json()
    assert [r["complaint"]["complaint_id"] for r in detail["related_complaints"]] == [COMPLAINT]
    viewer = {"X-API-Key": issue_key(store, role="viewer", name="policy")}
    assert client.get("/v1/topics/0", headers=viewer).json()["related_complaints"] is None
