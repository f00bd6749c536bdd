"""Satisfaction-survey results from the centre's survey system, as CSV.

The format (documented in the README, "Survey results"): a header row, then one answer per
row. Columns, by any of these names (case and spaces ignored):

* ``complaint_id`` (``เลขที่เรื่อง``, ``รหัสเรื่อง``): the complaint answered about; required;
* ``score`` (``คะแนน``, ``ความพึงพอใจ``): a whole number 1–5, Thai digits allowed; required;
* ``comment`` (``ความคิดเห็น``, ``ข้อเสนอแนะ``): optional free text, PII redacted on import;
* ``answered_at`` (``วันที่ตอบ``): optional, any date Siang reads (``20/11/2569 14:30``).

UTF-8 (with or without BOM) or TIS-620. One answer per complaint: a later row for the same
complaint in one file is quarantined, a later file replaces the stored answer, and
re-importing a file changes nothing. A row that cannot be read is quarantined with its
reason; the others go on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pythainlp.util import thai_digit_to_arabic_digit

from complaints.exports import csv_rows, decode_csv
from domain.errors import RecordError
from domain.models import QuarantinedRecord, SurveyResponse
from domain.privacy import redact
from domain.thai_dates import read_time
from ingest.jsonl import Line
from storage.base import Store, UpsertCounts

COLUMNS = {
    "complaint_id": ("complaint_id", "complaint", "เลขที่เรื่อง", "รหัสเรื่อง", "เลขเรื่อง"),
    "score": ("score", "คะแนน", "ความพึงพอใจ", "คะแนนความพึงพอใจ"),
    "comment": ("comment", "comments", "ความคิดเห็น", "ข้อเสนอแนะ"),
    "answered_at": ("answered_at", "date", "วันที่ตอบ", "วันที่"),
}
REQUIRED = ("complaint_id", "score")
_MAX_COMMENT = 4000


class SurveyFormatError(RecordError):
    """The file as a whole is not a survey export (no header naming the required columns)."""


@dataclass
class SurveyImport:
    """What one import did."""

    read: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    quarantined: int = 0
    reasons: list[str] = field(default_factory=list)
    unknown_complaints: int = 0  # accepted; their complaint is not in the store (yet)

    @property
    def accepted(self) -> int:
        return self.counts.created + self.counts.updated + self.counts.unchanged


def read_survey_csv(
    data: bytes, *, source: str, now: datetime
) -> tuple[list[SurveyResponse], list[tuple[Line, str]]]:
    """The answers in a survey CSV, and the rows refused with their reasons.

    Raises ``SurveyFormatError`` when the header lacks a required column.
    """
    try:
        header = next(csv.reader(io.StringIO(decode_csv(data), newline="")), [])
    except csv.Error as exc:
        raise SurveyFormatError(f"the survey CSV's header is not readable ({exc})") from exc
    _check_header(header)
    answers: list[SurveyResponse] = []
    refused: list[tuple[Line, str]] = []
    first_line: dict[str, int] = {}
    for line in csv_rows(data):
        if line.value is None:
            refused.append((line, line.error or f"line {line.number}: unreadable"))
            continue
        try:
            answer = survey_from_row(line.value, source=source, now=now)
        except RecordError as exc:
            refused.append((line, f"line {line.number}: {exc.reason}"))
            continue
        earlier = first_line.setdefault(answer.complaint_id, line.number)
        if earlier != line.number:
            refused.append(
                (line, f"line {line.number}: complaint {answer.complaint_id} was answered "
                       f"on line {earlier} already (one answer per complaint)")
            )  # fmt: skip
            continue
        answers.append(answer)
    return answers, refused


def survey_from_row(row: dict[str, object], *, source: str, now: datetime) -> SurveyResponse:
    """One answer from a row's cells, or ``RecordError`` naming what is wrong."""
    cells = _by_column(row)
    complaint_id = (cells.get("complaint_id") or "").strip()
    if not complaint_id:
        raise RecordError("complaint_id is missing", field="complaint_id")
    if len(complaint_id) > 200:
        raise RecordError("complaint_id must be at most 200 characters", field="complaint_id")
    score = _score(cells.get("score"))
    comment = " ".join((cells.get("comment") or "").split())
    if len(comment) > _MAX_COMMENT:
        raise RecordError(
            f"comment must be at most {_MAX_COMMENT} characters, not {len(comment)}",
            field="comment",
        )
    answered = (cells.get("answered_at") or "").strip()
    return SurveyResponse(
        complaint_id=complaint_id,
        score=score,
        comment=redact(comment)[0] if comment else None,
        answered_at=read_time(answered, field="answered_at") if answered else None,
        source=source,
        imported_at=now,
    )


def import_surveys(store: Store, data: bytes, *, source: str, now: datetime) -> SurveyImport:
    """Read a survey CSV into the store; refused rows go to quarantine with their reason."""
    answers, refused = read_survey_csv(data, source=source, now=now)
    report = SurveyImport(read=len(answers) + len(refused))
    if refused:
        report.quarantined = store.quarantine(
            [
                QuarantinedRecord(
                    stage="surveys", source=source, reason=reason, payload=line.text,
                    received_at=now,
                )
                for line, reason in refused
            ]
        )  # fmt: skip
        report.reasons = [reason for _, reason in refused]
    if answers:
        report.counts = store.upsert_survey_responses(answers)
        known = {c.complaint_id for c in store.get_complaints([a.complaint_id for a in answers])}
        report.unknown_complaints = sum(a.complaint_id not in known for a in answers)
    return report


def _check_header(row: Iterable[str]) -> None:
    names = {_name(column) for column in row if column}
    missing = [wanted for wanted in REQUIRED if not any(_name(n) in names for n in COLUMNS[wanted])]
    if missing:
        raise SurveyFormatError(
            f"the survey CSV has no {' or '.join(missing)} column; its header must name "
            f"complaint_id and score (optional: comment, answered_at), found: "
            f"{', '.join(sorted(names)) or 'nothing'}"
        )


def _by_column(row: dict[str, object]) -> dict[str, str]:
    named = {_name(k): v for k, v in row.items() if isinstance(k, str)}
    cells: dict[str, str] = {}
    for wanted, names in COLUMNS.items():
        for name in names:
            value = named.get(_name(name))
            if isinstance(value, str) and value.strip():
                cells[wanted] = value
                break
    return cells


def _score(value: str | None) -> int:
    text = thai_digit_to_arabic_digit((value or "").strip())
    if not text:
        raise RecordError("score is missing", field="score")
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not number.is_integer() or not 1 <= number <= 5:
        shown = json.dumps(value, ensure_ascii=False)
        raise RecordError(f"score must be a whole number from 1 to 5, not {shown}", field="score")
    return int(number)


def _name(column: str) -> str:
    return "".join(column.lower().split()).replace("-", "_")


__all__ = [
    "COLUMNS",
    "SurveyFormatError",
    "SurveyImport",
    "import_surveys",
    "read_survey_csv",
    "survey_from_row",
]
