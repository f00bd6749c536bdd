"""YouTube Data API v3 search and commentThreads against a local server."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from crawlers.collectors import CollectorRateLimited
from tests.crawlers.collectors.conftest import (
    ApiServer,
    FakeSleep,
    Reply,
    Seen,
    assert_ingestible,
    checkpoint_text,
    drain,
    load_fixture,
    make_settings,
)

pytestmark = pytest.mark.integration

SEARCH = "/youtube/v3/search"
THREADS = "/youtube/v3/commentThreads"
CHANNELS = "/youtube/v3/channels"
EXPECTED = ["vidA", "cA1", "cA2", "cA3", "vidB", "cB1", "vidC"]


def _serve(server: ApiServer, *, comments_for_c: Reply | None = None) -> None:
    server.route(
        SEARCH,
        "pageToken",
        {
            None: load_fixture("youtube", "search1.json"),
            "s2": load_fixture("youtube", "search2.json"),
        },
    )
    # commentThreads pages are keyed by pageToken; the video decides the first page.
    server.route(THREADS, "pageToken", {"a2": load_fixture("youtube", "comments_vidA_2.json")})
    original = server.reply_for

    def reply_for(seen):  # type: ignore[no-untyped-def]
        if seen.path == THREADS and "pageToken" not in seen.query:
            server.requests.append(seen)
            video = seen.query["videoId"]
            if video == "vidC" and comments_for_c is not None:
                return comments_for_c
            return Reply(load_fixture("youtube", f"comments_{video}_1.json"))
        return original(seen)

    server.reply_for = reply_for  # type: ignore[method-assign]
    server.answer(CHANNELS, _channels)


def _channels(seen: Seen) -> Reply:
    """``channels.list``: the statistics of the comma-separated ``id``s it knows, at most 50."""
    ids = seen.query["id"].split(",")
    if seen.query.get("part") != "statistics" or len(ids) > 50:
        return Reply({"error": {"code": 400, "errors": [{"reason": "badRequest"}]}}, 400)
    items = [c for c in load_fixture("youtube", "channels.json")["items"] if c["id"] in ids]
    return Reply({"kind": "youtube#channelListResponse", "items": items})


def test_videos_and_comments_once_through_faults(
    api_server: ApiServer, fake_sleep: FakeSleep, build, tmp_path: Path
) -> None:
    _serve(api_server)
    rate = {"error": {"code": 403, "errors": [{"reason": "rateLimitExceeded"}]}}
    api_server.fault(SEARCH, "s2", Reply(rate, 403), Reply({}, 500))
    api_server.fault(THREADS, "a2", Reply(raw=b"{not json"), Reply(delay=1.5))
    settings = make_settings(tmp_path, youtube_api_key="yt-test-key")
    collector = build("youtube", settings, queries=["น้ำท่วม"])

    records, error = drain(collector)

    assert error is None
    assert_ingestible(records)
    assert [r["native_id"] for r in records] == EXPECTED
    assert collector.stats.duplicates == 2  # vidB on both search pages, cA2 on both comment pages
    assert [r.reason for r in collector.rejected] == ["id.videoId is missing"]
    assert fake_sleep.calls == [0.5, 1.0, 0.5, 1.0]
    comment = records[1]
    assert comment["author"] == "@somchai"
    assert comment["url"] == "https://www.youtube.com/watch?v=vidA&lc=cA1"
    assert comment["engagement"] == {"likes": 4, "replies": 2, "shares": 0, "views": 0}
    assert comment["followers"] is None
    assert {h.query["key"] for h in api_server.requests} == {"yt-test-key"}
    saved = checkpoint_text(settings, "youtube-test")
    assert "somchai" not in saved and "yt-test-key" not in saved
    assert json.loads(saved)["streams"]["search:น้ำท่วม"]["since"] == "2026-11-08T07:00:00+00:00"


def test_quota_stops_and_resumes_where_it_stopped(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    api_server.fault(SEARCH, "s2", Reply(load_fixture("youtube", "quota.json"), 403))
    settings = make_settings(tmp_path, youtube_api_key="yt-test-key")

    first, error = drain(build("youtube", settings, queries=["ถนนพัง"]))
    assert isinstance(error, CollectorRateLimited) and error.status == 403
    second, error = drain(build("youtube", settings, queries=["ถนนพัง"]))

    assert error is None
    union = [r["native_id"] for r in first + second]
    assert sorted(union) == sorted(EXPECTED) and len(union) == len(set(union))


def test_comments_disabled_skips_the_video(api_server: ApiServer, build, tmp_path: Path) -> None:
    disabled = {"error": {"code": 403, "errors": [{"reason": "commentsDisabled"}]}}
    _serve(api_server, comments_for_c=Reply(disabled, 403))
    settings = make_settings(tmp_path, youtube_api_key="yt-test-key")
    records, error = drain(build("youtube", settings, queries=["ไฟดับ"]))
    assert error is None
    assert [r["native_id"] for r in records] == EXPECTED


def test_video_followers_from_one_channels_call_per_search_page(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path, youtube_api_key="yt-test-key")

    records, error = drain(build("youtube", settings, queries=["น้ำท่วม"]))

    assert error is None
    assert_ingestible(records)
    # vidA and vidB are UC1's (125000 subscribers); UC2 hides its count. Comments: None.
    assert {r["native_id"]: r["followers"] for r in records} == {
        "vidA": 125000,
        "cA1": None,
        "cA2": None,
        "cA3": None,
        "vidB": 125000,
        "cB1": None,
        "vidC": None,
    }
    lookups = api_server.hits(CHANNELS)
    assert [h.query["id"] for h in lookups] == ["UC1", "UC1,UC2"]  # one per search page
    assert all(h.query["part"] == "statistics" for h in lookups)
    assert {h.query["key"] for h in lookups} == {"yt-test-key"}


@pytest.mark.parametrize(
    "refusal",
    [
        Reply({"error": {"code": 403, "errors": [{"reason": "forbidden"}]}}, 403),
        Reply({"error": {"code": 500, "errors": [{"reason": "backendError"}]}}, 500),
    ],
    ids=["403", "500"],
)
def test_a_failed_channels_lookup_keeps_every_video_without_followers(
    api_server: ApiServer, build, tmp_path: Path, caplog: pytest.LogCaptureFixture, refusal: Reply
) -> None:
    _serve(api_server)
    api_server.answer(CHANNELS, lambda seen: refusal)
    settings = make_settings(tmp_path, max_retries=1, youtube_api_key="yt-test-key")

    with caplog.at_level(logging.INFO):
        records, error = drain(build("youtube", settings, queries=["น้ำท่วม"]))

    assert error is None
    assert_ingestible(records)
    assert [r["native_id"] for r in records] == EXPECTED
    assert all(r["followers"] is None for r in records)
    # One warning per failed lookup (one per search page), naming no channel.
    failures = [r for r in caplog.records if r.name == "crawlers.collectors.youtube"]
    assert len(failures) == 2 and all(r.levelno == logging.WARNING for r in failures)
    assert f"HTTP {refusal.status}" in failures[0].getMessage()
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("crawlers"))
    assert "UC1" not in ours and "UC2" not in ours and "yt-test-key" not in ours
