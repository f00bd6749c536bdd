"""The post search (#/search) in headless Chromium over the real app: words marked where they
matched, pages reached by cursor and back, the three modes, "posts like this one", and the
result saved as CSV or JSON lines by analysts (never offered to viewers)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from tests.dashboard import dataset
from tests.dashboard.conftest import BrowserSession, LiveApp

pytestmark = pytest.mark.integration

FLOOD_WORD = "น้ำท่วม"  # a token of each of the flood topic's 30 posts, and of no other post


def _api(app: LiveApp, path: str, role: str = "analyst", **params: Any) -> Any:
    response = httpx.get(
        f"{app.url}/v1{path}", params=params, headers={"X-API-Key": app.keys[role]}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def _hit_ids(session: BrowserSession) -> list[str]:
    return session.page.locator("#search-hits > .post").evaluate_all(
        "els => els.map(e => e.dataset.postId)"
    )


def _wait_range(session: BrowserSession, text: str) -> None:
    session.page.wait_for_selector(f"#search-pager .pager-range:text-is('{text}')")


def _wait_loaded(session: BrowserSession) -> None:
    """Wait until the results panel has drawn what it asked for (its "loading" line gone)."""
    session.page.wait_for_selector("#search-results-panel [data-status]", state="hidden")


def _assert_clean(session: BrowserSession) -> None:
    assert session.errors == [], f"the page raised: {session.errors}"
    assert session.outside_requests() == [], "the page called outside 127.0.0.1"


def test_search_marks_the_words_and_pages_by_cursor(session: BrowserSession) -> None:
    flood = dataset.post_ids_of(dataset.FLOOD)
    session.open(f"#/search?q={quote(FLOOD_WORD)}")
    session.sign_in("analyst")
    page = session.page
    page.wait_for_selector("#search-hits .post")
    assert page.inner_text("#search-total") == f"พบ {len(flood)} โพสต์"
    _wait_range(session, f"1–20 จาก {len(flood)}")

    # Every hit marks each occurrence of the word, and only the word, in its text.
    first_page = _hit_ids(session)
    assert len(first_page) == 20 and set(first_page) <= set(flood)
    for hit in page.locator("#search-hits > .post").all():
        text = hit.locator(".post-text").inner_text()
        marks = hit.locator(".post-text mark").all_inner_texts()
        assert marks == [FLOOD_WORD] * text.count(FLOOD_WORD), text
    assert page.locator("#search-hits mark").count() >= 20

    # Next reaches the other ten hits by the API's cursor; Previous comes back to the first.
    with page.expect_request(lambda r: "/v1/posts/search" in r.url and "cursor=" in r.url):
        page.click("#search-pager .pager-next")
    _wait_range(session, f"21–30 จาก {len(flood)}")
    second_page = _hit_ids(session)
    assert len(second_page) == 10
    assert sorted(first_page + second_page) == sorted(flood)  # nothing lost or repeated
    assert page.is_disabled("#search-pager .pager-next")
    assert page.evaluate("document.activeElement.id") == "search-results-title"
    page.click("#search-pager .pager-previous")
    _wait_range(session, f"1–20 จาก {len(flood)}")
    assert _hit_ids(session) == first_page
    assert page.is_disabled("#search-pager .pager-previous")
    _assert_clean(session)


def test_the_mode_switch_changes_the_request_and_the_url(session: BrowserSession) -> None:
    session.open(f"#/search?q={quote(FLOOD_WORD)}")
    session.sign_in("viewer")
    page = session.page
    page.wait_for_selector("#search-hits .post")
    for mode in ("semantic", "hybrid", "lexical"):
        with page.expect_request(lambda r: "/v1/posts/search" in r.url) as asked:
            page.check(f"#search-form input[name=mode][value={mode}]")
        query = parse_qs(urlsplit(asked.value.url).query)
        assert query["mode"] == [mode] and query["q"] == [FLOOD_WORD]
        assert f"mode={mode}" in page.evaluate("location.hash")
        _wait_loaded(session)
        assert page.locator("#search-hits .post").count() > 0
        # Meaning has no words to mark; the other modes mark what matched.
        marks = page.locator("#search-hits mark").count()
        assert (marks == 0) if mode == "semantic" else (marks > 0), mode
        # Semantic and hybrid rank by relevance only: the order is not offered.
        assert page.is_disabled("#search-form select[name=sort]") == (mode != "lexical")
    # Meaning without words asks for them instead of calling the API for a 422.
    page.fill("#search-q", "")
    page.check("#search-form input[name=mode][value=semantic]")
    page.wait_for_selector(
        "#search-results-panel [data-status]:text-is('พิมพ์คำค้นเพื่อค้นหาตามความหมาย')"
    )
    assert page.locator("#search-hits .post").count() == 0
    _assert_clean(session)


def test_a_shared_search_link_opens_the_same_search(session: BrowserSession) -> None:
    """Filters, order and words live in the URL: the same link shows the same hits."""
    session.open("#/search")
    session.sign_in("viewer")
    page = session.page
    page.wait_for_selector("#search-hits .post")  # every post, before any words
    page.fill("#search-q", FLOOD_WORD)
    page.fill("#search-form input[name=province]", "โคราช")  # a nickname, resolved by the API
    with page.expect_response(lambda r: "/v1/posts/search" in r.url and "province=" in r.url):
        page.click("#search-form button[type=submit]")
    _wait_loaded(session)
    # A new order searches at once.
    with page.expect_response(lambda r: "/v1/posts/search" in r.url and "sort=newest" in r.url):
        page.select_option("#search-form select[name=sort]", "newest")
    _wait_loaded(session)
    shared = page.evaluate("location.hash")
    assert "province=" in shared and "q=" in shared
    ids = _hit_ids(session)
    expected = _api(session.app, "/posts/search", q=FLOOD_WORD, province="โคราช", sort="newest")
    assert ids == [hit["id"] for hit in expected["hits"]]
    times = [dataset.ROWS_BY_ID[i].at for i in ids]
    assert times == sorted(times, reverse=True)

    page.goto("about:blank")
    session.open(shared)
    page.wait_for_selector("#search-hits .post")
    assert _hit_ids(session) == ids
    assert page.input_value("#search-q") == FLOOD_WORD
    assert page.input_value("#search-form input[name=province]") == "โคราช"
    _assert_clean(session)


def test_posts_like_this_one(session: BrowserSession) -> None:
    session.open(f"#/search?q={quote(dataset.EMOJI_QUERY)}")
    session.sign_in("viewer")
    page = session.page
    page.wait_for_selector("#search-hits .post")
    hit = page.locator("#search-hits > .post").first
    post_id = hit.get_attribute("data-post-id")
    toggle = hit.locator(".similar-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    hit.locator(".similar .post").first.wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    shown = hit.locator(".similar .post").evaluate_all("els => els.map(e => e.dataset.postId)")
    similar = _api(session.app, f"/posts/{quote(post_id, safe='')}/similar", limit=5)
    assert shown == [h["id"] for h in similar["hits"]] and post_id not in shown
    toggle.click()
    assert not hit.locator(".similar").is_visible()
    _assert_clean(session)


def test_analysts_export_the_whole_result(session: BrowserSession) -> None:
    flood = dataset.post_ids_of(dataset.FLOOD)
    session.open(f"#/search?q={quote(FLOOD_WORD)}")
    session.sign_in("analyst")
    page = session.page
    page.wait_for_selector(f"#search-total:text-is('พบ {len(flood)} โพสต์')")
    assert page.is_visible("#search-export button[data-format=csv]")

    with page.expect_download() as csv_download:
        page.click("#search-export button[data-format=csv]")
    assert csv_download.value.suggested_filename == "siang-posts.csv"
    body = csv_download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(flood)  # every hit, not only the page on screen
    assert sorted(r["id"] for r in rows) == sorted(flood)

    with page.expect_download() as jsonl_download:
        page.click("#search-export button[data-format=jsonl]")
    assert jsonl_download.value.suggested_filename == "siang-posts.jsonl"
    lines = jsonl_download.value.path().read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(flood)
    _assert_clean(session)


def test_viewers_are_not_offered_the_export(session: BrowserSession) -> None:
    session.open(f"#/search?q={quote(FLOOD_WORD)}")
    session.sign_in("viewer")
    page = session.page
    page.wait_for_selector("#search-hits .post")
    assert not page.is_visible("#search-export")
    _assert_clean(session)


def test_search_fits_a_phone_in_english(phone_session: BrowserSession) -> None:
    session = phone_session
    session.open(f"#/search?q={quote(FLOOD_WORD)}")
    session.sign_in("analyst")
    page = session.page
    page.click("#lang-toggle")
    page.wait_for_selector("#search-total:text-is('30 posts found')")
    assert page.inner_text("nav a[data-view=search]") == "Post search"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert session.axe("#search-view") == []
    page.click("#lang-toggle")
    page.wait_for_selector("#search-total:text-is('พบ 30 โพสต์')")
    _assert_clean(session)
