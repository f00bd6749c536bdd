"""Reason classes of quarantined records (domain/quarantine.py): the bounded /metrics label."""

from __future__ import annotations

import pytest

from domain.models import QuarantinedRecord
from domain.quarantine import REASON_CLASSES, reason_class
from tests.conftest import T0


def _record(
    reason: str, *, stage: str = "ingest", source: str = "posts.jsonl"
) -> QuarantinedRecord:
    return QuarantinedRecord(
        stage=stage, source=source, reason=reason, payload="{}", received_at=T0
    )


# Reasons as Siang's stages write them (ingest, complaints, collectors, Traffy, the stores).
@pytest.mark.parametrize(
    ("reason", "source", "expected"),
    [
        ("line 3: not valid JSON (Expecting value)", "posts.jsonl", "malformed"),
        ("line 4: expected a JSON object", "posts.jsonl", "malformed"),
        ("line 5: empty record", "posts.jsonl", "malformed"),
        ("item is a str, not an object", "x-grievances", "malformed"),
        ("issue is not a JSON object", "traffy", "malformed"),
        ("line 9: text is missing or empty", "posts.jsonl", "missing_field"),
        ("line 2: platform is missing", "posts.jsonl", "missing_field"),
        ("id.videoId is missing", "youtube-thai", "missing_field"),
        ("ticket_id is missing", "traffy", "missing_field"),
        ("line 6: created_at is not ISO-8601: '4 Nov'", "posts.jsonl", "invalid_value"),
        ("line 7: province 'Narnia' is not a Thai province", "1111.csv", "invalid_value"),
        (
            "line 8: engagement.likes: Input should be a valid integer",
            "posts.jsonl",
            "invalid_value",
        ),
        ("line 2: platform must be a string, got int", "posts.jsonl", "invalid_value"),
        (
            "line 1: id is 530 bytes in UTF-8; stores accept at most 512 (a Thai letter takes 3)",
            "posts.jsonl",
            "id_too_long",
        ),
        ("id is 530 bytes; Elasticsearch allows at most 512", "elasticsearch", "id_too_long"),
        ("x:1: failed to parse field [created_at]", "elasticsearch", "store_refused"),
        (
            "x:1: the store refused it: Elasticsearch refused ingest",
            "posts-1.jsonl",
            "store_refused",
        ),
        ("line 3: bad", "posts.jsonl", "other"),
    ],
)
def test_every_reason_siang_writes_has_its_class(reason: str, source: str, expected: str) -> None:
    assert reason_class(_record(reason, source=source)) == expected


def test_classes_are_a_closed_set() -> None:
    assert reason_class(_record("โพสต์นี้แปลก")) in REASON_CLASSES
    assert len(REASON_CLASSES) == len(set(REASON_CLASSES)) == 6
