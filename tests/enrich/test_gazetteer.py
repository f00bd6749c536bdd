"""Places: provinces, districts, nicknames, ambiguity."""

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


def _locate(gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str) -> list[tuple]:
    locations = gazetteer.locate(tokenizer.tokenize(normalize(text).text))
    return [(loc.province, loc.district) for loc in locations]


def test_all_77_provinces_inside_thailand(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.provinces) == 77
    for place in gazetteer.provinces.values():
        assert 5.5 <= place.lat <= 20.5 and 97.3 <= place.lon <= 105.7, place
    assert sum(len(v) for v in gazetteer.districts.values()) == 928


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("รถติดมากที่ กทม. วันนี้", [("กรุงเทพมหานคร", None)]),
        ("น้ำท่วมโคราชหนักมาก", [("นครราชสีมา", None)]),
        ("เมืองย่าโมร้อนมาก", [("นครราชสีมา", None)]),
        ("ไฟดับทั้งหาดใหญ่", [("สงขลา", "หาดใหญ่")]),
        ("น้ำประปาเค็มที่บางบัวทอง", [("นนทบุรี", "บางบัวทอง")]),
        ("ถนนพังที่ อ.ปากช่อง จ.นครราชสีมา", [("นครราชสีมา", "ปากช่อง")]),
        ("วันนี้กินข้าวอร่อย", []),
    ],
)
def test_locates_names_and_nicknames(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: list[tuple]
) -> None:
    assert _locate(gazetteer, tokenizer, text) == expected


def test_common_word_provinces_need_a_cue(gazetteer: Gazetteer, tokenizer: ThaiTokenizer) -> None:
    assert _locate(gazetteer, tokenizer, "ไปเที่ยวมาเลย สนุกมาก") == []
    assert _locate(gazetteer, tokenizer, "น้ำท่วมที่จังหวัดเลย") == [("เลย", None)]


def test_shared_district_name_resolved_by_province(gazetteer: Gazetteer) -> None:
    shared = sorted(
        name for name, places in gazetteer.districts.items() if len(places) > 1 and len(name) >= 4
    )
    assert shared, "the gazetteer has district names shared by several provinces"
    name = shared[0]
    provinces = [p.province for p in gazetteer.districts[name]]
    assert gazetteer.locate([name]) == []
    located = gazetteer.locate(["อำเภอ", name, "จังหวัด", provinces[1]])
    assert [(loc.province, loc.district) for loc in located] == [(provinces[1], name)]


def test_unknown_alias_province_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown province"):
        Gazetteer({"เมืองลับแล": "แอตแลนติส"})
