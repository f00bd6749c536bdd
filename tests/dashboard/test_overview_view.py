"""The overview and a topic's drill-down in headless Chromium over the real app: filters kept
in the URL (reload, Back and Forward, a province nickname), every topic reachable page by page,
timelines with every Bangkok day or hour whatever the browser's time zone, spikes told as
observed against expected, dates typed with Buddhist-era years in Thai, a phone and a
keyboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from domain.models import SpikeEpisode
from tests.dashboard import dataset
from tests.dashboard.conftest import BrowserSession

pytestmark = pytest.mark.integration

TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
             "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]  # fmt: skip


def _texts(session: BrowserSession, selector: str) -> list[str]:
    return [t.strip() for t in session.page.locator(selector).all_inner_texts()]


def _assert_clean(session: BrowserSession) -> None:
    assert session.errors == [], f"the page raised: {session.errors}"
    assert session.outside_requests() == [], "the page called outside 127.0.0.1"


def _th_day(day: date) -> str:
    """A day as the Thai chart axis writes it: "1 พ.ย."."""
    return f"{day.day} {TH_MONTHS[day.month - 1]}"


def _th_time(at: datetime) -> str:
    """A Bangkok time as Thai text writes it, with the Buddhist-era year: "1 พ.ย. 2569 09:00"."""
    return f"{_th_day(at.date())} {at.year + 543} {at:%H:%M}"


def _versus(spike: SpikeEpisode) -> str:
    expected = f"{spike.expected:.2f}" if spike.expected < 1 else f"{spike.expected:.1f}"
    return f"พบ {spike.observed} โพสต์ เทียบกับที่คาดไว้ {expected}"


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _route(session: BrowserSession) -> tuple[str, dict[str, str]]:
    """The path and the decoded params of the page's URL fragment."""
    path, _, search = urlsplit(session.page.url).fragment.partition("?")
    return path, dict(parse_qsl(search))


def _calls(session: BrowserSession, path: str) -> list[dict[str, str]]:
    """The query params of every call the page made to /v1``path``, oldest first."""
    return [
        dict(parse_qsl(urlsplit(url).query))
        for url in session.requests
        if urlsplit(url).path == f"/v1{path}"
    ]


def _chart(session: BrowserSession, element_id: str, ready: str = "true") -> dict[str, Any]:
    """What the timeline in ``element_id`` shows (window.__siang.charts), once ``ready`` (a JS
    expression over ``chart``) holds."""
    session.page.wait_for_function(
        f"() => {{ const chart = window.__siang?.charts?.[{element_id!r}]; "
        f"return Boolean(chart) && ({ready}); }}"
    )
    return session.page.evaluate("(id) => window.__siang.charts[id]", element_id)


def _matching(keep: Callable[[Any], bool]) -> dict[int, int]:
    """Posts per topic among the dataset's posts that ``keep`` accepts."""
    counts: dict[int, int] = {}
    for row in dataset.ROWS_BY_ID.values():
        if keep(row):
            counts[row.topic] = counts.get(row.topic, 0) + 1
    return counts


def test_filters_live_in_the_url_so_reload_and_back_reproduce_the_view(
    session: BrowserSession,
) -> None:
    session.open("#/overview")
    session.sign_in("viewer")
    page = session.page
    rows = page.locator("#trending-list .topic-label")
    expect(rows).to_have_count(10)

    page.select_option("#filter-province", "นนทบุรี")
    page.select_option("#filter-category", "water_supply")
    page.fill("#filter-start", "01/11/2569")
    page.fill("#filter-end", "03/11/2569")
    page.click("#filters button[type=submit]")

    # Water posts in Nonthaburi from 1 to 3 November 2026 (Bangkok), the 3rd included.
    first, last = date(2026, 11, 1), date(2026, 11, 3)
    matching = _matching(
        lambda r: (
            r.province == "นนทบุรี" and r.category == "water_supply" and first <= r.at.date() <= last
        )
    )
    topics = [t for t in dataset.trending() if t.topic_id in matching]
    assert topics, "the dataset has water posts in Nonthaburi on those days"

    def shows_the_filtered_view() -> None:
        expect(rows).to_have_text([t.label for t in topics])
        metas = _texts(session, "#trending-list .topic-meta")
        assert [m.split(" · ")[1] for m in metas] == [
            f"{matching[t.topic_id]} โพสต์ตรงตัวกรอง" for t in topics
        ]
        assert page.input_value("#filter-province") == "นนทบุรี"
        assert page.input_value("#filter-category") == "water_supply"
        assert page.input_value("#filter-start") == "01/11/2569"
        assert page.input_value("#filter-end") == "03/11/2569"
        chart = _chart(session, "timeline-chart", "chart.times.length === 3")
        assert chart["labels"] == ["1 พ.ย.", "2 พ.ย.", "3 พ.ย."]
        per_day = [
            sum(1 for r in dataset.ROWS_BY_ID.values() if r.topic in matching
                and r.province == "นนทบุรี" and r.at.date() == day)
            for day in _days(first, last)
        ]  # fmt: skip
        assert chart["counts"] == per_day

    shows_the_filtered_view()
    in_url = {
        "province": "นนทบุรี",
        "category": "water_supply",
        "start": "2026-11-01",
        "end": "2026-11-03",
    }
    assert _route(session) == ("/overview", in_url)
    # Every panel asked the API under the same filters; dates are Bangkok days, end exclusive.
    where = {
        "province": "นนทบุรี",
        "category": "water_supply",
        "start": "2026-10-31T17:00:00.000Z",
        "end": "2026-11-03T17:00:00.000Z",
    }
    for path in ("/topics", "/stats/timeline", "/stats/province", "/stats/sentiment",
                 "/stats/category"):  # fmt: skip
        assert where.items() <= _calls(session, path)[-1].items(), path
    emergences = _calls(session, "/emergences")[-1]
    assert {
        "province": "นนทบุรี",
        "category": "water_supply",
        "detected_from": where["start"],
        "detected_to": where["end"],
    }.items() <= emergences.items()

    page.reload()
    shows_the_filtered_view()

    page.go_back()  # the unfiltered overview the user came from
    expect(rows).to_have_text([t.label for t in dataset.trending(10)])
    assert page.input_value("#filter-province") == ""
    assert page.input_value("#filter-start") == ""
    page.go_forward()
    shows_the_filtered_view()

    # A topic opened from the filtered list keeps the filters: its posts are those that pass.
    page.click(f"#trending-list .topic-row[data-topic-id='{dataset.WATER}']")
    expect(page.locator("#topic-filters")).to_have_text(
        "กรองอยู่: 1 พ.ย. 2569 – 3 พ.ย. 2569 · นนทบุรี · น้ำประปาดูทั้งหมดโดยไม่กรอง"
    )
    assert _route(session) == (f"/topic/{dataset.WATER}", in_url)
    kept = [
        r.text
        for r in sorted(dataset.ROWS_BY_ID.values(), key=lambda r: -r.hours)
        if r.topic == dataset.WATER and r.province == "นนทบุรี" and first <= r.at.date() <= last
    ]
    expect(page.locator("#topic-posts .post-text")).to_have_text(kept)
    page.click("#topic-filters a")
    expect(page.locator("#topic-posts .post-text")).to_have_text(dataset.posts_of(dataset.WATER))
    assert _route(session) == (f"/topic/{dataset.WATER}", {})
    page.go_back()
    page.go_back()
    shows_the_filtered_view()

    # The platform and grievances-only ride along the same way.
    page.select_option("#filter-platform", "tiktok")
    page.check("#filter-grievance")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/v1/stats/category"):
        page.click("#filters button[type=submit]")
    assert _route(session)[1].items() >= {"platform": "tiktok", "grievance": "true"}.items()
    called = _calls(session, "/stats/category")[-1]
    assert called.items() >= {"platform": "tiktok", "grievance": "true", **where}.items()
    page.reload()
    expect(page.locator("#filter-grievance")).to_be_checked()
    assert page.input_value("#filter-platform") == "tiktok"
    _assert_clean(session)


def test_the_topic_list_takes_a_nickname_and_pages_through_every_topic(
    session: BrowserSession,
) -> None:
    session.open("#/overview?province=โคราช")
    session.sign_in("viewer")
    page = session.page
    rows = page.locator("#trending-list .topic-label")

    # โคราช is Nakhon Ratchasima: the form and the address bar say the official name.
    korat = _matching(lambda r: r.province == "นครราชสีมา")
    expect(rows).to_have_text([t.label for t in dataset.trending() if t.topic_id in korat])
    assert page.input_value("#filter-province") == "นครราชสีมา"
    assert _route(session) == ("/overview", {"province": "นครราชสีมา"})

    # Unfiltered, all 27 topics are reachable ten at a time, and the URL holds the page.
    page.click("#filters-clear")
    everything = dataset.trending()
    pager = page.locator("#trending-pager")
    expect(pager.locator(".pager-range")).to_have_text(f"1–10 จาก {len(everything)}")
    assert page.is_disabled("#trending-pager .pager-previous")
    page.click("#trending-pager .pager-next")
    expect(pager.locator(".pager-range")).to_have_text(f"11–20 จาก {len(everything)}")
    expect(rows).to_have_text([t.label for t in everything[10:20]])
    assert _route(session) == ("/overview", {"offset": "10"})
    # The new page is read from its heading on: the focus moves there.
    assert page.evaluate("document.activeElement.closest('#trending-panel h2') !== null")
    page.click("#trending-pager .pager-next")
    expect(rows).to_have_text([t.label for t in everything[20:]])
    assert page.is_disabled("#trending-pager .pager-next")
    page.reload()
    expect(pager.locator(".pager-range")).to_have_text(
        f"21–{len(everything)} จาก {len(everything)}"
    )
    page.click("#trending-pager .pager-previous")
    expect(rows).to_have_text([t.label for t in everything[10:20]])

    # The words box finds a topic on any page, and starts from the first page again.
    page.fill("#topic-q", "ไฟป่า")
    page.press("#topic-q", "Enter")
    expect(rows).to_have_text(["ไฟป่า · แม่ฮ่องสอน"])
    assert _route(session) == ("/overview", {"q": "ไฟป่า"})

    # A province nobody knows is said as such, never shown as an empty list.
    page.evaluate("location.hash = '#/overview?province=' + encodeURIComponent('แอตแลนติส')")
    expect(page.locator("#filters [data-form-error]")).to_have_text("จังหวัด: ไม่รู้จักจังหวัด “แอตแลนติส”")
    expect(page.locator("#trending-panel [data-status]")).to_contain_text("(422)")
    assert page.locator("#trending-list .topic-row").count() == 0
    _assert_clean(session)


def test_timelines_show_every_bangkok_day_with_zeros_in_a_new_york_browser(
    session_in_zone: Callable[[str], BrowserSession],
) -> None:
    tab = session_in_zone("America/New_York")
    page = tab.page
    flood = dataset.TOPIC_BY_ID[dataset.FLOOD]
    quiet = dataset.quiet_days(dataset.FLOOD)
    assert quiet, "the flood topic has days without a post"
    days = _days(flood.first_seen.date(), flood.last_seen.date())
    counts = [flood.counts_daily.get(day.isoformat(), 0) for day in days]

    with page.expect_response(
        lambda r: urlsplit(r.url).path == f"/v1/topics/{dataset.FLOOD}"
    ) as answer:
        tab.open(f"#/topic/{dataset.FLOOD}")
        tab.sign_in("viewer")
    # The API sends every Bangkok day, the quiet ones as zeros ...
    timeline = answer.value.json()["timeline"]
    assert [p["time"] for p in timeline] == [f"{day}T00:00:00+07:00" for day in days]
    assert [p["count"] for p in timeline] == counts
    # ... and the chart draws them as zeros under Bangkok labels, though the browser's own
    # clock is 11 hours behind (its 1 November starts at Bangkok's 1 November 11:00).
    chart = _chart(tab, "topic-timeline-chart")
    assert chart["labels"] == [_th_day(day) for day in days]
    assert chart["counts"] == counts
    assert [chart["counts"][days.index(date.fromisoformat(d))] for d in quiet] == [0] * len(quiet)

    # Hourly: every Bangkok hour from the first post's to the last one's.
    page.click("#topic-timeline-panel [data-interval=hour]")
    hourly = _chart(tab, "topic-timeline-chart", "chart.interval === 'hour'")
    first, last = flood.first_seen, flood.last_seen
    hours = int((last - first).total_seconds() // 3600) + 1
    assert len(hourly["times"]) == hours and sum(hourly["counts"]) == flood.size
    assert hourly["labels"][0] == f"{_th_day(first.date())} {first:%H}:00"
    assert hourly["labels"][-1] == f"{_th_day(last.date())} {last:%H}:00"
    assert _route(tab) == (f"/topic/{dataset.FLOOD}", {"interval": "hour"})

    # Tooltips are in Bangkok too: the first day, with its Buddhist-era year.
    page.click("#topic-timeline-panel [data-interval=day]")
    _chart(tab, "topic-timeline-chart", "chart.interval === 'day'")
    box = page.locator("#topic-timeline-chart").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 50, box["y"] + box["height"] / 2)
    tooltip = page.locator("#topic-timeline-chart div", has_text="2569").last
    expect(tooltip).to_contain_text(f"{_th_day(days[0])} 2569")
    _assert_clean(tab)


def test_a_spike_says_observed_against_expected_in_the_list_and_on_the_chart(
    session: BrowserSession,
) -> None:
    flood = dataset.TOPIC_BY_ID[dataset.FLOOD]
    spike = flood.spikes[-1]
    latest = f"พุ่งล่าสุด {_th_time(spike.peak)}: {_versus(spike)}"
    session.open("#/overview")
    session.sign_in("viewer")
    page = session.page

    row = page.locator(f"#trending-list .topic-row[data-topic-id='{dataset.FLOOD}']")
    expect(row.locator(".topic-spike")).to_have_text(latest)
    row.click()
    expect(page.locator("#topic-header .topic-spike")).to_have_text(latest)

    # The chart marks the spike's day and its tooltip says the same numbers.
    chart = _chart(session, "topic-timeline-chart", "chart.spikes.length > 0")
    peak_day = f"{spike.peak.date() - timedelta(days=1)}T17:00:00.000Z"  # Bangkok midnight
    assert chart["spikes"] == [
        {"from": peak_day, "to": peak_day, "peak": peak_day, "text": _versus(spike)}
    ]
    box = page.locator("#topic-timeline-chart").bounding_box()
    assert box is not None
    index, last = chart["times"].index(peak_day), len(chart["times"]) - 1
    left, right = 48, 16  # the chart's grid margins (charts.js)
    x = box["x"] + left + (box["width"] - left - right) * index / last
    page.mouse.move(x, box["y"] + box["height"] / 2)
    tooltip = page.locator("#topic-timeline-chart div", has_text=_versus(spike)).last
    expect(tooltip).to_contain_text(f"ช่วงพุ่ง: {_versus(spike)}")

    page.click("#lang-toggle")
    expect(page.locator("#topic-header .topic-spike")).to_contain_text(
        f"observed {spike.observed} vs expected {spike.expected:.1f}"
    )
    _assert_clean(session)


def test_dates_are_typed_with_buddhist_era_years_in_thai_and_western_years_in_english(
    session: BrowserSession,
) -> None:
    # A link typed by hand with a Buddhist-era year works as well as one the page wrote.
    session.open("#/overview?start=2569-11-01&end=2026-11-03")
    session.sign_in("viewer")
    page = session.page
    start, end = page.locator("#filter-start"), page.locator("#filter-end")
    expect(start).to_have_value("01/11/2569")
    expect(end).to_have_value("03/11/2569")
    assert page.get_attribute("#filter-start", "placeholder") == "วว/ดด/ปปปป"
    _chart(session, "timeline-chart")
    assert _calls(session, "/stats/timeline")[-1]["start"] == "2026-10-31T17:00:00.000Z"
    error = page.locator("#filters [data-form-error]")

    # A Western year in Thai, or a day that does not exist, is refused with the reason.
    for typed, reason in [
        ("01/11/2026", "ใช้ปี พ.ศ. เช่น 2569"),
        ("31/02/2569", "ไม่ใช่วันที่ พิมพ์เป็น วว/ดด/ปปปป เช่น 01/11/2569"),
    ]:
        start.fill(typed)
        page.click("#filters button[type=submit]")
        expect(error).to_have_text(f"ตั้งแต่วันที่: {reason}")
        assert start.get_attribute("aria-invalid") == "true"
        assert page.evaluate("document.activeElement.id") == "filter-start"
        assert _route(session)[1]["start"] == "2569-11-01"  # nothing applied

    start.fill("2/11/2569")
    page.click("#filters button[type=submit]")
    expect(error).to_be_hidden()
    assert _route(session)[1] == {"start": "2026-11-02", "end": "2026-11-03"}
    assert start.get_attribute("aria-invalid") is None

    # English shows and takes Western years.
    page.click("#lang-toggle")
    expect(start).to_have_value("02/11/2026")
    assert page.get_attribute("#filter-start", "placeholder") == "dd/mm/yyyy"
    start.fill("05/11/2569")
    page.click("#filters button[type=submit]")
    expect(error).to_have_text("From: Use a Western year, e.g. 2026")
    start.fill("04/11/2026")
    page.click("#filters button[type=submit]")
    expect(error).to_have_text("To: The end date is before the start date")
    start.fill("01/11/2026")
    page.click("#filters button[type=submit]")
    expect(error).to_be_hidden()
    assert _route(session)[1] == {"start": "2026-11-01", "end": "2026-11-03"}
    _assert_clean(session)


def test_overview_and_topic_fit_a_phone_and_answer_the_keyboard(
    phone_session: BrowserSession,
) -> None:
    tab = phone_session
    tab.open("#/overview")
    tab.sign_in("viewer")
    page = tab.page
    page.wait_for_selector("#trending-list .topic-row")
    tab.wait_painted("#timeline-chart")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"
    assert tab.axe("#overview-view") == []

    # Tab reaches every control of the overview, each with a visible focus ring.
    wanted = {c.path for c in tab.controls("#overview-view")}
    focused = tab.tab_through(len(tab.controls()))
    reached = {f.path: f for f in focused if f.path in wanted}
    assert set(reached) == wanted, f"never focused: {wanted - set(reached)}"
    assert [str(f) for f in reached.values() if not f.ring] == []

    page.click(f"#trending-list .topic-row[data-topic-id='{dataset.FLOOD}']")
    page.wait_for_selector("#topic-posts .post")
    tab.wait_painted("#topic-timeline-chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"
    assert tab.axe("#topic-view") == []
    _assert_clean(tab)
