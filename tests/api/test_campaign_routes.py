"""/v1/campaigns, /v1/sources and who spoke first, on both backends."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from campaigns.service import campaign_store, cluster_store, source_store
from domain.models import Engagement, Keyword, Topic
from domain.settings import Settings
from storage.base import Store
from tests.api.conftest import Serve
from tests.conftest import T0, make_emergence, make_post

_TEXT = "ขอให้ทุกคนช่วยกันคัดค้านการย้ายตลาดโต้รุ่ง พ่อค้าแม่ค้าเดือดร้อนหนักมาก ไม่มีใครถามเราเลย"


def _fill(store: Store, settings: Settings) -> None:
    posts = [
        make_post(f"c{i}", f"{_TEXT} #ตลาด{i}", created_at=T0 + timedelta(minutes=7 * i))
        .model_copy(update={"author": f"vendor{i}", "source": "page:ตลาดโต้รุ่ง",
                            "engagement": Engagement(likes=i * 3 % 7), "followers": 100 + i})
        for i in range(9)
    ]  # fmt: skip
    store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
    store.save_enrichment(posts, np.ones((len(posts), 4), dtype=np.float32))
    store.assign_topics({p.id: 4 for p in posts})
    store.replace_topics([Topic(topic_id=4, label="ตลาด", keywords=[Keyword(word="ตลาด", weight=1)],
                                size=9, first_seen=T0, last_seen=T0)])  # fmt: skip
    episode = make_emergence(1, detected_at=T0 + timedelta(hours=2))
    store.upsert_emergences(
        [episode.model_copy(update={"post_ids": [p.id for p in posts[3:]]})],
        judged_until=T0 + timedelta(hours=2),
    )
    cluster_store(store)
    campaign_store(store, settings.campaigns, now=T0 + timedelta(hours=3))
    source_store(store, settings)


def test_campaigns_with_their_evidence_and_badges(any_store: Store, settings: Settings,
                                                  serve: Serve) -> None:  # fmt: skip
    _fill(any_store, settings)
    with serve(any_store) as client:
        listed = client.get("/v1/campaigns").json()
        assert listed["total"] == 1
        (campaign,) = listed["campaigns"]
        assert campaign["campaign_id"] == "copy:x:c0" and campaign["kind"] == "copied_text"
        assert campaign["accounts"] == [f"vendor{i}" for i in range(9)]
        assert campaign["reason"] == "9 บัญชีโพสต์ข้อความเดียวกันภายใน 56 นาที"
        assert client.get("/v1/campaigns", params={"kind": "few_accounts"}).json()["total"] == 0
        assert client.get("/v1/campaigns", params={"topic_id": 4}).json()["total"] == 1
        assert client.get("/v1/campaigns", params={"post_id": "x:c5"}).json()["total"] == 1

        detail = client.get("/v1/campaigns/copy:x:c0").json()
        assert [p["id"] for p in detail["posts"]] == [f"x:c{i}" for i in range(9)]
        assert client.get("/v1/campaigns/copy:nothing").status_code == 404

        post = client.get("/v1/posts/x:c3").json()
        assert post["cluster_id"] == "x:c0" and post["campaign_ids"] == ["copy:x:c0"]
        assert post["followers"] == 103
        topic = client.get("/v1/topics/4").json()
        assert topic["topic"]["campaign_ids"] == ["copy:x:c0"]
        (listed_topic,) = client.get("/v1/topics").json()["topics"]
        assert listed_topic["campaign_ids"] == ["copy:x:c0"]


def test_sources_and_who_spoke_first(any_store: Store, settings: Settings, serve: Serve) -> None:
    _fill(any_store, settings)
    with serve(any_store) as client:
        page = client.get("/v1/sources", params={"kind": "page"}).json()
        assert page["total"] == 1
        (venue,) = page["sources"]
        assert venue["source_id"] == "page:ตลาดโต้รุ่ง" and venue["name"] == "ตลาดโต้รุ่ง"
        assert venue["posts"] == 9 and venue["followers"] == 108
        assert venue["campaign_ids"] == ["copy:x:c0"]
        accounts = client.get("/v1/sources", params={"kind": "account", "limit": 3}).json()
        assert accounts["total"] == 9 and len(accounts["sources"]) == 3
        assert all(s["name"].startswith("vendor") for s in accounts["sources"])
        one = client.get("/v1/sources/account:vendor2").json()
        assert one["kind"] == "account" and one["followers"] == 102
        assert client.get("/v1/sources/account:nobody").status_code == 404

        opened = client.get("/v1/topics/4/sources").json()
        assert opened["posts"] == 9
        assert [s["post"]["id"] for s in opened["first"]] == [
            "x:c0",
            "x:c1",
            "x:c2",
            "x:c3",
            "x:c4",
        ]
        assert opened["first"][0]["source_id"] == "account:vendor0"
        # likes i*3 % 7: vendor2 and vendor4 (6, 5 likes) lead.
        assert [s["post"]["id"] for s in opened["most_engaged"]][:2] == ["x:c2", "x:c4"]
        assert client.get("/v1/topics/99/sources").status_code == 404

        episode = client.get("/v1/emergences/ep1/sources").json()
        assert episode["posts"] == 6 and episode["first"][0]["post"]["id"] == "x:c3"
        assert client.get("/v1/emergences/nothing/sources").status_code == 404
