"""Thai normalisation, Buddhist-era dates and word segmentation (enrich/thai_text.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from enrich.thai_text import (
    ThaiTokenizer,
    be_to_ce,
    ce_years_in,
    content_tokens,
    normalize,
    parse_thai_datetime,
)

BANGKOK = timezone(timedelta(hours=7))


def test_normalize_pulls_out_urls_mentions_and_hashtags() -> None:
    result = normalize("น้ำประปาเค็มมากกกก!!! แจ้งครั้งที่ ๓ @pwa_th #น้ำไม่ไหล https://t.co/abc")
    assert result.text == "น้ำประปาเค็มมาก! แจ้งครั้งที่ 3 pwa_th น้ำไม่ไหล"
    assert result.urls == ["https://t.co/abc"]
    assert result.mentions == ["pwa_th"]
    assert result.hashtags == ["น้ำไม่ไหล"]
    assert result.emphasis == 1


def test_normalize_applies_nfc() -> None:
    assert normalize("cafe\u0301").text == "café"


def test_normalize_converts_every_thai_digit() -> None:
    assert normalize("๐๑๒๓๔๕๖๗๘๙").text == "0123456789"


def test_emphasis_counts_each_word_with_repeated_letters() -> None:
    result = normalize("ดีมากกกก เน็ตหลุดดดด sooo good")
    assert result.text == "ดีมาก เน็ตหลุด so good"
    assert result.emphasis == 3


def test_doubled_letters_and_laughter_digits_are_not_emphasis() -> None:
    result = normalize("ดีดี good 55555")
    assert result.text == "ดีดี good 55555"
    assert result.emphasis == 0


def test_hashtag_words_stay_in_text_without_trailing_punctuation() -> None:
    result = normalize("#น้ำท่วม, #ไฟดับ#ถนนพัง!")
    assert result.hashtags == ["น้ำท่วม", "ไฟดับ", "ถนนพัง"]
    assert result.text == "น้ำท่วม, ไฟดับ ถนนพัง!"


def test_urls_are_removed_from_text() -> None:
    result = normalize("ดูที่ www.example.com และ http://x.co/a?b=1 นะ")
    assert result.urls == ["www.example.com", "http://x.co/a?b=1"]
    assert result.text == "ดูที่ และ นะ"


def test_an_email_address_is_not_a_mention() -> None:
    assert normalize("ส่งไปที่ somchai@example.com").mentions == []


def test_be_to_ce() -> None:
    assert be_to_ce(2569) == 2026
    assert be_to_ce(2026) == 2026


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("๒๕๖๙-๑๑-๐๘T14:05:00+07:00", datetime(2026, 11, 8, 14, 5, tzinfo=BANGKOK)),
        ("2569-11-08T14:05:00+07:00", datetime(2026, 11, 8, 14, 5, tzinfo=BANGKOK)),
        ("2026-11-08T14:05:00+07:00", datetime(2026, 11, 8, 14, 5, tzinfo=BANGKOK)),
        ("  2026-11-08T07:05:00Z ", datetime(2026, 11, 8, 7, 5, tzinfo=UTC)),
    ],
)
def test_parse_thai_datetime(value: str, expected: datetime) -> None:
    assert parse_thai_datetime(value) == expected


def test_parse_thai_datetime_keeps_naive_values_naive() -> None:
    assert parse_thai_datetime("2569-11-08T14:05:00").tzinfo is None


def test_parse_thai_datetime_rejects_non_dates() -> None:
    with pytest.raises(ValueError):
        parse_thai_datetime("เมื่อวาน")


def test_ce_years_in() -> None:
    assert ce_years_in("ตั้งแต่ปี พ.ศ. ๒๕๖๘ ถึง พ.ศ.2569 (ค.ศ. 2026)") == [2025, 2026]
    assert ce_years_in("ไม่มีปีในข้อความนี้ 1500 บาท") == []
    assert ce_years_in("น้ำท่วมหนักสุดตั้งแต่ปี 2554 ปี2554 ก็ท่วม") == [2011]
    assert ce_years_in("รหัสไปรษณีย์ 10110 ปี 12345") == []


def test_custom_dictionary_keeps_place_names_whole() -> None:
    plain = ThaiTokenizer().tokenize("น้ำท่วมบางบัวทอง")
    custom = ThaiTokenizer(["บางบัวทอง"]).tokenize("น้ำท่วมบางบัวทอง")
    assert "บางบัวทอง" not in plain
    assert custom == ["น้ำท่วม", "บางบัวทอง"]


def test_tokenize_drops_whitespace_and_bare_punctuation() -> None:
    assert ThaiTokenizer().tokenize("ไฟดับ , อีกแล้ว !!  😡") == ["ไฟดับ", "อีกแล้ว", "😡"]


def test_tokenize_keeps_redaction_placeholders_whole() -> None:
    tokens = ThaiTokenizer().tokenize("โทร [PHONE] หรือ [EMAIL]")
    assert tokens == ["โทร", "[PHONE]", "หรือ", "[EMAIL]"]


def test_both_engines_segment_alike_and_keep_placeholders() -> None:
    words = ["บางบัวทอง", "กฟภ."]
    newmm = ThaiTokenizer(words, engine="newmm")
    nlpo3 = ThaiTokenizer(words, engine="nlpo3")
    for text in [
        "น้ำประปาเค็มมาก ที่บางบัวทอง 😡",
        "ไฟดับทั้งซอย โทร [PHONE] ด่วน",
        "ถนนพังเป็นหลุมใหญ่ เมื่อไหร่จะซ่อม",
        "บัตร [NATIONAL_ID] หาย",
    ]:
        assert newmm.tokenize(text) == nlpo3.tokenize(text), text
    assert "[PHONE]" in nlpo3.tokenize("โทร [PHONE] ด่วน")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tokenizer engine"):
        ThaiTokenizer(engine="deepcut")


def test_content_tokens_drop_noise() -> None:
    tokens = [
        "น้ำประปา",  # kept
        "ที่",  # stopword
        "เค็ม",  # kept
        "มาก",  # stopword (added by Siang)
        "555",  # digits
        "2569",  # digits
        "😡",  # emoji
        "[PHONE]",  # redaction placeholder
        "[NATIONAL_ID]",
        "ก",  # single letter
        "x",  # single letter
        "PEA",  # kept, lower-cased
    ]
    assert content_tokens(tokens) == ["น้ำประปา", "เค็ม", "pea"]


@pytest.mark.parametrize(
    ("text", "expected", "emphasis"),
    [
        ("ถนนนครสวรรค์พัง", "ถนนนครสวรรค์พัง", 0),  # ถนน + นคร: real spelling
        ("คนนนทบุรีเดือดร้อน", "คนนนทบุรีเดือดร้อน", 0),  # คน + นนทบุรี
        ("ดีมากกก", "ดีมาก", 1),
        ("รถติดดด เซ็งงง", "รถติด เซ็ง", 2),
        ("แย่มากกกกก", "แย่มาก", 1),
    ],
)
def test_three_letters_at_a_word_seam_are_spelling_not_emphasis(
    text: str, expected: str, emphasis: int
) -> None:
    result = normalize(text)
    assert (result.text, result.emphasis) == (expected, emphasis)


def test_long_text_is_segmented_into_its_own_words_by_both_engines() -> None:
    """nlpo3's safe mode garbles text past ~120 characters; long text must still add up."""
    subject = "เรือโดยสารไปเกาะลิบงบรรทุกผู้โดยสารเกินและไม่มีเสื้อชูชีพเพียงพอ"
    description = (
        "ผู้ร้องแจ้งว่าเรือโดยสารเส้นทางท่าเรือหาดยาวถึงเกาะลิบงบรรทุกผู้โดยสารเกินจำนวนที่กำหนด"
        "และมีเสื้อชูชีพไม่ครบตามจำนวนผู้โดยสารในช่วงที่มีคลื่นลมแรงจึงขอให้หน่วยงานตรวจสอบ"
    )
    text = f"{subject} {description}"
    for engine in ("nlpo3", "newmm"):
        tokens = ThaiTokenizer(["เกาะลิบง"], engine=engine).tokenize(text)
        assert "".join(tokens) == text.replace(" ", ""), engine
        assert "เกาะลิบง" in tokens and "ชูชีพ" in tokens and "ผู้โดยสาร" in tokens
