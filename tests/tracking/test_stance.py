"""A post's stance on a problem an agency marked fixed (tracking/stance.py)."""

from __future__ import annotations

import pytest

from tests.conftest import make_post
from tracking.stance import read_stance


@pytest.mark.parametrize(
    ("tokens", "sentiment", "stance"),
    [
        # the issue's own examples: fixed on paper, not in the street
        ("ซ่อม แล้ว แต่ น้ำ ยัง ไม่ ไหล", "negative", "still_broken"),
        ("แจ้ง แล้ว บอก แก้ แล้ว แต่ ยัง ดับ อยู่", "negative", "still_broken"),
        ("ไฟ ดับ อีก แล้ว รอบ ที่ สาม", "negative", "still_broken"),
        ("ถนน เหมือน เดิม ไม่ เห็น มี ใคร มา", "negative", "still_broken"),
        # sarcasm: thanks and a fix, read negative
        ("ขอบคุณ ที่ ซ่อม ให้ นะ คะ ซ่อม เสร็จ พัง ใน 3 วัน", "negative", "still_broken"),
        # fixed, thanked
        ("ไฟ มา แล้ว ขอบคุณ ช่าง ที่ ทำงาน กลาง ฝน", "positive", "fixed"),
        ("น้ำ ไหล แรง แล้ว ค่ะ 🙏", "positive", "fixed"),
        ("ไม่ ดับ อีก แล้ว ขอบคุณ มาก", "positive", "fixed"),
        # neither
        ("วันนี้ อากาศ ดี ไป เที่ยว ทะเล", "neutral", "other"),
    ],
)
def test_stance_cues_and_sentiment(tokens: str, sentiment: str, stance: str) -> None:
    post = make_post("p", tokens.replace(" ", ""), tokens=tokens.split(), sentiment=sentiment)
    assert read_stance(post).stance == stance


def test_a_negative_post_without_a_still_cue_is_no_evidence() -> None:
    """People who say it works now still write the problem's words, and read negative."""
    tokens = ["ลิฟต์", "แฟลต", "วิ่ง", "ปกติ", "มา", "อาทิตย์", "นึง", "ไม่", "ค้าง", "เลย"]
    post = make_post("p", "".join(tokens), tokens=tokens)  # negative, as make_post's default
    assert read_stance(post).stance == "other"
