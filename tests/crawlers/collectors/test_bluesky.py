"""Bluesky searchPosts against a local AppView/PDS speaking the documented JSON."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

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

PATH = "/xrpc/app.bsky.feed.searchPosts"
PROFILES = "/xrpc/app.bsky.actor.getProfiles"
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
    known = load_fixture("bluesky", "profiles.json")["profiles"]
    server.answer(PROFILES, lambda seen: _profiles(seen, known))


def _profiles(seen: Seen, known: list[dict[str, Any]]) -> Reply:
    """``getProfiles``: the profiles of the ``actors`` it knows (at most 25), in order."""
    actors = seen.params.get("actors", [])
    if not actors or len(actors) > 25:
        return Reply({"error": "InvalidRequest", "message": "actors: 1 to 25"}, 400)
    by_did = {p["did"]: p for p in known}
    return Reply({"profiles": [by_did[a] for a in actors if a in by_did]})


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
    assert records[0]["followers"] == 1203
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
    assert {h.headers["authorization"] for h in api_server.hits(PROFILES)} == {"Bearer jwt-1"}
    assert [r["followers"] for r in records] == [1203, 56, 1203, 56, 1203]


def test_followers_from_one_get_profiles_call_per_page(
    api_server: ApiServer, build, tmp_path: Path
) -> None:
    _serve(api_server)
    settings = make_settings(tmp_path)

    records, error = drain(build("bluesky", settings, queries=["น้ำท่วม"]))

    assert error is None
    assert_ingestible(records)
    # did:plc:aaa (somchai) has 1203 followers, did:plc:bbb (napat) 56.
    assert {r["native_id"].rsplit("/", 1)[-1]: r["followers"] for r in records} == {
        "3la1": 1203,
        "3la2": 56,
        "3la3": 1203,
        "3la4": 56,
        "3la5": 1203,
    }
    assert [h.params["actors"] for h in api_server.hits(PROFILES)] == [
        ["did:plc:aaa", "did:plc:bbb"],
        ["did:plc:aaa", "did:plc:bbb"],
        ["did:plc:aaa"],
    ]


def test_profiles_are_asked_25_at_a_time(api_server: ApiServer, build, tmp_path: Path) -> None:
    template = load_fixture("bluesky", "page1.json")["posts"][0]
    posts = []
    for i in range(30):
        did = f"did:plc:u{i:02d}"
        post = json.loads(json.dumps(template))
        post["uri"] = f"at://{did}/app.bsky.feed.post/3lb{i:02d}"
        post["author"] = {"did": did, "handle": f"u{i:02d}.bsky.social", "displayName": "x"}
        posts.append(post)
    api_server.route(PATH, "cursor", {None: {"posts": posts}})
    # u07's account is gone: getProfiles leaves it out, and its post keeps followers None.
    known = [{"did": f"did:plc:u{i:02d}", "followersCount": 10 * i} for i in range(30) if i != 7]
    api_server.answer(PROFILES, lambda seen: _profiles(seen, known))
    settings = make_settings(tmp_path)

    records, error = drain(build("bluesky", settings, queries=["ไฟดับ"]))

    assert error is None
    assert_ingestible(records)
    assert [r["followers"] for r in records] == [None if i == 7 else 10 * i for i in range(30)]
    assert [len(h.params["actors"]) for h in api_server.hits(PROFILES)] == [25, 5]


@pytest.mark.parametrize(
    ("refusal", "attempts"),
    [
        (Reply({"error": "Forbidden", "message": "Forbidden"}, 403), 1),
        (Reply({"error": "InternalServerError", "message": "Internal Server Error"}, 500), 2),
    ],
    ids=["403", "500"],
)
def test_a_failed_profile_lookup_keeps_every_post_without_followers(
    api_server: ApiServer,
    build,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    refusal: Reply,
    attempts: int,
) -> None:
    _serve(api_server)
    api_server.answer(PROFILES, lambda seen: refusal)
    settings = make_settings(tmp_path, max_retries=1)
    collector = build("bluesky", settings, queries=["น้ำท่วม"])

    with caplog.at_level(logging.WARNING):
        records, error = drain(collector)

    assert error is None
    assert_ingestible(records)
    assert [r["native_id"].rsplit("/", 1)[-1] for r in records] == RKEYS
    assert all(r["followers"] is None for r in records)
    assert len(api_server.hits(PROFILES)) == 3 * attempts  # each page asks once (and retries)
    # One warning per failed lookup, naming no DID or handle.
    failures = [r for r in caplog.records if r.name == "crawlers.collectors.bluesky"]
    assert len(failures) == 3 and all(f"HTTP {refusal.status}" in r.getMessage() for r in failures)
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("crawlers"))
    assert "did:" not in ours and "bsky.social" not in ours
