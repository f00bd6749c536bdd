"""Thai wording for alert mail: Buddhist-era dates, numbers and the labels of codes.

The labels follow the dashboard's (``dashboard/web/i18n.js``) so a mail and the screen it
links to use the same words.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.models import BANGKOK, CATEGORY_TH
from domain.thai_dates import THAI_MONTHS_SHORT, thai_datetime

_TZ = ZoneInfo(BANGKOK)
_MONTHS = THAI_MONTHS_SHORT
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

CATEGORIES = CATEGORY_TH
PLATFORMS = {
    "x": "X",
    "facebook": "Facebook",
    "youtube": "YouTube",
    "bluesky": "Bluesky",
    "pantip": "Pantip",
    "news": "ข่าว",
    "news_comment": "ความเห็นใต้ข่าว",
    "web": "เว็บไซต์",
}
COMPLAINT_STATUSES = {
    "received": "รับเรื่องแล้ว",
    "in_progress": "กำลังดำเนินการ",
    "forwarded": "ส่งต่อหน่วยงานแล้ว",
    "resolved": "แก้ไขแล้ว",
    "closed": "ปิดเรื่อง",
}
DIGESTS = {"hourly": "รายชั่วโมง", "daily": "รายวัน"}


def thai_hour_range(start: datetime, end: datetime) -> str:
    """``13 พ.ย. 2569 19:00–21:00 น.``, or two full dates when the day changes."""
    a, b = start.astimezone(_TZ), end.astimezone(_TZ)
    if a.date() == b.date():
        return f"{a.day} {_MONTHS[a.month - 1]} {a.year + 543} {a:%H:%M}–{b:%H:%M} น."
    return f"{thai_datetime(a)} – {thai_datetime(b)}"


def chart_tick(moment: datetime, *, thai: bool) -> str:
    """A short axis label: ``13 พ.ย.\\n19:00`` (or ``13 Nov`` when no Thai font is at hand)."""
    local = moment.astimezone(_TZ)
    month = (_MONTHS if thai else _MONTHS_EN)[local.month - 1]
    return f"{local.day} {month}\n{local:%H:%M}"


def number(value: float) -> str:
    """``1,234`` for whole numbers, ``12.5`` above one, ``0.05`` below (small baselines),
    ``<0.01`` for a baseline that small but not zero."""
    if 0 < value < 0.005:
        return "<0.01"
    if float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) < 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:,.1f}"


__all__ = [
    "CATEGORIES",
    "COMPLAINT_STATUSES",
    "DIGESTS",
    "PLATFORMS",
    "chart_tick",
    "number",
    "thai_datetime",
    "thai_hour_range",
]
