"""The topic list: every topic reachable by pages and words, following the post filters
(api/topics.py ``list_topics``), on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from domain.models import Category, Keyword, Topic
from storage.base import Store
from tests.api.conftest import Serve
from tests.conftest import T0, make_post

# 24 topics; topic i has i % 4 + 1 posts, spike score i (so the list is 23, 22, … 0).
# Topics 0–11 are water in นครราชสีมา, 12–23 power cuts in สงขลา; posts of odd topics
# are positive, the others negative; topic i's posts are i days after T0.
TOPICS = range(24)


def _fill(store: Store) -> None:
    posts, assigned = [], {}
    for i in TOPICS:
        water = i < 12
        for n in range(i % 4 + 1):
            pid = f"{i}-{n}"
            posts.append(
                make_post(
                    pid,
                    "น้ำประปาไม่ไหล" if water else "ไฟดับ",
                    province="นครราชสีมา" if water else "สงขลา",
                    category=Category.water_supply if water else Category.electricity,
                    sentiment="positive" if i % 2 else "negative",
                    created_at=T0 + timedelta(days=i, minutes=n),
                )
            )
            assigned[f"x:{pid}"] = i
    store.upsert_posts(posts)
    store.save_enrichment(posts, np.full((len(posts), 4), 0.5, dtype=np.float32))
    store.assign_topics(assigned)
    store.replace_topics(
        [
            Topic(
                topic_id=i,
                label=("น้ำประปา · ไม่ไหล" if i < 12 else "ไฟดับ · หาดใหญ่") + f" · {i}",
                phrase="น้ำไม่ไหลทั้งหมู่บ้าน" if i < 12 else "ไฟดับทั้งซอย",
                keywords=[Keyword(word="โคราช" if i < 12 else "หาดใหญ่", weight=0.5)],
                size=i % 4 + 1,
                first_seen=T0 + timedelta(days=i),
                last_seen=T0 + timedelta(days=i, minutes=i % 4),
                spike_score=float(i),
            )
            for i in TOPICS
        ]
    )


@pytest.fixture
def client(any_store: Store, serve: Serve) -> Iterator[TestClient]:
    _fill(any_store)
    with serve(any_store) as served:
        yield served


def _ids(client: TestClient, **params: object) -> list[int]:
    response = client.get("/v1/topics", params=params)
    assert response.status_code == 200, response.text
    return [t["topic_id"] for t in response.json()["topics"]]


def test_every_topic_is_reached_by_pages(client: TestClient) -> None:
    seen: list[int] = []
    for offset in range(0, 30, 10):
        body = client.get("/v1/topics", params={"limit": 10, "offset": offset}).json()
        assert (body["total"], body["limit"], body["offset"]) == (24, 10, offset)
        seen += [t["topic_id"] for t in body["topics"]]
    assert seen == list(reversed(TOPICS))  # strongest spike first, every topic once
    assert _ids(client, limit=5, offset=100) == []


def test_the_list_follows_the_post_filters(client: TestClient) -> None:
    body = client.get("/v1/topics", params={"province": "โคราช", "limit": 50}).json()
    assert body["total"] == 12 and [t["topic_id"] for t in body["topics"]] == list(
        range(11, -1, -1)
    )
    assert [t["matching_posts"] for t in body["topics"]][:4] == [4, 3, 2, 1]
    assert client.get("/v1/topics").json()["topics"][0]["matching_posts"] is None  # no filter
    happy_power = _ids(client, category="electricity", sentiment="positive")
    assert happy_power == [23, 21, 19, 17, 15, 13]
    window = {"start": (T0 + timedelta(days=3)).isoformat(),
              "end": (T0 + timedelta(days=6)).isoformat()}  # fmt: skip
    assert _ids(client, **window) == [5, 4, 3]
    assert _ids(client, platform="pantip") == []
    unknown = client.get("/v1/topics", params={"province": "ไม่มีจังหวัดนี้"})
    assert unknown.status_code == 422


def test_topics_are_found_by_words_and_sorted_as_asked(client: TestClient) -> None:
    assert _ids(client, q="หาดใหญ่", limit=3) == [23, 22, 21]  # in the label and keywords
    assert _ids(client, q="ทั้งหมู่บ้าน", limit=100) == list(range(11, -1, -1))  # the phrase
    assert _ids(client, q="ไฟดับ โคราช") == []  # every word must be there
    assert _ids(client, q="ไฟดับ 13") == [13]
    by_size = _ids(client, sort="size", limit=6)
    assert by_size == [3, 7, 11, 15, 19, 23]  # four posts each, then by id
    assert _ids(client, sort="newest", limit=2) == [23, 22]
    matching = client.get(
        "/v1/topics", params={"sort": "matching", "province": "สงขลา", "limit": 3}
    ).json()
    assert [(t["topic_id"], t["matching_posts"]) for t in matching["topics"]] == [
        (15, 4), (19, 4), (23, 4)
    ]  # fmt: skip
