"""The problems a text names in either register (linking/problems.py) and the signals built
on them and on the post's closest complaint (linking/signals.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from domain.settings import LinkSettings
from linking.problems import PhraseTable, problem_table
from linking.reasons import reasons, thai_sentence
from linking.service import Linker
from tests.conftest import make_post
from tests.linking.test_linker import _complaint


def test_a_problem_is_one_problem_in_the_officers_words_and_the_posters() -> None:
    table = problem_table()
    formal = table.named(["กระแสไฟฟ้า", "ขัดข้อง", "ทั้ง", "หมู่บ้าน"])
    colloquial = table.named(["ไฟ", "ดับ", "อีก", "แล้ว", "จ้า"])
    assert "power_outage" in formal & colloquial
    assert "road_damage" in table.named(["ผิวจราจร", "ชำรุด"]) & table.named(["ถนน", "เป็น", "หลุม"])
    assert "power_agency" in table.named(["แจ้ง", "กฟภ.", "แล้ว"])
    assert table.name("power_outage") == "ไฟดับ"


def test_phrases_are_found_whichever_way_the_tokenizer_cut_the_text() -> None:
    table = problem_table()
    for tokens in (["น้ำประปา", "ไม่", "ไหล"], ["น้ำ", "ประปา", "ไม่ไหล"], ["น้ำประปาไม่ไหล"]):
        assert "water_outage" in table.named(tokens), tokens


def test_a_short_phrase_must_be_a_whole_piece_of_text() -> None:
    table = problem_table()
    assert "health_service" not in table.named(["ถนน", "ยาว", "มาก"])  # ยา in ยาว
    assert "health_service" in table.named(["ยา", "หมด", "ที่", "อนามัย"])
    assert "boat" not in table.named(["เรือน", "ไทย"])  # เรือ in เรือน
    assert table.named(["อนิเมะ", "ภาพ", "สวย"]) == frozenset()


def test_a_malformed_table_row_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "problems.tsv"
    path.write_text(
        "# comment\nwater_outage\twater_supply\tน้ำไม่ไหล | ประปาไม่ไหล\nno_category\tน้ำขุ่น\n",
        "utf-8",
    )
    with pytest.raises(ValueError, match=r"problems.tsv:3"):
        PhraseTable.read(path)


def test_the_problem_signal_agrees_disagrees_or_abstains() -> None:
    complaint = _complaint(
        subject="กระแสไฟฟ้าขัดข้อง",
        tokens=["กระแสไฟฟ้า", "ขัดข้อง", "บางบัวทอง"],
        agency="การไฟฟ้าส่วนภูมิภาค",
    )
    posts = [
        make_post("same", "ไฟดับ อีกแล้ว"),
        make_post("other", "ถนน เป็น หลุม ใหญ่"),
        make_post("none", "วันนี้ อากาศ ดี"),
    ]
    vectors = np.array([[1.0, 0.0]] * 3, dtype=np.float32)
    linker = Linker(LinkSettings(threshold=0.0))
    links = linker.link([complaint], np.array([[1.0, 0.0]], np.float32), posts, vectors)
    signals = {link.post_id: link.signals["problem"] for link in links}
    assert signals == {"x:same": 1.0, "x:other": -1.0, "x:none": 0.0}
    by_post = {link.post_id[2:]: {r.kind: r for r in reasons(link)} for link in links}
    assert by_post["same"]["problem"].agrees and by_post["same"]["problem"].words == ["ไฟดับ"]
    assert not by_post["other"]["problem"].agrees
    assert by_post["other"]["problem"].words == ["หลุม"]
    assert "problem" not in by_post["none"]
    [same] = [link for link in links if link.post_id == "x:same"]
    assert "ปัญหาเดียวกัน (ไฟดับ)" in thai_sentence(reasons(same))


def test_closest_marks_the_complaint_a_post_reads_most_like() -> None:
    water = _complaint(complaint_id="c-water")
    salty = _complaint(complaint_id="c-salty")
    post = make_post("p", "น้ำประปา เค็ม")
    complaint_vectors = np.array([[1.0, 0.0], [0.8, 0.6]], dtype=np.float32)
    post_vectors = np.array([[0.9, 0.436]], dtype=np.float32)  # cos 0.90 and 0.98
    run = Linker(LinkSettings()).candidates([water, salty], complaint_vectors, [post], post_vectors)
    closest = {run.ids(pair)[1]: pair.signals["closest"] for pair in run.pairs}
    assert closest["c-salty"] == pytest.approx(1.0)
    assert closest["c-water"] == pytest.approx(np.exp(-(0.9816 - 0.9) / 0.05), abs=0.01)
