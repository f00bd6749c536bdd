"""Siang's spiders, one per kind of site, and what they share.

``SiangSpider`` takes its ``SourceSettings`` as the ``source`` argument, counts pages and
failed requests in the crawler's stats, and decodes Thai pages (UTF-8, TIS-620/cp874
declared or not). ``thai_datetime`` turns the dates Thai pages print (Buddhist-era years,
Thai digits, Thai month names, no zone) into ISO-8601 with the Asia/Bangkok zone.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.html import remove_tags, replace_entities

from domain.settings import SourceSettings
from enrich.thai_text import be_to_ce, parse_thai_datetime

BANGKOK = ZoneInfo("Asia/Bangkok")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("มกราคม", "ม.ค."),
            ("กุมภาพันธ์", "ก.พ."),
            ("มีนาคม", "มี.ค."),
            ("เมษายน", "เม.ย."),
            ("พฤษภาคม", "พ.ค."),
            ("มิถุนายน", "มิ.ย."),
            ("กรกฎาคม", "ก.ค."),
            ("สิงหาคม", "ส.ค."),
            ("กันยายน", "ก.ย."),
            ("ตุลาคม", "ต.ค."),
            ("พฤศจิกายน", "พ.ย."),
            ("ธันวาคม", "ธ.ค."),
        ],
        start=1,
    )
    for name in names
}
_MONTH_ALT = "|".join(re.escape(m) for m in sorted(_THAI_MONTHS, key=len, reverse=True))
_THAI_DATE = re.compile(
    rf"(\d{{1,2}})\s*({_MONTH_ALT})\s*(?:พ\.ศ\.\s*)?(\d{{2,4}})"
    r"(?:\D*?(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?"
)
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_BLOCK_END = re.compile(
    r"<\s*(?:br|/?(?:p|div|li|h[1-6]|tr|blockquote|section|article))\b[^>]*>", re.I
)
# Bytes of the Thai block in TIS-620/cp874: a body that is not UTF-8 but has these is Thai.
_TIS620_THAI = re.compile(rb"[\xa1-\xfb]")


def _year(text: str) -> int:
    year = int(text)
    if year < 100:  # Thai papers print two-digit Buddhist-era years: ๖๙ is 2569
        year += 2500
    return be_to_ce(year)


def thai_datetime(value: str | None, *, dayfirst: bool = True) -> str | None:
    """ISO-8601 (with zone) for a date as Thai pages print it, or None if there is none.

    Accepts ISO-8601 (Buddhist-era year and Thai digits allowed), ``D/M/YYYY HH:MM[:SS]``
    (``dayfirst=False`` for Pantip's ``M/D/YYYY``) and ``๘ พ.ย. ๒๕๖๙ ๑๔:๓๐ น.``. A date with
    no zone is taken as Asia/Bangkok.
    """
    if not value or not value.strip():
        return None
    text = value.strip().translate(_THAI_DIGITS)
    moment: datetime | None = None
    try:
        moment = parse_thai_datetime(text)
    except ValueError:
        parts: tuple[int, int, int] | None = None
        if match := _THAI_DATE.search(text):
            day, month, year, hour, minute, second = match.groups()
            parts = (_year(year), _THAI_MONTHS[month], int(day))
        elif match := _SLASH_DATE.search(text):
            first, second_, year, hour, minute, second = match.groups()
            day, month = (first, second_) if dayfirst else (second_, first)
            parts = (_year(year), int(month), int(day))
        if parts is not None and match is not None:
            try:
                moment = datetime(*parts, int(hour or 0), int(minute or 0), int(second or 0))
            except ValueError:
                return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BANGKOK)
    return moment.isoformat()


def thai_int(value: str | None) -> int:
    """The first number in ``value`` (Thai digits and thousands separators allowed), else 0."""
    if not value:
        return 0
    match = re.search(r"\d[\d,]*", value.translate(_THAI_DIGITS))
    return int(match.group().replace(",", "")) if match else 0


def _declares_charset(response: TextResponse) -> bool:
    content_type = response.headers.get(b"Content-Type", b"") or b""
    if b"charset=" in content_type.lower():
        return True
    return response._body_declared_encoding() is not None


def thai_decoded(response: Response) -> Response:
    """The response, re-decoded as cp874 when it is undeclared TIS-620.

    Declared charsets (header or meta, ``tis-620`` and ``windows-874`` included) are left to
    Scrapy. An undeclared body that is not valid UTF-8 but carries Thai-block bytes is
    TIS-620 in practice; Scrapy's statistical guess is not reliable on short pages.
    """
    if not isinstance(response, TextResponse) or _declares_charset(response):
        return response
    try:
        response.body.decode("utf-8")
    except UnicodeDecodeError:
        if _TIS620_THAI.search(response.body):
            return response.replace(encoding="cp874")
    return response


def clean_text(parts: list[str]) -> str:
    """Join text pieces as lines, collapsing runs of whitespace and dropping blank lines."""
    lines = (" ".join(part.split()) for part in "\n".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


def element_text(html: str | None) -> str:
    """Visible text of an HTML fragment: one line per block element or ``<br>``."""
    if not html:
        return ""
    broken = _BLOCK_END.sub("\n", html)
    return clean_text([replace_entities(remove_tags(broken))])


class SiangSpider(scrapy.Spider):
    """Base of Siang's spiders: the source's settings, page and failure counts."""

    source: SourceSettings

    def __init__(self, *args: Any, source: SourceSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def page(self, response: Response) -> Response:
        """Count a parsed page and return it decoded (see ``thai_decoded``)."""
        self._count("siang/pages")
        return thai_decoded(response)

    def failed(self, failure: Failure) -> None:
        """Errback: a request that failed for good after retries (robots.txt refusals aside)."""
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self._count("siang/robots_forbidden")
            return
        self._count("siang/failed")
        request = getattr(failure, "request", None)
        self.logger.warning(
            "gave up on %s: %s", request.url if request else "?", failure.getErrorMessage()
        )


__all__ = [
    "BANGKOK",
    "SiangSpider",
    "clean_text",
    "element_text",
    "thai_datetime",
    "thai_decoded",
    "thai_int",
]
