"""Thai dates and encodings as the spiders read them."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawlers.spiders import element_text, thai_datetime, thai_decoded

THAI = "ถนนพังมาก น้ำท่วมขังหน้าบ้าน"


@pytest.mark.parametrize(
    ("shown", "dayfirst", "expected"),
    [
        ("๘ พ.ย. ๒๕๖๙ ๑๔:๓๐ น.", True, "2026-11-08T14:30:00+07:00"),
        ("8 พฤศจิกายน 2569 เวลา 14:00:00 น.", True, "2026-11-08T14:00:00+07:00"),
        ("๘ พ.ย. ๖๙", True, "2026-11-08T00:00:00+07:00"),
        ("08/11/2569 09:00", True, "2026-11-08T09:00:00+07:00"),
        ("11/08/2026 14:00:00", False, "2026-11-08T14:00:00+07:00"),
        ("2569-11-08T14:00", True, "2026-11-08T14:00:00+07:00"),
        ("2026-11-08T07:00:00+00:00", True, "2026-11-08T07:00:00+00:00"),
        ("31/02/2569 10:00", True, None),
        ("เมื่อวาน", True, None),
        ("", True, None),
    ],
)
def test_thai_datetime(shown: str, dayfirst: bool, expected: str | None) -> None:
    assert thai_datetime(shown, dayfirst=dayfirst) == expected


@pytest.mark.parametrize(
    ("headers", "meta"),
    [
        ({}, ""),
        ({"Content-Type": "text/html; charset=tis-620"}, ""),
        ({"Content-Type": "text/html"}, '<meta charset="windows-874">'),
    ],
)
def test_tis620_pages_decode(headers: dict[str, str], meta: str) -> None:
    body = f"<html><head>{meta}</head><body><p>{THAI}</p></body></html>".encode("cp874")
    response = thai_decoded(HtmlResponse("http://x.test/", body=body, headers=headers))
    assert response.css("p::text").get() == THAI  # type: ignore[attr-defined]


def test_utf8_page_is_left_alone() -> None:
    body = f"<html><body><p>{THAI}</p></body></html>".encode()
    response = HtmlResponse("http://x.test/", body=body)
    assert thai_decoded(response) is response


def test_element_text_breaks_blocks_not_inline() -> None:
    assert (
        element_text("<div><b>ไฟ</b>ดับ<p>ทั้ง&amp;ซอย</p>มืด<br>มาก</div>") == "ไฟดับ\nทั้ง&ซอย\nมืด\nมาก"
    )
