"""Campaigns and sources in headless Chromium over the real app: the coordinated campaigns
(newest first, kind filter, why each was flagged, its time span in Bangkok, its accounts,
posts and shared text) and a campaign's page with its evidence; the sources table (pages and
outlets by name, accounts by pseudonym, link rates as percentages, sorted and paged as
asked); "campaign" badges on posts and topics that lead to the campaign; a topic's voices
beside its posts and who spoke first on it; who spoke first in an emerging grievance; and
what every view owes every user (accessibility, keyboard, a phone, Bangkok times).

The campaigns and source profiles come from the real stages (``cluster_store``,
``campaign_store``, ``source_store``) run over ``tests.dashboard.campaign_posts``; every
expectation is read from the API or from that data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

from domain.settings import Settings
from storage.base import Store
from tests.conftest import T0
from tests.dashboard import campaign_posts as data
from tests.dashboard.conftest import PHONE, BrowserSession, LiveApp, assert_clean, open_tab
from tests.dashboard.test_product import View, _show

pytestmark = pytest.mark.integration

TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
             "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]  # fmt: skip
KIND_TH = {"account": "บัญชี", "page": "เพจ", "channel": "ช่อง", "outlet": "สำนักข่าว",
           "forum_room": "ห้องกระทู้"}  # fmt: skip
MARKET_HREF = f"#/campaign/{quote(data.MARKET_CAMPAIGN, safe='')}"


@pytest.fixture(scope="module")
def fill_store() -> Callable[[Store, Settings], None]:
    """The Thai dataset with the market's campaign, the power bills' and their sources."""
    return data.fill


def _api(app: LiveApp, path: str, *, role: str = "viewer", **params: Any) -> Any:
    response = httpx.get(
        f"{app.url}/v1{path}", params=params, headers={"X-API-Key": app.keys[role]}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def _texts(session: BrowserSession, selector: str) -> list[str]:
    return [t.strip() for t in session.page.locator(selector).all_inner_texts()]


def _ready(session: BrowserSession, panel: str) -> None:
    """Until ``panel`` says neither "loading" nor anything else (its data is drawn)."""
    session.page.wait_for_selector(f"{panel} > [data-status]", state="hidden")
    session.settle()


def _th_time(at: str | datetime) -> str:
    """A Bangkok time as the page writes it in Thai: "5 พ.ย. 2569 13:00"."""
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    local = when.astimezone(T0.tzinfo)
    return f"{local.day} {TH_MONTHS[local.month - 1]} {local.year + 543} {local:%H:%M}"


def _th_span(campaign: dict[str, Any]) -> str:
    """A campaign's span as the page writes it: "5 พ.ย. 2569 13:00–13:56 (56 นาที)"."""
    start = datetime.fromisoformat(campaign["start"]).astimezone(T0.tzinfo)
    end = datetime.fromisoformat(campaign["end"]).astimezone(T0.tzinfo)
    assert start.date() == end.date() and campaign["span_hours"] < 1  # as the data has it
    return f"{_th_time(start)}–{end:%H:%M} ({round(campaign['span_hours'] * 60)} นาที)"


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}%"


def _row_ids(session: BrowserSession, selector: str, key: str) -> list[str]:
    return session.page.locator(selector).evaluate_all(f"els => els.map(e => e.dataset.{key})")


def test_the_campaigns_list_says_why_when_and_who_newest_first(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open()
    session.sign_in("viewer")  # campaigns are for every role
    page.click("nav a[data-view=campaigns]")
    assert page.evaluate("location.hash") == "#/campaigns"
    expect(page.locator("nav a[data-view=campaigns]")).to_have_attribute("aria-current", "page")
    _ready(session, "#campaigns-panel")

    listed = _api(session.app, "/campaigns")["campaigns"]
    assert [c["campaign_id"] for c in listed] == [data.MARKET_CAMPAIGN, data.BILL_CAMPAIGN]
    rows = "#campaigns-list .campaign-row"
    assert _row_ids(session, rows, "campaignId") == [data.MARKET_CAMPAIGN, data.BILL_CAMPAIGN]
    market = page.locator(f"{rows}[data-campaign-id='{data.MARKET_CAMPAIGN}']")
    campaign = listed[0]
    assert campaign["reason"] == "9 บัญชีโพสต์ข้อความเดียวกันภายใน 56 นาที"
    expect(market.locator(".campaign-reason")).to_have_text(campaign["reason"])
    expect(market.locator(".campaign-reason")).to_have_attribute("href", MARKET_HREF)
    expect(market.locator(".badge.campaignkind-copied_text")).to_have_text("ข้อความเดียวกันหลายบัญชี")
    expect(market.locator(".campaign-accounts")).to_have_text(f"{len(data.MARKET_ACCOUNTS)} บัญชี")
    expect(market.locator(".campaign-posts")).to_have_text(f"{len(data.MARKET_COPIES)} โพสต์")
    expect(market.locator(".campaign-span")).to_have_text(_th_span(campaign))
    assert _th_span(campaign) == "5 พ.ย. 2569 13:00–13:56 (56 นาที)"
    expect(market.locator(".campaign-text .post-text")).to_have_text(campaign["text"])
    assert data.MARKET_TEXT in campaign["text"]
    bill = page.locator(f"{rows}[data-campaign-id='{data.BILL_CAMPAIGN}']")
    expect(bill.locator(".campaign-reason")).to_have_text(listed[1]["reason"])
    expect(bill.locator(".campaign-accounts")).to_have_text(f"{len(data.BILL_ACCOUNTS)} บัญชี")
    expect(page.locator("#campaigns-pager .pager-range")).to_have_text("1–2 จาก 2")

    # The kind filter goes into the URL; no few-accounts campaign was found.
    with page.expect_response(lambda r: "/v1/campaigns?" in r.url and "few_accounts" in r.url):
        page.select_option("#campaign-kind", "few_accounts")
    assert page.evaluate("location.hash") == "#/campaigns?kind=few_accounts"
    expect(page.locator("#campaigns-panel > [data-status]")).to_have_text("ไม่พบแคมเปญ")
    assert page.locator(rows).count() == 0
    page.go_back()
    expect(page.locator(rows)).to_have_count(2)
    assert page.input_value("#campaign-kind") == ""

    # A topic's campaigns: the list under the topic, with a way back to all of them.
    session.open(f"#/campaigns?topic_id={data.MARKET}")
    expect(page.locator(rows)).to_have_count(1)
    assert _row_ids(session, rows, "campaignId") == [data.MARKET_CAMPAIGN]
    expect(page.locator("#campaign-topic-filter a").first).to_have_attribute(
        "href", f"#/topic/{data.MARKET}"
    )
    page.click("#campaign-topic-filter a:has-text('ดูทั้งหมด')")
    expect(page.locator(rows)).to_have_count(2)

    # In English the reason is worded from the campaign's numbers, the span in Western years.
    page.click("#lang-toggle")
    expect(market.locator(".campaign-reason")).to_have_text(
        "9 accounts posted the same text within 56 min"
    )
    expect(market.locator(".campaign-span")).to_have_text("5 Nov 2026, 13:00–13:56 (56 min)")
    expect(market.locator(".campaign-accounts")).to_have_text("9 accounts")
    session.screenshot("dashboard-campaigns")
    assert_clean(session, console)


def test_a_campaigns_page_shows_its_evidence(session: BrowserSession, console: list[Any]) -> None:
    page = session.page
    session.open("#/campaigns")
    session.sign_in("viewer")
    _ready(session, "#campaigns-panel")
    page.click(f"#campaigns-list [data-campaign-id='{data.MARKET_CAMPAIGN}'] .campaign-reason")
    assert page.evaluate("location.hash") == MARKET_HREF
    _ready(session, "#campaign-card")
    detail = _api(session.app, f"/campaigns/{data.MARKET_CAMPAIGN}")
    campaign = detail["campaign"]

    expect(page.locator("#campaign-title")).to_contain_text(campaign["reason"])
    card = page.locator("#campaign-card")
    expect(card.locator(".campaign-span")).to_have_text(_th_span(campaign))
    expect(card.locator(".campaign-accounts")).to_have_text(str(len(data.MARKET_ACCOUNTS)))
    expect(card.locator(".campaign-posts")).to_have_text(str(len(data.MARKET_COPIES)))
    expect(card.locator(".campaign-text .post-text")).to_have_text(campaign["text"])
    # Its topic, named by its label once that arrives.
    topic = card.locator(".topic-link")
    expect(topic).to_have_text(data.MARKET_TOPIC.label)
    expect(topic).to_have_attribute("href", f"#/topic/{data.MARKET}")

    # The accounts' pseudonyms in order of their first post, nothing else about them.
    assert campaign["accounts"] == data.MARKET_ACCOUNTS
    expect(page.locator("#campaign-accounts .account")).to_have_text(data.MARKET_ACCOUNTS)
    expect(page.locator("#campaign-accounts-note")).to_contain_text("9 บัญชี")

    # Its posts, oldest first, each with its account and the campaign's badge.
    copies = [p.id for p in data.MARKET_COPIES]
    assert [p["id"] for p in detail["posts"]] == copies
    posts = "#campaign-posts .post"
    expect(page.locator(posts)).to_have_count(len(copies))
    assert _row_ids(session, posts, "postId") == copies
    expect(page.locator(f"{posts} .post-source .source-name")).to_have_text(data.MARKET_ACCOUNTS)
    expect(page.locator(f"{posts} .campaign-badge")).to_have_count(len(copies))
    expect(page.locator("#campaign-posts-total")).to_have_text("แสดง 9 จาก 9 โพสต์ เรียงจากเก่าไปใหม่")
    first = data.MARKET_COPIES[0]
    expect(page.locator(f"{posts} >> nth=0 >> .post-meta")).to_contain_text(
        _th_time(first.created_at)
    )
    session.screenshot("dashboard-campaign")

    # Back to the list as it was left.
    page.click("#campaigns-back")
    assert page.evaluate("location.hash") == "#/campaigns"
    expect(page.locator("#campaigns-list .campaign-row")).to_have_count(2)
    assert_clean(session, console)


def test_an_unknown_campaign_says_so(session: BrowserSession) -> None:
    page = session.page
    session.open(f"#/campaign/{quote('copy:x:nothing', safe='')}")
    session.sign_in("viewer")
    expect(page.locator("#campaign-card > [data-status]")).to_have_text("ไม่พบข้อมูลที่ค้นหา")
    assert page.locator("#campaign-posts .post").count() == 0
    assert session.errors == []


def test_the_sources_table_sorts_filters_and_pages(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open()
    session.sign_in("viewer")
    page.click("nav a[data-view=sources]")
    assert page.evaluate("location.hash") == "#/sources"
    _ready(session, "#sources-panel")
    rows = "#sources-table tbody tr"

    # By reach: the channel first (its followers), its link rate "–" (no grievances).
    by_reach = _api(session.app, "/sources", limit=20)
    assert by_reach["total"] == 24
    assert _row_ids(session, rows, "sourceId") == [s["source_id"] for s in by_reach["sources"]]
    top = page.locator(rows).first
    expect(top.locator("th")).to_have_text("ข่าวเช้าออนไลน์")
    expect(top.locator(".kind")).to_have_text("ช่อง")
    expect(top.locator(".link-rate")).to_have_text("–")
    expect(top.locator(".reach")).to_have_text("1,200,590")
    expect(page.locator("#sources-table th[aria-sort=descending]")).to_have_text("การเข้าถึง")
    expect(page.locator("#sources-pager .pager-range")).to_have_text("1–20 จาก 24")
    # Every shown source's link rate as a percentage, "–" without grievances.
    assert _texts(session, f"{rows} .link-rate") == [
        _percent(s["link_rate"]) for s in by_reach["sources"]
    ]
    # The page's posts are evidence of the market campaign: its badge leads there.
    venue = page.locator(f"{rows}[data-source-id='page:{data.MARKET_PAGE}']")
    expect(venue.locator("th .source-name")).to_have_text(data.MARKET_PAGE)
    expect(venue.locator(".campaign-badge")).to_have_attribute("href", MARKET_HREF)

    # Sorted by link rate when asked: ไทยรัฐ 3 of 4, มติชน 1 of 2, the rest 0% or "–".
    with page.expect_response(lambda r: "/v1/sources?" in r.url and "link_rate" in r.url):
        page.select_option("#source-sort", "link_rate")
    _ready(session, "#sources-panel")
    assert page.evaluate("location.hash") == "#/sources?sort=link_rate"
    by_rate = _api(session.app, "/sources", sort="link_rate", limit=20)["sources"]
    assert _row_ids(session, rows, "sourceId") == [s["source_id"] for s in by_rate]
    assert _texts(session, f"{rows} th .source-name")[:2] == ["ไทยรัฐ", "มติชน"]
    assert _texts(session, f"{rows} .link-rate")[:3] == ["75%", "50%", "0%"]
    assert _texts(session, f"{rows} .kind")[:2] == ["สำนักข่าว", "สำนักข่าว"]
    expect(page.locator("#sources-table th[aria-sort=descending]")).to_have_text("อัตราถึงศูนย์")
    assert _row_ids(session, rows, "sourceId") != [s["source_id"] for s in by_reach["sources"]]

    # The next page keeps the sort.
    page.click("#sources-pager .pager-next")
    expect(page.locator("#sources-pager .pager-range")).to_have_text("21–24 จาก 24")
    assert page.evaluate("location.hash") == "#/sources?sort=link_rate&offset=20"
    rest = _api(session.app, "/sources", sort="link_rate", limit=20, offset=20)["sources"]
    expect(page.locator(rows)).to_have_count(len(rest))
    assert _row_ids(session, rows, "sourceId") == [s["source_id"] for s in rest]
    assert _texts(session, f"{rows} .link-rate")[-1] == "–"  # no grievances sort last

    # Accounts by their pseudonyms only.
    with page.expect_response(lambda r: "/v1/sources?" in r.url and "kind=account" in r.url):
        page.select_option("#source-kind", "account")
    _ready(session, "#sources-panel")
    assert page.evaluate("location.hash") == "#/sources?kind=account&sort=link_rate"
    accounts = set(data.MARKET_ACCOUNTS + data.BILL_ACCOUNTS + data.PANTIP_ACCOUNTS)
    names = _texts(session, f"{rows} th .source-name.mono")
    assert len(names) == len(accounts) and set(names) == accounts
    assert set(_texts(session, f"{rows} .kind")) == {"บัญชี"}
    session.screenshot("dashboard-sources")

    # Outlets only, and in English.
    with page.expect_response(lambda r: "/v1/sources?" in r.url and "kind=outlet" in r.url):
        page.select_option("#source-kind", "outlet")
    _ready(session, "#sources-panel")
    assert _texts(session, f"{rows} th") == ["ไทยรัฐ", "มติชน"]
    page.click("#lang-toggle")
    expect(page.locator(f"{rows} .kind")).to_have_text(["News outlet", "News outlet"])
    expect(page.locator(f"{rows} .link-rate")).to_have_text(["75%", "50%"])
    expect(page.locator(f"{rows} .grievances")).to_have_text(["4", "2"])
    expect(page.locator(f"{rows} .linked")).to_have_text(["3", "1"])
    assert_clean(session, console)


def test_a_campaign_badge_marks_its_posts_and_topic_and_leads_to_it(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open(f"#/topic/{data.MARKET}")
    session.sign_in("viewer")
    _ready(session, "#topic-header")
    # The topic carries the campaign found among its posts.
    topic = _api(session.app, f"/topics/{data.MARKET}")["topic"]
    assert topic["campaign_ids"] == [data.MARKET_CAMPAIGN]
    expect(page.locator("#topic-header .topic-campaigns .campaign-badge")).to_have_attribute(
        "href", MARKET_HREF
    )
    # Its posts: the copies carry the badge, the outlets' own words do not.
    _ready(session, "#topic-posts-panel")
    copies = {p.id for p in data.MARKET_COPIES}
    for card in page.locator("#topic-posts .post").all():
        badges = card.locator(".post-meta .campaign-badge")
        if card.get_attribute("data-post-id") in copies:
            expect(badges).to_have_count(1)
            expect(badges).to_have_attribute("href", MARKET_HREF)
            expect(badges).to_have_text("แคมเปญ")
        else:
            expect(badges).to_have_count(0)
    copy = page.locator(f"#topic-posts .post[data-post-id='{data.MARKET_COPIES[-1].id}']")
    copy.locator(".campaign-badge").click()
    assert page.evaluate("location.hash") == MARKET_HREF
    _ready(session, "#campaign-card")
    expect(page.locator("#campaign-posts .post")).to_have_count(len(copies))

    # Wherever posts are listed: a search's hits too.
    session.open(f"#/search?q={quote('ตลาดโต้รุ่ง')}")
    page.wait_for_selector("#search-hits .post")
    hit = page.locator(f"#search-hits .post[data-post-id='{data.MARKET_COPIES[0].id}']")
    expect(hit.locator(".campaign-badge")).to_have_attribute("href", MARKET_HREF)
    hits = _api(session.app, "/posts/search", q="ตลาดโต้รุ่ง", limit=20)["hits"]
    marked = [h["id"] for h in hits if h["campaign_ids"]]
    assert set(marked) == copies and len(hits) > len(marked)  # the outlets' posts too
    expect(page.locator("#search-hits .post")).to_have_count(len(hits))
    assert (
        page.locator("#search-hits .post:has(.campaign-badge)").evaluate_all(
            "els => els.map(e => e.dataset.postId)"
        )
        == marked
    )
    assert_clean(session, console)


def test_a_topic_shows_its_voices_and_who_spoke_first(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open(f"#/topic/{data.MARKET}")
    session.sign_in("viewer")
    _ready(session, "#topic-header")
    topic = _api(session.app, f"/topics/{data.MARKET}")["topic"]
    assert (topic["size"], topic["voices"]) == (19, data.MARKET_VOICES)
    # Raw posts and distinct voices side by side: the nine copies are one voice.
    expect(page.locator("#topic-header .topic-size")).to_have_text(
        f"{topic['size']} โพสต์ · {topic['voices']} เสียง"
    )

    _ready(session, "#topic-openers-panel")
    openers = _api(session.app, f"/topics/{data.MARKET}/sources")
    first = "#topic-openers-first .post"
    assert _row_ids(session, first, "postId") == [s["post"]["id"] for s in openers["first"]]
    assert openers["first"][0]["post"]["id"] == data.FIRST_POST.id
    assert openers["first"][0]["source_name"] == "ไทยรัฐ"
    opener = page.locator(first).first
    expect(opener.locator(".post-source .source-kind")).to_have_text("สำนักข่าว")
    expect(opener.locator(".post-source .source-name")).to_have_text("ไทยรัฐ")
    expect(opener.locator(".post-source .engagement")).to_have_text(
        f"การมีส่วนร่วม {openers['first'][0]['engagement']}"
    )
    expect(opener.locator(".post-text")).to_have_text(data.FIRST_POST.text)
    expect(page.locator("#topic-openers-count")).to_contain_text("19 โพสต์")

    engaged = "#topic-openers-engaged .post"
    assert _row_ids(session, engaged, "postId") == [
        s["post"]["id"] for s in openers["most_engaged"]
    ]
    top = openers["most_engaged"][0]
    assert (top["source_kind"], top["engagement"]) == ("channel", 430)
    expect(page.locator(engaged).first.locator(".post-source")).to_have_text(
        f"{KIND_TH['channel']} {top['source_name']} · การมีส่วนร่วม 430"
    )
    session.screenshot("dashboard-topic-voices")

    page.click("#lang-toggle")
    expect(page.locator("#topic-header .topic-size")).to_have_text(
        f"{topic['size']} posts · {topic['voices']} voices"
    )
    expect(opener.locator(".post-source .source-kind")).to_have_text("News outlet")
    assert_clean(session, console)


def test_who_spoke_first_in_an_emerging_grievance(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open("#/overview")
    session.sign_in("viewer")
    row = page.locator(f"#emerging-list li:has([data-episode-id='{data.EPISODE}'])")
    toggle = row.locator("button.openers-toggle")
    expect(toggle).to_have_text("ใครพูดก่อน")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    openers = _api(session.app, f"/emergences/{data.EPISODE}/sources")
    cards = row.locator(".openers-list .post")
    expect(cards).to_have_count(len(openers["first"]))
    assert cards.evaluate_all("els => els.map(e => e.dataset.postId)") == [
        s["post"]["id"] for s in openers["first"]
    ]
    expect(cards.first.locator(".source-name")).to_have_text("ไทยรัฐ")
    expect(cards.first.locator(".source-kind")).to_have_text("สำนักข่าว")
    toggle.click()
    expect(row.locator(".openers-list")).to_be_hidden()
    assert_clean(session, console)


# What every view owes every user, as test_product checks the other views.
VIEWS = [
    View("campaigns", "#/campaigns", "#campaigns-list .campaign-row",
         "#campaigns-list .campaign-text", emoji=False),
    View("campaigns", MARKET_HREF, "#campaign-posts .post", "#campaign-title", emoji=False),
    View("sources", "#/sources", "#sources-table tbody tr", "#sources-table tbody th",
         emoji=False),
    View("topic", f"#/topic/{data.MARKET}", "#topic-openers-first .post", "#topic-title",
         emoji=False),
]  # fmt: skip
CASES = [(view, lang) for view in VIEWS for lang in ("th", "en")]
IDS = [f"{view.fragment}-{lang}" for view, lang in CASES]


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def shown(request: pytest.FixtureRequest, browser: Any, live_app: LiveApp) -> Iterator[Any]:
    view, lang = request.param
    with open_tab(browser, live_app) as tab:
        _show(tab, view, lang)
        yield tab, view


def test_no_serious_accessibility_violation_and_every_control_reached(shown: Any) -> None:
    tab, _ = shown
    serious = [str(v) for v in tab.axe() if v.impact in ("serious", "critical")]
    assert serious == [], "\n".join(serious)
    controls = tab.controls("body")
    tab.page.locator("header h1").click()
    stops = tab.tab_through(2 * len(controls) + 10)
    reached = {stop.path for stop in stops}
    assert [str(c) for c in controls if c.path not in reached] == []
    ringed = {stop.path for stop in stops if stop.ring}
    assert sorted({str(s) for s in stops if s.path not in ringed and s.tag != "body"}) == []
    assert tab.errors == [] and tab.outside_requests() == []


@pytest.mark.parametrize(("view", "lang"), CASES, ids=IDS)
def test_a_phone_never_scrolls_sideways(
    phone_session: BrowserSession, view: View, lang: str
) -> None:
    _show(phone_session, view, lang)
    page = phone_session.page
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"scrollWidth {width}"
    box = page.locator(view.content).first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")


@pytest.mark.parametrize("view", VIEWS, ids=[v.fragment for v in VIEWS])
def test_times_stay_in_bangkok_wherever_the_browser_is(
    session_in_zone: Callable[[str], BrowserSession], view: View
) -> None:
    texts = {}
    for zone in ("Asia/Bangkok", "America/New_York"):
        tab = session_in_zone(zone)
        _show(tab, view, "th")
        texts[zone] = tab.page.inner_text(f"#{view.name}-view")
    assert TIME.search(texts["Asia/Bangkok"]), f"{view.fragment} shows no time of day"
    assert texts["America/New_York"] == texts["Asia/Bangkok"]
