"""Landmarks, roads and road sections bundled with Siang.

``enrich/data/landmarks.csv`` holds one name a row: airports, malls, campuses, hospitals,
markets, stations, temples, beaches and roads, with the province and district they are in
(see ``enrich/data/PLACES.md`` for where the facts come from). Two columns say how far a name
can be trusted on its own:

* ``kind`` ``road``: a road or lane. Its ``province`` is where a bare mention usually points
  (สุขุมวิท: Bangkok), or empty for a highway with no usual province (มิตรภาพ).
* ``kind`` ``name``: a brand or dish named after a place that is sold everywhere
  (ธนาคารกรุงเทพ, ก๋วยเตี๋ยวสุโขทัย): no place at all.
* ``also``: the other provinces where the name is a place too, joined by ``|`` (the
  provinces a road runs through), or ``*`` (``place_names.EVERYWHERE``) for a name other
  towns use as well (วัดโพธิ์).

``enrich/data/road_sections.csv`` gives the district of numbered lanes of a road (สุขุมวิท
odd sois 1 to 71 are in วัฒนา), or of its kilometres (``unit`` ``km``: บางนา-ตราด กม.26 is in
บางเสาธง). ``road`` may list the names a road goes by, joined by ``|`` (จรัญสนิทวงศ์|จรัญฯ);
the first is the road's row in the landmark table, or a district the road is named after
(ลาดพร้าว). The gazetteer checks every province and district against geothai when it loads
them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal

DATA = Path(str(files("enrich").joinpath("data")))
LANDMARKS = DATA / "landmarks.csv"
ROAD_SECTIONS = DATA / "road_sections.csv"

Side = Literal["odd", "even", "both"]
_SIDES: dict[str, Side] = {"odd": "odd", "even": "even", "both": "both"}
_UNITS = frozenset({"soi", "km"})


@dataclass(frozen=True)
class LandmarkRow:
    """One named place or road and where it is."""

    name: str
    province: str
    district: str | None
    kind: str
    also: tuple[str, ...] = ()

    @property
    def is_road(self) -> bool:
        return self.kind == "road"

    @property
    def is_name(self) -> bool:
        return self.kind == "name"


@dataclass(frozen=True)
class RoadSection:
    """The lanes (or kilometres) ``first``..``last`` of a road (odd, even or both sides) and
    their place."""

    road: str
    first: int
    last: int
    side: Side
    province: str
    district: str | None
    unit: str = "soi"
    names: tuple[str, ...] = ()  # every name of the road, ``road`` first

    def covers(self, number: int, unit: str = "soi") -> bool:
        if unit != self.unit or not self.first <= number <= self.last:
            return False
        return self.side == "both" or (number % 2 == 1) == (self.side == "odd")


def read_landmarks(path: Path = LANDMARKS) -> list[LandmarkRow]:
    """The rows of a landmark table; a malformed row raises ``ValueError`` naming its line."""
    rows = []
    for line, row in _rows(path, ("name", "province", "district", "kind", "also")):
        if not row["name"] or not row["kind"]:
            raise ValueError(f"{path.name}:{line}: a landmark needs a name and a kind")
        if not row["province"] and row["kind"] not in ("road", "name"):
            raise ValueError(f"{path.name}:{line}: only a road or a name may lack a province")
        also = tuple(p for p in row["also"].split("|") if p)
        rows.append(
            LandmarkRow(row["name"], row["province"], row["district"] or None, row["kind"], also)
        )
    return rows


def read_sections(path: Path = ROAD_SECTIONS) -> list[RoadSection]:
    """The rows of a road-section table; a malformed row raises ``ValueError``."""
    sections = []
    columns = ("road", "first", "last", "side", "province", "district", "unit")
    for line, row in _rows(path, columns):
        side = _SIDES.get(row["side"])
        names = tuple(name for name in row["road"].split("|") if name)
        numbers = row["first"].isdigit() and row["last"].isdigit()
        if side is None or not numbers or not names or row["unit"] not in _UNITS:
            raise ValueError(f"{path.name}:{line}: bad road section {row}")
        sections.append(
            RoadSection(
                road=names[0],
                first=int(row["first"]),
                last=int(row["last"]),
                side=side,
                province=row["province"],
                district=row["district"] or None,
                unit=row["unit"],
                names=names,
            )
        )
    return sections


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path.name}: expected columns {', '.join(columns)}")
        return [
            (number, {k: (v or "").strip() for k, v in row.items()})
            for number, row in enumerate(reader, 2)
        ]


__all__ = [
    "LANDMARKS",
    "ROAD_SECTIONS",
    "LandmarkRow",
    "RoadSection",
    "read_landmarks",
    "read_sections",
]
