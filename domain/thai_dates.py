"""Reading the times people and exports write: the one Thai date parser.

Accepted, with Thai or Arabic digits:

* ISO-8601 with or without a zone, ``T`` or a space between date and time, the year in the
  common or the Buddhist era (``2569-11-20T14:00+07:00``, ``2026-11-20 14:00``);
* day/month/year with ``/``, ``.`` or ``-`` (``20/11/2569``, ``20-11-2026 14:30``);
* a day, a Thai month name or abbreviation and a year (``20 พ.ย. 2569 14:30 น.``).

A Buddhist-era year (over 2400) is read as ค.ศ. = พ.ศ. − 543. A time without a zone is
Asia/Bangkok time.
"""

from __future__ import annotations

import re
from datetime import datetime

from pythainlp.util import thai_digit_to_arabic_digit

from domain.errors import RecordError
from domain.models import BANGKOK_TZ

BE_OFFSET = 543
_MONTH_NAMES = [
    ("มกราคม", "ม.ค.", "มค"),
    ("กุมภาพันธ์", "ก.พ.", "กพ"),
    ("มีนาคม", "มี.ค.", "มีค"),
    ("เมษายน", "เม.ย.", "เมย"),
    ("พฤษภาคม", "พ.ค.", "พค"),
    ("มิถุนายน", "มิ.ย.", "มิย"),
    ("กรกฎาคม", "ก.ค.", "กค"),
    ("สิงหาคม", "ส.ค.", "สค"),
    ("กันยายน", "ก.ย.", "กย"),
    ("ตุลาคม", "ต.ค.", "ตค"),
    ("พฤศจิกายน", "พ.ย.", "พย"),
    ("ธันวาคม", "ธ.ค.", "ธค"),
]
_THAI_MONTHS = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names
}
THAI_MONTHS_SHORT = tuple(names[1] for names in _MONTH_NAMES)  # ม.ค. … ธ.ค.
_SLASHED = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
    r"\s*(?:น\.?)?$"
)
_WORDED = re.compile(
    r"^(\d{1,2})\s*([^\d\s]+)\s*(\d{4})(?:\s+(?:เวลา\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
    r"\s*(?:น\.?)?$"
)
_ISO_SPACE = re.compile(r"^\d{4}-\d{2}-\d{2} \d")


def thai_date(moment: datetime) -> str:
    """``13 พ.ย. 2569``: the Bangkok day, Buddhist-era year."""
    local = moment.astimezone(BANGKOK_TZ)
    return f"{local.day} {THAI_MONTHS_SHORT[local.month - 1]} {local.year + BE_OFFSET}"


def thai_datetime(moment: datetime) -> str:
    """``13 พ.ย. 2569 19:00 น.``: Bangkok time, Buddhist-era year."""
    return f"{thai_date(moment)} {moment.astimezone(BANGKOK_TZ):%H:%M} น."


class NotADate(ValueError):
    """The text has a date's shape but no such day exists (31/02/2569)."""


def be_to_ce(year: int) -> int:
    """A Buddhist-era year in the common era (2569 → 2026); common-era years pass through."""
    return year - BE_OFFSET if year > 2400 else year


def parse_thai_time(value: str) -> datetime:
    """An aware datetime from ``value`` (see the module docstring); ``ValueError`` naming
    what was not understood."""
    text = thai_digit_to_arabic_digit(value.strip())
    for pattern, month_of in ((_SLASHED, _month_number), (_WORDED, _THAI_MONTHS.get)):
        match = pattern.match(text)
        if match:
            day, month_text, year, hour, minute, second = match.groups()
            month = month_of(month_text)
            if month is None:
                raise ValueError(f"unknown month {month_text!r} in {value!r}")
            try:
                moment = datetime(
                    be_to_ce(int(year)),
                    month,
                    int(day),
                    int(hour or 0),
                    int(minute or 0),
                    int(second or 0),
                )
            except ValueError as exc:
                raise NotADate(f"not a real date: {value!r}") from exc
            return moment.replace(tzinfo=BANGKOK_TZ)
    if _ISO_SPACE.match(text):
        text = text.replace(" ", "T", 1)
    year = re.match(r"^(\d{4})", text)
    if year and int(year.group(1)) > 2400:
        text = f"{be_to_ce(int(year.group(1))):04d}{text[4:]}"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK_TZ)


def read_time(value: object, *, field: str) -> datetime:
    """``value`` (a datetime, naive meaning Bangkok, or text ``parse_thai_time`` reads) as an
    aware datetime; ``RecordError`` naming ``field`` otherwise."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BANGKOK_TZ)
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{field} is missing", field=field)
    try:
        return parse_thai_time(value)
    except NotADate as exc:
        raise RecordError(f"{field} is not a real date: {value!r}", field=field) from exc
    except ValueError as exc:
        raise RecordError(
            f"{field} is not a date or an ISO-8601 timestamp: {value!r}", field=field
        ) from exc


def _month_number(text: str) -> int | None:
    return int(text) if text.isdigit() and 1 <= int(text) <= 12 else None


__all__ = [
    "BE_OFFSET",
    "THAI_MONTHS_SHORT",
    "NotADate",
    "be_to_ce",
    "parse_thai_time",
    "read_time",
    "thai_date",
    "thai_datetime",
]
