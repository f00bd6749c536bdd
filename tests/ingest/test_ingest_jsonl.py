"""JSON-lines reading and writing, the wire format of batch commands (ingest/jsonl.py)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from domain.models import Post
from ingest.jsonl import Line, parse_lines, read_jsonl, write_jsonl


def test_parse_lines_numbers_physical_lines_and_skips_blank_ones() -> None:
    lines = ['{"a": 1}\n', "\n", "   \n", "{oops\n", '"just a string"\n', '{"b": "ไทย"}']
    assert list(parse_lines(lines)) == [
        Line(1, '{"a": 1}', {"a": 1}, None),
        Line(
            4,
            "{oops",
            None,
            "line 4: not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        Line(5, '"just a string"', None, "line 5: expected a JSON object"),
        Line(6, '{"b": "ไทย"}', {"b": "ไทย"}, None),
    ]


def test_read_jsonl_survives_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "\xff\xfe"}\n')
    lines = list(read_jsonl(path))
    assert [line.number for line in lines] == [1, 2]
    assert lines[0].value == {"text": "ok"}
    assert lines[1].value == {"text": "\ufffd\ufffd"}


def test_write_jsonl_round_trips_models_and_dicts() -> None:
    moment = datetime(2026, 11, 8, 7, 0, tzinfo=UTC)
    post = Post(platform="x", native_id="1", text="ไฟดับ", created_at=moment, collected_at=moment)
    handle = io.StringIO()
    assert write_jsonl(handle, [post, {"z": 1, "a": "ไทย"}]) == 2
    first, second = handle.getvalue().splitlines()
    assert Post.model_validate_json(first) == post
    assert json.loads(first)["id"] == "x:1"
    assert second == '{"a": "ไทย", "z": 1}'  # sorted keys, Thai kept readable
