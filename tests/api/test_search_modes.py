"""Lexical, semantic and hybrid post search, posts like this one, and deep paging, through
the API on both stores (api/posts.py, storage/hybrid.py)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.access import issue_key
from api.app import create_app
from domain.models import Category
from domain.settings import Settings
from storage.base import Store
from tests.api.conftest import Serve
from tests.conftest import T0, FixedEmbedder, make_post

# The query texts' vectors (the API embeds the normalised text with the app's embedder).
QUERIES = {
    "น้ำไม่ไหล": [1.0, 0.0, 0.0, 0.0],
    "ไฟฟ้าดับ": [0.0, 0.0, 1.0, 0.0],
}
POSTS = [  # id, text, province, category, vector
    ("1", "น้ำประปา ไม่ไหล บางบัวทอง", "นนทบุรี", Category.water_supply, [0.9, 0.1, 0.0, 0.0]),
    ("2", "น้ำประปา เค็ม ปากเกร็ด", "นนทบุรี", Category.water_supply, [0.6, 0.8, 0.0, 0.0]),
    ("3", "ไฟดับ หาดใหญ่", "สงขลา", Category.electricity, [0.0, 0.1, 0.99, 0.0]),
    ("4", "ไฟดับ ทั้ง ซอย", "สงขลา", Category.electricity, [0.1, 0.0, 0.9, 0.4]),
    ("5", "ถนน พัง หน้า บ้าน", "สงขลา", Category.road_traffic, [0.0, 0.0, 0.0, 1.0]),
]


def _fill(store: Store) -> None:
    posts = [
        make_post(pid, text, tokens=text.split(), province=province, category=category,
                  created_at=T0 + timedelta(hours=int(pid)))
        for pid, text, province, category, _ in POSTS
    ]  # fmt: skip
    vectors = np.array([v for *_, v in POSTS], dtype=np.float32)
    store.upsert_posts(posts)
    store.save_enrichment(posts, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


@pytest.fixture
def client(any_store: Store, serve: Serve) -> Iterator[TestClient]:
    _fill(any_store)
    with serve(any_store, embedder=FixedEmbedder(dimension=4, table=QUERIES)) as served:
        yield served


def _resume(cursor: str) -> dict[str, object]:
    payload = cursor.partition(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["r"])


def _ids(response: object) -> list[str]:
    body = response.json()  # type: ignore[attr-defined]
    return [hit["id"] for hit in body["hits"]]


def test_semantic_search_ranks_by_meaning_with_filters(client: TestClient) -> None:
    found = client.get("/v1/posts/search", params={"q": "น้ำไม่ไหล", "mode": "semantic"})
    assert found.status_code == 200
    assert _ids(found)[:2] == ["x:1", "x:2"] and found.json()["total"] == 5
    scores = [hit["score"] for hit in found.json()["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.95
    south = client.get(
        "/v1/posts/search", params={"q": "ไฟฟ้าดับ", "mode": "semantic", "province": "สงขลา"}
    )
    assert _ids(south) == ["x:3", "x:4", "x:5"] and south.json()["total"] == 3


def test_hybrid_search_fuses_words_and_meaning(client: TestClient) -> None:
    # "ไฟฟ้าดับ" shares no word with the posts ("ไฟดับ"): lexical finds nothing,
    # hybrid still ranks the power-cut posts first by meaning.
    lexical = client.get("/v1/posts/search", params={"q": "ไฟฟ้าดับ"})
    assert lexical.json()["total"] == 0
    hybrid = client.get("/v1/posts/search", params={"q": "ไฟฟ้าดับ", "mode": "hybrid"})
    assert _ids(hybrid)[:2] == ["x:3", "x:4"]
    both = client.get("/v1/posts/search", params={"q": "น้ำไม่ไหล", "mode": "hybrid", "limit": 2})
    assert _ids(both) == ["x:1", "x:2"]


def test_semantic_pages_follow_the_cursor(client: TestClient) -> None:
    seen: list[str] = []
    params: dict[str, object] = {"q": "น้ำไม่ไหล", "mode": "semantic", "limit": 2}
    for _ in range(5):
        page = client.get("/v1/posts/search", params=params).json()
        seen += [hit["id"] for hit in page["hits"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    whole = _ids(client.get("/v1/posts/search", params={"q": "น้ำไม่ไหล", "mode": "semantic"}))
    assert seen == whole and len(seen) == 5
    other_mode = client.get(
        "/v1/posts/search", params={"q": "น้ำไม่ไหล", "mode": "hybrid", "cursor": params["cursor"]}
    )
    assert other_mode.status_code == 400  # a cursor is bound to its mode


def test_semantic_and_hybrid_need_text(client: TestClient) -> None:
    for mode in ("semantic", "hybrid"):
        response = client.get("/v1/posts/search", params={"mode": mode})
        assert response.status_code == 422 and "q:" in response.json()["detail"]


def test_posts_like_this_one(client: TestClient) -> None:
    like = client.get("/v1/posts/x:3/similar")
    assert like.status_code == 200
    assert _ids(like)[0] == "x:4" and "x:3" not in _ids(like) and like.json()["total"] == 4
    filtered = client.get("/v1/posts/x:3/similar", params={"category": "road_traffic"})
    assert _ids(filtered) == ["x:5"]
    assert client.get("/v1/posts/x:999/similar").status_code == 404


@pytest.mark.integration
def test_cursor_pages_past_the_result_window_on_elasticsearch(
    settings: Settings, es_store: Store
) -> None:
    posts = [make_post(str(n), f"น้ำท่วม ซอย {n}", tokens=["น้ำท่วม", "ซอย", str(n)],
                       created_at=T0 + timedelta(minutes=n)) for n in range(60)]  # fmt: skip
    es_store.upsert_posts(posts)
    es_store.save_enrichment(posts, np.tile(np.eye(1, 4, dtype=np.float32), (60, 1)))
    client = es_store.client  # type: ignore[attr-defined]
    index = f"{es_store.prefix}-posts-*"  # type: ignore[attr-defined]
    client.indices.refresh(index=index)
    # A window of 25 stands in for the default 10,000: paging past it must still work.
    client.indices.put_settings(index=index, settings={"index.max_result_window": 25})
    key = issue_key(es_store, role="analyst", name="deep")
    app = create_app(settings, es_store, embedder=FixedEmbedder(dimension=4))
    seen: list[str] = []
    resumes: list[dict[str, object]] = []
    with TestClient(app, headers={"X-API-Key": key}) as api:
        params: dict[str, object] = {"q": "น้ำท่วม", "sort": "newest", "limit": 7}
        while True:
            page = api.get("/v1/posts/search", params=params)
            assert page.status_code == 200, page.text
            seen += _ids(page)
            if not page.json()["next_cursor"]:
                break
            params["cursor"] = page.json()["next_cursor"]
            resumes.append(_resume(page.json()["next_cursor"]))
        too_deep = api.get("/v1/posts/search", params={"q": "น้ำท่วม", "offset": 9_999})
        client.indices.put_settings(index=index, settings={"index.max_result_window": None})
        exported = api.get("/v1/posts/export", params={"q": "น้ำท่วม", "format": "jsonl"})
    assert seen == [f"x:{n}" for n in reversed(range(60))]
    assert "pit" not in resumes[0] and all("pit" in r for r in resumes[1:])  # from page 2 on
    assert len(exported.text.splitlines()) == 60  # exports walk with search_after too
    assert too_deep.status_code == 400 and "next_cursor" in too_deep.json()["detail"]


def test_hits_say_which_words_matched_for_highlighting(client: TestClient) -> None:
    lexical = client.get("/v1/posts/search", params={"q": "เค็ม น้ำประปา"})
    assert [(h["id"], h["matched"]) for h in lexical.json()["hits"]] == [
        ("x:2", ["น้ำประปา", "เค็ม"])  # in the order the text has them
    ]
    hybrid = client.get("/v1/posts/search", params={"q": "น้ำประปา", "mode": "hybrid"}).json()
    matched = {h["id"]: h["matched"] for h in hybrid["hits"]}
    assert matched["x:1"] == matched["x:2"] == ["น้ำประปา"] and matched["x:3"] == []
    semantic = client.get("/v1/posts/search", params={"q": "น้ำประปา", "mode": "semantic"})
    assert {tuple(h["matched"]) for h in semantic.json()["hits"]} == {()}  # no words: meaning
    filtered = client.get("/v1/posts/search", params={"province": "สงขลา"}).json()
    assert [h["matched"] for h in filtered["hits"]] == [[], [], []]


def test_export_takes_the_search_mode(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    analyst = {"X-API-Key": issue_key(store, role="analyst", name="export-1")}
    semantic = client.get(
        "/v1/posts/export",
        params={"q": "ไฟฟ้าดับ", "mode": "semantic", "format": "jsonl", "province": "สงขลา"},
        headers=analyst,
    )
    assert semantic.status_code == 200
    rows = [json.loads(line)["id"] for line in semantic.text.splitlines()]
    shown = _ids(client.get(
        "/v1/posts/search", params={"q": "ไฟฟ้าดับ", "mode": "semantic", "province": "สงขลา"}
    ))  # fmt: skip
    assert rows == shown == ["x:3", "x:4", "x:5"]  # the search's hits, in its order
    lexical = client.get("/v1/posts/export", params={"q": "ไฟฟ้าดับ"}, headers=analyst)
    assert lexical.status_code == 200 and lexical.text.lstrip("\ufeff").count("\n") == 1  # header
    needs_text = client.get("/v1/posts/export", params={"mode": "hybrid"}, headers=analyst)
    assert needs_text.status_code == 422
