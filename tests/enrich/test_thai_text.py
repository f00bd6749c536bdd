"""Thai normalisation and segmentation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from enrich.thai_text import (
    ThaiTokenizer,
    be_to_ce,
    ce_years_in,
    content_tokens,
    normalize,
    parse_thai_datetime,
)


def test_normalize_digits_repeats_urls_mentions_hashtags() -> None:
    result = normalize("น้ำประปาเค็มมากกกก!!! แจ้งครั้งที่ ๓ @pwa_th #น้ำไม่ไหล https://t.co/abc")
    assert result.text == "น้ำประปาเค็มมาก! แจ้งครั้งที่ 3 pwa_th น้ำไม่ไหล"
    assert result.emphasis == 1
    assert result.urls == ["https://t.co/abc"]
    assert result.mentions == ["pwa_th"]
    assert result.hashtags == ["น้ำไม่ไหล"]


def test_normalize_keeps_digit_runs_and_emoji() -> None:
    result = normalize("โทร 0811111111 😡😡")
    assert "0811111111" in result.text
    assert "😡" in result.text
    assert result.emphasis == 0


def test_buddhist_era_years() -> None:
    assert be_to_ce(2569) == 2026
    assert be_to_ce(2026) == 2026
    assert ce_years_in("ตั้งแต่ปี พ.ศ. ๒๕๖๘ ถึง พ.ศ.2569") == [2025, 2026]
    moment = parse_thai_datetime("๒๕๖๙-๑๑-๐๘T14:05:00+07:00")
    assert moment == datetime(2026, 11, 8, 14, 5, tzinfo=timezone(timedelta(hours=7)))


def test_custom_dictionary_keeps_places_whole() -> None:
    plain = ThaiTokenizer().tokenize("น้ำท่วมบางบัวทอง")
    custom = ThaiTokenizer(["บางบัวทอง"]).tokenize("น้ำท่วมบางบัวทอง")
    assert "บางบัวทอง" not in plain
    assert custom == ["น้ำท่วม", "บางบัวทอง"]


def test_tokens_drop_whitespace_and_punctuation() -> None:
    tokens = ThaiTokenizer().tokenize("ไฟดับ , อีกแล้ว !!  😡")
    assert tokens == ["ไฟดับ", "อีกแล้ว", "😡"]


def test_content_tokens_filter() -> None:
    tokens = ["น้ำประปา", "ที่", "เค็ม", "มาก", "555", "😡", "[PHONE]", "[NATIONAL_ID]", "ก", "PEA"]
    assert content_tokens(tokens) == ["น้ำประปา", "เค็ม", "pea"]
