"""The bundled landmark, road and road-section tables (enrich/landmarks.py) and how the
gazetteer reads them against the rest of a post (enrich/place_rules.py, step 4).

Rules run with ThaiNER off, so each test asserts exactly what the tables and rules decide.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.settings import Landmark, load_settings
from enrich.gazetteer import Gazetteer
from enrich.landmarks import LANDMARKS, ROAD_SECTIONS, read_landmarks, read_sections
from enrich.thai_text import ThaiTokenizer, normalize

BANGKOK = "กรุงเทพมหานคร"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    settings = load_settings()
    return Gazetteer(settings.place_aliases, landmarks=settings.landmarks, use_ner=False)


@pytest.fixture(scope="module")
def tokenizer(gazetteer: Gazetteer) -> ThaiTokenizer:
    return ThaiTokenizer(gazetteer.vocabulary())


def _places(gazetteer: Gazetteer, tokens: list[str]) -> list[tuple[str, str | None]]:
    return [(loc.province, loc.district) for loc in gazetteer.locate(tokens)]


def _read(gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str) -> set[tuple[str, str]]:
    tokens = tokenizer.tokenize(normalize(text).text)
    return {(loc.province, loc.district or "") for loc in gazetteer.locate(tokens)}


# --- the tables --------------------------------------------------------------------------


def test_every_bundled_row_names_a_real_province_and_district(gazetteer: Gazetteer) -> None:
    rows = read_landmarks(LANDMARKS)
    assert len(rows) >= 300
    assert len({row.name for row in rows}) == len(rows)
    for row in rows:
        if row.province:  # Gazetteer() refuses the table otherwise; this names the row
            assert row.province in gazetteer.provinces, row
        if row.district:
            homes = {p.province for p in gazetteer.districts[row.district]}
            assert row.province in homes, row
        assert set(row.also) <= set(gazetteer.provinces) | {"*"}, row
    kinds = {row.kind for row in rows}
    assert {"airport", "mall", "university", "hospital", "market", "road", "name"} <= kinds
    sections = read_sections(ROAD_SECTIONS)
    for section in sections:  # a road of the table, or a place a road is named after
        assert all(name in gazetteer.index for name in section.names), section


def test_a_bad_table_is_refused_naming_the_row(tmp_path: Path) -> None:
    header = "name,province,district,kind,also\n"
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(header + "ตลาดลับ,ชลบุรี,ปากช่อง,market,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("(ตลาดลับ): ชลบุรี has no district 'ปากช่อง'")):
        Gazetteer(landmark_table=unknown, use_ner=False)
    homeless = tmp_path / "homeless.csv"
    homeless.write_text(header + "ตลาดลับ,,,market,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("homeless.csv:2: only a road or a name")):
        read_landmarks(homeless)
    columns = tmp_path / "columns.csv"
    columns.write_text("name,province\nตลาดลับ,ชลบุรี\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected columns"):
        read_landmarks(columns)


def test_the_config_wins_over_the_table(tmp_path: Path) -> None:
    table = tmp_path / "landmarks.csv"
    table.write_text(
        "name,province,district,kind,also\nตลาดลับ,ชลบุรี,ศรีราชา,market,\n", encoding="utf-8"
    )
    configured = {"ตลาดลับ": Landmark(province="ระยอง", district="บ้านฉาง")}
    gazetteer = Gazetteer(landmarks=configured, landmark_table=table, use_ner=False)
    assert _places(gazetteer, ["ไป", "ตลาดลับ"]) == [("ระยอง", "บ้านฉาง")]


# --- landmarks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("สนามบินกระบี่ แท็กซี่แพง", {("กระบี่", "เหนือคลอง")}),
        ("รพ.ศรีนครินทร์ คิวยาว", {("ขอนแก่น", "เมืองขอนแก่น")}),
        ("ม.อุบล น้ำไม่ไหล", {("อุบลราชธานี", "วารินชำราบ")}),
        ("สวนหลวง ร.9 น้ำท่วม", {(BANGKOK, "ประเวศ")}),  # not เขตสวนหลวง
        ("ฟาร์มโชคชัย คนเยอะ", {("นครราชสีมา", "ปากช่อง")}),  # not อ.โชคชัย
        ("รถติดรอบวงเวียนสระแก้ว", {("ลพบุรี", "เมืองลพบุรี")}),  # not จ.สระแก้ว
    ],
)
def test_landmarks_give_their_district(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: set[tuple[str, str]]
) -> None:
    assert _read(gazetteer, tokenizer, text) == expected


def test_a_landmark_other_towns_share_is_read_only_without_another_province(
    gazetteer: Gazetteer,
) -> None:
    assert _places(gazetteer, ["ไหว้พระ", "วัดโพธิ์"]) == [(BANGKOK, "พระนคร")]
    assert _places(gazetteer, ["วัดโพธิ์", "ชลบุรี"]) == [("ชลบุรี", None)]


def test_brands_named_after_places_are_no_place(gazetteer: Gazetteer) -> None:
    assert _places(gazetteer, ["ธนาคารกรุงเทพ", "สาขา", "นี้"]) == []
    assert _places(gazetteer, ["ก๋วยเตี๋ยว", "สุโขทัย", "อร่อย"]) == []
    assert _places(gazetteer, ["ธนาคาร", "กรุงเทพ", "สาขา", "หาดใหญ่"]) == [("สงขลา", "หาดใหญ่")]


def test_a_nickname_that_is_a_landmark_gives_its_district(gazetteer: Gazetteer) -> None:
    (pattaya,) = gazetteer.locate(["น้ำท่วม", "พัทยา"])
    assert (pattaya.province, pattaya.district, pattaya.matched) == ("ชลบุรี", "บางละมุง", "พัทยา")


# --- roads, road sections and junctions --------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["ค่าเช่า", "แถว", "สุขุมวิท"], [(BANGKOK, None)]),  # the usual place
        (["สุขุมวิท", "ซอย", "71"], [(BANGKOK, "วัฒนา")]),  # odd sois 1 to 71
        (["สุขุมวิท", "ซ.", "24"], [(BANGKOK, "คลองเตย")]),  # even sois 2 to 42
        (["ซอย", "สุขุมวิท", "73"], [(BANGKOK, None)]),  # no section: the usual place
        (["สุขุมวิท", "113"], [("สมุทรปราการ", None)]),  # odd sois past 107
        (["ถนน", "สุขุมวิท", "ระยอง"], [("ระยอง", None)]),  # a province it runs through
        (["สุขุมวิท", "บางพลี"], [("สมุทรปราการ", "บางพลี")]),
        (["ถนน", "สุขุมวิท", "ช่วง", "บางแสน"], [("ชลบุรี", "เมืองชลบุรี")]),
        (["ถนน", "มิตรภาพ", "พัง"], []),  # a highway with no usual place
        (["ถนน", "มิตรภาพ", "โคราช"], [("นครราชสีมา", None)]),  # not ต.มิตรภาพ, อ.สีคิ้ว
        (["ต.", "มิตรภาพ", "อ.", "สีคิ้ว"], [("นครราชสีมา", "สีคิ้ว")]),  # cued: the subdistrict
        (["ถนน", "ราชดำเนิน"], [(BANGKOK, "พระนคร")]),
        (["ถนน", "ราชดำเนิน", "นครศรีฯ"], [("นครศรีธรรมราช", None)]),  # its own ราชดำเนิน
        (["ถนน", "บางนา", "-", "ตราด"], []),  # a road, neither บางนา nor ตราด
        (["ถนน", "เทพารักษ์"], [("สมุทรปราการ", None)]),
        (["ชุมชน", "เทพารักษ์"], []),  # an everyday name needs ถนน to be the road
        (["คุณ", "วิภาวดี"], []),  # a person named like a road
    ],
)
def test_roads_are_read_against_the_rest_of_the_post(
    gazetteer: Gazetteer, tokens: list[str], expected: list[tuple[str, str | None]]
) -> None:
    assert _places(gazetteer, tokens) == expected


def test_a_road_and_a_subdistrict_on_it_confirm_each_other(gazetteer: Gazetteer) -> None:
    # ทุ่งสุขลา alone is too ordinary a phrase to read, สุขุมวิท alone would be Bangkok;
    # the road runs through ชลบุรี, where ทุ่งสุขลา is.
    assert _places(gazetteer, ["ตลาด", "ทุ่งสุขลา"]) == []
    tokens = ["สุขุมวิท", "หน้า", "ตลาด", "ทุ่งสุขลา", "ถนน", "ยุบ"]
    assert _places(gazetteer, tokens) == [("ชลบุรี", "ศรีราชา")]


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["แยก", "โชคชัย", "4"], [(BANGKOK, "ลาดพร้าว")]),  # a Bangkok road, not อ.โชคชัย
        (["แยก", "โชคชัย", "สี่"], [(BANGKOK, "ลาดพร้าว")]),
        (["แยก", "บางพลี"], [("สมุทรปราการ", "บางพลี")]),  # named after where it is
        (["แยก", "โชคชัย", "ขอนแก่น"], [("ขอนแก่น", None)]),  # another province's junction
        (["ไฟแดง", "แยก", "ขอนแก่น", "เสีย"], [("ขอนแก่น", None)]),
        (["แยก", "ขอนแก่น", "ใน", "อุดร"], [("อุดรธานี", None)]),
        (["ถนน", "นครสวรรค์"], []),  # a Bangkok road named after a province
        (["ถนน", "พิมาย"], []),  # ...or after a district
    ],
)
def test_junctions_and_roads_named_after_places(
    gazetteer: Gazetteer, tokens: list[str], expected: list[tuple[str, str | None]]
) -> None:
    assert _places(gazetteer, tokens) == expected
