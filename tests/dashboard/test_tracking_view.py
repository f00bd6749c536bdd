"""Complaint tracking in headless Chromium over the real app: a complaint's timeline on one
Bangkok axis (public voice per day with its phases, status changes, linked posts; พ.ศ. dates in
Thai, Western years in English, also in a New York browser), what the public said after the
fix (score, label, each measure, the posts still reporting it) with reopen verdicts that show
at once and reach the API, and the agency scorecards (ranked and unranked agencies, the
ranking chart, the province map, the CSV named for its period, the filing period in the URL).

The follow-ups come from the pipeline's tracking step run over the dataset
(``resolved_cases.fill``); every expectation below is read from the API or the dataset.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import T0
from tests.dashboard import dataset
from tests.dashboard.conftest import BrowserSession, LiveApp, assert_clean

pytestmark = pytest.mark.integration

REOPEN = dataset.REOPEN_COMPLAINT
TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
             "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]  # fmt: skip
CSTATUS_TH = {
    "received": "รับเรื่องแล้ว",
    "in_progress": "กำลังดำเนินการ",
    "forwarded": "ส่งต่อหน่วยงานแล้ว",
    "resolved": "แก้ไขแล้ว",
    "closed": "ปิดเรื่อง",
}
LABEL_TH = {"satisfied": "พอใจ", "mixed": "ก้ำกึ่ง", "dissatisfied": "ไม่พอใจ",
            "no_signal": "ข้อมูลไม่พอ"}  # fmt: skip
PLATFORM_NAMES = {"x": "X", "facebook": "Facebook", "pantip": "Pantip", "youtube": "YouTube",
                  "tiktok": "TikTok"}  # fmt: skip
# The scorecard CSV's first columns (the survey's follow them).
CSV_COLUMNS = [
    "agency", "province", "received", "resolved", "followed", "median_hours_to_first_action",
    "median_hours_to_resolution", "renewed_share", "mean_satisfaction", "ranked", "rank",
]  # fmt: skip


def _api(app: LiveApp, path: str, *, role: str = "officer", **params: Any) -> Any:
    response = httpx.get(
        f"{app.url}/v1{path}", params=params, headers={"X-API-Key": app.keys[role]}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def _csv(app: LiveApp, **params: Any) -> bytes:
    response = httpx.get(
        f"{app.url}/v1/agencies/scorecards",
        params={**params, "format": "csv"},
        headers={"X-API-Key": app.keys["analyst"]},
        timeout=10,
    )
    response.raise_for_status()
    return response.content


def _chart(session: BrowserSession, element_id: str, ready: str = "true") -> dict[str, Any]:
    """What the chart in ``element_id`` shows (window.__siang.charts), once ``ready`` holds."""
    session.page.wait_for_function(
        f"() => {{ const chart = window.__siang?.charts?.[{element_id!r}]; "
        f"return Boolean(chart) && ({ready}); }}"
    )
    return session.page.evaluate("(id) => window.__siang.charts[id]", element_id)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _bangkok_day(at: str) -> date:
    return datetime.fromisoformat(at).astimezone(T0.tzinfo).date()


def _th_day(day: date) -> str:
    return f"{day.day} {TH_MONTHS[day.month - 1]}"


def _th_time(at: str) -> str:
    """A Bangkok time as the page writes it in Thai: "12 ต.ค. 2569 10:00"."""
    local = datetime.fromisoformat(at).astimezone(T0.tzinfo)
    return f"{_th_day(local.date())} {local.year + 543} {local:%H:%M}"


def _score(value: float | None) -> str:
    """A score as the page writes it: "+0.52", "-0.75", "0.00"; "–" without one."""
    if value is None:
        return "–"
    return "0.00" if round(value, 2) == 0 else f"{value:+.2f}"


def _survey(item: dict[str, Any]) -> str:
    """A survey mean as the tables write it: "4.5 (2 คน)"; "–" without one."""
    if item.get("survey_mean") is None:
        return "–"
    return f"{item['survey_mean']:.1f} ({item['survey_responses']} คน)"


def _header(body: bytes) -> list[str]:
    return body.decode("utf-8-sig").splitlines()[0].split(",")


def _shading(session: BrowserSession, chart: dict[str, Any]) -> list[str]:
    """The phase each day of the timeline chart is shaded in, told by the colour's hue just
    above the axis; days with a bar or a marked line are left out."""
    marked = {m["time"] for m in chart["marks"]}
    days = [
        i for i, (posts, time) in enumerate(zip(chart["posts"], chart["times"], strict=True))
        if not posts and time not in marked
    ]  # fmt: skip
    colours = session.page.evaluate(
        """([days, chart]) => {
          const canvas = document.querySelector("#track-chart canvas");
          const scale = canvas.width / canvas.clientWidth;
          const ctx = canvas.getContext("2d");
          const y = Math.round((chart.zeroY - 4) * scale);
          return days.map((i) => [...ctx.getImageData(Math.round(chart.dayX[i] * scale), y, 1, 1)
            .data].slice(0, 3));
        }""",
        [days, chart],
    )

    def phase(red: int, green: int, blue: int) -> str:
        if red - blue > 60:
            return "handling"  # amber
        if green > red and green > blue:
            return "after"  # green
        return "before" if blue > red else "?"  # blue-grey

    return [phase(*rgb) for rgb in colours]


def _event_text(event: dict[str, Any]) -> str:
    what = "ยื่นเรื่อง" if event["kind"] == "filed" else CSTATUS_TH[event["status"]]
    return f"{what} ({event['agency']})" if event["agency"] else what


def test_a_complaints_timeline_keeps_bangkok_days_in_thai_and_english(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open(f"#/complaint/{REOPEN}")
    session.sign_in("officer")
    timeline = _api(session.app, f"/complaints/{REOPEN}/timeline")
    public, events = timeline["public"], timeline["events"]
    assert public[-1]["day"] < datetime.now(T0.tzinfo).isoformat()  # all in the past

    # One Bangkok day per bar, every day of the API's, the quiet ones as zeros.
    session.wait_painted("#track-chart")
    chart = _chart(session, "track-chart")
    assert [_instant(t) for t in chart["times"]] == [
        datetime.fromisoformat(d["day"]) for d in public
    ]
    assert chart["labels"] == [_th_day(_bangkok_day(d["day"])) for d in public]
    assert chart["dates"] == [d["day_th"] for d in public]  # the API's own พ.ศ. dates
    assert chart["posts"] == [d["posts"] for d in public]
    assert 0 in chart["posts"] and sum(chart["posts"]) > 0
    assert chart["phases"] == [d["phase"] for d in public]
    assert {"before", "handling", "after"} <= set(chart["phases"])
    shares = [d["negative"] / d["posts"] if d["posts"] else None for d in public]
    assert chart["shares"] == pytest.approx(shares)

    # Each day is shaded in its phase: grey before filing, amber while handled, green after
    # (read off the canvas just above the axis, on the days with no bar and no marked line).
    assert _shading(session, chart) == [
        phase
        for phase, posts, time in zip(chart["phases"], chart["posts"], chart["times"], strict=True)
        if not posts and time not in {m["time"] for m in chart["marks"]}
    ]

    # Filing and status changes, one marked line per Bangkok day, with status and agency.
    marked: dict[date, list[str]] = {}
    for event in events:
        if event["kind"] != "post":
            marked.setdefault(_bangkok_day(event["at"]), []).append(_event_text(event))
    assert [(_bangkok_day(_instant(m["time"]).isoformat()), m["text"]) for m in chart["marks"]] == [
        (day, " → ".join(texts)) for day, texts in marked.items()
    ]
    assert chart["marks"][0]["kind"] == "filed" and chart["marks"][-1]["kind"] == "resolved"
    assert "สถานีตำรวจภูธรเมืองพิษณุโลก" in chart["marks"][0]["text"]
    # Linked posts as points on their days.
    linked: dict[date, list[str]] = {}
    for event in events:
        if event["kind"] == "post":
            linked.setdefault(_bangkok_day(event["at"]), []).append(event["post"]["id"])
    assert linked, "the complaint has linked posts"
    assert [
        (_bangkok_day(_instant(p["time"]).isoformat()), p["posts"]) for p in chart["linked"]
    ] == list(linked.items())

    # Under the chart its range, and every event with its พ.ศ. date and time.
    range_text = page.inner_text("#track-range")
    assert range_text == f"{public[0]['day_th']} ถึง {public[-1]['day_th']} รายวัน ตามเวลากรุงเทพฯ"
    times = page.locator("#track-events .event time").all_inner_texts()
    assert times == [e["at_th"].removesuffix(" น.") for e in events]
    assert times == [_th_time(e["at"]) for e in events]
    kinds = page.locator("#track-events .event").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == [e["kind"] for e in events]
    assert page.locator("#track-events .event[data-kind=status] .badge").all_inner_texts() == [
        CSTATUS_TH[e["status"]] for e in events if e["kind"] == "status"
    ]

    # In English: the same Bangkok days and times, with Western years.
    page.click("#lang-toggle")
    page.wait_for_selector("#track-title:text-is('Complaint timeline')")
    english = _chart(session, "track-chart", "chart.dates.every((d) => d.endsWith('2026'))")
    assert [_instant(t) for t in english["times"]] == [_instant(t) for t in chart["times"]]
    assert len(english["dates"]) == len(public)
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2,4} 2026", d) for d in english["dates"])
    en_times = page.locator("#track-events .event time").all_inner_texts()
    assert all("2569" not in t for t in en_times)
    for shown, event in zip(en_times, events, strict=True):
        local = datetime.fromisoformat(event["at"]).astimezone(T0.tzinfo)
        assert re.fullmatch(rf"{local.day} [A-Z][a-z]{{2,4}} {local.year}, {local:%H:%M}", shown)
    assert "Filed (สถานีตำรวจภูธรเมืองพิษณุโลก)" in english["marks"][0]["text"]
    page.click("#lang-toggle")
    page.wait_for_selector("#track-title:text-is('ไทม์ไลน์ของเรื่อง')")
    assert_clean(session, console)


def test_the_timeline_is_bangkoks_in_a_new_york_browser(session_in_zone: Any) -> None:
    tab = session_in_zone("America/New_York")
    tab.open(f"#/complaint/{REOPEN}")
    tab.sign_in("officer")
    public = _api(tab.app, f"/complaints/{REOPEN}/timeline")["public"]
    chart = _chart(tab, "track-chart")
    assert chart["labels"] == [_th_day(_bangkok_day(d["day"])) for d in public]
    assert chart["dates"] == [d["day_th"] for d in public]
    assert tab.errors == []


def test_a_long_list_of_events_folds_its_linked_posts(
    session: BrowserSession, console: list[Any]
) -> None:
    """The Korat flood complaint has 30 linked posts: the list shows the filing, the status
    changes and three posts until "show all"."""
    session.open(f"#/complaint/{dataset.FLOOD_COMPLAINT}")
    session.sign_in("officer")
    page = session.page
    page.wait_for_selector("#track-events .event")
    events = _api(session.app, f"/complaints/{dataset.FLOOD_COMPLAINT}/timeline")["events"]
    items = page.locator("#track-events > .event")
    assert items.count() == len(events)
    visible = items.evaluate_all("els => els.filter(e => !e.hidden).map(e => e.dataset.kind)")
    expected, posts = [], 0
    for event in events:
        posts += event["kind"] == "post"
        if event["kind"] != "post" or posts <= 3:
            expected.append(event["kind"])
    assert visible == expected and expected.count("post") == 3
    toggle = page.locator("#track-more")
    assert toggle.inner_text() == f"แสดงทั้งหมด ({len(events)} รายการ)"
    toggle.click()
    assert items.evaluate_all("els => els.filter(e => e.hidden).length") == 0
    assert toggle.get_attribute("aria-expanded") == "true"
    # Not resolved: nothing to follow up yet, and no call for it.
    expect(page.locator("#followup-panel [data-status]")).to_have_text(
        "เรื่องนี้ยังไม่ได้แก้ไข จึงยังไม่มีการติดตามเสียงประชาชนหลังแก้ไข"
    )
    assert not [r for r in session.requests if r.endswith("/follow-up")]
    assert_clean(session, console)


def test_follow_up_shows_the_score_its_evidence_and_reopen_verdicts(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open(f"#/complaint/{REOPEN}")
    session.sign_in("officer")
    follow_up = _api(session.app, f"/complaints/{REOPEN}/follow-up")
    signal = follow_up["satisfaction"]
    assert follow_up["reopen_candidate"] and follow_up["decision"] is None

    # The score, its label and each measure with the numbers behind it.
    page.wait_for_selector("#public-score")
    assert page.inner_text("#public-score .score-value") == (
        f"{_score(signal['score'])} {LABEL_TH[signal['label']]}"
    )
    for name in ("relief", "quieter", "voice"):
        value = page.inner_text(f"#followup-body .measure[data-measure={name}] .measure-value")
        assert value == ("ข้อมูลไม่พอ" if signal[name] is None else _score(signal[name])), name
    voice = page.inner_text("#followup-body .measure[data-measure=voice]")
    assert voice.endswith(
        f"บอกว่าแก้แล้ว {signal['fixed_posts']} · บอกว่ายังไม่หาย {signal['still_broken_posts']}"
    )
    assert page.inner_text("#survey-score .score-value") == f"{follow_up['survey']['score']} จาก 5"

    # The reopen candidate's evidence: the posts still reporting it, text, time, platform.
    section = page.locator("#followup-body .reopen")
    expect(section.locator("h3 .badge")).to_have_text("ควรพิจารณาเปิดเรื่องใหม่")
    broken = [p["post_id"] for p in follow_up["still_broken"]]
    fixed = [p["post_id"] for p in follow_up["fixed"]]
    # Topic 24 has three posts written as still broken after the fix and one thanking for it;
    # the stance model may miss one of the three, never take the thanks for evidence.
    assert len(broken) >= 2
    assert all("ขอบคุณ" not in dataset.ROWS_BY_ID[p].text for p in broken)
    shown = section.locator(".post").evaluate_all("els => els.map(e => e.dataset.postId)")
    assert shown == broken + fixed
    for post_id in broken:
        row = dataset.ROWS_BY_ID[post_id]
        card = section.locator(f".post[data-post-id='{post_id}']")
        assert card.locator(".post-text").inner_text() == row.text
        meta = card.locator(".post-meta").first.inner_text()
        assert PLATFORM_NAMES[row.platform] in meta and _th_time(row.at.isoformat()) in meta
    expect(section.locator(".reopen-decision")).to_have_text("รอเจ้าหน้าที่ตัดสิน")
    session.wait_painted("#track-chart")
    session.screenshot("dashboard-complaint-tracking")

    # Confirm: the verdict shows at once and the API has it.
    section.locator(".note-input").fill("ไฟยังกระพริบ ส่งช่างไปอีกรอบ")
    section.locator("button[data-verdict=confirmed]").click()
    decided = page.locator("#followup-body .reopen-decision.verdict-confirmed")
    expect(decided).to_contain_text("ยืนยันให้เปิดเรื่องใหม่ โดย dashboard-officer")
    expect(page.locator("#followup-body button[data-verdict=confirmed]")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#followup-body .reopen")).to_contain_text(
        "คะแนนจะคิดตามคำตัดสินนี้ในรอบประมวลผลถัดไป"
    )
    assert page.inner_text("#survey-score .score-value") == f"{follow_up['survey']['score']} จาก 5"
    after = _api(session.app, f"/complaints/{REOPEN}/follow-up")
    assert after["decision"]["verdict"] == "confirmed"
    assert (after["decision"]["by"], after["decision"]["note"]) == (
        "dashboard-officer", "ไฟยังกระพริบ ส่งช่างไปอีกรอบ"
    )  # fmt: skip
    assert after["reopen_candidate"] is True
    stored = session.app.store.reopen_decisions(complaint_id=REOPEN)
    assert [(d.verdict, d.by) for d in stored] == [("confirmed", "dashboard-officer")]

    # After a reload the page still says so: it reads the API.
    page.reload()
    expect(page.locator("#followup-body .reopen-decision.verdict-confirmed")).to_be_visible()

    # A later verdict wins: dismissing takes it off the list, on the page and in the API.
    section = page.locator(f"#followup-body[data-complaint-id='{REOPEN}'] .reopen")
    section.locator("button[data-verdict=dismissed]").click()
    expect(section.locator(".reopen-decision.verdict-dismissed")).to_contain_text(
        "ไม่ต้องเปิดเรื่องใหม่ โดย dashboard-officer"
    )
    expect(section.locator("h3 .badge")).to_have_count(0)
    listed = [
        f["complaint_id"] for f in _api(session.app, "/complaints/reopen-candidates")["follow_ups"]
    ]
    assert REOPEN not in listed
    # Confirmed again, it is back (the other views' tests read it as a candidate).
    section.locator("button[data-verdict=confirmed]").click()
    expect(section.locator(".reopen-decision.verdict-confirmed")).to_be_visible()
    listed = [
        f["complaint_id"] for f in _api(session.app, "/complaints/reopen-candidates")["follow_ups"]
    ]
    assert REOPEN in listed
    assert_clean(session, console)


def _table(session: BrowserSession) -> list[tuple[str, str, str]]:
    return session.page.locator("#scorecard-table tbody tr").evaluate_all(
        "els => els.map(e => [e.dataset.agency, e.dataset.province, e.dataset.ranked])"
    )


def _expected_table(cards: list[dict[str, Any]]) -> list[list[str]]:
    return [[c["agency"], c["province"] or "", str(c["ranked"]).lower()] for c in cards]


def _download(session: BrowserSession) -> tuple[str, bytes]:
    with session.page.expect_download() as info:
        session.page.click("#scorecard-export")
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_scorecards_rank_mark_chart_map_export_and_keep_the_period(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open("#/scorecards")
    session.sign_in("officer")
    page.wait_for_selector("#scorecard-table tbody tr")
    everything = _api(session.app, "/agencies/scorecards", role="analyst")
    cards = everything["scorecards"]

    # Every agency and province, in the API's order; the unranked ones marked, not ranked.
    assert _table(session) == _expected_table(cards)
    ranked = [c for c in cards if c["ranked"]]
    unranked = [c for c in cards if not c["ranked"]]
    assert len(ranked) >= 2 and unranked
    rows = page.locator("#scorecard-table tbody tr")
    assert rows.locator("td.rank").all_inner_texts() == [
        str(c["rank"]) if c["ranked"] else "ไม่จัดอันดับ" for c in cards
    ]
    first = rows.nth(0).locator("td").all_inner_texts()
    top = ranked[0]
    assert first[1:] == [
        top["province"], str(top["received"]), str(top["resolved"]),
        f"{top['median_hours_to_first_action']:.1f}", f"{top['median_hours_to_resolution']:.1f}",
        f"{round(top['renewed_share'] * 100)}%", _score(top["mean_satisfaction"]), _survey(top),
    ]  # fmt: skip
    assert page.inner_text("#scorecard-note") == (
        f"หน่วยงานที่แก้ไขเรื่องไม่ถึง {everything['min_cases']} เรื่องในช่วงนี้แสดงไว้แต่ไม่จัดอันดับ"
    )
    assert page.inner_text("#scorecard-period") == "เรื่องที่ยื่นทุกช่วงเวลา"

    # The ranking chart: the ranked agencies only, best first.
    session.wait_painted("#ranking-chart")
    ranking = _chart(session, "ranking-chart")
    assert ranking["labels"] == [f"{c['rank']}. {c['agency']} · {c['province']}" for c in ranked]
    assert ranking["values"] == [c["mean_satisfaction"] for c in ranked]

    # The map by province: mean satisfaction, then the share still reported.
    session.wait_painted("#satmap-chart")
    groups = _api(session.app, "/satisfaction", role="analyst", group="province")["groups"]
    by_score = _chart(session, "satmap-chart")
    assert by_score["values"] == {
        g["key"]: g["mean_score"] for g in groups if g["mean_score"] is not None
    }
    assert (by_score["min"], by_score["max"]) == (-1, 1)
    assert page.locator("#satmap-table tbody tr").count() == len(groups)
    page.click("#satmap-panel [data-measure=renewed]")
    page.wait_for_function("() => location.hash.includes('measure=renewed')")
    by_share = _chart(session, "satmap-chart", "chart.min === 0")
    assert by_share["values"] == {g["key"]: g["reopen_candidates"] / g["resolved"] for g in groups}
    agreement = _api(session.app, "/satisfaction/agreement", role="analyst")
    expect(page.locator("#satmap-agreement")).to_have_text(
        f"สอดคล้องกับแบบสำรวจ: r = {agreement['pearson']:.2f}, n = {agreement['pairs']}"
    )

    session.screenshot("dashboard-scorecards")

    # The CSV of every period: the API's file, named for its period.
    name, body = _download(session)
    assert name == "siang-scorecards-all.csv"
    assert body == _csv(session.app)
    assert _header(body)[: len(CSV_COLUMNS)] == CSV_COLUMNS

    # October's filings, typed with Buddhist-era years: the table, the chart and the file
    # follow, and the period rides in the URL.
    page.fill("#scorecard-filters [name=start]", "01/10/2569")
    page.fill("#scorecard-filters [name=end]", "31/10/2569")
    with page.expect_response(lambda r: "/v1/agencies/scorecards?" in r.url):
        page.click("#scorecard-filters button[type=submit]")
    route = dict(parse_qsl(urlsplit(page.url).fragment.partition("?")[2]))
    assert route == {"start": "2026-10-01", "end": "2026-10-31", "measure": "renewed"}
    october = dict(start="2026-10-01T00:00:00+07:00", end="2026-11-01T00:00:00+07:00")
    in_october = _api(session.app, "/agencies/scorecards", role="analyst", **october)["scorecards"]

    def shows_october() -> None:
        expect(page.locator("#scorecard-table tbody tr")).to_have_count(len(in_october))
        assert _table(session) == _expected_table(in_october)
        assert page.inner_text("#scorecard-period") == ("เรื่องที่ยื่นตั้งแต่ 1 ต.ค. 2569 ถึง 31 ต.ค. 2569")
        chart = _chart(
            session,
            "ranking-chart",
            f"chart.labels.length === {sum(c['ranked'] for c in in_october)}",
        )
        assert chart["labels"] == [
            f"{c['rank']}. {c['agency']} · {c['province']}" for c in in_october if c["ranked"]
        ]

    shows_october()
    # A period changes who is ranked: some agency ranked over all time is not in October.
    ranked_now = {(c["agency"], c["province"]) for c in in_october if c["ranked"]}
    assert ranked_now and ranked_now != {(c["agency"], c["province"]) for c in ranked}
    name, body = _download(session)
    assert name == "siang-scorecards-2026-10-01-to-2026-10-31.csv"
    assert body == _csv(session.app, **october)
    assert _header(body)[: len(CSV_COLUMNS)] == CSV_COLUMNS

    # A reload shows the same period, typed back with Buddhist-era years.
    page.reload()
    page.wait_for_selector("#scorecard-table tbody tr")
    assert page.input_value("#scorecard-filters [name=start]") == "01/10/2569"
    assert page.input_value("#scorecard-filters [name=end]") == "31/10/2569"
    shows_october()
    assert page.get_attribute("#satmap-panel [data-measure=renewed]", "aria-pressed") == "true"

    # In English the period is typed and said with Western years.
    page.click("#lang-toggle")
    page.wait_for_selector("#scorecard-title:text-is('Agency scorecards by province')")
    assert page.input_value("#scorecard-filters [name=start]") == "01/10/2026"
    expect(page.locator("#scorecard-period")).to_have_text(
        re.compile(r"^Complaints filed from 1 Oct 2026 to 31 Oct 2026$")
    )
    page.click("#lang-toggle")
    page.wait_for_selector("#scorecard-title:text-is('ผลงานหน่วยงานรายจังหวัด')")

    # The reopen candidates, as the API lists them, each leading to its complaint's page.
    candidates = _api(session.app, "/complaints/reopen-candidates")["follow_ups"]
    listed = page.locator("#reopens-list .reopen-row").evaluate_all(
        "els => els.map(e => e.dataset.complaintId)"
    )
    assert listed == [f["complaint_id"] for f in candidates] and REOPEN in listed
    page.click(f"#reopens-list a:text-is('{REOPEN}')")
    page.wait_for_selector("#public-score")
    assert page.evaluate("location.hash") == f"#/complaint/{quote(REOPEN, safe='')}"
    assert_clean(session, console)


def test_scorecards_for_analysts_and_not_for_viewers(
    session: BrowserSession, console: list[Any]
) -> None:
    page = session.page
    session.open("#/scorecards")
    session.sign_in("analyst")
    page.wait_for_selector("#scorecard-table tbody tr")
    expect(page.locator("#reopens-panel [data-status]")).to_have_text(
        "รายการนี้แสดงเฉพาะคีย์ของเจ้าหน้าที่รับเรื่องขึ้นไป"
    )
    assert not [r for r in session.requests if "/v1/complaints" in r]
    page.click("#logout")
    page.fill("#key-input", session.app.keys["viewer"])
    page.click("#key-submit")
    expect(page.locator("#scorecards-denied")).to_contain_text("นักวิเคราะห์")
    assert not page.is_visible("#scorecards-body")
    assert_clean(session, console)


def test_the_survey_shows_beside_the_public_signal(
    session: BrowserSession, console: list[Any]
) -> None:
    """The centre's survey answers (imported by the dataset as POST /v1/surveys imports a
    file): beside a complaint's public score, in the tables, and their agreement with the
    public signal, which is not said for a period without answers."""
    page = session.page
    session.open(f"#/complaint/{REOPEN}")
    session.sign_in("officer")
    survey = _api(session.app, f"/complaints/{REOPEN}/follow-up")["survey"]
    assert survey is not None
    page.wait_for_selector("#survey-score")
    assert page.inner_text("#survey-score .score-value") == f"{survey['score']} จาก 5"
    assert page.inner_text("#survey-score .survey-comment") == f"“{survey['comment']}”"
    assert f"ตอบเมื่อ {_th_time(survey['answered_at'])}" in page.inner_text("#survey-score")
    assert page.is_visible("#public-score")

    # A resolved complaint nobody answered about: the public score alone.
    unanswered = "1111-2569-000402"
    assert unanswered not in dataset.SURVEY_CSV
    assert _api(session.app, f"/complaints/{unanswered}/follow-up")["survey"] is None
    page.fill("#complaint-input", unanswered)
    page.click("#complaint-form button[type=submit]")
    shown = page.locator(f"#followup-body[data-complaint-id='{unanswered}']")
    expect(shown.locator("#public-score")).to_be_visible()
    expect(shown.locator("#survey-score")).to_have_count(0)

    # The tables carry the survey's mean and how many answered; the agreement is the API's.
    page.evaluate("location.hash = '#/scorecards'")
    page.wait_for_selector("#scorecard-table tbody tr")
    cards = _api(session.app, "/agencies/scorecards", role="analyst")["scorecards"]
    assert any(c["survey_mean"] is not None for c in cards)
    expect(page.locator("#scorecard-table th[data-survey]")).to_be_visible()
    cells = page.locator("#scorecard-table tbody tr td:last-child").all_inner_texts()
    assert cells == [_survey(c) for c in cards]
    groups = _api(session.app, "/satisfaction", role="analyst", group="province")["groups"]
    expect(page.locator("#satmap-table tbody tr")).to_have_count(len(groups))
    cells = page.locator("#satmap-table tbody tr td:last-child").all_inner_texts()
    assert cells == [_survey(g) for g in groups]
    agreement = _api(session.app, "/satisfaction/agreement", role="analyst")
    assert agreement["pairs"] >= 3 and agreement["pearson"] is not None
    expect(page.locator("#satmap-agreement")).to_have_text(
        f"สอดคล้องกับแบบสำรวจ: r = {agreement['pearson']:.2f}, n = {agreement['pairs']}"
    )

    # September: no surveyed complaint was resolved then, so no agreement is claimed.
    september = dict(start="2026-09-01T00:00:00+07:00", end="2026-10-01T00:00:00+07:00")
    assert _api(session.app, "/satisfaction/agreement", role="analyst", **september)["pairs"] == 0
    with page.expect_response(lambda r: "/v1/satisfaction/agreement?" in r.url):
        page.evaluate("location.hash = '#/scorecards?start=2026-09-01&end=2026-09-30'")
    expect(page.locator("#satmap-agreement")).to_be_hidden()
    assert_clean(session, console)


def test_the_tracking_views_fit_a_phone(phone_session: BrowserSession) -> None:
    session = phone_session
    session.open(f"#/complaint/{REOPEN}")
    session.sign_in("officer")
    page = session.page
    page.wait_for_selector("#followup-body .reopen")
    session.wait_painted("#track-chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert session.axe("#complaint-view") == []
    page.evaluate("location.hash = '#/scorecards'")
    page.wait_for_selector("#scorecard-table tbody tr")
    session.wait_painted("#satmap-chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert [v for v in session.axe("#scorecards-view") if v.impact in ("serious", "critical")] == []
    assert session.errors == []
