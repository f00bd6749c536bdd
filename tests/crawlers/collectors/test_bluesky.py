"""Bluesky searchPosts against a local AppView/PDS speaking the documented JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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

PATH = "/xrpc/app.bsky.feed.searchPosts"
RKEYS = ["3la1", "3la2", "3la3", "3la4", "3la5"]


def _serve(server: ApiServer) -> None:
    server.route(
        PATH,
        "cursor",
        {
            None: load_fixture("bluesky", "page1.json"),
            "c2": load_fixture("bluesky", "page2.json"),
            "c3": load_fixture("bluesky", "page3.json"),
        },
    )


def test_every_post_once_through_faults(
    api_server: ApiServer, fake_sleep: FakeSleep, build, tmp_path: Path
) -> None:
    _serve(api_server)
    api_server.fault(PATH, "c2", Reply({"error": "RateLimitExceeded"}, 429, {"Retry-After": "3"}))
    api_server.fault(PATH, "c3", Reply(raw=b"<html>bad gateway</html>"), Reply({}, 502))
    settings = make_settings(tmp_path)
    collector = build("bluesky", settings, queries=["น้ำท่วม"])

    records, error = drain(collector)

    assert error is None
    assert_ingestible(records)
    assert [r["native_id"].rsplit("/", 1)[-1] for r in records] == RKEYS
    assert collector.stats.duplicates == 1
    assert [r.reason for r in collector.rejected] == [
        "uri is missing or not an at:// uri: 'not-a-uri'"
    ]
    assert fake_sleep.calls == [3.0, 0.5, 1.0]
    assert records[0]["url"] == "https://bsky.app/profile/somchai.bsky.social/post/3la1"
    assert records[0]["author"] == "somchai.bsky.social"
    assert records[0]["engagement"] == {"likes": 3, "replies": 1, "shares": 2, "views": 0}
    assert all("authorization" not in h.headers for h in api_server.requests)
    saved = checkpoint_text(settings, "bluesky-test")
    assert "somchai" not in saved and "napat" not in saved
    state = json.loads(saved)["streams"]["query:น้ำท่วม"]
    assert state["since"] == "2026-11-08T07:05:00+00:00"


def test_crash_resume_and_inclusive_since(api_server: ApiServer, build, tmp_path: Path) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path, max_retries=1)
    api_server.fault(PATH, "c2", Reply({}, 500), Reply({}, 500))

    first, error = drain(build("bluesky", settings, queries=["ไฟดับ"]))
    assert error is not None and error.status == 500  # type: ignore[attr-defined]
    second, error = drain(build("bluesky", settings, queries=["ไฟดับ"]))
    assert error is None
    # The next run passes since= (inclusive): the boundary post comes back and is dropped.
    api_server.pages[(PATH, None)] = {"posts": load_fixture("bluesky", "page1.json")["posts"][:1]}
    before = len(api_server.requests)
    third, error = drain(build("bluesky", settings, queries=["ไฟดับ"]))

    assert error is None and third == []
    assert api_server.requests[before].query["since"] == "2026-11-08T07:05:00+00:00"
    union = [r["native_id"].rsplit("/", 1)[-1] for r in first + second]
    assert sorted(union) == RKEYS and len(union) == len(set(union))


def test_login_sends_the_access_jwt(api_server: ApiServer, build, tmp_path: Path) -> None:
    _serve(api_server)
    api_server.route(
        "/xrpc/com.atproto.server.createSession", "-", {None: {"accessJwt": "jwt-1", "did": "x"}}
    )
    settings = make_settings(
        tmp_path, bluesky_handle="siang.bsky.social", bluesky_app_password="app-pass"
    )
    records, error = drain(build("bluesky", settings, queries=["ถนน"]))

    assert error is None and len(records) == 5
    login = api_server.hits("/xrpc/com.atproto.server.createSession")
    assert json.loads(login[0].body) == {"identifier": "siang.bsky.social", "password": "app-pass"}
    assert {h.headers["authorization"] for h in api_server.hits(PATH)} == {"Bearer jwt-1"}
