"""Quarantined records keep the reason but never a real handle or PII (PDPA)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from domain.privacy import Pseudonymizer, redact
from ingest.jsonl import parse_lines
from ingest.service import Ingestor
from storage.embedded import EmbeddedStore

PSEUDO = Pseudonymizer("quarantine-test-key-0123456789")


def test_quarantined_payload_is_pseudonymised_and_redacted(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "q.db")
    bad = {
        "platform": "x",
        "native_id": "1",
        "author": "@somchai_real",
        "text": "  ",
        "created_at": "2026-11-01T10:00:00+07:00",
        "raw": {"user": {"screen_name": "somchai_real"}, "note": "โทร 0812345678"},
    }
    ingestor = Ingestor(store, PSEUDO, clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    report = ingestor.ingest_lines(
        parse_lines([json.dumps(bad, ensure_ascii=False)]), source="t.jsonl"
    )
    assert report.quarantined == 1
    [record] = store.list_quarantine()
    assert record.reason == "line 1: text is missing or empty"
    assert "somchai_real" not in record.payload and "0812345678" not in record.payload
    kept = json.loads(record.payload)
    assert kept["author"] == PSEUDO.pseudonym("x", "@somchai_real")
    assert kept["raw"] == {"note": "โทร [PHONE]"}


def test_phone_after_a_dash_is_redacted() -> None:
    assert redact("โทร-0812345678 ด่วน") == ("โทร-[PHONE] ด่วน", ["phone"])
