"""Facebook Graph API page posts and comments against a local server."""

from __future__ import annotations

import json
import logging
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

POSTS = "/v19.0/123/posts"
PAGE = "/v19.0/123"
EXPECTED = ["123_1", "1_c1", "1_c2", "123_2", "123_3", "3_c1"]


def _serve(server: ApiServer) -> None:
    server.route(PAGE, "-", {None: load_fixture("facebook", "page.json")})
    server.route(
        POSTS,
        "after",
        {
            None: load_fixture("facebook", "posts1.json"),
            "a1": load_fixture("facebook", "posts2.json"),
        },
    )
    server.route(
        "/v19.0/123_1/comments",
        "after",
        {
            None: load_fixture("facebook", "comments_1_p1.json"),
            "k2": load_fixture("facebook", "comments_1_p2.json"),
        },
    )
    server.route(
        "/v19.0/123_3/comments", "after", {None: load_fixture("facebook", "comments_3_p1.json")}
    )


def test_posts_and_comments_once_through_faults(
    api_server: ApiServer, fake_sleep: FakeSleep, build, tmp_path: Path
) -> None:
    _serve(api_server)
    limited = Reply(load_fixture("facebook", "ratelimit.json"), 400, {"Retry-After": "4"})
    api_server.fault(POSTS, "a1", limited, Reply(raw=b"", status=500))
    api_server.fault("/v19.0/123_1/comments", "k2", Reply(delay=1.5), Reply(raw=b"[1, 2"))
    settings = make_settings(tmp_path, facebook_access_token="fb-test-token")
    collector = build("facebook", settings, page_ids=["123"])

    records, error = drain(collector)

    assert error is None
    assert_ingestible(records)
    assert [r["native_id"] for r in records] == EXPECTED
    assert collector.stats.duplicates == 1
    assert [(r.reason, r.payload["id"]) for r in collector.rejected] == [
        ("text is missing or empty", "123_4")
    ]
    # comments k2: timeout, bad JSON; posts a1: rate limit (Retry-After 4), then 500.
    assert fake_sleep.calls == [0.5, 1.0, 4.0, 1.0]
    post = records[0]
    assert post["created_at"] == "2026-11-08T07:00:00+00:00"
    assert post["engagement"] == {"likes": 10, "replies": 2, "shares": 3, "views": 0}
    assert post["followers"] == 48213
    assert records[1]["author"] == "9001" and records[1]["followers"] is None
    assert {h.query["access_token"] for h in api_server.requests} == {"fb-test-token"}
    saved = checkpoint_text(settings, "facebook-test")
    assert "fb-test-token" not in saved and "9001" not in saved and "สมชาย" not in saved
    assert json.loads(saved)["streams"]["page:123"]["since"] == "2026-11-08T07:00:00+00:00"


def test_crash_in_comments_resumes_without_loss(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    api_server.fault("/v19.0/123_1/comments", "k2", *[Reply({}, 503)] * 2)
    settings = make_settings(tmp_path, max_retries=1, facebook_access_token="fb-test-token")

    first, error = drain(build("facebook", settings, page_ids=["123"]))
    assert error is not None and error.status == 503  # type: ignore[attr-defined]
    assert [r["native_id"] for r in first] == ["123_1", "1_c1"]
    before = len(api_server.requests)
    second, error = drain(build("facebook", settings, page_ids=["123"]))

    assert error is None
    union = [r["native_id"] for r in first + second]
    # The posts page is re-read (its checkpoint waits for its comments), so 123_1 comes
    # twice across runs (ingest upserts it idempotently); no comment is lost or repeated.
    assert sorted(set(union)) == sorted(EXPECTED)
    assert [i for i in union if i != "123_1"] == [i for i in EXPECTED if i != "123_1"]
    resumed = api_server.requests[before:]
    assert [h.query.get("after") for h in resumed if h.path == "/v19.0/123_1/comments"] == ["k2"]


def test_later_run_sends_since(api_server: ApiServer, build, tmp_path: Path) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path, facebook_access_token="fb-test-token")
    drain(build("facebook", settings, page_ids=["123"]))
    api_server.pages[(POSTS, None)] = {"data": [], "paging": {}}
    records, error = drain(build("facebook", settings, page_ids=["123"]))
    assert error is None and records == []
    assert api_server.hits(POSTS)[-1].query["since"] == "1794121200"  # 2026-11-08T07:00Z


def test_page_followers_asked_once_and_given_to_every_post(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path, facebook_access_token="fb-test-token")

    records, error = drain(build("facebook", settings, page_ids=["123"]))

    assert error is None
    assert_ingestible(records)
    # Posts carry the page's followers_count; comments are by people: None.
    assert {r["native_id"]: r["followers"] for r in records} == {
        "123_1": 48213,
        "1_c1": None,
        "1_c2": None,
        "123_2": 48213,
        "123_3": 48213,
        "3_c1": None,
    }
    (lookup,) = api_server.hits(PAGE)  # once for the page, though it has two posts pages
    assert lookup.query == {"fields": "followers_count,fan_count", "access_token": "fb-test-token"}


def test_fan_count_when_followers_count_is_missing(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    api_server.pages[(PAGE, None)] = {"fan_count": 47002, "id": "123"}
    settings = make_settings(tmp_path, facebook_access_token="fb-test-token")

    records, error = drain(build("facebook", settings, page_ids=["123"]))

    assert error is None
    assert_ingestible(records)
    assert [r["followers"] for r in records if "_c" not in r["native_id"]] == [47002] * 3


@pytest.mark.parametrize(
    ("refusal", "attempts"),
    [
        (
            Reply(
                {
                    "error": {
                        "message": "(#10) This endpoint requires the 'pages_read_engagement' "
                        "permission or the 'Page Public Metadata Access' feature.",
                        "type": "OAuthException",
                        "code": 10,
                        "fbtrace_id": "AbC",
                    }
                },
                403,
            ),
            1,
        ),
        (Reply({"error": {"message": "An unknown error occurred", "code": 1}}, 500), 2),
    ],
    ids=["403", "500"],
)
def test_a_failed_page_lookup_keeps_every_post_without_followers(
    api_server: ApiServer,
    build,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    refusal: Reply,
    attempts: int,
) -> None:
    _serve(api_server)
    api_server.fault(PAGE, None, *[refusal] * attempts)
    settings = make_settings(tmp_path, max_retries=1, facebook_access_token="fb-test-token")

    with caplog.at_level(logging.WARNING):
        records, error = drain(build("facebook", settings, page_ids=["123"]))

    assert error is None
    assert_ingestible(records)
    assert [r["native_id"] for r in records] == EXPECTED
    assert all(r["followers"] is None for r in records)
    # Not asked again for the second posts page, and logged once.
    assert len(api_server.hits(PAGE)) == attempts
    failures = [r for r in caplog.records if r.name == "crawlers.collectors.facebook"]
    assert len(failures) == 1 and f"HTTP {refusal.status}" in failures[0].getMessage()
    assert "fb-test-token" not in caplog.text
