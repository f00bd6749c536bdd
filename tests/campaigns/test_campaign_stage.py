"""The campaigns stage on every backend: cluster ids and campaign marks on posts, campaigns
stored and filtered, topics badged, and a rerun that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from campaigns.service import campaign_store, cluster_store
from domain.models import Keyword, Post, Topic
from domain.settings import CampaignSettings
from storage.base import CampaignQuery, Store
from tests.conftest import T0, make_post
from tests.storage.test_store_contract import store  # noqa: F401  (the two-backend fixture)

_TEXT = "ขอให้ทุกคนช่วยกันคัดค้านการย้ายตลาดโต้รุ่ง พ่อค้าแม่ค้าเดือดร้อนหนักมาก ไม่มีใครถามเราเลย"
_OTHER = "ไฟดับทั้งซอยตั้งแต่สองทุ่ม แจ้งการไฟฟ้าแล้วยังไม่มีใครมาดูเลย ตู้เย็นละลายหมดแล้ว"
SETTINGS = CampaignSettings()


def _seed(store: Store) -> list[Post]:  # noqa: F811  (the fixture's name)
    copies = [
        make_post(f"c{i}", f"{_TEXT} #ตลาด{i}", created_at=T0 + timedelta(minutes=7 * i))
        .model_copy(update={"author": f"vendor{i}"})
        for i in range(9)
    ]  # fmt: skip
    other = make_post("o1", _OTHER, created_at=T0 + timedelta(hours=5)).model_copy(
        update={"author": "resident"}
    )
    posts = [*copies, other]
    store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
    store.save_enrichment(posts, np.ones((len(posts), 4), dtype=np.float32))
    store.assign_topics({p.id: 7 for p in copies})
    topic = Topic(topic_id=7, label="ตลาด", keywords=[Keyword(word="ตลาด", weight=1.0)],
                  size=9, first_seen=T0, last_seen=T0)  # fmt: skip
    store.replace_topics([topic])
    return posts


def test_posts_get_their_cluster_and_campaign_and_a_rerun_changes_nothing(store: Store) -> None:  # noqa: F811
    posts = _seed(store)
    report = cluster_store(store)
    assert (report.posts, report.changed, report.copied) == (10, 10, 9)
    stored = {p.id: p for p in store.get_posts([p.id for p in posts])}
    assert {stored[p.id].cluster_id for p in posts[:9]} == {"x:c0"}
    assert stored["x:o1"].cluster_id == "x:o1"

    found = campaign_store(store, SETTINGS, now=T0 + timedelta(days=1))
    (campaign,) = found.campaigns
    assert campaign.campaign_id == "copy:x:c0"
    assert campaign.accounts == [f"vendor{i}" for i in range(9)]
    assert campaign.topic_ids == [7]
    assert found.posts_marked == 9
    stored = {p.id: p for p in store.get_posts([p.id for p in posts])}
    assert all(stored[p.id].campaign_ids == ["copy:x:c0"] for p in posts[:9])
    assert stored["x:o1"].campaign_ids == []
    topic = store.get_topic(7)
    assert topic is not None and topic.campaign_ids == ["copy:x:c0"]

    assert cluster_store(store).changed == 0
    again = campaign_store(store, SETTINGS, now=T0 + timedelta(days=2))
    assert again.posts_marked == 0
    assert again.campaigns[0].detected_at == T0 + timedelta(days=1)  # first detection kept


def test_campaigns_are_filtered_by_kind_post_topic_and_start(store: Store) -> None:  # noqa: F811
    _seed(store)
    cluster_store(store)
    campaign_store(store, SETTINGS, now=T0 + timedelta(days=1))
    assert store.list_campaigns()[0] == 1
    assert store.list_campaigns(CampaignQuery(kind="copied_text"))[0] == 1
    assert store.list_campaigns(CampaignQuery(kind="few_accounts"))[0] == 0
    assert store.list_campaigns(CampaignQuery(post_id="x:c3"))[0] == 1
    assert store.list_campaigns(CampaignQuery(post_id="x:o1"))[0] == 0
    assert store.list_campaigns(CampaignQuery(topic_id=7))[0] == 1
    assert store.list_campaigns(CampaignQuery(topic_id=8))[0] == 0
    assert store.list_campaigns(CampaignQuery(start=T0 + timedelta(hours=1)))[0] == 0
    assert [c.campaign_id for c in store.get_campaigns(["nope", "copy:x:c0"])] == ["copy:x:c0"]


def test_a_campaign_no_longer_seen_is_dropped_with_its_marks(store: Store) -> None:  # noqa: F811
    posts = _seed(store)
    cluster_store(store)
    campaign_store(store, SETTINGS, now=T0)
    stricter = SETTINGS.model_copy(update={"copy_min_accounts": 20})
    report = campaign_store(store, stricter, now=T0)
    assert report.campaigns == [] and report.posts_marked == 9
    assert store.list_campaigns()[0] == 0
    assert all(p.campaign_ids == [] for p in store.get_posts([p.id for p in posts]))
    topic = store.get_topic(7)
    assert topic is not None and topic.campaign_ids == []


def test_a_changed_post_loses_its_marks_and_an_unchanged_one_keeps_them(store: Store) -> None:  # noqa: F811
    posts = _seed(store)
    cluster_store(store)
    campaign_store(store, SETTINGS, now=T0)
    unchanged, edited = posts[1], posts[2]
    store.upsert_posts([unchanged, edited.model_copy(update={"text": "แก้ไขข้อความแล้ว"})])
    kept, lost = store.get_posts([unchanged.id, edited.id])
    assert (kept.cluster_id, kept.campaign_ids) == ("x:c0", ["copy:x:c0"])
    assert (lost.cluster_id, lost.campaign_ids) == (None, [])
