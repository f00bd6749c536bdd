"""Where a post is about: provinces, districts and subdistricts with centroid coordinates.

Names and codes of all 77 provinces, 928 districts (อำเภอ/เขต) and 7,436 subdistricts
(ตำบล/แขวง) come from ``geothai`` (Department of Provincial Administration data, CC BY 4.0);
centroids from ``enrich/data/centroids.csv`` (built from ``thaiaddress``, Apache-2.0, see
``tools.gazetteer_build`` and ``enrich/data/PLACES.md``); nicknames from the config.

Matching works on token runs (``place_names``), never raw substrings, and favours
precision: a name that is also an everyday word (เลย, ตาก, สอง), a short district name, a
bare subdistrict name or a district name several provinces share needs something more — a
cue word (จังหวัด, อ., ต.), a co-mentioned province or district it belongs to, or a ThaiNER
LOCATION tag (``place_ner``, run only for posts that have such a name). What stays
ambiguous is not reported. The rules themselves are in ``place_rules``.

Landmarks and roads come from the bundled table (``enrich.landmarks``) and the config's
``landmarks``, the config winning on a shared name. A road followed by a lane number or a
kilometre is read through its sections (สุขุมวิท ซอย 71 → วัฒนา, ลาดพร้าว 71 → ลาดพร้าว,
บางนา-ตราด กม.26 → บางเสาธง). Districts are also known by their English names when
these cannot be English words (Hat Yai, Don Mueang; not Song or Long).
"""

from __future__ import annotations

import csv
import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Protocol

import geothai

from domain.errors import ConfigError
from domain.models import Location
from enrich.landmarks import (
    LANDMARKS,
    ROAD_SECTIONS,
    LandmarkRow,
    RoadSection,
    read_landmarks,
    read_sections,
)
from enrich.place_names import (
    BRANCHED,
    EVERYWHERE,
    Entry,
    Mention,
    PlaceIndex,
    district_name,
    name_key,
)
from enrich.place_ner import LocationTagger, ThaiNerTagger
from enrich.place_rules import Found, resolve

DATA = Path(str(files("enrich").joinpath("data")))
CENTROIDS = DATA / "centroids.csv"
COMMON_WORDS = DATA / "place_common_words.txt"
# Province names that are also common personal names: not a place after คุณ, นาย, น้อง...
_PERSON_NAMES = frozenset({"ชุมพร", "สุรินทร์", "พิจิตร", "น่าน"})
# Subdistrict names added to the tokenizer's dictionary: unique, long, not a dictionary
# word and not a phrase of frequent words (วัดใหม่, สามพี่น้อง), so adding them cannot
# change how ordinary text is segmented.
_MIN_VOCABULARY_SUBDISTRICT = 7
_FREQUENT_WORD = 2000  # occurrences in the Thai National Corpus word list
_EVERYDAY_WORD = 300
# A vocabulary subdistrict is read without a cue only when it is not made of words even
# this common (บึงคำพร้อย is read, ไร่อ้อย "a cane field" and หนองหาร, the lake, are not).
_COMMON_WORD = 500
# An English district name is indexed when it has two words (Hat Yai) or is this long.
_MIN_ENGLISH_WORD = 8


@dataclass(frozen=True)
class Place:
    province: str
    district: str | None
    lat: float
    lon: float
    subdistrict: str | None = None


class LandmarkLike(Protocol):
    """What ``landmarks`` values provide (``domain.settings.Landmark`` does)."""

    province: str
    district: str | None


class Gazetteer:
    """Thai administrative areas, nicknames and landmarks; ``locate`` turns tokens into places.

    Args:
        aliases: nickname or abbreviation → official province name (``place_aliases``).
        landmarks: landmark name → its province and optional district (``landmarks``),
            over the bundled table.
        path: the centroid table.
        landmark_table: the bundled landmarks and roads; ``road_sections`` their sections.
        ner: the tagger that settles uncertain names; the bundled ThaiNER CRF by default,
            opened on first use. ``use_ner=False`` turns it off (uncertain names dropped).
    """

    def __init__(
        self,
        aliases: Mapping[str, str] | None = None,
        *,
        landmarks: Mapping[str, LandmarkLike] | None = None,
        path: Path = CENTROIDS,
        landmark_table: Path = LANDMARKS,
        road_sections: Path = ROAD_SECTIONS,
        ner: LocationTagger | None = None,
        use_ner: bool = True,
    ) -> None:
        self.provinces: dict[str, Place] = {}
        self.districts: dict[str, list[Place]] = defaultdict(list)
        self.subdistricts: dict[str, list[Place]] = defaultdict(list)
        self._load_areas(path)
        self.common_words = _read_words(COMMON_WORDS)
        self._frequency = _word_frequency()
        self._frequent = frozenset(w for w, n in self._frequency.items() if n >= _FREQUENT_WORD)
        # Subdistricts named ถนน, ครึ่ง or วัดใหม่: a bare one is not trusted even with NER.
        self.everyday_subdistricts = frozenset(
            name_key(name)
            for name in self.subdistricts
            if self._frequency.get(name, 0) >= _EVERYDAY_WORD or _is_phrase(name, self._frequent)
        )
        # ...and of those, the ones that are everyday words themselves (สนามบิน, not สีกัน)
        self.word_subdistricts = frozenset(
            name_key(name)
            for name in self.subdistricts
            if self._frequency.get(name, 0) >= _EVERYDAY_WORD
        )
        self.index = PlaceIndex()
        self._index_areas()
        self.aliases: dict[str, str] = {}
        self._names_of: dict[str, list[str]] = defaultdict(list)  # province → its nicknames
        for alias, province in (aliases or {}).items():
            if province not in self.provinces:
                raise ConfigError(
                    f"place_aliases.{alias}: unknown province {province!r}",
                    key=f"place_aliases.{alias}",
                )
            self.aliases[alias] = province
            self._names_of[province].append(alias)
            self.index.add(alias, Entry("alias", province))
        self.landmarks: dict[str, Place] = {}
        self.roads: set[str] = set()
        self._index_landmarks(landmarks or {}, landmark_table)
        self.sections: dict[str, list[RoadSection]] = defaultdict(list)
        for section in read_sections(road_sections):
            self._check(
                f"{road_sections.name} ({section.road})", section.province, section.district
            )
            for name in section.names or (section.road,):
                self.sections[name_key(name)].append(section)
        # อ.เมือง of each province; Ayutthaya's capital district is named for the city
        self.capitals = {
            p.province: p.district or ""
            for places in self.districts.values()
            for p in places
            if p.district in (f"เมือง{p.province}", p.province)
        }
        self._distinctive = self._vocabulary_subdistricts()
        common = frozenset(w for w, n in self._frequency.items() if n >= _COMMON_WORD)
        self.distinctive_subdistricts = frozenset(
            name_key(name) for name in self._distinctive if not _is_phrase(name, common)
        )
        self.ner: LocationTagger | None = (ner or ThaiNerTagger()) if use_ner else None

    def _load_areas(self, path: Path) -> None:
        centres: dict[tuple[str, str, str, str], tuple[float, float]] = {}
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                key = (row["level"], row["province"], row["district"], row["subdistrict"])
                centres[key] = (float(row["lat"]), float(row["lon"]))
        for province in geothai.provinces():
            centre = centres.get(("province", province.name_th, "", ""))
            if centre is None:
                raise ValueError(f"{path.name} lacks province {province.name_th}")
            self.provinces[province.name_th] = Place(province.name_th, None, *centre)
            for district in geothai.districts(province.code):
                name = district_name(district.name_th)
                centre = centres.get(("district", province.name_th, name, ""))
                if centre is None:
                    raise ValueError(f"{path.name} lacks district {province.name_th}/{name}")
                self.districts[name].append(Place(province.name_th, name, *centre))
                for subdistrict in geothai.subdistricts(district.code):
                    key = ("subdistrict", province.name_th, name, subdistrict.name_th)
                    point = centres.get(key, centre)  # a few have no point: the district's
                    place = Place(province.name_th, name, *point, subdistrict.name_th)
                    self.subdistricts[subdistrict.name_th].append(place)

    def _index_areas(self) -> None:
        from pythainlp.corpus import provinces as pythainlp_provinces

        for province in geothai.provinces():
            self.index.add(province.name_th, Entry("province", province.name_th))
            self.index.add(province.name_en, Entry("province", province.name_th))
        for row in pythainlp_provinces(details=True):
            if isinstance(row, dict) and row["name_th"] in self.provinces:
                self.index.add(row["abbr_th"], Entry("abbreviation", row["name_th"]))
        for places in self.districts.values():
            for p in places:
                self.index.add(p.district or "", Entry("district", p.province, p.district))
                if p.district == f"เมือง{p.province}":  # อ.เมือง + a named province
                    self.index.add("เมือง", Entry("district", p.province, p.district))
        for province in geothai.provinces():
            for district in geothai.districts(province.code):
                english = district.name_en
                if " " in english.strip() or len(english) >= _MIN_ENGLISH_WORD:
                    entry = Entry("district", province.name_th, district_name(district.name_th))
                    self.index.add(english, entry)
        for name, places in self.subdistricts.items():
            for p in places:
                self.index.add(_bare(name), Entry("subdistrict", p.province, p.district, name))

    def _index_landmarks(self, configured: Mapping[str, LandmarkLike], table: Path) -> None:
        rows = {row.name: row for row in read_landmarks(table)}
        for row in rows.values():
            self._check(
                f"{table.name} ({row.name})",
                row.province,
                row.district,
                empty_province=row.is_road or row.is_name,
            )
        # Names of the table that are phrases of frequent words (สามย่าน) stay out of the
        # tokenizer's dictionary, so that they cannot re-segment ordinary text.
        self._phrase_names = {name for name in rows if _is_phrase(name_key(name), self._frequent)}
        for name, landmark in configured.items():
            place = self._landmark_place(name, landmark)
            rows[name] = LandmarkRow(name, place.province, place.district, "landmark")
            self._phrase_names.discard(name)
        for name, row in rows.items():
            also = tuple(p for p in row.also if p != row.province)
            if row.is_name:
                self.index.add(name, Entry("name", ""))
                continue
            if row.is_road:
                self.roads.add(name)
                self.index.add(name, Entry("road", row.province, row.district, also=also))
                continue
            self.landmarks[name] = (
                self.place(row.province, row.district) or self.provinces[row.province]
            )
            self.index.add(name, Entry("landmark", row.province, row.district, also=also))

    def _check(
        self, source: str, province: str, district: str | None, *, empty_province: bool = False
    ) -> None:
        """Refuse a bundled row whose province or district geothai does not know."""
        if not province and empty_province and district is None:
            return
        if province not in self.provinces:
            raise ValueError(f"{source}: unknown province {province!r}")
        if district and not any(p.province == province for p in self.districts.get(district, [])):
            raise ValueError(f"{source}: {province} has no district {district!r}")

    def _landmark_place(self, name: str, landmark: LandmarkLike) -> Place:
        key = f"landmarks.{name}"
        centre = self.provinces.get(landmark.province)
        if centre is None:
            raise ConfigError(f"{key}: unknown province {landmark.province!r}", key=key)
        if landmark.district is None:
            return centre
        for place in self.districts.get(landmark.district, []):
            if place.province == landmark.province:
                return place
        raise ConfigError(
            f"{key}: {landmark.province} has no district {landmark.district!r}", key=key
        )

    def vocabulary(self, *, subdistricts: bool = True) -> set[str]:
        """Names the tokenizer should keep whole.

        Subdistrict names join only when unique, long and not made of everyday words, so
        they change the segmentation of text that names them and of nothing else.
        """
        named = (set(self.aliases) | set(self.landmarks) | self.roads) - self._phrase_names
        words = set(self.provinces) | {name for name in named if " " not in name} | {"กทม."}
        words |= {name for name in self.districts if len(name) >= 3}
        if subdistricts:
            words |= self._distinctive
        return words

    def _vocabulary_subdistricts(self) -> set[str]:
        from pythainlp.corpus import thai_words

        dictionary = thai_words()
        words = set()
        for name, places in self.subdistricts.items():
            if len(places) > 1 or len(name) < _MIN_VOCABULARY_SUBDISTRICT:
                continue
            if name in dictionary or name in self.districts or name_key(name) in self.common_words:
                continue
            if not _is_phrase(name, self._frequent):
                words.add(name)
        return words

    def province_named(self, name: str) -> str | None:
        """The official province a form names: official, English, abbreviation or nickname
        (``จ.เชียงใหม่``, ``กทม.``, ``โคราช``, ``Khon Kaen``); None if it names none."""
        text = name.strip().removeprefix("จังหวัด").removeprefix("จ.").strip()
        if text in self.provinces:
            return text
        if text in self.aliases:
            return self.aliases[text]
        for entry in self.index.get(text):
            if entry.kind in ("province", "abbreviation", "alias"):
                return entry.province
        return None

    def district_named(self, province: str, name: str) -> str | None:
        """The gazetteer's name of a district of ``province`` (prefixes อ., อำเภอ, เขต dropped)."""
        text = name.strip()
        for prefix in ("อำเภอ", "อ.", "เขต", "ข."):
            text = text.removeprefix(prefix)
        text = text.strip()
        if any(p.province == province for p in self.districts.get(text, [])):
            return text
        if text == "เมือง" and f"เมือง{province}" in self.districts:
            return f"เมือง{province}"
        return None

    def place(self, province: str, district: str | None = None) -> Place | None:
        if district:
            for candidate in self.districts.get(district, []):
                if candidate.province == province:
                    return candidate
        return self.provinces.get(province)

    def locate(self, tokens: Sequence[str]) -> list[Location]:
        """Provinces (with district and subdistrict where named) in ``tokens``, surest first."""
        tokens = self.index.split_fused_cues(tokens)
        mentions = [self._with_section(m) for m in self.index.find(tokens)]
        if not mentions:
            return []
        found, uncertain = self._resolve(mentions)
        if uncertain and self.ner is not None:
            found, _ = self._resolve(mentions, ner=self.ner.location_starts(tokens))
        return [self._location(self._branch(f, tokens)) for f in found]

    def _branch(self, found: Found, tokens: Sequence[str]) -> Found:
        """A chain named bare in a post about one province is that province's branch
        (ขอนแก่น … หน้าเซ็นทรัล → เซ็นทรัลขอนแก่น), when the table knows the branch."""
        if found.district is not None:
            return found
        chains = {name_key(t) for t in tokens} & BRANCHED
        if not chains:
            return found
        names = {found.province, *self._names_of.get(found.province, ())}
        districts = {
            entry.district
            for chain in chains
            for name in names
            for entry in self.index.get(chain + name)
            if entry.kind == "landmark" and entry.province == found.province and entry.district
        }
        if len(districts) != 1:
            return found
        return dataclasses.replace(found, district=districts.pop(), text=found.text)

    def _with_section(self, mention: Mention) -> Mention:
        """A road with a lane number or kilometre read as that section, when the table has
        it; a district a road is named after (ลาดพร้าว 71) is then only the road."""
        if mention.number is None:
            return mention
        for section in self.sections.get(mention.key, ()):
            if section.covers(mention.number, mention.unit):
                roads = mention.of("road")
                span = ({roads[0].province} | set(roads[0].also)) if roads else set()
                entry = Entry(
                    "road",
                    section.province,
                    section.district,
                    also=tuple(sorted(span - {"", EVERYWHERE, section.province})),
                )
                if not roads:
                    return dataclasses.replace(mention, entries=(entry,))
                entries = tuple(entry if e is roads[0] else e for e in mention.entries)
                return dataclasses.replace(mention, entries=entries)
        sections = self.sections.get(mention.key, ())
        provinces = {section.province for section in sections}
        if len(provinces) == 1 and mention.unit == "soi" and mention.has("district"):
            # ลาดพร้าว 101: a lane of the road, in no section we know; not the district
            return dataclasses.replace(mention, entries=(Entry("road", provinces.pop()),))
        return mention

    def _resolve(
        self, mentions: Sequence[Mention], *, ner: Sequence[bool] | None = None
    ) -> tuple[list[Found], bool]:
        return resolve(
            mentions,
            common=self.common_words,
            everyday=self.everyday_subdistricts,
            distinctive=self.distinctive_subdistricts,
            person_names=_PERSON_NAMES,
            capitals=self.capitals,
            words=self.word_subdistricts | self.common_words,
            ner=ner,
        )

    def _location(self, found: Found) -> Location:
        place = self.provinces[found.province]
        if found.subdistrict:
            for candidate in self.subdistricts[found.subdistrict]:
                if (candidate.province, candidate.district) == (found.province, found.district):
                    place = candidate
        elif found.district:
            place = self.place(found.province, found.district) or place
        return Location(
            province=found.province,
            district=found.district,
            lat=place.lat,
            lon=place.lon,
            confidence=found.confidence,
            matched=found.text,
        )


def _is_phrase(name: str, words: AbstractSet[str]) -> bool:
    """Whether ``name`` is two or more of ``words`` written together (วัดใหม่ = วัด + ใหม่)."""
    ends = {0}
    for end in range(1, len(name) + 1):
        if any(name[start:end] in words for start in ends if (start, end) != (0, len(name))):
            ends.add(end)
    return len(name) in ends


def _bare(name: str) -> str:
    # geothai writes one subdistrict as "ปอภาร (ปอพาน)": index the first spelling.
    return name.split(" (")[0]


def _word_frequency() -> dict[str, int]:
    from pythainlp.corpus import tnc

    return dict(tnc.word_freqs())


def _read_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(name_key(line) for line in lines if line.strip() and line[0] != "#")


__all__ = ["CENTROIDS", "Gazetteer", "Place"]
