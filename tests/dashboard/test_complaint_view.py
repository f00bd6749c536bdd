"""Complaints in headless Chromium over the real app: the officers' search (words, a province
as people write it, category, status, filing dates, pages) and a complaint's page (compact
history, related posts ten at a time with the evidence as Thai or English items, long posts
folded, links confirmed or rejected). Keys below officer are told, not shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from domain.models import Category, LinkEvidence, PostComplaintLink
from tests.conftest import T0, make_post
from tests.dashboard import dataset
from tests.dashboard.conftest import ARTIFACTS, BrowserSession, LiveApp

pytestmark = pytest.mark.integration

KORAT = "นครราชสีมา"
LONG_POST = "x:long-blackout"
# About 1,400 characters: far more than five lines even on a wide screen.
LONG_TEXT = "ไฟดับทั้งหมู่บ้านในหาดใหญ่ " + " ".join(["ตู้เย็นเสีย ของสดเน่าหมด ไม่มีใครมาซ่อมสักที"] * 30)


def _texts(session: BrowserSession, selector: str) -> list[str]:
    return [t.strip() for t in session.page.locator(selector).all_inner_texts()]


def _ids(session: BrowserSession, selector: str, attribute: str) -> list[str]:
    return session.page.locator(selector).evaluate_all(
        f"els => els.map(e => e.dataset.{attribute})"
    )


def _api(app: LiveApp, path: str, **params: Any) -> Any:
    response = httpx.get(
        f"{app.url}/v1{path}", params=params, headers={"X-API-Key": app.keys["officer"]}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def _search(session: BrowserSession, button: str = "#complaint-search button[type=submit]") -> None:
    """Click ``button`` (the search's) and wait until the answer is drawn ("loading" gone)."""
    page = session.page
    with page.expect_response(lambda r: "/v1/complaints?" in r.url):
        page.click(button)
    page.wait_for_selector("#complaints-panel > [data-status]", state="hidden")


def _assert_clean(session: BrowserSession) -> None:
    assert session.errors == [], f"the page raised: {session.errors}"
    assert session.outside_requests() == [], "the page called outside 127.0.0.1"


@pytest.fixture
def long_post(session: BrowserSession) -> Iterator[str]:
    """A long post linked to the blackout complaint with structured evidence (place level,
    category, similarity), the best of its links."""
    store = session.app.store
    post = make_post(
        LONG_POST.split(":")[1],
        LONG_TEXT,
        created_at=T0 + timedelta(hours=20),
        province="สงขลา",
        category=Category.electricity,
    )
    store.upsert_posts([post])
    store.upsert_links(
        [
            PostComplaintLink(
                post_id=LONG_POST,
                complaint_id=dataset.POWER_COMPLAINT,
                score=0.97,
                explanation="same district (หาดใหญ่); same category (electricity)",
                signals={"cosine": 0.77, "district": 1.0, "category": 1.0},
                evidence=LinkEvidence(
                    days_from_filing=0.25,
                    distance_km=7.5,
                    place_level="district",
                    place_agrees=True,
                    place_names=["หาดใหญ่", "สงขลา"],
                    category="electricity",
                    similarity=0.77,
                ),
            )
        ]
    )
    yield LONG_POST


def test_officer_opens_a_complaint_and_decides_links(session: BrowserSession) -> None:
    session.open()
    session.sign_in("officer")
    page = session.page
    page.click("nav a[data-view=complaint]")
    page.fill("#complaint-input", dataset.WATER_COMPLAINT)
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#complaint-title")
    assert "น้ำประปามีรสเค็ม ใช้อุปโภคบริโภคไม่ได้" in page.inner_text("#complaint-title")
    assert "การประปานครหลวง" in page.inner_text("#complaint-card")

    # Status history, oldest first, one change a line with the agency's note.
    history = _texts(session, "#complaint-history .history-item .badge")
    assert history == ["รับเรื่องแล้ว", "ส่งต่อหน่วยงานแล้ว", "กำลังดำเนินการ"]
    assert _texts(session, "#complaint-history .history-item")[2] == (
        "3 พ.ย. 2569 13:00 กำลังดำเนินการ · การประปานครหลวง — เร่งปรับลดค่าความเค็มในระบบจ่ายน้ำ"
    )

    # Related posts, best link first, each with its evidence as Thai items.
    page.wait_for_selector("#related-posts .post")
    related = page.locator("#related-posts > .post")
    assert related.count() == 3
    assert _texts(session, "#related-posts .post-text") == [
        "น้ำประปาเค็มมาก บางบัวทอง ดื่มไม่ได้เลย",
        "น้ำประปาบ้านเค็มอีกแล้ว ต้องซื้อน้ำถังมาใช้ทุกวัน",
        "การประปาแจ้งว่าน้ำทะเลหนุน ค่าความเค็มสูงกว่าปกติ",
    ]
    assert page.inner_text("#related-pager .pager-range") == "1–3 จาก 3"
    first = related.nth(0)
    assert first.locator(".score strong").inner_text() == "91%"
    assert first.locator(".reason-text").all_inner_texts() == [
        "ห่างราว 2.4 กม.",
        "มีคำร่วมกัน: น้ำประปา เค็ม บางบัวทอง",
        "ข้อความคล้ายกัน 0.81",
        "โพสต์ก่อนยื่นเรื่อง 0.1 วัน",
    ]
    assert first.locator(".tag.word").all_inner_texts() == ["น้ำประปา", "เค็ม", "บางบัวทอง"]
    kinds = first.locator(".reason").evaluate_all("els => els.map(e => e.className)")
    assert kinds == ["reason agrees", "reason agrees", "reason agrees", "reason disagrees"]
    assert "same province" not in page.inner_text("#related-posts")  # not the English sentence
    assert first.locator(".decision").inner_text() == "รอเจ้าหน้าที่ตรวจสอบ"

    # Confirm the first link and reject the third: both verdicts show at once and are stored.
    first.locator(".note-input").fill("ตรงกับพื้นที่ร้องเรียน")
    first.locator("button.confirm").click()
    page.wait_for_selector("#related-posts .post >> nth=0 >> .decision.verdict-confirmed")
    assert first.locator(".decision").inner_text().startswith("ยืนยันแล้ว โดย dashboard-officer")
    third = related.nth(2)
    third.locator("button.reject").click()
    page.wait_for_selector("#related-posts .post >> nth=2 >> .decision.verdict-rejected")
    assert third.locator(".decision").inner_text().startswith("ปฏิเสธแล้ว โดย dashboard-officer")
    decisions = session.app.store.link_decisions(complaint_id=dataset.WATER_COMPLAINT)
    assert [(d.post_id, d.verdict, d.by, d.note) for d in decisions] == [
        ("x:w1", "confirmed", "dashboard-officer", "ตรงกับพื้นที่ร้องเรียน"),
        ("x:w4", "rejected", "dashboard-officer", None),
    ]

    # After a reload the verdicts are still shown, the rejected link included.
    page.reload()
    page.wait_for_selector("#related-posts .post")
    verdicts = page.locator("#related-posts .decision").evaluate_all(
        "els => els.map(e => e.className)"
    )
    assert sorted(verdicts) == [
        "decision verdict-confirmed",
        "decision verdict-pending",
        "decision verdict-rejected",
    ]

    # In English the same evidence in English words.
    page.click("#lang-toggle")
    page.wait_for_selector("#related-title:text-is('Related posts')")
    page.wait_for_selector("#related-posts .reason-text:text-is('About 2.4 km apart')")
    assert related.nth(0).locator(".reason-text").all_inner_texts() == [
        "About 2.4 km apart",
        "Shared words: น้ำประปา เค็ม บางบัวทอง",
        "Text similarity 0.81",
        "Posted 0.1 days before filing",
    ]
    page.click("#lang-toggle")
    page.wait_for_selector("#related-title:text-is('โพสต์ที่เกี่ยวข้อง')")

    # An unknown id says so.
    page.fill("#complaint-input", "1111-2569-999999")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#complaint-error:has-text('ไม่พบเรื่องร้องเรียน')")
    assert page.inner_text("#complaint-error") == "ไม่พบเรื่องร้องเรียนเลขที่ 1111-2569-999999"
    assert not page.is_visible("#complaint-result")
    _assert_clean(session)


def test_related_posts_come_ten_at_a_time(session: BrowserSession) -> None:
    """The Korat flood complaint has 30 linked posts: three short pages, not one long one."""
    session.open(f"#/complaint/{dataset.FLOOD_COMPLAINT}")
    session.sign_in("officer")
    page = session.page
    page.wait_for_selector("#related-posts .post")
    total = dataset.FLOOD_LINKS
    assert page.inner_text("#related-pager .pager-range") == f"1–10 จาก {total}"
    first_page = _ids(session, "#related-posts > .post", "postId")
    assert len(first_page) == 10
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-complaint.png"), full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4500, f"the complaint page is {height} px tall"

    # Reject a link on the second page; it keeps its verdict when the officer pages back.
    page.click("#related-pager .pager-next")
    page.wait_for_selector(f"#related-pager .pager-range:text-is('11–20 จาก {total}')")
    second_page = _ids(session, "#related-posts > .post", "postId")
    assert len(second_page) == 10 and not set(first_page) & set(second_page)
    assert page.evaluate("document.activeElement.id") == "related-title"
    rejected = page.locator("#related-posts > .post").nth(0)
    rejected.locator("button.reject").click()
    rejected.locator(".decision.verdict-rejected").wait_for()
    page.click("#related-pager .pager-next")
    page.wait_for_selector(f"#related-pager .pager-range:text-is('21–30 จาก {total}')")
    assert page.is_disabled("#related-pager .pager-next")
    third_page = _ids(session, "#related-posts > .post", "postId")
    assert sorted(first_page + second_page + third_page) == sorted(
        dataset.post_ids_of(dataset.FLOOD)
    )
    page.click("#related-pager .pager-previous")
    page.wait_for_selector(f"#related-pager .pager-range:text-is('11–20 จาก {total}')")
    again = page.locator(f"#related-posts > .post[data-post-id='{second_page[0]}']")
    assert again.locator(".decision").get_attribute("class") == "decision verdict-rejected"

    # Evidence that speaks against the link is marked too: places far apart, posted before.
    assert page.locator("#related-posts .reason.disagrees[data-kind=distance]").count() > 0
    _assert_clean(session)


def test_long_posts_fold_and_structured_reasons_read_well(
    session: BrowserSession, long_post: str
) -> None:
    session.open(f"#/complaint/{dataset.POWER_COMPLAINT}")
    session.sign_in("officer")
    page = session.page
    card = page.locator(f"#related-posts > .post[data-post-id='{long_post}']")
    card.wait_for()
    assert _ids(session, "#related-posts > .post", "postId")[0] == long_post  # best score

    text = card.locator(".post-text")
    toggle = card.locator(".fold-toggle")
    toggle.wait_for()
    assert toggle.inner_text() == "แสดงเพิ่ม" and toggle.get_attribute("aria-expanded") == "false"
    folded = text.evaluate("el => el.getBoundingClientRect().height")
    assert text.evaluate("el => el.scrollHeight > el.clientHeight")
    assert text.inner_text() == LONG_TEXT  # folded on screen, whole in the page
    toggle.click()
    assert toggle.inner_text() == "แสดงน้อยลง" and toggle.get_attribute("aria-expanded") == "true"
    assert text.evaluate("el => el.getBoundingClientRect().height") > 1.5 * folded
    toggle.click()
    assert text.evaluate("el => el.getBoundingClientRect().height") == folded
    # A short post has nothing to unfold.
    short = page.locator("#related-posts > .post[data-post-id='x:p1']")
    assert not short.locator(".fold-toggle").is_visible()

    assert card.locator(".reason-text").all_inner_texts() == [
        "อยู่อำเภอ/เขตเดียวกัน (หาดใหญ่, สงขลา)",
        "ห่างราว 7.5 กม.",
        "หมวดเดียวกัน (ไฟฟ้า)",
        "ข้อความคล้ายกัน 0.77",
        "โพสต์หลังยื่นเรื่อง 0.3 วัน",
    ]
    page.click("#lang-toggle")
    page.wait_for_selector("#related-posts .reason-text:text-is('Same category (Electricity)')")
    assert card.locator(".reason-text").all_inner_texts() == [
        "Same district (หาดใหญ่, Songkhla)",
        "About 7.5 km apart",
        "Same category (Electricity)",
        "Text similarity 0.77",
        "Posted 0.3 days after filing",
    ]
    assert card.locator(".fold-toggle").inner_text() == "Show more"
    page.click("#lang-toggle")
    _assert_clean(session)


def test_search_by_place_nickname_status_and_dates_with_pages(session: BrowserSession) -> None:
    session.open("#/complaint")
    session.sign_in("officer")
    page = session.page

    # Every complaint, newest filing first, 20 a page.
    page.wait_for_selector("#complaints-list .row")
    everything = _api(session.app, "/complaints", limit=100)
    assert everything["total"] == len(dataset.COMPLAINTS)
    newest_first = [c["complaint_id"] for c in everything["complaints"]]
    assert _ids(session, "#complaints-list > .row", "complaintId") == newest_first[:20]
    assert page.inner_text("#complaints-pager .pager-range") == f"1–20 จาก {len(newest_first)}"
    page.click("#complaints-pager .pager-next")
    page.wait_for_selector(
        f"#complaints-pager .pager-range:text-is('21–{len(newest_first)} จาก {len(newest_first)}')"
    )
    assert _ids(session, "#complaints-list > .row", "complaintId") == newest_first[20:]
    page.click("#complaints-pager .pager-previous")
    page.wait_for_selector(
        f"#complaints-pager .pager-range:text-is('1–20 จาก {len(newest_first)}')"
    )

    # A province as people say it: โคราช is นครราชสีมา, resolved by the API.
    page.fill("#complaint-search [name=province]", "โคราช")
    _search(session)
    assert "province=โคราช" in page.evaluate("decodeURIComponent(location.hash)")
    korat = [c for c in dataset.COMPLAINTS if c.province == KORAT]
    assert sorted(_ids(session, "#complaints-list > .row", "complaintId")) == sorted(
        c.complaint_id for c in korat
    )
    assert set(_texts(session, "#complaints-list .row > .muted:not(time)")) == {KORAT}

    # ... and a status on top of it.
    page.select_option("#complaint-search [name=status]", "resolved")
    _search(session)
    assert "status=resolved" in page.evaluate("location.hash")
    resolved = sorted(c.complaint_id for c in korat if c.status == "resolved")
    assert resolved and sorted(_ids(session, "#complaints-list > .row", "complaintId")) == resolved
    assert set(_texts(session, "#complaints-list .badge")) == {"แก้ไขแล้ว"}

    # A complaint opens on its page; the way back returns to this search.
    search = page.evaluate("location.hash")
    page.click(f"#complaints-list a:text-is('{resolved[0]}')")
    page.wait_for_selector("#complaint-title")
    assert page.evaluate("location.hash") == f"#/complaint/{quote(resolved[0], safe='')}"
    assert page.inner_text("#complaints-back") == "‹ กลับไปที่ผลการค้นหา"
    page.click("#complaints-back")
    page.wait_for_function(f"location.hash === {search!r}")
    page.wait_for_selector("#complaints-list .row")
    assert page.input_value("#complaint-search [name=province]") == "โคราช"

    # Filing dates typed with a Buddhist-era year; the end day is included.
    _search(session, "#complaint-search-clear")
    page.fill("#complaint-search [name=start]", "23/10/2569")
    page.fill("#complaint-search [name=end]", "24/10/2569")
    _search(session)
    assert "start=2026-10-23&end=2026-10-24" in page.evaluate("location.hash")
    in_range = [
        c.complaint_id
        for c in dataset.COMPLAINTS
        if "2026-10-23" <= c.filed_at.astimezone(T0.tzinfo).date().isoformat() <= "2026-10-24"
    ]
    assert in_range
    assert sorted(_ids(session, "#complaints-list > .row", "complaintId")) == sorted(in_range)

    # A place nobody knows is the API's 422, said in the panel.
    page.fill("#complaint-search [name=province]", "ดาวอังคาร")
    with page.expect_response(lambda r: "/v1/complaints?" in r.url):
        page.click("#complaint-search button[type=submit]")
    page.wait_for_selector("#complaints-panel [data-status].error")
    message = page.inner_text("#complaints-panel [data-status]")
    assert "(422)" in message and "ดาวอังคาร" in message
    assert page.locator("#complaints-list .row").count() == 0  # no stale list under it
    _assert_clean(session)


def test_keys_below_officer_are_told_complaints_are_for_officers(session: BrowserSession) -> None:
    session.open("#/complaint")
    session.sign_in("analyst")
    page = session.page
    page.wait_for_selector("#complaint-error:has-text('เจ้าหน้าที่รับเรื่อง')")
    assert not page.is_visible("#complaint-search")
    assert not page.is_visible("#complaints-panel")
    assert not [r for r in session.requests if "/v1/complaints" in r]
    _assert_clean(session)


def test_a_complaint_fits_a_phone(phone_session: BrowserSession) -> None:
    session = phone_session
    session.open(f"#/complaint/{dataset.FLOOD_COMPLAINT}")
    session.sign_in("officer")
    page = session.page
    page.wait_for_selector("#related-posts .post")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert session.axe("#complaint-view") == []
    page.click("#complaints-back")
    page.wait_for_selector("#complaints-list .row")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert session.axe("#complaint-view") == []
    _assert_clean(session)
