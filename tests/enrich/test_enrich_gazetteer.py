"""Places: provinces, districts, nicknames, cues and ambiguity (enrich/gazetteer.py)."""

from __future__ import annotations

import pytest

from domain.settings import load_settings
from enrich.gazetteer import Gazetteer
from enrich.thai_text import ThaiTokenizer, normalize


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(load_settings().place_aliases)


@pytest.fixture(scope="module")
def tokenizer(gazetteer: Gazetteer) -> ThaiTokenizer:
    return ThaiTokenizer(gazetteer.vocabulary())


def _places(gazetteer: Gazetteer, tokens: list[str]) -> list[tuple[str, str | None]]:
    return [(loc.province, loc.district) for loc in gazetteer.locate(tokens)]


def _locate_text(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str
) -> list[tuple[str, str | None]]:
    return _places(gazetteer, tokenizer.tokenize(normalize(text).text))


def _shared_district_names(gazetteer: Gazetteer) -> list[str]:
    return sorted(name for name, places in gazetteer.districts.items() if len(places) > 1)


def test_all_77_provinces_inside_thailand(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.provinces) == 77
    outside = [
        place
        for place in gazetteer.provinces.values()
        if not (5.5 <= place.lat <= 20.5 and 97.3 <= place.lon <= 105.7)
    ]
    assert outside == []
    assert {"กรุงเทพมหานคร", "เชียงใหม่", "นราธิวาส", "อุบลราชธานี"} <= set(gazetteer.provinces)


def test_every_district_has_a_province_and_coordinates_in_thailand(gazetteer: Gazetteer) -> None:
    places = [place for places in gazetteer.districts.values() for place in places]
    assert len(places) == 928  # 878 อำเภอ + 50 เขต of Bangkok
    assert {place.province for place in places} == set(gazetteer.provinces)
    assert all(5.5 <= p.lat <= 20.5 and 97.3 <= p.lon <= 105.7 for p in places)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("รถติดมากที่ กทม. วันนี้", [("กรุงเทพมหานคร", None)]),
        ("ไฟดับที่กรุงเทพฯ อีกแล้ว", [("กรุงเทพมหานคร", None)]),
        ("น้ำท่วมโคราชหนักมาก", [("นครราชสีมา", None)]),
        ("เมืองย่าโมร้อนมาก", [("นครราชสีมา", None)]),
        ("ไฟดับทั้งหาดใหญ่", [("สงขลา", "หาดใหญ่")]),
        ("น้ำประปาเค็มที่บางบัวทอง", [("นนทบุรี", "บางบัวทอง")]),
        ("ถนนพังที่ อ.ปากช่อง จ.นครราชสีมา", [("นครราชสีมา", "ปากช่อง")]),
        ("น้ำท่วมเชียงใหม่ และ ลำพูน", [("ลำพูน", None), ("เชียงใหม่", None)]),
        ("วันนี้กินข้าวอร่อย", []),
    ],
)
def test_locates_names_and_nicknames(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: list[tuple]
) -> None:
    assert _locate_text(gazetteer, tokenizer, text) == expected


def test_nickname_location_carries_the_province_centroid(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer
) -> None:
    (location,) = gazetteer.locate(tokenizer.tokenize("น้ำท่วมโคราช"))
    centre = gazetteer.provinces["นครราชสีมา"]
    assert (location.lat, location.lon) == (centre.lat, centre.lon)
    assert location.matched == "โคราช"


@pytest.mark.parametrize("province", ["เลย", "ตาก", "แพร่"])
def test_common_word_provinces_need_a_cue(gazetteer: Gazetteer, province: str) -> None:
    assert _places(gazetteer, ["ไป", province, "กัน"]) == []
    assert _places(gazetteer, ["จังหวัด", province]) == [(province, None)]
    assert _places(gazetteer, ["จ.", province]) == [(province, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ไปเที่ยวมาเลย สนุกมาก", []),
        ("ตากผ้าไว้แล้วฝนตก", []),
        ("น้ำท่วมที่จังหวัดเลย", [("เลย", None)]),
        ("ไฟดับ จ.ตาก ทั้งคืน", [("ตาก", None)]),
    ],
)
def test_common_word_provinces_in_sentences(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: list[tuple]
) -> None:
    assert _locate_text(gazetteer, tokenizer, text) == expected


def test_the_data_has_district_names_shared_by_several_provinces(gazetteer: Gazetteer) -> None:
    shared = _shared_district_names(gazetteer)
    assert shared
    for name in shared:
        provinces = [place.province for place in gazetteer.districts[name]]
        assert len(set(provinces)) == len(provinces) > 1


def test_shared_district_name_without_a_province_is_dropped(gazetteer: Gazetteer) -> None:
    for name in _shared_district_names(gazetteer):
        assert _places(gazetteer, ["น้ำท่วม", "อำเภอ", name]) == []


def test_shared_district_name_resolved_by_co_mentioned_province(gazetteer: Gazetteer) -> None:
    cases = [
        (name, place.province)
        for name in _shared_district_names(gazetteer)
        for place in gazetteer.districts[name]
    ]
    for name, province in cases:
        tokens = ["น้ำท่วม", "อำเภอ", name, "จังหวัด", province]
        assert _places(gazetteer, tokens) == [(province, name)], (name, province)


def test_shared_district_name_resolved_in_a_sentence(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer
) -> None:
    name = _shared_district_names(gazetteer)[0]
    first, second = (place.province for place in gazetteer.districts[name][:2])
    assert _locate_text(gazetteer, tokenizer, f"น้ำท่วมหนักที่{name} {second}") == [(second, name)]
    assert _locate_text(gazetteer, tokenizer, f"น้ำท่วมหนักที่{name} {first}") == [(first, name)]
    assert _locate_text(gazetteer, tokenizer, f"น้ำท่วมหนักที่{name}") == []


def test_unknown_alias_province_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown province"):
        Gazetteer({"เมืองลับแล": "แอตแลนติส"})
