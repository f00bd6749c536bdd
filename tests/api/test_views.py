"""The query API over a small populated store (FastAPI TestClient)."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.access import issue_key
from api.app import create_app
from domain.models import Category, Complaint, LinkEvidence, PostComplaintLink, Topic
from domain.settings import Settings
from storage.embedded import EmbeddedStore
from tests.conftest import T0, FixedEmbedder, make_post


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    store = EmbeddedStore(settings.store.path)
    posts = [
        make_post(
            "1",
            "น้ำประปาเค็มมาก บางบัวทอง",
            tokens=["น้ำประปา", "เค็ม", "มาก", "บางบัวทอง"],
            province="นนทบุรี",
            created_at=T0,
        ),
        make_post(
            "2",
            "ไฟดับ หาดใหญ่",
            tokens=["ไฟดับ", "หาดใหญ่"],
            province="สงขลา",
            category=Category.electricity,
            created_at=T0 + timedelta(hours=2),
        ),
    ]
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.eye(2, 4, dtype=np.float32))
    store.assign_topics({"x:1": 0, "x:2": 1})
    store.replace_topics(
        [
            Topic(
                topic_id=0,
                label="น้ำประปา · เค็ม",
                keywords=[],
                size=1,
                first_seen=T0,
                last_seen=T0,
                representative_post_ids=["x:1"],
                spike_score=3.0,
            ),
            Topic(
                topic_id=1,
                label="ไฟดับ · หาดใหญ่",
                keywords=[],
                size=1,
                first_seen=T0,
                last_seen=T0,
                representative_post_ids=["x:2"],
                spike_score=9.0,
                status="emerging",
            ),
        ]
    )
    store.upsert_complaints(
        [
            Complaint(
                complaint_id="1111-2569-000001",
                filed_at=T0,
                channel="hotline_1111",
                category=Category.water_supply,
                province="นนทบุรี",
                subject="น้ำประปาเค็ม",
            )
        ]
    )
    store.replace_links(
        [
            PostComplaintLink(
                post_id="x:1",
                complaint_id="1111-2569-000001",
                score=0.93,
                explanation="same province (นนทบุรี)",
                evidence=LinkEvidence(
                    days_from_filing=0.25,
                    place_level="province",
                    place_agrees=True,
                    place_names=["นนทบุรี"],
                    category="water_supply",
                    similarity=0.71,
                ),
            )
        ]
    )
    key = issue_key(store, role="admin", name="officer-somchai")
    with TestClient(
        create_app(settings, store, embedder=FixedEmbedder(dimension=4)), headers={"X-API-Key": key}
    ) as test_client:
        yield test_client
    store.close()


def test_health_is_liveness_and_ready_checks_store_and_models(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "store": "embedded"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "store": "embedded",
        "store_reachable": True,
        "store_error": None,
        "posts": 2,
        "topics": 2,
        "embedder": "loaded",
    }


def test_the_embedder_loads_once_at_start_up_while_liveness_answers(settings: Settings) -> None:
    store = EmbeddedStore(settings.store.path)
    with TestClient(create_app(settings, store)) as client:  # the configured embedder
        models = client.app.state.models  # type: ignore[attr-defined]
        states = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert client.get("/health").status_code == 200
            ready = client.get("/health/ready")
            states.append((ready.status_code, ready.json()["embedder"]))
            if ready.status_code == 200:
                break
            time.sleep(0.05)
        assert states[-1] == (200, "loaded")
        assert set(states[:-1]) <= {(503, "loading")}
        loaded = models.embedder()
        assert models.embedder() is loaded  # once per process
    store.close()


@pytest.mark.parametrize("cursor", ["1e999", "Infinity", "NaN", "-1", '"3"', "true", "1e3"])
def test_cursors_holding_non_integers_are_refused_with_400(client: TestClient, cursor: str) -> None:
    payload = base64.urlsafe_b64encode(f'{{"o": {cursor}, "q": "x"}}'.encode()).decode()
    signed = f"{payload}.{client.app.state.cursors._sign(payload)}"  # type: ignore[attr-defined]
    response = client.get("/v1/posts/search", params={"cursor": signed})
    assert response.status_code == 400
    unsigned = client.get("/v1/posts/search", params={"cursor": payload + ".x"})
    assert unsigned.status_code == 400 and "not a cursor" in unsigned.json()["detail"]
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Unusable cursor"


@pytest.mark.parametrize(
    "q", ["😡\x00", "\x00", '"', '""น้ำ', "*", "NEAR(น้ำ", "น้ำ OR ไฟ", "\u200bน้ำ", "(", "^"]
)
@pytest.mark.parametrize("route", ["/v1/posts/search", "/v1/stats/province", "/v1/posts/export"])
def test_query_text_never_breaks_a_route(client: TestClient, q: str, route: str) -> None:
    response = client.get(route, params={"q": q})
    assert response.status_code == 200, response.text
    if route == "/v1/posts/export":
        assert response.text.startswith("\ufeffid,platform")


def test_thai_search_tokenises_the_query(client: TestClient) -> None:
    response = client.get("/v1/posts/search", params={"q": "น้ำประปาเค็ม"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    hit = body["hits"][0]
    assert hit["id"] == "x:1" and hit["province"] == "นนทบุรี" and hit["topic_id"] == 0
    assert hit["created_at_bangkok"] == "2026-11-01 09:00 (Asia/Bangkok)"


def test_search_filters_and_validation(client: TestClient) -> None:
    assert client.get("/v1/posts/search", params={"category": "electricity"}).json()["total"] == 1
    assert (
        client.get("/v1/posts/search", params={"province": "สงขลา"}).json()["hits"][0]["id"]
        == "x:2"
    )
    bad = client.get("/v1/posts/search", params={"category": "weather"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["detail"].startswith("category:")


def test_topics_list_and_detail(client: TestClient) -> None:
    listed = client.get("/v1/topics").json()
    assert [t["topic_id"] for t in listed["topics"]] == [1, 0]
    assert [
        t["topic_id"]
        for t in client.get("/v1/topics", params={"status": "emerging"}).json()["topics"]
    ] == [1]
    assert listed["total"] == 2 and (listed["limit"], listed["offset"]) == (50, 0)
    detail = client.get("/v1/topics/0", params={"interval": "hour"}).json()
    assert detail["topic"]["label"] == "น้ำประปา · เค็ม"
    assert detail["timeline"] == [{"time": "2026-11-01T09:00:00+07:00", "count": 1}]
    assert [p["id"] for p in detail["representative_posts"]] == ["x:1"]
    missing = client.get("/v1/topics/99")
    assert missing.status_code == 404 and missing.json()["title"] == "Not found"


def test_related_posts_for_complaint(client: TestClient) -> None:
    body = client.get("/v1/complaints/1111-2569-000001/related-posts").json()
    assert body["complaint"]["subject"] == "น้ำประปาเค็ม"
    assert [(r["post"]["id"], r["score"]) for r in body["related"]] == [("x:1", 0.93)]
    [related] = body["related"]
    assert [(r["kind"], r["agrees"]) for r in related["reasons"]] == [
        ("place", True), ("category", True), ("similarity", True), ("time_gap", True)
    ]  # fmt: skip
    assert related["reasons"][0]["names"] == ["นนทบุรี"]
    assert related["explanation_th"] == (
        "อยู่จังหวัดเดียวกัน (นนทบุรี) · หมวดเดียวกัน (น้ำประปา) · ข้อความคล้ายกัน 0.71 · โพสต์หลังยื่นเรื่อง 0.2 วัน"
    )
    assert client.get("/v1/complaints/nope/related-posts").status_code == 404


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/health",
        "/v1/posts/search",
        "/v1/topics",
        "/v1/topics/{topic_id}",
        "/v1/complaints/{complaint_id}/related-posts",
    ):
        assert path in paths


def test_stats_timeline_and_breakdowns_share_the_search_filters(client: TestClient) -> None:
    day = client.get("/v1/stats/timeline").json()
    assert day["interval"] == "day" and sum(p["count"] for p in day["points"]) == 2
    hourly = client.get("/v1/stats/timeline", params={"interval": "hour", "province": "สงขลา"})
    assert [p["count"] for p in hourly.json()["points"]] == [1]
    provinces = client.get("/v1/stats/province").json()
    assert provinces == {
        "dimension": "province",
        "buckets": [{"key": "นนทบุรี", "count": 1}, {"key": "สงขลา", "count": 1}],
    }
    water = client.get("/v1/stats/category", params={"q": "น้ำประปาเค็ม"}).json()
    assert water["buckets"] == [{"key": "water_supply", "count": 1}]
    assert client.get("/v1/stats/weather").status_code == 422


def test_cursor_pagination_is_bound_to_its_query(client: TestClient) -> None:
    first = client.get("/v1/posts/search", params={"sort": "oldest", "limit": 1}).json()
    assert [h["id"] for h in first["hits"]] == ["x:1"] and first["next_cursor"]
    second = client.get(
        "/v1/posts/search", params={"sort": "oldest", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [h["id"] for h in second["hits"]] == ["x:2"] and second["next_cursor"] is None
    other = client.get(
        "/v1/posts/search", params={"sort": "newest", "limit": 1, "cursor": first["next_cursor"]}
    )
    assert other.status_code == 400 and "another query" in other.json()["detail"]
    junk = client.get("/v1/posts/search", params={"cursor": "%%%"})
    assert junk.status_code == 400


@pytest.mark.parametrize("written", ["นนทบุรี", "จ.นนทบุรี", "Nonthaburi"])
def test_a_province_filter_takes_what_people_write(client: TestClient, written: str) -> None:
    found = client.get("/v1/posts/search", params={"province": written})
    assert found.status_code == 200 and [h["id"] for h in found.json()["hits"]] == ["x:1"]


def test_a_province_nickname_and_an_unknown_province(client: TestClient) -> None:
    korat = client.get("/v1/stats/province", params={"province": "โคราช"})
    assert korat.status_code == 200 and korat.json()["buckets"] == []  # นครราชสีมา: no posts
    for route in ("/v1/posts/search", "/v1/stats/timeline", "/v1/emergences", "/v1/complaints"):
        unknown = client.get(route, params={"province": "ไม่มีจังหวัดนี้"})
        assert unknown.status_code == 422, route
        assert unknown.json()["detail"].startswith("province: 'ไม่มีจังหวัดนี้' is not a Thai")
    bangkok = client.get("/v1/complaints", params={"province": "กทม."})
    assert bangkok.status_code == 200 and bangkok.json()["total"] == 0


def test_a_province_is_resolved_as_people_write_it(client: TestClient) -> None:
    for written, official in [("โคราช", "นครราชสีมา"), ("กทม.", "กรุงเทพมหานคร"),
                              ("Khon Kaen", "ขอนแก่น"), ("นนทบุรี", "นนทบุรี")]:  # fmt: skip
        found = client.get("/v1/places/province", params={"province": written})
        assert found.json() == {"written": written, "province": official}, written
    unknown = client.get("/v1/places/province", params={"province": "เมืองลับแล"})
    assert unknown.status_code == 422 and "เมืองลับแล" in unknown.json()["detail"]
    assert client.get("/v1/places/province").status_code == 422
