"""Places: provinces, districts, subdistricts, nicknames, landmarks, cues and ambiguity.

(enrich/gazetteer.py, enrich/place_names.py, enrich/place_rules.py.) Rule tests run with
ThaiNER off or replaced by a fake through the ``LocationTagger`` seam, so each asserts
exactly what the rules decide; the dev-set test runs the real tagger.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from pathlib import Path

import geothai
import pytest

from domain.errors import ConfigError
from domain.settings import Landmark, load_settings
from enrich.gazetteer import CENTROIDS, Gazetteer
from enrich.place_names import district_name
from enrich.service import custom_words
from enrich.thai_text import ThaiTokenizer, normalize

DEV_SET = Path(__file__).resolve().parents[1] / "fixtures" / "gazetteer" / "dev.jsonl"
BANGKOK = "กรุงเทพมหานคร"


class FakeTagger:
    """Says a LOCATION starts at the given words; counts how often it is asked."""

    def __init__(self, *words: str) -> None:
        self.words = set(words)
        self.calls = 0

    def location_starts(self, tokens: Sequence[str]) -> list[bool]:
        self.calls += 1
        return [token in self.words for token in tokens]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    settings = load_settings()
    return Gazetteer(settings.place_aliases, landmarks=settings.landmarks, use_ner=False)


@pytest.fixture(scope="module")
def tokenizer(gazetteer: Gazetteer) -> ThaiTokenizer:
    return ThaiTokenizer(gazetteer.vocabulary())


def _with_tagger(gazetteer: Gazetteer, tagger: FakeTagger) -> Gazetteer:
    settings = load_settings()
    del gazetteer  # the same configuration, another tagger
    return Gazetteer(settings.place_aliases, landmarks=settings.landmarks, ner=tagger)


def _places(gazetteer: Gazetteer, tokens: list[str]) -> list[tuple[str, str | None]]:
    return [(loc.province, loc.district) for loc in gazetteer.locate(tokens)]


def _locate_text(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str
) -> list[tuple[str, str | None]]:
    return _places(gazetteer, tokenizer.tokenize(normalize(text).text))


def _shared_district_names(gazetteer: Gazetteer) -> list[str]:
    return sorted(name for name, places in gazetteer.districts.items() if len(places) > 1)


# --- the data ---------------------------------------------------------------------------


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


def test_every_province_and_district_has_its_own_centroid_row() -> None:
    with CENTROIDS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    provinces = {r["province"] for r in rows if r["level"] == "province"}
    districts = {(r["province"], r["district"]) for r in rows if r["level"] == "district"}
    official = {
        (p.name_th, district_name(d.name_th))
        for p in geothai.provinces()
        for d in geothai.districts(p.code)
    }
    assert provinces == {p.name_th for p in geothai.provinces()}
    assert districts == official  # no fallback to a province centre, no stray district
    subdistricts = [r for r in rows if r["level"] == "subdistrict"]
    assert len(subdistricts) == 7285  # of 7,436: the rest fall back to their district


def test_subdistricts_carry_province_district_and_their_own_point(gazetteer: Gazetteer) -> None:
    assert sum(len(places) for places in gazetteer.subdistricts.values()) == 7436
    (suthep,) = gazetteer.subdistricts["สุเทพ"]
    assert (suthep.province, suthep.district) == ("เชียงใหม่", "เมืองเชียงใหม่")
    district = gazetteer.place("เชียงใหม่", "เมืองเชียงใหม่")
    assert district is not None
    assert (suthep.lat, suthep.lon) != (district.lat, district.lon)
    assert len(gazetteer.subdistricts["บ้านใหม่"]) == 16


# --- names, nicknames and landmarks -----------------------------------------------------


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
        ("นครศรีฯ น้ำท่วมหลายตำบล", [("นครศรีธรรมราช", None)]),
        ("ค่าน้ำที่แปดริ้วแพงผิดปกติ", [("ฉะเชิงเทรา", None)]),
        ("สุพรรณฝนไม่ตกมาสองเดือน", [("สุพรรณบุรี", None)]),
        ("ชลฯ รถติดหนักช่วงเย็น", [("ชลบุรี", None)]),
        ("ไฟตกบ่อยที่ปราจีนฯ", [("ปราจีนบุรี", None)]),
        ("ไปทำงานที่อุบลฯ ถนนพังเยอะ", [("อุบลราชธานี", None)]),
        ("Chiang Mai air is terrible", [("เชียงใหม่", None)]),
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
    assert location.confidence == 0.8


def test_province_abbreviations_count_only_after_a_province_cue(gazetteer: Gazetteer) -> None:
    assert _places(gazetteer, ["ไฟดับ", "จ.", "ชม.", "ทั้ง", "ตำบล"]) == [("เชียงใหม่", None)]
    assert _places(gazetteer, ["ชม", "วิว", "สวย"]) == []
    assert _places(gazetteer, ["กบ", "ร้อง"]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เครื่องลงสนามบินสุวรรณภูมิแล้ว", [("สมุทรปราการ", "บางพลี")]),
        ("แท็กซี่ที่ดอนเมืองไม่กดมิเตอร์", [("กรุงเทพมหานคร", "ดอนเมือง")]),
        ("คนแน่นมากที่หมอชิต", [("กรุงเทพมหานคร", "จตุจักร")]),
        ("รถติดรอบอนุสาวรีย์ชัยฯ เป็นชั่วโมง", [("กรุงเทพมหานคร", "ราชเทวี")]),
        ("ฝนตกแถวสยาม", [("กรุงเทพมหานคร", "ปทุมวัน")]),
        ("ขยะเต็มทางขึ้นดอยสุเทพ", [("เชียงใหม่", "เมืองเชียงใหม่")]),
        ("หาดป่าตองน้ำเสียไหลลงทะเล", [("ภูเก็ต", "กะทู้")]),
        ("เรือไปเกาะเต่ายกเลิก", [("สุราษฎร์ธานี", "เกาะพะงัน")]),
        ("เกาะล้านขยะเยอะ", [("ชลบุรี", "บางละมุง")]),
        ("ร้านแถวนิมมานฯ ปิดเร็ว", [("เชียงใหม่", "เมืองเชียงใหม่")]),
        ("นักศึกษา ม.ขอนแก่น ร้องเรียนหอพัก", [("ขอนแก่น", "เมืองขอนแก่น")]),
        ("ตลาดน้ำดำเนินสะดวกคนน้อยลงมาก", [("ราชบุรี", "ดำเนินสะดวก")]),
    ],
)
def test_locates_landmarks(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: list[tuple]
) -> None:
    assert _locate_text(gazetteer, tokenizer, text) == expected


def test_a_landmark_split_over_several_tokens_is_matched_whole(gazetteer: Gazetteer) -> None:
    (location,) = gazetteer.locate(["ไป", "ตลาดน้ำ", "ดำเนิน", "สะดวก", "มา"])
    assert (location.province, location.district) == ("ราชบุรี", "ดำเนินสะดวก")
    assert location.matched == "ตลาดน้ำดำเนินสะดวก"
    assert location.confidence == 0.85


def test_a_landmark_named_like_a_district_is_the_district_when_cued_or_co_mentioned(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer
) -> None:
    airport = [("สมุทรปราการ", "บางพลี")]
    district = [("ร้อยเอ็ด", "สุวรรณภูมิ")]
    assert _locate_text(gazetteer, tokenizer, "เครื่องลงสุวรรณภูมิช้ามาก") == airport
    assert _locate_text(gazetteer, tokenizer, "ไฟดับที่ อ.สุวรรณภูมิ จ.ร้อยเอ็ด") == district
    assert _locate_text(gazetteer, tokenizer, "ไฟดับที่สุวรรณภูมิ ร้อยเอ็ด") == district


def test_the_bundled_config_has_landmarks() -> None:
    landmarks = load_settings().landmarks
    assert len(landmarks) >= 80
    assert landmarks["สนามบินสุวรรณภูมิ"] == Landmark(province="สมุทรปราการ", district="บางพลี")
    assert landmarks["รัชดา"].district is None


def test_landmark_with_unknown_province_or_district_is_refused_naming_the_key() -> None:
    bad_province = {"เมืองลับแล": Landmark(province="แอตแลนติส")}
    with pytest.raises(
        ConfigError, match=re.escape("landmarks.เมืองลับแล: unknown province")
    ) as info:
        Gazetteer(landmarks=bad_province, use_ner=False)
    assert info.value.key == "landmarks.เมืองลับแล"
    bad_district = {"ตลาดลับ": Landmark(province="ชลบุรี", district="ปากช่อง")}
    with pytest.raises(
        ConfigError, match=re.escape("landmarks.ตลาดลับ: ชลบุรี has no district 'ปากช่อง'")
    ):
        Gazetteer(landmarks=bad_district, use_ner=False)


def test_unknown_alias_province_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown province") as info:
        Gazetteer({"เมืองลับแล": "แอตแลนติส"}, use_ner=False)
    assert info.value.key == "place_aliases.เมืองลับแล"


# --- districts and subdistricts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ไฟดับบ่อยมากแถวบางพลี", [("สมุทรปราการ", "บางพลี")]),
        ("น้ำท่วมขังที่ลาดกระบังสามวันแล้ว", [("กรุงเทพมหานคร", "ลาดกระบัง")]),
        ("ขยะไม่มีใครเก็บที่ อ.ศรีราชา", [("ชลบุรี", "ศรีราชา")]),
        ("ไฟดับที่ อ.เมือง จ.ขอนแก่น เกือบทั้งวัน", [("ขอนแก่น", "เมืองขอนแก่น")]),
        ("เด็กป่วยหลายคนที่อำเภอฝาง", [("เชียงใหม่", "ฝาง")]),
        ("ที่ อ.ปัว น้ำป่าไหลหลาก", [("น่าน", "ปัว")]),
    ],
)
def test_locates_districts_alone(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: list[tuple]
) -> None:
    assert _locate_text(gazetteer, tokenizer, text) == expected


def test_short_or_everyday_district_names_need_a_cue(gazetteer: Gazetteer) -> None:
    assert _places(gazetteer, ["ไป", "ดู", "หนัง", "สอง", "รอบ"]) == []
    assert _places(gazetteer, ["เด็ก", "ป่วย", "ที่", "ฝาง"]) == []
    assert _places(gazetteer, ["ลอง", "โทร", "หา", "การประปา"]) == []
    assert _places(gazetteer, ["อำเภอ", "สอง"]) == [("แพร่", "สอง")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ไฟฟ้าดับทั้ง ต.สุเทพ ตั้งแต่เช้า", [("เชียงใหม่", "เมืองเชียงใหม่")]),
        ("ฝุ่นเยอะมากที่แขวงคลองจั่น", [("กรุงเทพมหานคร", "บางกะปิ")]),
        ("น้ำท่วมหนักที่ ต.หนองปรือ อ.บางละมุง", [("ชลบุรี", "บางละมุง")]),
        ("ถนนทางเข้า ต.บ้านใหม่ อ.ปากเกร็ด เป็นหลุม", [("นนทบุรี", "ปากเกร็ด")]),
        ("หม้อแปลงระเบิดที่ ต.ช้างเผือก อ.เมือง เชียงใหม่", [("เชียงใหม่", "เมืองเชียงใหม่")]),
        ("ถนนทางเข้า ต.บ้านใหม่ เป็นหลุม", []),  # 16 subdistricts are called บ้านใหม่
    ],
)
def test_locates_subdistricts(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: list[tuple]
) -> None:
    assert _locate_text(gazetteer, tokenizer, text) == expected


def test_a_subdistrict_location_carries_the_subdistrict_point(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer
) -> None:
    (location,) = gazetteer.locate(tokenizer.tokenize(normalize("ไฟดับทั้ง ต.สุเทพ").text))
    (suthep,) = gazetteer.subdistricts["สุเทพ"]
    assert (location.lat, location.lon) == (suthep.lat, suthep.lon)
    assert (location.matched, location.confidence) == ("สุเทพ", 0.7)


def test_thai_digits_around_an_address_do_not_get_in_the_way(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer
) -> None:
    text = "บ้านเลขที่ ๔๕ หมู่ ๒ ต.หนองหอย อ.เมือง จ.เชียงใหม่ ๕๐๐๐๐ ไฟดับ"
    assert _locate_text(gazetteer, tokenizer, text) == [("เชียงใหม่", "เมืองเชียงใหม่")]


def test_an_uncued_subdistrict_needs_ner_or_a_co_mention(gazetteer: Gazetteer) -> None:
    tokens = ["น้ำท่วม", "ที่", "หนองเพรางาย"]
    assert _places(gazetteer, tokens) == []
    assert _places(gazetteer, [*tokens, "อ.", "ไทรน้อย"]) == [("นนทบุรี", "ไทรน้อย")]
    tagged = _with_tagger(gazetteer, FakeTagger("หนองเพรางาย"))
    assert _places(tagged, tokens) == [("นนทบุรี", "ไทรน้อย")]
    # A subdistrict named like an everyday word is not taken even when the tagger says so.
    road = _with_tagger(gazetteer, FakeTagger("ถนน"))
    assert _places(road, ["ถนน", "พัง", "มาก"]) == []


def test_the_data_has_district_names_shared_by_several_provinces(gazetteer: Gazetteer) -> None:
    shared = _shared_district_names(gazetteer)
    assert shared
    for name in shared:
        provinces = [place.province for place in gazetteer.districts[name]]
        assert len(set(provinces)) == len(provinces) > 1


def test_shared_district_name_without_a_province_is_dropped(gazetteer: Gazetteer) -> None:
    for name in _shared_district_names(gazetteer):
        provincial = [p.province for p in gazetteer.districts[name] if p.province != BANGKOK]
        if len(provincial) > 1:  # อำเภอ rules out Bangkok, which has เขต; the rest stay open
            assert _places(gazetteer, ["น้ำท่วม", "อำเภอ", name]) == [], name


def test_khet_points_to_bangkok_and_amphoe_away_from_it(gazetteer: Gazetteer) -> None:
    # จอมทอง is a เขต of Bangkok and an อำเภอ of เชียงใหม่, the only name they share.
    assert [n for n in _shared_district_names(gazetteer) if _in_bangkok(gazetteer, n)] == ["จอมทอง"]
    assert _places(gazetteer, ["น้ำท่วม", "เขต", "จอมทอง"]) == [(BANGKOK, "จอมทอง")]
    assert _places(gazetteer, ["น้ำท่วม", "อำเภอ", "จอมทอง"]) == [("เชียงใหม่", "จอมทอง")]
    assert _places(gazetteer, ["น้ำท่วม", "จอมทอง"]) == []
    # แขวง and ตำบล do the same for subdistricts: ลาดยาว is a แขวง of จตุจักร and an อำเภอ
    # of นครสวรรค์ with a ตำบล of its own.
    assert _places(gazetteer, ["แขวง", "ลาดยาว"]) == [(BANGKOK, "จตุจักร")]
    assert _places(gazetteer, ["ต.", "ลาดยาว"]) == [("นครสวรรค์", "ลาดยาว")]


def _in_bangkok(gazetteer: Gazetteer, name: str) -> bool:
    return any(place.province == BANGKOK for place in gazetteer.districts[name])


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


def test_a_district_name_many_subdistricts_share_needs_a_co_mention(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer
) -> None:
    # อ.บ้านนา is in นครนายก, but subdistricts named บ้านนา are in 12 other provinces.
    assert _locate_text(gazetteer, tokenizer, "ไฟดับที่บ้านนา") == []
    assert _locate_text(gazetteer, tokenizer, "ไฟดับที่บ้านนา นครนายก") == [("นครนายก", "บ้านนา")]
    assert _locate_text(gazetteer, tokenizer, "ไฟดับที่ อ.บ้านนา") == [("นครนายก", "บ้านนา")]
    # ...and a co-mentioned province picks the subdistrict of that name there.
    assert _locate_text(gazetteer, tokenizer, "น้ำท่วม ท่าช้าง จันทบุรี") == [("จันทบุรี", "เมืองจันทบุรี")]


def test_shared_subdistrict_and_district_settle_each_other(gazetteer: Gazetteer) -> None:
    # จอมทอง is a district of Bangkok and of Chiang Mai, five subdistricts are called
    # บ้านหลวง, and only one บ้านหลวง lies in a จอมทอง: neither names a province, together
    # they do.
    assert len(gazetteer.districts["จอมทอง"]) == 2
    assert len(gazetteer.subdistricts["บ้านหลวง"]) == 5
    assert _places(gazetteer, ["จอมทอง"]) == []
    assert _places(gazetteer, ["ต.", "บ้านหลวง"]) == []
    tokens = ["ไฟดับ", "ต.", "บ้านหลวง", "จอมทอง"]
    assert _places(gazetteer, tokens) == [("เชียงใหม่", "จอมทอง")]


def test_a_post_may_name_several_districts_of_one_province(gazetteer: Gazetteer) -> None:
    tokens = ["ไฟดับ", "ที่", "บางบัวทอง", "ส่วน", "ปากเกร็ด", "น้ำไม่ไหล"]
    assert _places(gazetteer, tokens) == [("นนทบุรี", "บางบัวทอง"), ("นนทบุรี", "ปากเกร็ด")]
    # ...and the province alone is not reported beside them
    assert _places(gazetteer, ["นนทบุรี", "อ.", "ปากเกร็ด"]) == [("นนทบุรี", "ปากเกร็ด")]


def test_town_before_a_province_is_its_capital_district(gazetteer: Gazetteer) -> None:
    assert _places(gazetteer, ["ตัวเมือง", "โคราช"]) == [("นครราชสีมา", "เมืองนครราชสีมา")]
    assert _places(gazetteer, ["ตัวเมือง", "อยุธยา"]) == [("พระนครศรีอยุธยา", "พระนครศรีอยุธยา")]
    assert _places(gazetteer, ["เมือง", "โคราช"]) == [("นครราชสีมา", None)]


def test_a_district_name_after_a_title_is_a_person(gazetteer: Gazetteer) -> None:
    assert _places(gazetteer, ["น้อง", "จักราช", "สอบ", "ติด"]) == []
    # a nickname or landmark stays a place
    assert _places(gazetteer, ["พี่", "ปากเกร็ด"]) == [("นนทบุรี", "ปากเกร็ด")]
    assert _places(gazetteer, ["ที่", "จักราช"]) == [("นครราชสีมา", "จักราช")]


def test_ner_does_not_make_an_everyday_word_a_district_or_subdistrict(
    gazetteer: Gazetteer,
) -> None:
    # The tagger marks "สอง" of "สองวัน" (two days) and บ้าน+แถว (the house around...).
    tagger = _with_tagger(gazetteer, FakeTagger("สอง", "บ้าน"))
    assert _places(tagger, ["แจ้ง", "ไป", "สอง", "วัน", "แล้ว"]) == []
    assert _places(tagger, ["อยู่", "ที่", "บ้าน", "แถว", "ปากช่อง"]) == [("นครราชสีมา", "ปากช่อง")]
    assert _places(tagger, ["อำเภอ", "สอง"]) == [("แพร่", "สอง")]


def test_a_distinctive_subdistrict_is_read_without_a_cue(gazetteer: Gazetteer) -> None:
    assert _places(gazetteer, ["บึงคำพร้อย", "น้ำท่วม"]) == [("ปทุมธานี", "ลำลูกกา")]
    assert _places(gazetteer, ["ไร่อ้อย", "ไฟไหม้"]) == []  # "a cane field"


# --- everyday words that are place names ------------------------------------------------


@pytest.mark.parametrize("province", ["เลย", "ตาก", "แพร่"])
def test_common_word_provinces_need_a_cue(gazetteer: Gazetteer, province: str) -> None:
    assert _places(gazetteer, ["ไป", province, "กัน"]) == []
    assert _places(gazetteer, ["จังหวัด", province]) == [(province, None)]
    assert _places(gazetteer, ["จ.", province]) == [(province, None)]
    assert _places(gazetteer, ["ชาว", province, "เดือดร้อน"]) == [(province, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ไปเที่ยวมาเลย สนุกมาก", []),
        ("ตากผ้าไว้แล้วฝนตก", []),
        ("ข่าวปลอมแพร่ไปทั่วโซเชียล", []),
        ("ไฟดับอีกแล้ว ไม่ไหวเลยจริงๆ", []),
        ("เข้าเมืองเลยดีกว่า", []),
        ("ประปานครหลวงแจ้งซ่อมท่อ", []),
        ("คุณชุมพรที่ทำงานฝ่ายบัญชีลาออกแล้ว", []),
        ("น้องน่านป่วยไข้เลือดออก", []),
        ("รถติดถนนนครสวรรค์ยาวมาก", []),  # a road in Bangkok, not Nakhon Sawan
        ("น้ำท่วมที่จังหวัดเลย", [("เลย", None)]),
        ("ไฟดับ จ.ตาก ทั้งคืน", [("ตาก", None)]),
        ("ส.ส.เลย ไม่เคยลงพื้นที่", [("เลย", None)]),
        ("เมืองแพร่น้ำท่วมถึงหัวเข่า", [("แพร่", "เมืองแพร่")]),
        ("ไปเที่ยวน่านมา ถนนดีมาก", [("น่าน", None)]),
    ],
)
def test_common_word_provinces_in_sentences(
    gazetteer: Gazetteer, tokenizer: ThaiTokenizer, text: str, expected: list[tuple]
) -> None:
    assert _locate_text(gazetteer, tokenizer, text) == expected


def test_ner_accepts_an_uncued_common_word_province(gazetteer: Gazetteer) -> None:
    tokens = ["อยู่", "ตาก", "มา", "สาม", "ปี"]
    assert _places(_with_tagger(gazetteer, FakeTagger("ตาก")), tokens) == [("ตาก", None)]
    assert _places(_with_tagger(gazetteer, FakeTagger()), tokens) == []
    (location,) = _with_tagger(gazetteer, FakeTagger("ตาก")).locate(tokens)
    assert location.confidence == 0.55


def test_ner_never_rejects_a_cued_name(gazetteer: Gazetteer) -> None:
    tagger = FakeTagger()
    silent = _with_tagger(gazetteer, tagger)
    assert _places(silent, ["น้ำท่วม", "จังหวัด", "เลย"]) == [("เลย", None)]
    assert _places(silent, ["ไฟดับ", "อำเภอ", "สอง"]) == [("แพร่", "สอง")]
    assert tagger.calls == 0


def test_ner_runs_only_when_an_uncertain_name_could_add_a_province(gazetteer: Gazetteer) -> None:
    tagger = FakeTagger()
    counted = _with_tagger(gazetteer, tagger)
    counted.locate(["น้ำท่วม", "เชียงใหม่", "หนัก"])
    counted.locate(["ไฟดับ", "จังหวัด", "เลย"])
    assert tagger.calls == 0
    counted.locate(["ไป", "เที่ยว", "มา", "เลย"])
    assert tagger.calls == 1
    counted.locate(["จังหวัด", "แพร่", "แพร่", "ข่าว"])  # แพร่ is already named: no need
    assert tagger.calls == 1


# --- tokenizer vocabulary ---------------------------------------------------------------


def test_vocabulary_has_places_but_no_everyday_phrases(gazetteer: Gazetteer) -> None:
    words = gazetteer.vocabulary()
    assert {"เชียงใหม่", "โคราช", "ตลาดน้ำดำเนินสะดวก", "บางพลี", "หนองเพรางาย"} <= words
    assert not {"วัดใหม่", "สามพี่น้อง", "บ้านใหม่", "ถนน", "ครึ่ง"} & words
    shared = {name for name, places in gazetteer.subdistricts.items() if len(places) > 1}
    named_otherwise = (
        set(gazetteer.districts)
        | set(gazetteer.landmarks)
        | set(gazetteer.provinces)
        | gazetteer.roads
    )
    assert not (shared - named_otherwise) & words


def test_subdistrict_vocabulary_changes_only_sentences_that_name_one(
    gazetteer: Gazetteer,
) -> None:
    words = gazetteer.vocabulary()
    subdistricts = words - gazetteer.vocabulary(subdistricts=False)
    assert len(subdistricts) > 2000
    texts = [json.loads(line)["text"] for line in DEV_SET.read_text("utf-8").splitlines()]
    with_them, without = ThaiTokenizer(words), ThaiTokenizer(words - subdistricts)
    changed = [
        text
        for text in texts
        if with_them.tokenize(normalize(text).text) != without.tokenize(normalize(text).text)
    ]
    assert all(any(name in text for name in subdistricts) for text in changed)


# --- the dev set, with the real ThaiNER -------------------------------------------------


def test_dev_set_precision_and_recall() -> None:
    settings = load_settings()
    gazetteer = Gazetteer(settings.place_aliases, landmarks=settings.landmarks)
    tokenizer = ThaiTokenizer(custom_words(settings, gazetteer), engine=settings.models.tokenizer)
    rows = [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines()]
    assert len(rows) == 165
    hits = predicted = expected = 0
    for row in rows:
        tokens = tokenizer.tokenize(normalize(row["text"]).text)
        found = {location.province for location in gazetteer.locate(tokens)}
        gold = set(row["provinces"])
        hits += len(found & gold)
        predicted += len(found)
        expected += len(gold)
    assert hits / predicted >= 0.97
    assert hits / expected >= 0.95
