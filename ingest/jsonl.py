"""JSON-lines input and output: the wire format of Siang's batch commands."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Line:
    """One input line: its number, raw text, and the parsed object or why it failed."""

    number: int
    text: str
    value: dict[str, Any] | None
    error: str | None


def read_jsonl(path: Path) -> Iterator[Line]:
    """Yield every non-blank line; malformed lines carry an error instead of raising."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        yield from parse_lines(handle)


def read_objects(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a file, malformed lines left out (for labelled data sets, whose
    own checks have read every line; input to a stage goes through ``read_jsonl``)."""
    return [line.value for line in read_jsonl(path) if line.value is not None]


def parse_lines(lines: Iterable[str]) -> Iterator[Line]:
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\n")
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Line(number, text, None, f"line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(value, dict):
            yield Line(number, text, None, f"line {number}: expected a JSON object")
            continue
        yield Line(number, text, value, None)


def write_jsonl(handle: IO[str], rows: Iterable[BaseModel | dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        data = row.model_dump(mode="json") if isinstance(row, BaseModel) else row
        handle.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


__all__ = ["Line", "parse_lines", "read_jsonl", "read_objects", "write_jsonl"]
