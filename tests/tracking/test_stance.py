"""A post's stance on a problem an agency marked fixed (tracking/stance.py)."""

from __future__ import annotations

import pytest

from tests.conftest import make_post
from tracking.stance import (
    DATA,
    TRAINING_SETS,
    StanceModel,
    labelled_stances,
    read_stance,
    read_stances,
)


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        # the issue's own examples: fixed on paper, not in the street
        ("ซ่อมแล้วแต่น้ำยังไม่ไหล", "still_broken"),
        ("แจ้งแล้วบอกแก้แล้ว แต่ยังดับอยู่", "still_broken"),
        ("ไฟดับอีกแล้ว รอบที่สาม", "still_broken"),
        # sarcasm: thanks and a fix, and the problem again
        ("ขอบคุณที่ซ่อมให้นะคะ ซ่อมเสร็จพังใน 3 วัน", "still_broken"),
        # fixed, thanked
        ("ไฟมาแล้ว ขอบคุณช่างที่ทำงานกลางฝน", "fixed"),
        ("น้ำไหลแรงแล้วค่ะ 🙏", "fixed"),
        ("ไม่ดับอีกเลย ขอบคุณมาก", "fixed"),
        # the problem's words, said of the past: it works now
        ("ลิฟต์แฟลตวิ่งปกติมาอาทิตย์นึงแล้ว ไม่ค้างเลย", "fixed"),
    ],
)
def test_the_shipped_model_reads_still_broken_and_fixed(text: str, stance: str) -> None:
    reading = read_stance(make_post("p", text))
    assert reading.stance == stance
    assert (reading.still >= 0.5) == (stance == "still_broken")


def test_cue_words_are_shown_but_do_not_decide() -> None:
    post = make_post("p", "บอกแก้แล้วแต่ยังดับ", tokens=["บอก", "แก้", "แล้ว", "แต่", "ยัง", "ดับ"])
    [reading] = read_stances([post])
    assert reading.cues and set(reading.cues) <= {"still", "closed_anyway", "fixed"}


def test_the_model_is_fitted_on_both_training_writers_and_is_deterministic() -> None:
    texts, still = labelled_stances([DATA / name for name in TRAINING_SETS])
    assert len(texts) > 300 and 0.3 < sum(still) / len(still) < 0.7
    posts = ["น้ำไม่ไหลมาสามวันแล้ว บอกว่าซ่อมเสร็จ", "ไฟถนนติดสว่างแล้ว ขอบคุณครับ"]
    first = StanceModel(texts, still).still(posts)
    again = StanceModel(texts, still).still(posts)
    assert first.tolist() == again.tolist()
    assert first[0] > 0.5 > first[1]
