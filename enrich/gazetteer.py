"""Where a post is about: provinces and districts with centroid coordinates.

Names and codes come from ``geothai`` (Department of Provincial Administration data,
CC BY 4.0); centroids from ``enrich/data/centroids.csv`` (see ``gazetteer_build``).
Matching works on tokens, never raw substrings: two-letter province abbreviations and
common words that are also province names (เลย, ตาก, แพร่) need a cue such as จังหวัด.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geothai

from domain.models import Location

CENTROIDS = Path(__file__).resolve().parent / "data" / "centroids.csv"
_PROVINCE_CUES = frozenset({"จังหวัด", "จ.", "จ", "เมือง"})
_DISTRICT_CUES = frozenset({"อำเภอ", "อ.", "อ", "เขต"})
# Province names that are everyday words: matched only after a cue.
_COMMON_WORD_PROVINCES = frozenset({"เลย", "ตาก", "แพร่"})
_MIN_BARE_DISTRICT = 4


@dataclass(frozen=True)
class Place:
    province: str
    district: str | None
    lat: float
    lon: float


class Gazetteer:
    """Thai administrative areas with aliases; ``locate`` turns tokens into locations."""

    def __init__(self, aliases: Mapping[str, str] | None = None, *, path: Path = CENTROIDS) -> None:
        self.provinces: dict[str, Place] = {}
        districts: dict[tuple[str, str], Place] = {}
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                place = Place(
                    row["province"], row["district"] or None, float(row["lat"]), float(row["lon"])
                )
                if row["level"] == "province":
                    self.provinces[row["province"]] = place
                else:
                    districts[(row["province"], row["district"])] = place
        official = {p.name_th for p in geothai.provinces()}
        missing = official - set(self.provinces)
        if missing:
            raise ValueError(f"centroids.csv lacks provinces: {sorted(missing)}")
        self.districts: dict[str, list[Place]] = defaultdict(list)
        code_to_province = {p.code: p.name_th for p in geothai.provinces()}
        all_districts = [d for p in geothai.provinces() for d in geothai.districts(p.code)]
        for district in all_districts:
            province = code_to_province[district.province_code]
            name = district.name_th.removeprefix("เขต").removeprefix("อำเภอ")
            fallback = self.provinces[province]
            place = districts.get((province, name)) or Place(
                province, name, fallback.lat, fallback.lon
            )
            self.districts[name].append(Place(province, name, place.lat, place.lon))
        self.aliases: dict[str, str] = {}
        for alias, province in (aliases or {}).items():
            if province not in self.provinces:
                raise ValueError(f"place_aliases.{alias}: unknown province {province!r}")
            self.aliases[alias.rstrip(".")] = province

    def vocabulary(self) -> set[str]:
        """Names the tokenizer should keep whole."""
        words = set(self.provinces) | set(self.aliases) | {"กทม."}
        words |= {name for name in self.districts if len(name) >= 3}
        return words

    def place(self, province: str, district: str | None = None) -> Place | None:
        if district:
            for candidate in self.districts.get(district, []):
                if candidate.province == province:
                    return candidate
        return self.provinces.get(province)

    def locate(self, tokens: Sequence[str]) -> list[Location]:
        """Provinces (and districts where named) mentioned in ``tokens``, most certain first."""
        provinces: dict[str, tuple[float, str]] = {}
        district_hits: list[tuple[str, bool]] = []
        for i, raw in enumerate(tokens):
            token = raw.rstrip(".")
            cue = tokens[i - 1] if i > 0 else ""
            if token in self.provinces:
                if token in _COMMON_WORD_PROVINCES and cue not in _PROVINCE_CUES:
                    continue
                _keep(provinces, token, 0.95 if cue in _PROVINCE_CUES else 0.9, raw)
            elif token in self.aliases:
                _keep(provinces, self.aliases[token], 0.8, raw)
            if token in self.districts:
                district_hits.append((token, cue in _DISTRICT_CUES))
        located: dict[str, Location] = {}
        for name, cued in district_hits:
            candidates = self.districts[name]
            in_mentioned = [c for c in candidates if c.province in provinces]
            if in_mentioned:
                chosen, confidence = in_mentioned[0], 0.9
            elif len(candidates) == 1 and (cued or len(name) >= _MIN_BARE_DISTRICT):
                chosen, confidence = candidates[0], 0.75 if cued else 0.6
            else:
                continue  # ambiguous district name with no province to settle it
            if chosen.province in provinces and chosen.province in located:
                continue
            located[chosen.province] = Location(
                province=chosen.province,
                district=chosen.district,
                lat=chosen.lat,
                lon=chosen.lon,
                confidence=max(confidence, provinces.get(chosen.province, (0, ""))[0]),
                matched=name,
            )
        for province, (confidence, matched) in provinces.items():
            if province not in located:
                centre = self.provinces[province]
                located[province] = Location(
                    province=province,
                    lat=centre.lat,
                    lon=centre.lon,
                    confidence=confidence,
                    matched=matched,
                )
        return sorted(located.values(), key=lambda loc: (-loc.confidence, loc.province))


def _keep(found: dict[str, tuple[float, str]], province: str, confidence: float, raw: str) -> None:
    if confidence > found.get(province, (0.0, ""))[0]:
        found[province] = (confidence, raw)


__all__ = ["CENTROIDS", "Gazetteer", "Place"]
