"""What every view owes every user, whatever it shows: checked on each view in Thai and English.

Each view is opened once per language with an admin key (every control shown) and the
TH/EN button, then: a full-page screenshot, Thai and emoji drawn as glyphs and not as empty
boxes, no WCAG 2 A/AA violation axe-core rates serious or critical, every control reachable
with Tab and showing where the focus is, and on a 390 px phone no sideways scrolling. Times
stay in Bangkok when the browser runs in New York. The helpers behind these checks are
checked too: each must fail on a page that breaks its rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.dashboard import dataset
from tests.dashboard.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    BrowserSession,
    LiveApp,
    open_tab,
    png_size,
)

pytestmark = pytest.mark.integration

LOADING = ("กำลังโหลด", "Loading")
# Emoji and other pictographs, as JavaScript's regular expressions name them.
PICTOGRAPH = r"\p{Extended_Pictographic}"


@dataclass(frozen=True)
class View:
    """One view of the dashboard as the product checks open it."""

    name: str  # the view's section is #<name>-view
    fragment: str
    content: str  # shows that the view's data arrived
    thai: str  # an element whose text is Thai data (the same in both languages)
    emoji: bool  # whether the view shows a post with emoji
    charts: tuple[str, ...] = ()
    prepare: Callable[[BrowserSession], None] | None = None

    def __str__(self) -> str:
        return self.name


def _expand_the_taps_alert(tab: BrowserSession) -> None:
    """Open the posts of the alert on Bangkok's dry taps (posts with emoji)."""
    row = tab.page.locator("#alert-list [data-alert-id='alert-spike-taps']")
    row.locator("button[aria-expanded]").click()
    row.locator(".post").first.wait_for()


VIEWS = [
    View("overview", "#/overview", "#trending-list .topic-row", "#trending-list .topic-label",
         emoji=False, charts=("#timeline-chart", "#map-chart", "#sentiment-chart",
                              "#category-chart")),
    View("topic", f"#/topic/{dataset.TAP_BKK}", "#topic-posts .post", "#topic-title",
         emoji=True, charts=("#topic-timeline-chart",)),
    View("search", f"#/search?q={dataset.EMOJI_QUERY}", "#search-hits .post",
         "#search-hits .post-text", emoji=True),
    View("complaint", f"#/complaint/{dataset.FLOOD_COMPLAINT}", "#related-posts .post",
         "#complaint-card", emoji=True),
    View("scorecards", "#/scorecards", "#scorecard-table tbody tr",
         "#scorecard-table tbody th.agency", emoji=False,
         charts=("#ranking-chart", "#satmap-chart")),
    View("alerts", "#/alerts", "#alert-list .alert-row",
         "#alert-list [data-alert-id='alert-spike-taps'] .post-text", emoji=True,
         prepare=_expand_the_taps_alert),
]  # fmt: skip
LANGS = ("th", "en")
CASES = [(view, lang) for view in VIEWS for lang in LANGS]
CASE_IDS = [f"{view}-{lang}" for view, lang in CASES]


def _wait_ready(tab: BrowserSession, view: View) -> None:
    """Until the view shows its data, no panel says "loading" and no request is in flight."""
    page = tab.page
    try:
        page.wait_for_selector(f"#{view.name}-view", state="visible")
        page.wait_for_selector(view.content)
    except Exception as exc:
        tab.screenshot(f"product-{view}-not-ready")
        raise AssertionError(
            f"the {view} view did not show {view.content} ({view.fragment}); "
            f"page errors: {tab.errors}"
        ) from exc
    page.wait_for_function(
        """([section, loading]) => [...document.querySelectorAll(`${section} [data-status]`)]
             .every((s) => s.hidden || !loading.some((w) => s.textContent.includes(w)))""",
        arg=[f"#{view.name}-view", list(LOADING)],
    )
    tab.settle()
    for chart in view.charts:
        tab.wait_painted(chart)


def _show(tab: BrowserSession, view: View, lang: str) -> None:
    """Sign in with an admin key, open ``view`` and switch to ``lang`` with the TH/EN button."""
    tab.open(view.fragment)
    tab.sign_in("admin")
    _wait_ready(tab, view)
    if lang == "en":
        tab.page.click("#lang-toggle")
        tab.page.wait_for_function("document.documentElement.lang === 'en'")
        _wait_ready(tab, view)
    if view.prepare is not None:
        view.prepare(tab)
        tab.settle()


@dataclass
class Shown:
    tab: BrowserSession
    view: View
    lang: str


@pytest.fixture(scope="module", params=CASES, ids=CASE_IDS)
def shown(request: pytest.FixtureRequest, browser: Any, live_app: LiveApp) -> Iterator[Shown]:
    """One desktop tab per view and language, shared by the checks below."""
    view, lang = request.param
    with open_tab(browser, live_app) as tab:
        _show(tab, view, lang)
        yield Shown(tab, view, lang)


def test_full_page_screenshot(shown: Shown) -> None:
    shot = shown.tab.screenshot(f"product-{shown.view}-{shown.lang}")
    width, height = png_size(shot)
    assert width == DESKTOP["width"] and height >= DESKTOP["height"], (width, height)
    assert shot.stat().st_size > 30_000  # a page with content, not a blank one
    page = shown.tab.page
    assert page.evaluate("document.documentElement.lang") == shown.lang
    assert shown.tab.errors == [], f"the page raised: {shown.tab.errors}"
    assert shown.tab.outside_requests() == [], "the page called outside 127.0.0.1"


def _mark_emoji_text(tab: BrowserSession, view: View) -> str | None:
    """The text of the first post in the view that carries an emoji, its element marked
    ``data-glyph-probe``; None if the view shows none."""
    return tab.page.evaluate(
        """([section, pattern]) => {
          const emoji = new RegExp(pattern, "u");
          const texts = [...document.querySelectorAll(`${section} .post-text`)]
            .filter((el) => el.checkVisibility() && emoji.test(el.textContent));
          if (!texts.length) return null;
          texts[0].setAttribute("data-glyph-probe", "");
          return texts[0].textContent;
        }""",
        [f"#{view.name}-view", PICTOGRAPH],
    )


def test_thai_and_emoji_are_drawn_as_glyphs(shown: Shown) -> None:
    tab, view = shown.tab, shown.view
    thai_text = tab.page.locator(view.thai).first.inner_text()
    thai = "".join(sorted({c for c in thai_text if "\u0e00" <= c <= "\u0e7f"}))
    assert len(thai) >= 5, f"{view.thai} shows no Thai: {thai_text!r}"
    assert tab.glyphs_render(thai, view.thai)

    text = _mark_emoji_text(tab, view)
    if view.emoji:
        assert text is not None, f"the {view} view shows no post with emoji"
        assert tab.glyphs_render(text, "[data-glyph-probe]")
    else:  # no posts here: the emoji post drawn in the view's own font stack
        post = dataset.ROWS_BY_ID[dataset.EMOJI_POST].text
        assert tab.glyphs_render(post, view.thai)


def test_no_serious_or_critical_accessibility_violation(shown: Shown) -> None:
    violations = shown.tab.axe()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{shown.view}-{shown.lang}.json").write_text(
        json.dumps([v.__dict__ for v in violations], ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    serious = [str(v) for v in violations if v.impact in ("serious", "critical")]
    assert serious == [], "\n".join(serious)


def test_every_control_is_reached_by_tab_with_a_visible_focus(shown: Shown) -> None:
    tab = shown.tab
    controls = tab.controls("body")
    assert len(controls) >= 5, controls  # at least the navigation
    # Start before the first control: at the page's title, then Tab through all of it.
    tab.page.locator("header h1").click()
    stops = tab.tab_through(2 * len(controls) + 10)
    reached = {stop.path for stop in stops}
    missed = [str(c) for c in controls if c.path not in reached]
    assert missed == [], f"not reachable by Tab: {missed}"
    ringed = {stop.path for stop in stops if stop.ring}
    no_ring = sorted({str(s) for s in stops if s.path not in ringed and s.tag != "body"})
    assert no_ring == [], f"no visible focus indicator: {no_ring}"
    hidden = sorted({str(s) for s in stops if not s.visible and s.tag != "body"})
    assert hidden == [], f"focus went to something not on screen: {hidden}"


@pytest.mark.parametrize(("view", "lang"), CASES, ids=CASE_IDS)
def test_a_phone_never_scrolls_sideways(
    phone_session: BrowserSession, view: View, lang: str
) -> None:
    _show(phone_session, view, lang)
    page = phone_session.page
    phone_session.screenshot(f"product-{view}-{lang}-phone")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll("body *")]
             .filter((el) => el.checkVisibility() && el.getBoundingClientRect().right > limit + 1)
             .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.classList[0] || ""}`)
             .slice(0, 10)""",
        PHONE["width"],
    )
    assert width <= PHONE["width"], f"scrollWidth {width}; too wide: {wide}"
    box = page.locator(view.content).first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
    assert page.locator(view.content).first.is_visible()


TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_times_stay_in_bangkok_wherever_the_browser_is(
    session_in_zone: Callable[[str], BrowserSession], view: View
) -> None:
    """A browser in New York shows the same times as one in Bangkok: Bangkok's."""
    texts = {}
    for zone in ("Asia/Bangkok", "America/New_York"):
        tab = session_in_zone(zone)
        _show(tab, view, "th")
        texts[zone] = tab.page.inner_text(f"#{view.name}-view")
    assert TIME.search(texts["Asia/Bangkok"]), f"the {view} view shows no time of day"
    assert texts["America/New_York"] == texts["Asia/Bangkok"]


# The helpers above must be able to fail: each is shown a small page that breaks its rule
# (a page of its own, so the check does not depend on the state of the views).

_FONT_STACK = '"Noto Sans Thai", "Sarabun", "Tahoma", sans-serif'  # as dashboard/web/style.css


def test_glyph_check_fails_for_code_points_no_font_has(session: BrowserSession) -> None:
    session.page.set_content(f'<p id="text" style="font-family: {_FONT_STACK}">เสียง</p>')
    unassigned = "\u0380\u2fe5\U0001fffd\U0003fffd"  # unassigned or private use
    check = session.glyphs_render(unassigned, "#text")
    assert not check
    assert check.missing == list(unassigned)
    half = session.glyphs_render("น้ำ\u0380ไหล", "#text")
    assert not half and half.missing == ["\u0380"]
    assert session.glyphs_render("เสียงประชาชน 😡🙏💧🚰", "#text")


def test_axe_and_tab_checks_see_a_broken_page(session: BrowserSession) -> None:
    session.page.set_content(
        """<!doctype html><html lang="th"><title>ทดสอบ</title><main>
          <h1>ทดสอบ</h1>
          <img id="no-alt" src="data:," width="20" height="20">
          <a id="link" href="#a">ลิงก์</a>
          <button id="no-ring" style="outline: none">ok</button>
          <button id="ringed">ตกลง</button>
          <button id="hidden-one" hidden>ซ่อน</button>
        </main></html>"""
    )
    found = {v.id: v for v in session.axe()}
    assert found["image-alt"].impact == "critical"
    assert found["image-alt"].targets == ["#no-alt"]
    controls = [c.id for c in session.controls("main")]
    assert controls == ["link", "no-ring", "ringed"]
    session.page.locator("h1").click()
    stops = session.tab_through(3)
    assert [(s.id, s.text, s.ring) for s in stops] == [
        ("link", "ลิงก์", True),
        ("no-ring", "ok", False),
        ("ringed", "ตกลง", True),
    ]
