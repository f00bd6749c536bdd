"""Ingestion: validation, pseudonyms, redaction, quarantine, idempotence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.errors import RecordError
from enrich.privacy import Pseudonymizer
from ingest.jsonl import parse_lines
from ingest.service import Ingestor, parse_complaint, parse_post
from storage.embedded import EmbeddedStore

NOW = datetime(2026, 11, 20, tzinfo=UTC)
PSEUDO = Pseudonymizer("test-key-0123456789abcdef")


def _record(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
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
    return base


def test_parse_post_pseudonymises_and_redacts() -> None:
    post = parse_post(_record(), pseudonymizer=PSEUDO, collected_at=NOW)
    assert post.id == "x:1001"
    assert post.author == PSEUDO.pseudonym("x", "@somchai") and "somchai" not in post.author
    assert post.text == "ไฟดับ โทร [PHONE]"
    assert post.raw["raw_extra"] == {"display": "ติดต่อ [EMAIL]"}
    assert "author" not in post.raw and "text" not in post.raw
    assert post.engagement.likes == 3 and post.collected_at == NOW


def test_parse_post_accepts_post_id_and_thai_be_dates() -> None:
    post = parse_post(
        {"post_id": "pantip:42", "text": "น้ำท่วม", "created_at": "๒๕๖๙-๑๑-๐๘T14:00:00+07:00"},
        pseudonymizer=PSEUDO,
        collected_at=NOW,
    )
    assert post.id == "pantip:42" and post.created_at.year == 2026


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"text": ""}, "text is missing or empty"),
        ({"text": None}, "text is missing or empty"),
        ({"platform": 7}, "platform must be a string, got int"),
        ({"platform": "myspace"}, "unknown platform 'myspace'"),
        ({"native_id": ""}, "native_id (or post_id) is missing"),
        ({"created_at": "2026-11-13T19:05:00"}, "created_at has no timezone"),
        ({"created_at": "เมื่อวาน"}, "created_at is not an ISO-8601 timestamp"),
        ({"engagement": {"likes": -1}}, "engagement.likes"),
    ],
)
def test_parse_post_rejects_with_reason(overrides: dict[str, object], reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_post(_record(**overrides), pseudonymizer=PSEUDO, collected_at=NOW)
    assert caught.value.reason.startswith(reason)


def test_parse_complaint_be_dates_and_categories() -> None:
    complaint = parse_complaint(
        {
            "complaint_id": "1111-1",
            "filed_at": "2569-11-08T10:00:00+07:00",
            "channel": "hotline_1111",
            "category": "water_supply",
            "subject": "น้ำเค็ม",
        }
    )
    assert complaint.filed_at.year == 2026
    with pytest.raises(RecordError, match="category"):
        parse_complaint(
            {
                "complaint_id": "1111-2",
                "filed_at": "2026-11-08T10:00:00+07:00",
                "channel": "web",
                "category": "none",
                "subject": "x",
            }
        )


def test_ingest_quarantines_counts_and_is_idempotent(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.db")
    lines = [json.dumps(_record(native_id=str(i)), ensure_ascii=False) for i in range(5)]
    lines += [json.dumps(_record(native_id="2"), ensure_ascii=False)]  # duplicate id
    lines += ["{broken", json.dumps(_record(native_id="9", text="  ")), "[1, 2]"]
    ingestor = Ingestor(store, PSEUDO, batch_size=2, clock=lambda: NOW)
    first = ingestor.ingest_lines(parse_lines(lines), source="test.jsonl")
    assert first.read == 9
    assert (first.counts.created, first.counts.unchanged, first.quarantined) == (5, 1, 3)
    assert first.reasons == [
        "line 7: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 8: text is missing or empty",
        "line 9: expected a JSON object",
    ]
    assert store.count_posts() == 5
    again = ingestor.ingest_lines(parse_lines(lines), source="test.jsonl")
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 6)
    assert store.count_posts() == 5
    assert store.count_quarantine(stage="ingest") == 3
    assert [q.reason for q in store.list_quarantine()] == first.reasons
