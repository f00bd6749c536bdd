"""1111 complaint exports (CSV, JSON, JSON lines) read through the field mapping in config.

Exports differ by year and by who ran them, so each complaint field lists the column names
it may have (``complaints.export.fields``). Values are cleaned the way Thai officers write
them: Thai digits, Buddhist-era dates in several shapes (``14/10/2569 09:20``,
``14 ต.ค. 2569``, ``2569-10-14``), naive times meaning Bangkok time, provinces by nickname
(กทม., โคราช) and districts with their อ./เขต prefix. A row that cannot be read becomes a
``RecordError`` naming the field, which the caller quarantines with the row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pythainlp.util import thai_digit_to_arabic_digit

from domain.errors import RecordError
from domain.models import Category, Complaint
from domain.settings import ComplaintExportSettings
from domain.thai_dates import read_time
from enrich.gazetteer import Gazetteer
from ingest.jsonl import Line, parse_lines

_ENCODINGS = ("utf-8-sig", "cp874")  # cp874 is TIS-620 plus the Windows additions


def parse_filed_at(value: object) -> datetime:
    """An aware datetime from the ways exports write a filing time; naive means Bangkok."""
    return read_time(value, field="filed_at")


def read_export(path: Path) -> Iterator[Line]:
    """The rows of an export as ``Line`` s (CSV by header, JSON array or object, JSON lines).

    CSV is tried as UTF-8 (with or without BOM), then as Thai Windows/TIS-620.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from csv_rows(path.read_bytes())
    elif suffix == ".jsonl":
        with path.open(encoding="utf-8", errors="replace") as handle:
            yield from parse_lines(handle)
    elif suffix == ".json":
        yield from _json_rows(path.read_text(encoding="utf-8-sig"))
    else:
        raise RecordError(f"{path.name}: an export must be .csv, .json or .jsonl")


def decode_csv(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else Thai Windows/TIS-620."""
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RecordError("the CSV is neither UTF-8 nor TIS-620")  # pragma: no cover - cp874


def csv_rows(data: bytes) -> Iterator[Line]:
    """A CSV's rows by header as ``Line`` s (see ``decode_csv``); a row with more cells than
    the header is an error line, blank rows are skipped."""
    text = decode_csv(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over the csv module's limit: the rest is kept whole
            number = reader.line_num + 1
            rest = "\n".join(text.splitlines()[number - 1 :])
            yield Line(number, rest, None, f"line {number}: not readable as CSV ({exc})")
            return
        number = reader.line_num
        raw = json.dumps(row, ensure_ascii=False)
        if None in row:  # more cells than the header has columns
            yield Line(number, raw, None, f"line {number}: more cells than header columns")
        elif not any((v or "").strip() for v in row.values()):
            continue
        else:
            yield Line(number, raw, {k.strip(): v for k, v in row.items() if k}, None)


def _json_rows(text: str) -> Iterator[Line]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Line(exc.lineno, text[:200], None, f"line {exc.lineno}: not valid JSON ({exc.msg})")
        return
    if isinstance(data, dict):
        rows = next((data[k] for k in ("records", "data", "results", "items") if k in data), None)
        data = rows if isinstance(rows, list) else [data]
    if not isinstance(data, list):
        yield Line(1, text[:200], None, "the JSON is neither an object nor an array")
        return
    for number, row in enumerate(data, start=1):
        raw = json.dumps(row, ensure_ascii=False)
        if isinstance(row, dict):
            yield Line(number, raw, row, None)
        else:
            yield Line(number, raw, None, f"record {number}: expected a JSON object")


class ExportMapping:
    """Turns one export row into the fields of a ``Complaint`` (still to be validated)."""

    def __init__(self, settings: ComplaintExportSettings, gazetteer: Gazetteer) -> None:
        self.settings = settings
        self.gazetteer = gazetteer
        self._categories = {k.strip(): v for k, v in settings.categories.items()}
        self._statuses = {k.strip(): v for k, v in settings.statuses.items()}

    def fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        picked = {name: self._pick(row, name) for name in self.settings.fields}
        for name in Complaint.model_fields:  # fields the mapping does not name pass through
            picked.setdefault(name, row.get(name))
        out: dict[str, Any] = {k: v for k, v in picked.items() if v not in (None, "")}
        out["filed_at"] = parse_filed_at(out.get("filed_at"))
        out.setdefault("channel", self.settings.channel)
        out["category"] = self._category(out.get("category"))
        if "status" in out:
            out["status"] = self._status(out["status"])
        province = out.get("province")
        if isinstance(province, str):
            official = self.gazetteer.province_named(province)
            if official is None:
                raise RecordError(f"province {province!r} is not a Thai province", field="province")
            out["province"] = official
        district = out.get("district")
        if isinstance(district, str) and isinstance(out.get("province"), str):
            out["district"] = self.gazetteer.district_named(out["province"], district) or (
                district.strip()
            )
        for name in ("lat", "lon"):
            if name in out:
                out[name] = _number(out[name], name)
        if isinstance(out.get("synthetic"), str):
            out["synthetic"] = out["synthetic"].strip().lower() in ("1", "true", "yes")
        if isinstance(out.get("complaint_id"), str):
            out["complaint_id"] = thai_digit_to_arabic_digit(out["complaint_id"].strip())
        return out

    def _pick(self, row: Mapping[str, Any], name: str) -> Any:
        for column in self.settings.fields.get(name, [name]):
            value = row.get(column)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                return value
        return row.get(name)

    def _category(self, value: object) -> Category:
        if isinstance(value, Category):
            return value
        text = str(value or "").strip()
        if not text:
            raise RecordError("category is missing", field="category")
        if text in self._categories:
            return self._categories[text]
        try:
            return Category(text)
        except ValueError:
            raise RecordError(
                f"category {text!r} is not mapped; add it to complaints.export.categories",
                field="category",
            ) from None

    def _status(self, value: object) -> str:
        text = str(value).strip()
        if text in self._statuses:
            return self._statuses[text]
        if text in ("received", "in_progress", "forwarded", "resolved", "closed"):
            return text
        raise RecordError(
            f"status {text!r} is not mapped; add it to complaints.export.statuses", field="status"
        )


def _number(value: object, name: str) -> float:
    try:
        return float(thai_digit_to_arabic_digit(str(value).strip()))
    except ValueError:
        raise RecordError(f"{name} is not a number: {value!r}", field=name) from None


__all__ = ["ExportMapping", "csv_rows", "decode_csv", "parse_filed_at", "read_export"]
