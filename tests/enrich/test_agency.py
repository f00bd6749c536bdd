"""Agency routing (enrich/agency.py): the agency a text names, else by category and province."""

from __future__ import annotations

import pytest

from domain.models import Category
from domain.settings import Settings, load_settings
from enrich.agency import MEA, MWA, PEA, PWA, agency_for, named_agencies
from enrich.service import Enricher

BANGKOK = "กรุงเทพมหานคร"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="module")
def enricher(settings: Settings) -> Enricher:
    return Enricher.from_settings(settings, embedder=None)


def _route(
    settings: Settings, category: Category, province: str | None, tokens: list[str]
) -> str | None:
    return agency_for(
        category,
        settings.agencies,
        province=province,
        by_province=settings.agencies_by_province,
        tokens=tokens,
    )


# --- by category and province, when no agency is named ----------------------------------


def test_agency_by_category(settings: Settings) -> None:
    assert agency_for(Category.water_supply, settings.agencies) == PWA
    assert agency_for(Category.electricity, settings.agencies) == PEA
    assert agency_for(Category.none, settings.agencies) is None
    assert agency_for(Category.none, {Category.none: "ใครก็ได้"}) is None
    assert agency_for(Category.telecom, {}) is None


@pytest.mark.parametrize(
    ("category", "province", "agency"),
    [
        (Category.water_supply, BANGKOK, MWA),
        (Category.water_supply, "นนทบุรี", MWA),
        (Category.water_supply, "สมุทรปราการ", MWA),
        (Category.water_supply, "ปทุมธานี", PWA),  # next to Bangkok, but Provincial
        (Category.water_supply, "สงขลา", PWA),
        (Category.water_supply, None, PWA),
        (Category.electricity, BANGKOK, MEA),
        (Category.electricity, "นนทบุรี", MEA),
        (Category.electricity, "สมุทรปราการ", MEA),
        (Category.electricity, "ชลบุรี", PEA),
    ],
)
def test_utilities_by_province(
    settings: Settings, category: Category, province: str | None, agency: str
) -> None:
    assert _route(settings, category, province, ["น้ำ", "ไม่", "ไหล"]) == agency


def test_a_category_without_a_province_entry_keeps_its_agency(settings: Settings) -> None:
    education = settings.agencies[Category.education]
    assert _route(settings, Category.education, BANGKOK, []) == education


# --- the agency a text names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "names"),
    [
        (["แจ้ง", "กปภ.", "แล้ว"], [PWA]),
        (["แจ้ง", "กปภ", "แล้ว"], [PWA]),  # without the dot
        (["การประปาส่วนภูมิภาค", "สาขา", "หาดใหญ่"], [PWA]),
        (["การ", "ประปา", "ส่วน", "ภูมิภาค"], [PWA]),  # split over tokens
        (["ประปา", "ส่วนภูมิภาค"], [PWA]),
        (["PWA", "please", "help"], [PWA]),
        (["กปน.", "ขุด", "ถนน"], [MWA]),
        (["ประปา", "นครหลวง"], [MWA]),
        (["thank", "you", "pea", "surat"], [PEA]),
        (["กฟน.", "ตัด", "ไฟ"], [MEA]),
        (["กฟภ.", "กับ", "กปภ.", "และ", "กฟภ."], [PEA, PWA]),  # in order, each once
        (["การประปา", "ไม่", "มา", "ซ่อม"], []),  # "the waterworks": which one is not said
        (["I", "SPEAK", "Thai"], []),
        ([], []),
    ],
)
def test_named_agencies(tokens: list[str], names: list[str]) -> None:
    assert [agency.name for agency in named_agencies(tokens)] == names


def test_a_named_agency_beats_the_province(settings: Settings) -> None:
    # The mistake of issue 20: a post naming กปภ. with a place read in the MWA area.
    assert _route(settings, Category.water_supply, "นนทบุรี", ["กปภ.", "น้ำ", "ไม่", "ไหล"]) == PWA
    assert _route(settings, Category.water_supply, "สงขลา", ["กปน.", "ขุด", "ถนน"]) == MWA
    assert _route(settings, Category.electricity, "อุบลราชธานี", ["ขอบคุณ", "กฟน."]) == MEA


def test_a_named_agency_that_serves_the_category_comes_first(settings: Settings) -> None:
    tokens = ["น้ำ", "ไม่", "ไหล", "แจ้ง", "กปภ.", "แล้ว", "ไฟ", "ก็", "ดับ", "แจ้ง", "กฟภ."]
    assert _route(settings, Category.electricity, None, tokens) == PEA
    assert _route(settings, Category.water_supply, None, tokens) == PWA
    # one that serves another area still beats a guess from the category
    assert _route(settings, Category.flood_water, BANGKOK, ["กปภ.", "ท่อ", "แตก"]) == PWA
    assert _route(settings, Category.none, None, ["ขอบคุณ", "กปภ."]) == PWA


# --- through the enricher ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("แจ้ง กปภ.สาขาบางบัวทองไปสามรอบแล้ว น้ำประปาไม่ไหลเลย", PWA),
        ("การประปาส่วนภูมิภาคสาขาบางพลี ท่อแตกน้ำไหลนองถนน", PWA),
        ("กปน. ขุดถนนวางท่อที่หาดใหญ่ทิ้งไว้", MWA),
        ("ขอบคุณ กฟภ. ที่มาซ่อมไฟที่ปากเกร็ดเร็วมาก", PEA),
    ],
)
def test_the_enricher_routes_to_the_agency_a_post_names(
    enricher: Enricher, text: str, agency: str
) -> None:
    assert enricher.enrich_text(text).agency == agency


def test_the_enricher_routes_water_by_province_when_no_agency_is_named(
    enricher: Enricher,
) -> None:
    assert enricher.enrich_text("น้ำประปาไม่ไหลที่ลาดพร้าว กทม.").agency == MWA
    assert enricher.enrich_text("น้ำประปาไม่ไหลที่หาดใหญ่").agency == PWA
