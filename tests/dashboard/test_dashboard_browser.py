"""The dashboard in headless Chromium over the real app: what policy teams, analysts and
complaint officers see and click, in Thai and English, with nothing loaded from outside."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.dashboard import dataset
from tests.dashboard.conftest import ARTIFACTS, BrowserSession

pytestmark = pytest.mark.integration


def _texts(session: BrowserSession, selector: str) -> list[str]:
    return [t.strip() for t in session.page.locator(selector).all_inner_texts()]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def _assert_clean(session: BrowserSession) -> None:
    assert session.errors == [], f"the page raised: {session.errors}"
    assert session.requests, "no request was recorded"
    assert session.outside_requests() == [], "the page called outside 127.0.0.1"


def test_a_wrong_key_is_refused_with_a_clear_message(session: BrowserSession) -> None:
    session.open()
    page = session.page
    assert page.inner_text("#key-view h2") == "เข้าสู่แดชบอร์ด"
    assert page.inner_text("label[for=key-input]") == "คีย์ API"
    page.fill("#key-input", "siang_deadbeef_not-a-real-secret")
    page.click("#key-submit")
    page.wait_for_selector("#key-error:has-text('คีย์ API ไม่ถูกต้อง')")
    assert page.inner_text("#key-error") == "คีย์ API ไม่ถูกต้องหรือหมดอายุ กรุณาใส่คีย์ใหม่"
    assert page.is_visible("#key-view") and not page.is_visible("#overview-view")
    assert page.evaluate("sessionStorage.getItem('siang.apiKey')") is None
    _assert_clean(session)


def test_trends_drill_down_and_language_switch(session: BrowserSession) -> None:
    session.open()
    session.sign_in("officer")
    page = session.page
    assert page.evaluate("sessionStorage.getItem('siang.apiKey')") == session.app.keys["officer"]

    # Trending: the ten strongest spikes first; emerging: the salty water as detected,
    # with its Thai reason, on the data's clock (a demo store), leading to its topic.
    page.wait_for_selector("#trending-list .topic-row")
    trending = dataset.trending(10)
    assert _texts(session, "#trending-list .topic-label") == [t.label for t in trending]
    page.wait_for_selector("#emerging-list .emergence-row")
    assert _texts(session, "#emerging-list .topic-label") == [dataset.EMERGENCE.reason]
    assert page.get_attribute("#emerging-list .emergence-row", "href") == f"#/topic/{dataset.WATER}"
    assert page.inner_text("#emerging-clock").startswith("นับจากเวลาล่าสุดของข้อมูล")
    assert "2569" in page.inner_text("#emerging-clock")  # Buddhist-era year, Bangkok time
    status_th = {"emerging": "เกิดใหม่", "growing": "กำลังเติบโต", "stable": "คงที่", "fading": "ซาลง"}
    assert _texts(session, "#trending-list .badge") == [status_th[t.status] for t in trending]
    for chart in ("#timeline-chart", "#map-chart", "#sentiment-chart", "#category-chart"):
        session.wait_painted(chart)
    assert not page.is_visible("#map-panel [data-status]")  # the map had data, no message

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard-overview.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = _png_size(shot)
    assert width == 1440 and height >= 900, (width, height)
    assert shot.stat().st_size > 40_000

    # Drill-down: the topic's timeline, its posts (newest first) and its linked complaint.
    page.click("#trending-list .topic-row[data-topic-id='0']")
    page.wait_for_url("**/dashboard#/topic/0")
    page.wait_for_selector("#topic-title")
    assert page.inner_text("#topic-title").startswith("น้ำประปาเค็ม · บางบัวทอง")
    session.wait_painted("#topic-timeline-chart")
    session.wait_painted("#topic-sentiment-chart")
    page.wait_for_selector("#topic-posts .post")
    assert _texts(session, "#topic-posts .post-text") == dataset.posts_of(dataset.WATER)
    page.wait_for_selector("#topic-complaints .row")
    assert _texts(session, "#topic-complaints .complaint-link") == [dataset.WATER_COMPLAINT]
    assert "น้ำประปามีรสเค็ม" in page.inner_text("#topic-complaints .row")
    assert "กำลังดำเนินการ" in page.inner_text("#topic-complaints .row")
    page.screenshot(path=str(ARTIFACTS / "dashboard-topic.png"), full_page=True)

    # English labels, then back to Thai; the data stays the same.
    page.click("#lang-toggle")
    page.wait_for_selector("#topic-complaints-panel h2:text-is('Linked complaints')")
    assert page.inner_text("nav a[data-view=topic]") == "Topic drill-down"
    page.wait_for_selector("#topic-title .badge:text-is('Emerging')")  # re-rendered
    assert page.evaluate("document.documentElement.lang") == "en"
    page.wait_for_selector("#topic-posts .post")
    assert _texts(session, "#topic-posts .post-text") == dataset.posts_of(dataset.WATER)
    page.click("#lang-toggle")
    page.wait_for_selector("#topic-complaints-panel h2:text-is('เรื่องร้องเรียนที่เชื่อมโยง')")
    assert page.inner_text("nav a[data-view=topic]") == "เจาะลึกหัวข้อ"

    # The complaint id in the drill-down opens the officer's lookup.
    page.click(f"#topic-complaints a:text-is('{dataset.WATER_COMPLAINT}')")
    page.wait_for_selector("#complaint-title")
    assert dataset.WATER_COMPLAINT in page.inner_text("#complaint-title")
    _assert_clean(session)


def test_a_viewer_key_sees_trends_but_not_complaints(session: BrowserSession) -> None:
    session.open(f"#/complaint/{dataset.POWER_COMPLAINT}")
    session.sign_in("viewer")
    page = session.page
    page.wait_for_selector("#complaint-error:has-text('ไม่มีสิทธิ์')")
    assert page.inner_text("#complaint-error") == "คีย์นี้ไม่มีสิทธิ์ใช้งานส่วนนี้ กรุณาติดต่อผู้ดูแลระบบ"
    # Still signed in: trends and drill-downs work, without the linked complaints.
    page.click("nav a[data-view=overview]")
    page.wait_for_selector("#trending-list .topic-row")
    assert len(_texts(session, "#trending-list .topic-label")) == len(dataset.trending(10))
    page.click("#trending-list .topic-row[data-topic-id='1']")
    page.wait_for_selector("#topic-posts .post")
    assert _texts(session, "#topic-posts .post-text") == dataset.posts_of(dataset.POWER)
    page.wait_for_selector("#topic-complaints-panel [data-status]:has-text('เฉพาะคีย์')")
    assert page.locator("#topic-complaints .row").count() == 0
    _assert_clean(session)


def test_the_api_docs_render_offline(session: BrowserSession) -> None:
    """/docs draws every operation with Siang's own Swagger UI, nothing from a CDN."""
    page = session.page
    page.goto(f"{session.app.url}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = set(_texts(session, ".opblock-summary-path"))
    assert {"/v1/posts/search", "/v1/emergences", "/v1/topics/{topic_id}"} <= {
        p.replace("\u200b", "") for p in paths
    }
    assert any("/dashboard/assets/docs/swagger-ui-bundle.js" in r for r in session.requests)
    _assert_clean(session)


def test_thai_and_emoji_have_glyphs_not_boxes(session: BrowserSession) -> None:
    """A character the fonts lack is drawn as the same empty box as a code point nobody
    assigned; Thai and emoji must look different from that box, pixel for pixel."""
    session.open()
    boxes = session.page.evaluate(
        """() => {
          const font = getComputedStyle(document.body).fontFamily;
          const draw = (text) => {
            const canvas = document.createElement("canvas");
            canvas.width = 400; canvas.height = 60;
            const ctx = canvas.getContext("2d");
            ctx.font = `32px ${font}`;
            ctx.fillText(text, 4, 44);
            return canvas.toDataURL();
          };
          const missing = draw("\\u{10FFFD}\\u{10FFFD}\\u{10FFFD}");
          return {
            thai: draw("กขค") === missing,
            emoji: draw("😡💧🔥") === missing,
            control: draw("\\u{10FFFC}\\u{10FFFC}\\u{10FFFC}") === missing,
          };
        }"""
    )
    assert boxes["control"], "two unassigned code points should both be boxes"
    assert not boxes["thai"], "Thai renders as boxes: install fonts-noto-core"
    assert not boxes["emoji"], "emoji render as boxes: install fonts-noto-color-emoji"
