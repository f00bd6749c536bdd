"""Sources: accounts and named venues, reach, link rate, and who spoke first."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from campaigns.service import source_store
from campaigns.sources import linked_later, openers, profiles, venue_of
from domain.models import (
    Category,
    Complaint,
    Engagement,
    LinkDecision,
    Post,
    PostComplaintLink,
)
from domain.settings import Settings, SourceSettings
from storage.base import SourceQuery, Store
from tests.conftest import T0, make_post
from tests.storage.test_store_contract import store  # noqa: F401  (the two-backend fixture)


def _post(n: int, *, author: str | None, source: str, hours: float, likes: int = 0,
          followers: int | None = None, grievance: bool = True) -> Post:  # fmt: skip
    post = make_post(
        f"{n}", "ไฟดับทั้งซอย", created_at=T0 + timedelta(hours=hours),
        category=Category.electricity if grievance else Category.none,
    )  # fmt: skip
    return post.model_copy(
        update={"author": author, "source": source, "followers": followers,
                "engagement": Engagement(likes=likes, shares=likes // 10, replies=1)}
    )  # fmt: skip


def test_venues_are_named_queries_are_not_and_collectors_say_their_kind() -> None:
    def venue(source: str) -> tuple[str, str, str] | None:
        ref = venue_of(_post(1, author="a", source=source, hours=0), {"fb-pages": "page"})
        return (ref.source_id, ref.kind, ref.name) if ref else None

    assert venue("page:1111official") == ("page:1111official", "page", "1111official")
    assert venue("news:thairath") == ("news:thairath", "outlet", "thairath")
    assert venue("pantip:ห้องสินธร") == ("pantip:ห้องสินธร", "forum_room", "ห้องสินธร")
    assert venue("video:ข่าวเช้า") == ("video:ข่าวเช้า", "channel", "ข่าวเช้า")
    assert venue("fb-pages") == ("collector:fb-pages", "page", "fb-pages")
    assert venue("keyword:ไฟดับ") is None and venue("x-grievances") is None


def test_profiles_add_reach_and_the_share_of_grievances_linked_to_later_complaints() -> None:
    posts = [
        _post(1, author="acct-a", source="page:pea", hours=0, likes=100, followers=5000),
        _post(2, author="acct-b", source="page:pea", hours=1, likes=10, followers=4800),
        _post(3, author="acct-a", source="keyword:ไฟดับ", hours=2, grievance=False),
    ]
    a, b, page = (p for p in sorted(profiles(posts, {"x:1"}, {}), key=lambda s: s.source_id)
                  if p.source_id in {"page:pea", "account:acct-a", "account:acct-b"})  # fmt: skip
    assert a.source_id == "account:acct-a" and a.kind == "account" and a.name == "acct-a"
    assert (a.posts, a.grievances, a.linked_grievances, a.link_rate) == (2, 1, 1, 1.0)
    assert (a.followers, a.engagement, a.reach) == (5000, 112, 5112)
    assert page.kind == "page" and page.name == "pea" and page.posts == 2
    assert (page.followers, page.engagement, page.reach, page.link_rate) == (5000, 123, 5123, 0.5)
    assert b.link_rate == 0.0 and b.first_post_at == T0 + timedelta(hours=1)


def test_only_complaints_filed_at_or_after_the_post_and_not_rejected_count() -> None:
    posts = [_post(i, author="a", source="", hours=i) for i in range(3)]
    complaints = {
        "before": Complaint(complaint_id="before", filed_at=T0 - timedelta(days=1),
                            channel="1111", category=Category.electricity, subject="ไฟดับ"),
        "after": Complaint(complaint_id="after", filed_at=T0 + timedelta(days=1),
                           channel="1111", category=Category.electricity, subject="ไฟดับ"),
    }  # fmt: skip
    rejected = LinkDecision(post_id="x:2", complaint_id="after", verdict="rejected", by="o", at=T0)
    links = [
        PostComplaintLink(post_id="x:0", complaint_id="after", score=0.9, explanation=""),
        PostComplaintLink(post_id="x:1", complaint_id="before", score=0.9, explanation=""),
        PostComplaintLink(post_id="x:2", complaint_id="after", score=0.9, explanation="",
                          decision=rejected),
    ]  # fmt: skip
    assert linked_later(posts, links, complaints) == {"x:0"}


def test_openers_are_the_first_posts_and_the_most_engaged() -> None:
    posts = [_post(i, author=f"a{i}", source="", hours=10 - i, likes=i * 7 % 5) for i in range(8)]
    found = openers(posts, limit=3)
    assert [p.id for p in found.first] == ["x:7", "x:6", "x:5"]
    assert [p.id for p in found.most_engaged] == ["x:7", "x:2", "x:4"]  # tie: the earlier first


def test_the_sources_stage_stores_profiles_on_every_backend(
    store: Store,  # noqa: F811  (the fixture)
    settings: Settings,
) -> None:
    posts = [
        _post(1, author="acct-a", source="fb-pages", hours=0, likes=50, followers=900),
        _post(2, author="acct-b", source="news:thairath", hours=1, likes=5),
        _post(3, author="acct-b", source="news:thairath", hours=2, grievance=False),
    ]
    store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
    store.save_enrichment(posts, np.ones((3, 4), dtype=np.float32))
    complaint = Complaint(complaint_id="1111-9", filed_at=T0 + timedelta(days=1), channel="1111",
                          category=Category.electricity, subject="ไฟดับ")  # fmt: skip
    store.upsert_complaints([complaint])
    store.upsert_links([PostComplaintLink(post_id="x:2", complaint_id="1111-9", score=0.8,
                                          explanation="same")])  # fmt: skip
    settings = settings.model_copy(
        update={"sources": [SourceSettings(name="fb-pages", kind="facebook")]}
    )
    found = source_store(store, settings)
    assert len(found) == 4
    total, page = store.list_source_profiles()
    assert total == 4 and [s.source_id for s in page][:2] == [
        "account:acct-a",
        "collector:fb-pages",
    ]
    outlet = store.get_source_profile("news:thairath")
    assert outlet is not None and (outlet.kind, outlet.posts, outlet.link_rate) == (
        "outlet",
        2,
        1.0,
    )
    assert store.list_source_profiles(SourceQuery(kind="page"))[0] == 1
    by_rate = store.list_source_profiles(SourceQuery(sort="link_rate"))[1]
    assert [s.link_rate for s in by_rate] == [1.0, 1.0, 0.0, 0.0]
    source_store(store, settings)  # a rerun changes nothing
    assert store.list_source_profiles() == (total, page)
