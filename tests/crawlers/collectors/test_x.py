"""X API v2 recent search against a local server speaking its documented JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.collectors import CollectorUnavailable
from tests.crawlers.collectors.conftest import (
    ApiServer,
    FakeSleep,
    Reply,
    assert_ingestible,
    checkpoint_text,
    drain,
    load_fixture,
    make_settings,
)

pytestmark = pytest.mark.integration

PATH = "/2/tweets/search/recent"
ALL_IDS = ["1908", "1907", "1906", "1905", "1903", "1902"]


def _serve(server: ApiServer) -> None:
    server.route(
        PATH,
        "next_token",
        {
            None: load_fixture("x", "page1.json"),
            "p2": load_fixture("x", "page2.json"),
            "p3": load_fixture("x", "page3.json"),
        },
    )


def test_every_tweet_once_through_faults(
    api_server: ApiServer, fake_sleep: FakeSleep, build, tmp_path: Path
) -> None:
    _serve(api_server)
    api_server.fault(PATH, None, Reply({"title": "Too Many Requests"}, 429, {"Retry-After": "7"}))
    api_server.fault(PATH, "p2", Reply({"title": "oops"}, 500), Reply(raw=b'{"data": [{"id"'))
    api_server.fault(PATH, "p3", Reply(load_fixture("x", "page3.json"), delay=1.5))
    settings = make_settings(tmp_path, x_bearer_token="x-test-token")
    collector = build("x", settings, queries=["น้ำไม่ไหล"])

    records, error = drain(collector)

    assert error is None
    assert_ingestible(records)
    assert [r["native_id"] for r in records] == ALL_IDS
    assert collector.stats.duplicates == 1  # 1906 is on pages 1 and 2
    assert [(r.reason, r.payload["id"]) for r in collector.rejected] == [
        ("text is missing or empty", "1904")
    ]
    assert "author_id" not in collector.rejected[0].payload
    # 429 waits what Retry-After says; the others back off with full jitter (random=0.5).
    assert fake_sleep.calls == [7.0, 0.5, 1.0, 0.5]
    first = records[0]
    assert first == {
        "platform": "x",
        "native_id": "1908",
        "created_at": "2026-11-08T07:51:00+00:00",
        "text": "ถนนพังหน้าบ้าน ไม่มีใครมาซ่อม",
        "author": "somchai_bkk",
        "url": "https://x.com/somchai_bkk/status/1908",
        "engagement": {"likes": 1908 % 7, "replies": 1, "shares": 3, "views": 108},
        "followers": 1520,
        "lang": "th",
        "source": "x-test",
        "raw": {"tweet_id": "1908", "lang": "th"},
    }
    hits = api_server.hits(PATH)
    assert {h.headers["authorization"] for h in hits} == {"Bearer x-test-token"}
    assert all("x-test-token" not in json.dumps(h.query) for h in hits)
    assert hits[0].query["query"] == "น้ำไม่ไหล"
    assert hits[0].query["expansions"] == "author_id"
    assert hits[0].query["user.fields"] == "username,public_metrics"
    assert "SiangBot" in hits[0].headers["user-agent"]
    saved = checkpoint_text(settings, "x-test")
    assert "somchai" not in saved and "napat" not in saved and "x-test-token" not in saved
    state = json.loads(saved)["streams"]["query:น้ำไม่ไหล"]
    assert state["since"] == "1908" and state["cursor"] is None


def test_crash_after_page_one_resumes_at_page_two(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path, max_retries=2, x_bearer_token="x-test-token")
    api_server.fault(PATH, "p2", *[Reply({"title": "down"}, 503)] * 3)

    first, error = drain(build("x", settings, queries=["ไฟดับ"]))

    assert isinstance(error, CollectorUnavailable)
    assert (error.source, error.status) == ("x-test", 503)
    assert [r["native_id"] for r in first] == ["1908", "1907", "1906"]
    state = json.loads(checkpoint_text(settings, "x-test"))["streams"]["query:ไฟดับ"]
    assert state["cursor"] == "p2" and state["since"] is None

    before = len(api_server.requests)
    second, error = drain(build("x", settings, queries=["ไฟดับ"]))

    assert error is None
    assert api_server.requests[before].query["next_token"] == "p2"
    union = [r["native_id"] for r in first + second]
    assert sorted(union) == sorted(ALL_IDS) and len(union) == len(set(union))


def test_next_run_asks_only_for_newer_tweets(api_server: ApiServer, build, tmp_path: Path) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path, x_bearer_token="x-test-token")
    drain(build("x", settings, queries=["ขยะ"]))
    api_server.pages[(PATH, None)] = load_fixture("x", "newer.json")
    before = len(api_server.requests)

    records, error = drain(build("x", settings, queries=["ขยะ"]))

    assert error is None
    assert [r["native_id"] for r in records] == ["1910"]
    assert api_server.requests[before].query["since_id"] == "1908"


def test_missing_token_is_an_auth_error(build, tmp_path: Path) -> None:
    records, error = drain(build("x", make_settings(tmp_path), queries=["ไฟดับ"]))
    assert records == []
    assert type(error).__name__ == "CollectorAuthError"
    assert "SIANG_CREDENTIALS__X_BEARER_TOKEN" in str(error)


def test_followers_are_the_authors_followers_count(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path, x_bearer_token="x-test-token")

    records, error = drain(build("x", settings, queries=["น้ำไม่ไหล"]))

    assert error is None
    assert_ingestible(records)
    # u1 (somchai_bkk) reports 1520 followers, u2 (napat_korat) 87; no extra request.
    assert {r["native_id"]: r["followers"] for r in records} == {
        "1908": 1520,
        "1907": 87,
        "1906": 1520,
        "1905": 87,
        "1903": 1520,
        "1902": 87,
    }
    assert {h.path for h in api_server.requests} == {PATH}


def test_authors_missing_from_includes_keep_their_tweets_without_followers(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    """A suspended or withheld author is left out of ``includes.users`` (or comes without
    ``public_metrics``): the tweets are still collected, with followers unknown."""
    page1 = load_fixture("x", "page1.json")
    page1["includes"]["users"] = [u for u in page1["includes"]["users"] if u["id"] != "u2"]
    del page1["includes"]["users"][0]["public_metrics"]
    page1["errors"] = [
        {
            "resource_type": "user",
            "value": "u2",
            "title": "Forbidden",
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
    ]
    page3 = load_fixture("x", "page3.json")
    del page3["includes"]
    api_server.route(
        PATH, "next_token", {None: page1, "p2": load_fixture("x", "page2.json"), "p3": page3}
    )
    settings = make_settings(tmp_path, x_bearer_token="x-test-token")

    records, error = drain(build("x", settings, queries=["น้ำไม่ไหล"]))

    assert error is None
    assert_ingestible(records)
    assert {r["native_id"]: r["followers"] for r in records} == {
        "1908": None,
        "1907": None,
        "1906": None,
        "1905": 87,
        "1903": None,
        "1902": None,
    }
    assert records[1]["url"] == "https://x.com/i/web/status/1907"
