"""Ingestion: validation, pseudonyms, redaction, quarantine and idempotence (ingest/service.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from domain.errors import RecordError
from domain.models import Post
from domain.privacy import Pseudonymizer
from ingest.jsonl import parse_lines
from ingest.service import Ingestor, parse_post, post_identity
from storage.base import PostQuery
from storage.embedded import EmbeddedStore

NOW = datetime(2026, 11, 20, tzinfo=UTC)
BANGKOK = timezone(timedelta(hours=7))
PSEUDO = Pseudonymizer("test-key-0123456789abcdef")
_MISSING = object()  # an override that removes the key from the record


def _record(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "platform": "x",
        "native_id": "1001",
        "author": "@somchai",
        "text": "ไฟดับ โทร 081-234-5678",
        "created_at": "2026-11-13T19:05:00+07:00",
        "engagement": {"likes": 3},
        "source": "keyword:ไฟดับ",
        "raw_extra": {"display": "ติดต่อ a@b.co"},
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not _MISSING}


def _parse(**overrides: Any) -> Post:
    return parse_post(_record(**overrides), pseudonymizer=PSEUDO, collected_at=NOW)


def _line(**overrides: Any) -> str:
    return json.dumps(_record(**overrides), ensure_ascii=False)


def test_parse_post_pseudonymises_the_author() -> None:
    post = _parse()
    assert post.id == "x:1001"
    assert post.author == PSEUDO.pseudonym("x", "@somchai")
    assert post.author.startswith("anon-") and "somchai" not in post.author
    assert "author" not in post.raw


def test_parse_post_redacts_text_and_raw_payload() -> None:
    post = _parse()
    assert post.text == "ไฟดับ โทร [PHONE]"
    assert "text" not in post.raw
    assert post.raw == {
        "platform": "x",
        "native_id": "1001",
        "created_at": "2026-11-13T19:05:00+07:00",
        "engagement": {"likes": 3},
        "source": "keyword:ไฟดับ",
        "raw_extra": {"display": "ติดต่อ [EMAIL]"},
    }
    assert (post.engagement.likes, post.source, post.collected_at) == (3, "keyword:ไฟดับ", NOW)


def test_nested_raw_payload_loses_author_handles_and_pii() -> None:
    post = _parse(
        raw={
            "user": {"screen_name": "somchai", "id": 42},
            "full_text": "โทร 0812345678",
            "replies": [{"username": "somsri", "body": "เมล x@y.co"}],
        }
    )
    assert post.raw == {"full_text": "โทร [PHONE]", "replies": [{"body": "เมล [EMAIL]"}]}
    assert "somchai" not in json.dumps(post.raw) and "somsri" not in json.dumps(post.raw)


def test_parse_post_without_author() -> None:
    assert _parse(author=_MISSING).author is None


def test_parse_post_accepts_post_id_and_thai_digit_be_timestamps() -> None:
    post = parse_post(
        {"post_id": "pantip:42", "text": "น้ำท่วม", "created_at": "๒๕๖๙-๑๑-๐๘T14:00:00+07:00"},
        pseudonymizer=PSEUDO,
        collected_at=NOW,
    )
    assert post.id == "pantip:42"
    assert post.created_at == datetime(2026, 11, 8, 14, 0, tzinfo=BANGKOK)


@pytest.mark.parametrize(
    ("fields", "post_id", "created_at"),
    [
        # a plain id with its platform; a zone-less time is Bangkok time
        ({"post_id": "P0001", "platform": "pantip", "created_at": "2026-11-20T14:00:00"},
         "pantip:P0001", datetime(2026, 11, 20, 14, 0, tzinfo=BANGKOK)),
        # Buddhist-era day/month/year, Thai digits, an alias of the platform
        ({"post_id": "185301", "platform": "Twitter", "created_at": "๒๐/๑๑/๒๕๖๙ ๑๔:๓๐"},
         "x:185301", datetime(2026, 11, 20, 14, 30, tzinfo=BANGKOK)),
        # a Thai month name; a platform Thai users live on
        ({"native_id": "7301", "platform": "tiktok", "created_at": "20 พ.ย. 2569 09:05 น."},
         "tiktok:7301", datetime(2026, 11, 20, 9, 5, tzinfo=BANGKOK)),
        ({"post_id": "line:OC-9", "created_at": "2026-11-20 08:00"},
         "line:OC-9", datetime(2026, 11, 20, 8, 0, tzinfo=BANGKOK)),
        # any other platform is kept under other, its name in front of the id
        ({"native_id": "123", "platform": "Mastodon", "created_at": "2026-11-20T01:00:00Z"},
         "other:mastodon:123", datetime(2026, 11, 20, 1, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_parse_post_accepts_what_users_have(
    fields: dict[str, Any], post_id: str, created_at: datetime
) -> None:
    post = parse_post({"text": "น้ำไม่ไหลทั้งซอย", **fields}, pseudonymizer=PSEUDO, collected_at=NOW)
    assert post.id == post_id and post.created_at == created_at


def test_parse_post_keeps_its_own_collected_at() -> None:
    post = _parse(collected_at="2569-11-14T08:00:00+07:00")
    assert post.collected_at == datetime(2026, 11, 14, 8, 0, tzinfo=BANGKOK)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"text": _MISSING}, "text is missing or empty"),
        ({"text": ""}, "text is missing or empty"),
        ({"text": "   "}, "text is missing or empty"),
        ({"text": None}, "text is missing or empty"),
        ({"text": 42}, "text is missing or empty"),
        ({"platform": 7}, "platform must be a string, got int"),
        ({"platform": _MISSING}, "platform is missing"),
        ({"platform": "  "}, "platform must be a string"),
        ({"native_id": ""}, "native_id (or post_id) is missing"),
        ({"native_id": _MISSING}, "native_id (or post_id) is missing"),
        ({"created_at": "30/02/2569"}, "created_at is not a real date: '30/02/2569'"),
        (
            {"created_at": "เมื่อวาน"},
            "created_at is not a date or an ISO-8601 timestamp: 'เมื่อวาน'",
        ),
        ({"created_at": _MISSING}, "created_at is missing"),
        ({"engagement": {"likes": -1}}, "engagement.likes: Input should be greater than"),
    ],
)
def test_parse_post_rejects_with_reason(overrides: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        _parse(**overrides)
    assert caught.value.reason.startswith(reason), caught.value.reason


def test_rejection_names_the_field() -> None:
    with pytest.raises(RecordError) as caught:
        _parse(created_at="เมื่อวาน")
    assert caught.value.field == "created_at"


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "s.db")


def _ingestor(store: EmbeddedStore, *, batch_size: int = 500) -> Ingestor:
    return Ingestor(store, PSEUDO, batch_size=batch_size, clock=lambda: NOW)


def test_malformed_lines_are_quarantined_with_line_numbers(store: EmbeddedStore) -> None:
    lines = [
        _line(native_id="1"),
        "{broken",
        "",  # blank lines are skipped but still numbered
        _line(native_id="2", text="  "),
        "[1, 2]",
        _line(native_id="3", created_at="เมื่อวาน"),
        _line(native_id="4", text="ติดต่อ 0812345678", platform=7),
    ]
    report = _ingestor(store).ingest_lines(parse_lines(lines), source="test.jsonl")
    assert report.read == 6
    assert (report.counts.created, report.accepted, report.quarantined) == (1, 1, 5)
    assert report.reasons == [
        "line 2: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 4: text is missing or empty",
        "line 5: expected a JSON object",
        "line 6: created_at is not a date or an ISO-8601 timestamp: 'เมื่อวาน'",
        "line 7: platform must be a string, got int",
    ]
    assert store.count_posts() == 1
    quarantined = store.list_quarantine(stage="ingest")
    assert sorted(q.reason for q in quarantined) == sorted(report.reasons)
    assert {q.source for q in quarantined} == {"test.jsonl"}
    payloads = " ".join(q.payload for q in quarantined)
    assert "0812345678" not in payloads and "[PHONE]" in payloads


def test_reingesting_the_same_lines_changes_nothing(store: EmbeddedStore) -> None:
    lines = [_line(native_id=str(i)) for i in range(5)] + ["{broken"]
    ingestor = _ingestor(store, batch_size=2)
    first = ingestor.ingest_lines(parse_lines(lines), source="a.jsonl")
    assert (first.counts.created, first.counts.updated, first.counts.unchanged) == (5, 0, 0)
    assert store.count_posts() == 5
    again = ingestor.ingest_lines(parse_lines(lines), source="a.jsonl")
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 5)
    assert again.quarantined == 1
    assert store.count_posts() == 5
    assert store.count_quarantine(stage="ingest") == 1


def test_a_changed_post_is_updated(store: EmbeddedStore) -> None:
    ingestor = _ingestor(store)
    ingestor.ingest_lines(parse_lines([_line(text="ไฟดับ")]), source="a")
    report = ingestor.ingest_lines(parse_lines([_line(text="ไฟดับอีกแล้ว")]), source="a")
    assert (report.counts.created, report.counts.updated) == (0, 1)
    stored = store.get_post("x:1001")
    assert stored is not None and stored.text == "ไฟดับอีกแล้ว"
    assert store.count_posts() == 1


def test_duplicate_id_inside_one_batch_is_stored_once(store: EmbeddedStore) -> None:
    lines = [_line(text="ไฟดับ"), _line(native_id="2"), _line(text="ไฟดับ แก้ไข")]
    report = _ingestor(store).ingest_lines(parse_lines(lines), source="a")
    assert (report.counts.created, report.counts.unchanged, report.accepted) == (2, 1, 3)
    assert store.count_posts() == 2
    stored = store.get_post("x:1001")
    assert stored is not None and stored.text == "ไฟดับ แก้ไข"  # the later record wins


def test_duplicate_id_across_batches_is_stored_once(store: EmbeddedStore) -> None:
    lines = [_line(native_id="1"), _line(native_id="2"), _line(native_id="1")]
    report = _ingestor(store, batch_size=2).ingest_lines(parse_lines(lines), source="a")
    assert (report.counts.created, report.counts.unchanged) == (2, 1)
    assert store.count_posts() == 2


def test_progress_reports_every_accepted_line(store: EmbeddedStore) -> None:
    seen: list[int] = []
    lines = [_line(native_id=str(i)) for i in range(5)] + ["{broken"]
    _ingestor(store, batch_size=2).ingest_lines(
        parse_lines(lines), source="a", progress=seen.append
    )
    assert seen == [2, 2, 1]


def test_stored_posts_are_pseudonymised_and_redacted(store: EmbeddedStore) -> None:
    _ingestor(store).ingest_lines(parse_lines([_line()]), source="a")
    stored = store.get_post("x:1001")
    assert stored is not None
    assert stored.author == PSEUDO.pseudonym("x", "@somchai")
    assert stored.text == "ไฟดับ โทร [PHONE]"
    assert stored.collected_at == NOW
    assert "somchai" not in stored.model_dump_json()


X_STATUS = "https://x.com/somchai_bkk/status/1865432109876543210"
AT_URI = "at://did:plc:abc123xyz/app.bsky.feed.post/3kxyz"
BSKY_URL = "https://bsky.app/profile/somchai.bsky.social/post/3kxyz"


def _bluesky(did: str = "did:plc:abc123xyz", **overrides: Any) -> dict[str, Any]:
    uri = f"at://{did}/app.bsky.feed.post/3kxyz"
    return _record(
        platform="bluesky", native_id=uri, uri=uri, url=BSKY_URL, author="somchai.bsky.social",
        text="ไฟดับทั้งซอย", raw_extra=_MISSING, **overrides,
    )  # fmt: skip


def test_x_post_urls_lose_the_handle() -> None:
    record = _record(
        native_id="1865432109876543210",
        url=X_STATUS,
        text=f"ไฟดับ ดูที่ {X_STATUS}",
        raw_extra={"quoted": X_STATUS.replace("x.com", "twitter.com")},
    )
    post = parse_post(record, pseudonymizer=PSEUDO, collected_at=NOW)
    assert post.id == "x:1865432109876543210"
    assert post.url == "https://x.com/i/web/status/1865432109876543210"
    assert post.text == "ไฟดับ ดูที่ https://x.com/i/web/status/1865432109876543210"
    assert post.raw["url"] == post.url
    assert post.raw["raw_extra"] == {"quoted": "https://x.com/i/web/status/1865432109876543210"}
    assert "somchai_bkk" not in post.model_dump_json()
    assert "somchai" not in post.model_dump_json()  # nor the author's handle


def test_bluesky_ids_and_urls_lose_the_did_and_handle() -> None:
    post = parse_post(_bluesky(), pseudonymizer=PSEUDO, collected_at=NOW)
    did_pseudonym = PSEUDO.pseudonym("bluesky", "did:plc:abc123xyz")
    handle_pseudonym = PSEUDO.pseudonym("bluesky", "somchai.bsky.social")
    assert post.id == f"bluesky:at://{did_pseudonym}/app.bsky.feed.post/3kxyz"
    assert post.url == f"https://bsky.app/profile/{handle_pseudonym}/post/3kxyz"
    assert post.raw["uri"] == f"at://{did_pseudonym}/app.bsky.feed.post/3kxyz"
    dumped = post.model_dump_json()
    for secret in ("did:plc:abc123xyz", "abc123xyz", "somchai.bsky.social", "somchai"):
        assert secret not in dumped, secret
    again = parse_post(_bluesky(), pseudonymizer=PSEUDO, collected_at=NOW)
    assert again.id == post.id  # a stable id: ingesting the post again updates it
    other = parse_post(_bluesky("did:plc:zzz999qqq"), pseudonymizer=PSEUDO, collected_at=NOW)
    assert other.id != post.id and "zzz999qqq" not in other.model_dump_json()
    assert post_identity(_bluesky(), PSEUDO) == post.id
    assert post_identity(_record(native_id="1865432109876543210", url=X_STATUS), PSEUDO) == (
        "x:1865432109876543210"
    )


def test_bluesky_reingest_is_idempotent(store: EmbeddedStore) -> None:
    line = json.dumps(_bluesky(), ensure_ascii=False)
    first = _ingestor(store).ingest_lines(parse_lines([line]), source="bsky.jsonl")
    again = _ingestor(store).ingest_lines(parse_lines([line]), source="bsky.jsonl")
    assert (first.counts.created, again.counts.created, again.counts.unchanged) == (1, 0, 1)
    assert store.count_posts() == 1
    [stored] = list(store.iter_posts(PostQuery()))
    assert stored.id == post_identity(_bluesky(), PSEUDO)
    assert "did:plc:abc123xyz" not in stored.model_dump_json()
    assert "somchai.bsky.social" not in stored.model_dump_json()


def test_quarantine_reason_quoting_a_phone_number_is_redacted(store: EmbeddedStore) -> None:
    lines = [_line(native_id="1", created_at="081-234-5678")]
    report = _ingestor(store).ingest_lines(parse_lines(lines), source="bad-dates.jsonl")
    assert (report.accepted, report.quarantined) == (0, 1)
    expected = "line 1: created_at is not a date or an ISO-8601 timestamp: '[PHONE]'"
    assert report.reasons == [expected]
    [record] = store.list_quarantine(stage="ingest")
    assert record.reason == expected
    assert json.loads(record.payload)["created_at"] == "[PHONE]"
    for kept in (record.reason, record.payload, *report.reasons):
        assert "081-234-5678" not in kept and "0812345678" not in kept
