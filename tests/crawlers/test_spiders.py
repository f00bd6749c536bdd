"""Spiders against local fixture sites: exact ids, nothing lost, nothing duplicated."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest

from crawlers.crawl import SourceCounts, crawl
from domain.settings import Settings, SourceSettings
from tests.crawlers.conftest import FAST, FixtureSite, Route

pytestmark = pytest.mark.integration


def _run(source: SourceSettings, settings: Settings) -> tuple[list[dict[str, Any]], SourceCounts]:
    items: list[dict[str, Any]] = []
    counts = crawl([source], settings, on_item=items.append, overrides=FAST)
    return items, counts[source.name]


def _assert_accounted(items: list[dict[str, Any]], counts: SourceCounts) -> None:
    """Every item produced is new, a duplicate or quarantined; no id is handed over twice."""
    ids = Counter(item["native_id"] for item in items)
    assert not [i for i, n in ids.items() if n > 1]
    assert counts.new == len(items)
    assert counts.fetched == counts.new + counts.duplicate + counts.quarantined
    assert len(counts.refused) == counts.quarantined


PANTIP_IDS = {
    "1001", "1001-1", "1001-2", "1001-3",
    "1002", "1002-1",
    "1003",
    "1004", "1004-1",
    "1005", "1005-1",
    "1006",
    "1007", "1007-1",
}  # fmt: skip


def test_pantip_topics_and_comments(pantip_site: FixtureSite, crawl_settings: Settings) -> None:
    source = SourceSettings(
        name="pantip-siang", kind="pantip", start_urls=[pantip_site.url("/forum/siang")],
        max_pages=3,
    )  # fmt: skip
    items, counts = _run(source, crawl_settings)

    assert {item["native_id"] for item in items} == PANTIP_IDS
    _assert_accounted(items, counts)
    assert (counts.duplicate, counts.quarantined, counts.failed) == (1, 2, 0)
    assert sorted(r.reason for r in counts.refused) == [
        "created_at is missing",
        "text is missing or empty",
    ]
    assert counts.robots_forbidden == 1
    # robots.txt and max_pages are obeyed; the twice-linked topic is fetched once.
    assert pantip_site.hits["/topic/99999"] == 0
    assert pantip_site.hits["/forum/siang?page=4"] == 0
    assert pantip_site.hits["/topic/1009"] == 0
    assert pantip_site.hits["/topic/1002"] == 1
    # 429, 500 and the timeout were each retried once and then succeeded.
    assert pantip_site.hits["/topic/1003"] == 2
    assert pantip_site.hits["/topic/1004"] == 2
    assert pantip_site.hits["/topic/1006"] == 2

    by_id = {item["native_id"]: item for item in items}
    topic = by_id["1001"]
    assert topic["platform"] == "pantip"
    assert topic["text"] == (
        "ถนนพระราม 2 พังอีกแล้ว\n\nหลุมใหญ่มากหน้าซอย 33\nรถจักรยานยนต์ล้มไปสองคันเมื่อเช้า"
    )
    assert topic["created_at"] == "2026-11-08T08:15:00+07:00"
    assert topic["author"] == "สมาชิกหมายเลข 111"
    assert topic["engagement"] == {"likes": 12, "views": 1204, "replies": 3}
    assert topic["url"] == pantip_site.url("/topic/1001")
    assert topic["source"] == "pantip-siang"
    assert by_id["1001-2"]["text"] == "แจ้ง 1555 แล้ว\nยังเงียบ"
    assert by_id["1001-2"]["engagement"] == {"likes": 2, "replies": 1}
    # Undeclared TIS-620 and malformed HTML decode and parse.
    assert by_id["1005"]["text"].startswith("รถเมล์สาย 8 ไม่จอดป้าย")
    assert by_id["1007"]["text"] == "ทางเท้าแตก เดินไม่ได้\n\nแผ่นปูนแตกเป็นหลุม\nผู้สูงอายุสะดุดล้ม"


def test_pantip_second_run_yields_nothing_new(
    pantip_site: FixtureSite, crawl_settings: Settings
) -> None:
    source = SourceSettings(
        name="pantip-siang", kind="pantip", start_urls=[pantip_site.url("/forum/siang")],
        max_pages=3,
    )  # fmt: skip
    first, _ = _run(source, crawl_settings)
    second, counts = _run(source, crawl_settings)

    assert len(first) == len(PANTIP_IDS)
    assert second == []
    assert counts.new == 0
    assert counts.duplicate == len(PANTIP_IDS) + 1
    assert counts.quarantined == 2
    _assert_accounted(second, counts)
    seen_file = crawl_settings.collect.checkpoint_dir / "spiders" / "pantip-siang.seen.jsonl"
    assert len(seen_file.read_text(encoding="utf-8").splitlines()) == len(PANTIP_IDS)


def _key(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:12]


def test_news_feed_articles_and_comments(news_site: FixtureSite, crawl_settings: Settings) -> None:
    source = SourceSettings(name="news-siam", kind="news", start_urls=[news_site.url("/feed.xml")])
    items, counts = _run(source, crawl_settings)

    a1, a2, a3 = (_key(news_site.url(f"/news/{n}.html")) for n in (2001, 2002, 2003))
    assert {item["native_id"] for item in items} == {
        a1, f"{a1}-c1", f"{a1}-c2", f"{a1}-c3", a2, f"{a2}-d1", f"{a2}-d2", a3, f"{a3}-e1",
    }  # fmt: skip
    _assert_accounted(items, counts)
    # The article linked again with a tracking query repeats itself, c1 and c2; c4 is empty.
    assert (counts.duplicate, counts.quarantined, counts.failed) == (3, 1, 0)
    assert counts.robots_forbidden == 1
    assert news_site.hits["/private/2004.html"] == 0
    assert news_site.hits["/news/2001.html?cpage=2"] == 2  # 500 once, then retried

    by_id = {item["native_id"]: item for item in items}
    article = by_id[a1]  # the article itself is a post too
    assert article["platform"] == "news" and article["author"] is None
    assert article["text"] == "กทม. เร่งซ่อมถนนหลังฝนตกหนัก\n\nสำนักการโยธาเร่งซ่อมผิวจราจร"
    assert article["created_at"] == "2026-11-08T07:00:00+07:00"
    assert article["url"].split("?")[0] == news_site.url("/news/2001.html")  # as linked
    assert article["raw"] == {
        "kind": "article",
        "outlet": news_site.base.split("//")[1],
        "title": "กทม. เร่งซ่อมถนนหลังฝนตกหนัก",
    }
    c1 = by_id[f"{a1}-c1"]
    assert c1["platform"] == "news_comment"
    assert c1["text"] == "ซ่อมแล้วก็พังอีก"
    assert c1["created_at"] == "2026-11-08T14:30:00+07:00"
    assert c1["engagement"] == {"likes": 12}
    assert c1["raw"]["headline"] == "กทม. เร่งซ่อมถนนหลังฝนตกหนัก"
    assert c1["raw"]["article_published"] == "2026-11-08T07:00:00+07:00"
    assert by_id[f"{a1}-c3"]["created_at"] == "2026-11-08T16:00:00+07:00"  # two-digit BE year
    # TIS-620 declared in a meta tag (windows-874) and in the header (tis-620).
    assert by_id[f"{a2}-d1"]["text"] == "น้ำท่วมทุกปี ท่อระบายน้ำตัน"
    assert by_id[f"{a2}-d1"]["raw"]["headline"] == "น้ำท่วมขังย่านบางนา"
    assert by_id[f"{a3}-e1"]["text"] == "ดับมาหกชั่วโมงแล้ว ของในตู้เย็นเสียหมด"
    assert by_id[f"{a3}-e1"]["raw"]["article_published"] == "2026-11-08T10:00:00+07:00"


def test_news_sitemap_then_feed_shares_seen_state(
    news_site: FixtureSite, crawl_settings: Settings
) -> None:
    sitemap = SourceSettings(
        name="news-siam", kind="news", start_urls=[news_site.url("/sitemap.xml")]
    )
    items, counts = _run(sitemap, crawl_settings)
    a2, a3 = (_key(news_site.url(f"/news/{n}.html")) for n in (2002, 2003))
    assert {item["native_id"] for item in items} == {a2, f"{a2}-d1", f"{a2}-d2", a3, f"{a3}-e1"}
    _assert_accounted(items, counts)

    feed = SourceSettings(name="news-siam", kind="news", start_urls=[news_site.url("/feed.xml")])
    items, counts = _run(feed, crawl_settings)
    assert len(items) == 4  # only article 2001 and its comments are new
    assert counts.duplicate == 5 + 3
    _assert_accounted(items, counts)


GENERIC_SELECTORS = {
    "item": "div.post",
    "text": ".body",
    "author": "xpath:.//span[@class='by']/text()",
    "created_at": "time::attr(datetime)",
    "url": "a.permalink::attr(href)",
    "next_page": "xpath://a[@class='next']/@href",
}


def test_generic_selectors(generic_site: FixtureSite, crawl_settings: Settings) -> None:
    source = SourceSettings(
        name="board", kind="generic", selectors=GENERIC_SELECTORS, max_pages=5,
        start_urls=[generic_site.url("/board?p=1"), generic_site.url("/broken")],
    )  # fmt: skip
    items, counts = _run(source, crawl_settings)

    assert sorted(item["url"] for item in items) == [
        generic_site.url(f"/p/g{n}") for n in (1, 2, 3, 4, 6, 7)
    ]
    assert {item["native_id"] for item in items} == {
        hashlib.sha1(generic_site.url(f"/p/g{n}").encode()).hexdigest()[:16]
        for n in (1, 2, 3, 4, 6, 7)
    }
    _assert_accounted(items, counts)
    assert (counts.duplicate, counts.quarantined) == (1, 1)
    assert counts.failed == 1  # /broken: 500 on every try, given up after the retries
    assert generic_site.hits["/broken"] == 3
    assert generic_site.hits["/board?p=2"] == 2  # 429 once, then retried
    assert generic_site.hits["/board/hidden"] == 0
    assert counts.robots_forbidden == 1

    by_url = {item["url"]: item for item in items}
    g2 = by_url[generic_site.url("/p/g2")]
    assert g2["text"] == "รถติดหน้าห้าง\nไม่มีตำรวจจราจร"
    assert g2["author"] == "คนขับรถ"
    assert g2["created_at"] == "2026-11-08T08:30:00+07:00"
    assert by_url[generic_site.url("/p/g3")]["created_at"] == "2026-11-08T09:00:00+07:00"
    assert by_url[generic_site.url("/p/g6")]["text"] == "ยุงเยอะมาก ไม่มีใครมาพ่นยา"

    again, counts = _run(source, crawl_settings)
    assert again == []
    assert counts.duplicate == 6 + 1
    _assert_accounted(again, counts)


FORUM_SELECTORS = {  # a forum on another host, comments in the page: configuration only
    "topic_link": "a.topic::attr(href)",
    "topic_id": r"/t/(\d+)\.html",
    "post": "article.op",
    "title": "h1",
    "story": ".content",
    "author": ".by::text",
    "time": "time::attr(datetime)",
    "comments": "page",
    "comment": "li.reply",
    "comment_id": "::attr(id)",
    "comment_author": ".by::text",
    "comment_time": "time::attr(datetime)",
    "comment_text": ".content",
    "comments_next": "a.more::attr(href)",
}


def test_a_forum_with_comments_in_the_page_works_by_configuration(
    crawl_settings: Settings,
) -> None:
    routes = {
        "/board": Route("room.html"),
        "/board/t/501.html": Route("topic_501.html"),
        "/board/t/501.html?page=2": Route("topic_501_p2.html"),
        "/board/t/502.html?ref=home": Route("topic_502.html"),
        "/private/t/503.html": Route("topic_503.html"),
    }
    with FixtureSite("forum", routes) as site:
        source = SourceSettings(
            name="forum-elsewhere",
            kind="pantip",
            start_urls=[site.url("/board")],
            selectors=FORUM_SELECTORS,
        )
        items, counts = _run(source, crawl_settings)
        hits = dict(site.hits)
    assert {item["native_id"] for item in items} == {
        "501", "501-r1", "501-r2", "501-r3", "502", "502-r1",
    }  # fmt: skip
    _assert_accounted(items, counts)
    by_id = {item["native_id"]: item for item in items}
    assert by_id["501"]["text"] == ("น้ำประปาไม่ไหลทั้งซอย\n\nตั้งแต่เมื่อคืนน้ำไม่ไหลเลย ใครแจ้งการประปาแล้วบ้าง")
    assert by_id["501"]["created_at"] == "2026-11-08T06:30:00+07:00"
    assert by_id["501-r3"]["text"] == "ร้านต้องปิดครึ่งวันเพราะไม่มีน้ำ"  # the second page
    assert by_id["502-r1"]["author"] == "วินมอไซค์"
    # The link as found was requested (no /topic/<id> rewriting), once per topic; robots.txt
    # judged the very URL: the private topic was never fetched.
    assert hits.get("/board/t/502.html?ref=home") == 1 and hits.get("/board/t/501.html") == 1
    assert "/board/t/501.html?utm_source=feed" not in hits
    assert "/private/t/503.html" not in hits and counts.robots_forbidden == 1
