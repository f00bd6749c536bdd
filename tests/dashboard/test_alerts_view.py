"""The alerts view (#/alerts) in headless Chromium over the real app: the history with each
alert's reason in words and its posts, its filters in the URL, and the rules, which admins
create, edit, mute and delete (checked through the API) and other roles only read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.dashboard import dataset
from tests.dashboard.conftest import BrowserSession, LiveApp

pytestmark = pytest.mark.integration

BANGKOK = ZoneInfo("Asia/Bangkok")


def _get(app: LiveApp, path: str, role: str = "admin", **params: Any) -> httpx.Response:
    return httpx.get(
        f"{app.url}/v1{path}", params=params, headers={"X-API-Key": app.keys[role]}, timeout=10
    )


def _rule(app: LiveApp, name: str) -> dict[str, Any] | None:
    response = _get(app, f"/alert-rules/{name}")
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return response.json()


def _row_ids(session: BrowserSession) -> list[str]:
    return session.page.locator("#alert-list > .alert-row").evaluate_all(
        "els => els.map(e => e.dataset.alertId)"
    )


def _choose(session: BrowserSession, select: str, value: str) -> None:
    """Choose a history filter and wait until its answer is drawn (the "loading" line gone)."""
    page = session.page
    with page.expect_response(lambda r: "/v1/alerts?" in r.url):
        page.select_option(select, value)
    page.wait_for_selector("#alert-history-panel > [data-status]", state="hidden")


def _assert_clean(session: BrowserSession) -> None:
    assert session.errors == [], f"the page raised: {session.errors}"
    assert session.outside_requests() == [], "the page called outside 127.0.0.1"


def test_history_says_why_each_alert_fired_and_shows_its_posts(session: BrowserSession) -> None:
    session.open("#/alerts")
    session.sign_in("analyst")
    page = session.page
    page.wait_for_selector("#alert-list .alert-row")
    listed = [a["alert_id"] for a in _get(session.app, "/alerts", "analyst").json()["alerts"]]
    assert _row_ids(session) == listed and len(listed) == len(dataset.ALERTS)
    assert page.inner_text("#alert-pager .pager-range") == f"1–{len(listed)} จาก {len(listed)}"

    # Reasons in Thai from the numbers: observed against expected or the threshold, the
    # window's start in Bangkok time with a Buddhist-era year.
    reason = "#alert-list [data-alert-id='{}'] .alert-reason"
    assert page.inner_text(reason.format("alert-keyword-flood-2")) == (
        "คำว่า “น้ำท่วม”: 21 โพสต์ในชั่วโมงที่เริ่ม 30 ต.ค. 2569 15:00 ถึงเกณฑ์ 3 โพสต์/ชม."
    )
    assert page.inner_text(reason.format("alert-spike-flood")) == (
        "หัวข้อ “น้ำท่วมขัง · โคราช” พุ่งขึ้น: 9 โพสต์ จากที่คาดไว้ 2.1 (คะแนน 9.6) เริ่ม 30 ต.ค. 2569 19:00"
    )
    assert page.inner_text(reason.format("alert-emerging-water")) == (
        "เรื่องที่เริ่มเกิดขึ้น “น้ำประปา · นนทบุรี อ.บางบัวทอง”: 4 โพสต์ จากที่คาดไว้ 0.02 "
        "(คะแนน 9.4) เริ่ม 1 พ.ย. 2569 14:00"
    )
    assert page.inner_text(reason.format("alert-flood-korat-1")).startswith(
        "น้ำท่วม · นครราชสีมา: 9 โพสต์ในชั่วโมงที่เริ่ม 30 ต.ค. 2569 17:00"
    )
    row = page.locator("#alert-list [data-alert-id='alert-flood-korat-1']")
    assert row.locator(".badge").inner_text() == "ส่งแล้ว"
    assert row.locator("time").inner_text() == "30 ต.ค. 2569 18:00"

    # Its posts open under it, the ones that fired it.
    korat = next(a for a in dataset.ALERTS if a.alert_id == "alert-flood-korat-1")
    toggle = row.locator(".alert-toggle")
    assert toggle.inner_text() == f"โพสต์ที่ทำให้แจ้งเตือน ({len(korat.post_ids)})"
    toggle.click()
    row.locator(".alert-posts .post").first.wait_for()
    shown = row.locator(".alert-posts .post").evaluate_all("els => els.map(e => e.dataset.postId)")
    assert sorted(shown) == sorted(korat.post_ids)
    assert toggle.get_attribute("aria-expanded") == "true"

    # In English, the same reason in English words.
    page.click("#lang-toggle")
    page.wait_for_selector("#alert-history-panel h2:text-is('Alert history')")
    page.wait_for_selector(f"{reason.format('alert-keyword-flood-2')}:has-text('threshold')")
    assert page.inner_text(reason.format("alert-keyword-flood-2")) == (
        "“น้ำท่วม”: 21 posts in the hour from 30 Oct 2026, 15:00, threshold 3 an hour"
    )
    page.click("#lang-toggle")
    _assert_clean(session)


def test_history_filters_live_in_the_url(session: BrowserSession) -> None:
    session.open("#/alerts")
    session.sign_in("analyst")
    page = session.page
    page.wait_for_selector("#alert-list .alert-row")

    _choose(session, "#alert-status", "sent")
    assert page.evaluate("location.hash") == "#/alerts?status=sent"
    sent = [a.alert_id for a in dataset.ALERTS if a.status == "sent"]
    assert sorted(_row_ids(session)) == sorted(sent)
    assert set(page.locator("#alert-list .badge").all_inner_texts()) == {"ส่งแล้ว"}

    _choose(session, "#alert-status", "")
    _choose(session, "#alert-rule", "dust-keyword")
    assert page.evaluate("location.hash") == "#/alerts?rule=dust-keyword"
    assert sorted(_row_ids(session)) == ["alert-dust-1", "alert-dust-2"]

    _choose(session, "#alert-rule", "")
    _choose(session, "#alert-kind", "emerging")
    assert page.evaluate("location.hash") == "#/alerts?kind=emerging"
    emerging = [a.alert_id for a in dataset.ALERTS if a.kind == "emerging"]
    assert sorted(_row_ids(session)) == sorted(emerging)

    # The link reproduces the view: reloading keeps the filter and its result.
    page.reload()
    page.wait_for_selector("#alert-list .alert-row")
    assert page.input_value("#alert-kind") == "emerging"
    assert sorted(_row_ids(session)) == sorted(emerging)
    _assert_clean(session)


def test_admin_creates_edits_mutes_and_deletes_a_rule(session: BrowserSession) -> None:
    app = session.app
    session.open("#/alerts")
    session.sign_in("admin")
    page = session.page
    page.wait_for_selector("#rule-list .rule")
    assert _rule(app, "smog-chiangmai") is None

    # A new keyword rule: the form asks for what the kind reads; a bad address is refused
    # with the API's problem detail next to the form.
    page.click("#rule-new")
    form = page.locator("#rule-form")
    assert page.evaluate("document.activeElement.name") == "name"
    form.locator("[name=name]").fill("smog-chiangmai")
    form.locator("[name=kind]").select_option("keyword")
    assert form.locator("[name=keyword]").is_visible()
    assert not form.locator("[name=category]").is_visible()
    assert not form.locator("[name=min_score]").is_visible()
    form.locator("[name=keyword]").fill("ฝุ่น")
    form.locator("[name=threshold]").fill("3")
    form.locator("[name=recipients]").fill("env-desk")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#rule-form-error:has-text('recipients')")
    assert "422" in page.inner_text("#rule-form-error")
    assert _rule(app, "smog-chiangmai") is None

    form.locator("[name=recipients]").fill("env-desk@example.go.th\npolicy@example.go.th")
    form.locator("button[type=submit]").click()
    row = page.locator("#rule-list [data-rule='smog-chiangmai']")
    row.wait_for()
    assert not form.is_visible()
    assert row.locator(".rule-when").inner_text() == "“ฝุ่น” ตั้งแต่ 3 โพสต์/ชม."
    assert "จัดการผ่าน API" in row.locator(".rule-head").inner_text()
    stored = _rule(app, "smog-chiangmai")
    assert stored is not None
    assert (stored["kind"], stored["keyword"], stored["threshold"]) == ("keyword", "ฝุ่น", 3)
    assert stored["recipients"] == ["env-desk@example.go.th", "policy@example.go.th"]
    assert stored["muted_until"] is None

    # Edit: the form comes back filled; the name is the rule's address and stays.
    row.locator(".rule-edit").click()
    assert page.inner_text("#rule-form-title") == "แก้ไขกฎ smog-chiangmai"
    assert form.locator("[name=name]").get_attribute("readonly") is not None
    assert form.locator("[name=threshold]").input_value() == "3"
    form.locator("[name=threshold]").fill("7")
    form.locator("[name=quiet_hours]").fill("22:00-06:00")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#rule-list [data-rule='smog-chiangmai'] .rule-when:has-text('7')")
    stored = _rule(app, "smog-chiangmai")
    assert stored is not None
    assert (stored["threshold"], stored["quiet_hours"]) == (7, "22:00-06:00")

    # Mute for 7 days, shown as "muted until" a Bangkok date; then unmute.
    row.locator(".mute-days").select_option("7")
    before = datetime.now(UTC)
    row.locator(".rule-mute").click()
    row.locator(".rule-muted").wait_for()
    stored = _rule(app, "smog-chiangmai")
    assert stored is not None and stored["muted_until"] is not None
    until = datetime.fromisoformat(stored["muted_until"])
    assert timedelta(days=7) - timedelta(minutes=1) < until - before < timedelta(days=7, minutes=1)
    muted = row.locator(".rule-muted").inner_text()
    assert muted.startswith("ปิดเสียงถึง ")
    assert str(until.astimezone(BANGKOK).year + 543) in muted
    row.locator(".rule-unmute").click()
    row.locator(".rule-muted").wait_for(state="detached")
    stored = _rule(app, "smog-chiangmai")
    assert stored is not None and stored["muted_until"] is None

    # Delete, once the admin confirms.
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".rule-delete").click()
    row.wait_for(state="detached")
    assert _rule(app, "smog-chiangmai") is None
    _assert_clean(session)


def test_muting_a_configured_rule_stores_a_copy(session: BrowserSession) -> None:
    """A rule from config/siang.yaml has no delete button; muting it PUTs a stored copy."""
    app = session.app
    session.open("#/alerts")
    session.sign_in("admin")
    page = session.page
    row = page.locator("#rule-list [data-rule='flood-keyword']")
    row.wait_for()
    assert "จากไฟล์ตั้งค่า" in row.locator(".rule-head").inner_text()
    assert row.locator(".rule-delete").count() == 0
    row.locator(".mute-days").select_option("1")
    row.locator(".rule-mute").click()
    row.locator(".rule-muted").wait_for()
    assert "flood-keyword" in _get(app, "/alert-rules").json()["managed"]
    assert "จัดการผ่าน API" in row.locator(".rule-head").inner_text()

    # Deleting the stored copy brings back the configured rule, unmuted.
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".rule-delete").click()
    page.wait_for_selector("#rule-list [data-rule='flood-keyword'] .badge.origin-configured")
    configured = _rule(app, "flood-keyword")
    assert configured is not None and configured["muted_until"] is None
    _assert_clean(session)


def test_analysts_read_the_rules_and_viewers_are_told(session: BrowserSession) -> None:
    session.open("#/alerts")
    session.sign_in("analyst")
    page = session.page
    page.wait_for_selector("#rule-list .rule")
    names = {r["name"] for r in _get(session.app, "/alert-rules", "analyst").json()["rules"]}
    shown = page.locator("#rule-list .rule").evaluate_all("els => els.map(e => e.dataset.rule)")
    assert set(shown) == names and {r.name for r in dataset.RULES} <= names
    assert not page.is_visible("#rule-new")
    assert page.locator("#rule-list button, #rule-list select").count() == 0
    assert session.axe("#alerts-view") == []

    page.click("#logout")
    session.sign_in("viewer")
    page.click("nav a[data-view=alerts]")
    page.wait_for_selector("#alerts-denied:has-text('นักวิเคราะห์')")
    assert not page.is_visible("#alerts-body")
    _assert_clean(session)


def test_alerts_fit_a_phone(phone_session: BrowserSession) -> None:
    session = phone_session
    session.open("#/alerts")
    session.sign_in("admin")
    page = session.page
    page.wait_for_selector("#alert-list .alert-row")
    page.wait_for_selector("#rule-list .rule")
    page.click("#rule-new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert session.axe("#alerts-view") == []
    session.screenshot("dashboard-alerts-phone")
    _assert_clean(session)


def test_an_admin_makes_a_reopen_rule_for_one_agencys_desk(session: BrowserSession) -> None:
    app = session.app
    session.open("#/alerts")
    session.sign_in("admin")
    page = session.page
    page.wait_for_selector("#rule-list .rule")
    # The configured reopen rule says what it watches.
    configured = page.locator("#rule-list [data-rule='reopen-candidates']")
    assert "เรื่องที่แก้ไขแล้วแต่ประชาชนยังแจ้งปัญหา · ทุกหน่วยงาน" in configured.inner_text()

    page.click("#rule-new")
    form = page.locator("#rule-form")
    form.locator("[name=name]").fill("reopen-pwa")
    form.locator("[name=kind]").select_option("reopen")
    assert form.locator("[name=agency]").is_visible()
    assert not form.locator("[name=threshold]").is_visible()
    assert not form.locator("[name=keyword]").is_visible()
    form.locator("[name=agency]").fill("การประปาส่วนภูมิภาค")
    form.locator("[name=recipients]").fill("pwa-desk@example.go.th")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#rule-list [data-rule='reopen-pwa']")
    stored = _rule(app, "reopen-pwa")
    assert stored is not None
    assert (stored["kind"], stored["agency"], stored["recipients"]) == (
        "reopen", "การประปาส่วนภูมิภาค", ["pwa-desk@example.go.th"]
    )  # fmt: skip
    assert "การประปาส่วนภูมิภาค" in page.inner_text("#rule-list [data-rule='reopen-pwa']")
    httpx.delete(
        f"{app.url}/v1/alert-rules/reopen-pwa", headers={"X-API-Key": app.keys["admin"]}, timeout=10
    ).raise_for_status()
    _assert_clean(session)
