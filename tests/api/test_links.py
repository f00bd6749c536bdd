"""Complaints and links over HTTP: both directions, topics, officers' decisions, Traffy webhooks."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest
import uvicorn
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
    with TestClient(
        create_app(settings, store, embedder=FixedEmbedder(dimension=4)), headers={"X-API-Key": key}
    ) as test_client:
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


HOOK = {"X-Webhook-Secret": SECRET}
TICKET = "traffy:2026-HKWX7Q"


def _status_update(**overrides: object) -> dict[str, object]:
    return {
        "ticket_id": "2026-HKWX7Q",
        "status": "กำลังดำเนินการ",
        "timestamp": "2026-11-03 10:00:00",
        "note": "ส่งช่างเข้าตรวจสอบ",
        **overrides,
    }


def _national_id(first_twelve: str) -> str:
    """A Thai national ID with its check digit: d13 = (11 - Σ d_i·(14-i) mod 11) mod 10."""
    total = sum(int(d) * (14 - i) for i, d in enumerate(first_twelve, start=1))
    return first_twelve + str((11 - total % 11) % 10)


def _refused(response: Any, detail: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == detail


def test_traffy_webhook_refuses_orgs_that_are_not_a_list(
    client: TestClient, store: EmbeddedStore
) -> None:
    refused = client.post("/v1/webhooks/traffy", json=_new_issue() | {"orgs": 5}, headers=HOOK)
    _refused(refused, "unusable webhook payload: orgs must be a list of organisations")
    assert store.get_complaint(TICKET) is None
    assert [c.complaint_id for c in store.iter_complaints()] == [COMPLAINT]


def test_traffy_webhook_refuses_times_in_the_future(
    client: TestClient, store: EmbeddedStore
) -> None:
    future_issue = client.post(
        "/v1/webhooks/traffy", json=_new_issue() | {"timestamp": "2099-01-01 08:00:00"},
        headers=HOOK,
    )  # fmt: skip
    _refused(future_issue, "unusable webhook payload: timestamp 2099-01-01 08:00 is in the future")
    assert store.get_complaint(TICKET) is None
    assert client.post("/v1/webhooks/traffy", json=_new_issue(), headers=HOOK).status_code == 200
    before = store.get_complaint(TICKET)
    assert before is not None and before.status == "received" and len(before.history) == 1
    update_2099 = client.patch(
        "/v1/webhooks/traffy", json=_status_update(timestamp="2099-01-01 00:00:00"), headers=HOOK
    )
    _refused(update_2099, "unusable webhook payload: timestamp 2099-01-01 00:00 is in the future")
    # 9999 is a Buddhist-era year: 9456 CE, still the future.
    update_9999 = client.patch(
        "/v1/webhooks/traffy", json=_status_update(timestamp="9999-01-01 00:00:00"), headers=HOOK
    )
    _refused(update_9999, "unusable webhook payload: timestamp 9456-01-01 00:00 is in the future")
    assert store.get_complaint(TICKET) == before


def test_traffy_webhook_replays_change_nothing(client: TestClient, store: EmbeddedStore) -> None:
    first = client.post("/v1/webhooks/traffy", json=_new_issue(), headers=HOOK).json()
    again = client.post("/v1/webhooks/traffy", json=_new_issue(), headers=HOOK).json()
    assert first == {"kind": "new_issue", "complaint_id": TICKET, "applied": True}
    assert again == {"kind": "new_issue", "complaint_id": TICKET, "applied": False}
    body = json.dumps(_status_update(), ensure_ascii=False).encode()
    headers = HOOK | {"Content-Type": "application/json"}
    applied = client.patch("/v1/webhooks/traffy", content=body, headers=headers)
    assert applied.json() == {"kind": "status_update", "complaint_id": TICKET, "applied": True}
    after_first = store.get_complaint(TICKET)
    assert after_first is not None
    assert [(c.status, c.source_status) for c in after_first.history] == [
        ("received", None),
        ("in_progress", "กำลังดำเนินการ"),
    ]
    replayed = client.patch("/v1/webhooks/traffy", content=body, headers=headers)
    assert replayed.json() == {"kind": "status_update", "complaint_id": TICKET, "applied": False}
    assert store.get_complaint(TICKET) == after_first


def test_traffy_webhook_note_is_stored_redacted(client: TestClient, store: EmbeddedStore) -> None:
    national_id = _national_id("110370234567")
    parts = (national_id[0], national_id[1:5], national_id[5:10], national_id[10:12])
    grouped = "-".join([*parts, national_id[12]])  # 1-1037-02345-67-9
    raw_values = ("081-234-5678", "somchai.k@example.co.th", national_id, grouped)
    note = f"ผู้แจ้ง โทร 081-234-5678 อีเมล somchai.k@example.co.th บัตร {grouped} ช่างเข้าแล้ว"
    assert client.post("/v1/webhooks/traffy", json=_new_issue(), headers=HOOK).status_code == 200
    changed = client.patch("/v1/webhooks/traffy", json=_status_update(note=note), headers=HOOK)
    assert changed.status_code == 200 and changed.json()["applied"] is True
    stored = store.get_complaint(TICKET)
    assert stored is not None
    expected = "ผู้แจ้ง โทร [PHONE] อีเมล [EMAIL] บัตร [NATIONAL_ID] ช่างเข้าแล้ว"
    assert stored.history[-1].note == expected
    read = client.get(f"/v1/complaints/{TICKET}")
    assert read.status_code == 200
    assert read.json()["history"][-1]["note"] == expected
    for value in raw_values:
        assert value not in read.text and value not in stored.model_dump_json()


def _limited_client(
    tmp_path: Path, store: EmbeddedStore, *, embedder: FixedEmbedder | None = None
) -> TestClient:
    settings = load_settings(
        store={"backend": "embedded", "path": str(tmp_path / "limited.db")},
        credentials={"traffy_webhook_secret": SECRET},
        api={"auth_failures_per_minute": 3},
    )
    return TestClient(create_app(settings, store, embedder=embedder or FixedEmbedder(dimension=4)))


def test_wrong_webhook_secrets_are_rate_limited_per_address(
    tmp_path: Path, store: EmbeddedStore
) -> None:
    wrong = {"X-Webhook-Secret": "guess"}
    with _limited_client(tmp_path, store) as api:
        answers = [api.post("/v1/webhooks/traffy", json=_new_issue(), headers=wrong)
                   for _ in range(4)]  # fmt: skip
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        limited = answers[-1]
        assert limited.headers["content-type"] == "application/problem+json"
        assert 1 <= int(limited.headers["Retry-After"]) <= 21
        assert store.get_complaint(TICKET) is None
        # Only failures are counted: the right secret still gets through from that address.
        accepted = api.post("/v1/webhooks/traffy", json=_new_issue(), headers=HOOK)
        assert accepted.status_code == 200 and accepted.json()["applied"] is True
        bearer = {"Authorization": f"Bearer {SECRET}"}
        assert api.patch("/v1/webhooks/traffy", json=_status_update(),
                         headers=bearer).status_code == 200  # fmt: skip
        assert api.post("/v1/webhooks/traffy", json=_new_issue(), headers=wrong).status_code == 429
        # Another address has its own count (same app, state set by the client above).
        elsewhere = TestClient(api.app, client=("203.0.113.7", 50000))
        assert (
            elsewhere.post("/v1/webhooks/traffy", json=_new_issue(), headers=wrong).status_code
            == 401
        )


class _SlowEmbedder(FixedEmbedder):
    """Takes 3 s to encode, and says when it has started."""

    def __init__(self) -> None:
        super().__init__(dimension=4)
        self.encoding = threading.Event()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoding.set()
        time.sleep(3.0)
        return super().encode(texts)


@contextmanager
def _served(app: Any) -> Iterator[str]:
    """``app`` on uvicorn on a free port of 127.0.0.1 (as tests/dashboard/conftest.py does)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("uvicorn did not start the Siang app")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.mark.integration
def test_traffy_webhook_work_never_blocks_the_event_loop(
    settings: Settings, store: EmbeddedStore
) -> None:
    embedder = _SlowEmbedder()
    answers: dict[str, Any] = {}

    def call_webhook(url: str) -> None:
        started = time.monotonic()
        answers["webhook"] = httpx.post(
            f"{url}/v1/webhooks/traffy", json=_new_issue(), headers=HOOK, timeout=30
        )
        answers["webhook_seconds"] = time.monotonic() - started

    with _served(create_app(settings, store, embedder=embedder)) as url:
        caller = threading.Thread(target=call_webhook, args=(url,))
        caller.start()
        assert embedder.encoding.wait(10), "the webhook never reached the embedder"
        started = time.monotonic()
        health = httpx.get(f"{url}/health", timeout=10)
        health_seconds = time.monotonic() - started
        caller.join(timeout=30)
    assert health.status_code == 200
    assert health_seconds < 1.5, health_seconds
    assert answers["webhook"].status_code == 200, answers["webhook"].text
    assert answers["webhook"].json()["applied"] is True
    assert answers["webhook_seconds"] >= 3.0
    assert store.get_complaint(TICKET) is not None


def test_reads_of_link_decisions_are_audited(client: TestClient, store: EmbeddedStore) -> None:
    for post_id, verdict in (("x:1", "rejected"), ("x:2", "confirmed")):
        body = {"post_id": post_id, "complaint_id": COMPLAINT, "verdict": verdict}
        assert client.post("/v1/links/decisions", json=body).status_code == 200
    assert [e for e in store.list_audit() if e.action == "read_link_decisions"] == []
    reader = {"X-API-Key": issue_key(store, role="officer", name="officer-malee")}
    everything = client.get("/v1/links/decisions", headers=reader)
    assert [(d["post_id"], d["verdict"]) for d in everything.json()] == [
        ("x:1", "rejected"),
        ("x:2", "confirmed"),
    ]
    reads = [e for e in store.list_audit() if e.action == "read_link_decisions"]
    assert sorted((e.name, e.role, e.resource) for e in reads) == [
        ("officer-malee", "officer", f"link:{COMPLAINT}/x:1"),
        ("officer-malee", "officer", f"link:{COMPLAINT}/x:2"),
    ]
    one = client.get("/v1/links/decisions", params={"post_id": "x:2"})
    assert [d["post_id"] for d in one.json()] == ["x:2"]
    reads = [e for e in store.list_audit() if e.action == "read_link_decisions"]
    assert sorted((e.name, e.resource) for e in reads) == [
        ("officer-malee", f"link:{COMPLAINT}/x:1"),
        ("officer-malee", f"link:{COMPLAINT}/x:2"),
        ("officer-somchai", f"link:{COMPLAINT}/x:2"),
    ]


def test_traffy_webhook_new_issue_replayed_after_an_update_changes_nothing(
    client: TestClient, store: EmbeddedStore
) -> None:
    assert client.post("/v1/webhooks/traffy", json=_new_issue(), headers=HOOK).status_code == 200
    changed = client.patch("/v1/webhooks/traffy", json=_status_update(), headers=HOOK)
    assert changed.json()["applied"] is True
    updated = store.get_complaint(TICKET)
    assert updated is not None and updated.status == "in_progress"
    assert updated.updated_at == datetime(2026, 11, 3, 10, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
    # Traffy retries deliveries: the new-issue call may arrive again after the update.
    replayed = client.post("/v1/webhooks/traffy", json=_new_issue(), headers=HOOK)
    assert replayed.json() == {"kind": "new_issue", "complaint_id": TICKET, "applied": False}
    assert store.get_complaint(TICKET) == updated
