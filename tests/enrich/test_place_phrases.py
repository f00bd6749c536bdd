"""Hard Thai place phrases (``place_phrases.tsv``) read by the enricher, row by row and overall.

Each row is a short post in the style of real ones: a subdistrict alone (settled by the rest
of the post, or too ambiguous to guess), a road section, a junction or soi named after a
district elsewhere, a landmark, a city nickname, an abbreviation, Thai digits, repeated
letters, emoji, and negatives (a person named like a district, everyday words that are place
names, brands named after a province). ``provinces`` and ``districts`` are what the post
names, by ``enrich/data/LABELLING.md``; ``note`` says what the row tests. Every row goes
through ``Enricher.enrich_text``, exactly as a post would; a failing row is reported on its
own, and the whole table must keep district and province precision and recall at 0.9.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain.settings import load_settings
from enrich.evaluation import set_report
from enrich.service import Enricher

TABLE = Path(__file__).with_name("place_phrases.tsv")
MIN_ROWS = 120
FLOOR = 0.9

Reading = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True)
class Phrase:
    line: int
    text: str
    provinces: frozenset[str]
    districts: frozenset[str]
    note: str


def _names(cell: str | None) -> frozenset[str]:
    return frozenset(name.strip() for name in (cell or "").split("|") if name.strip())


def read_phrases(path: Path = TABLE) -> list[Phrase]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == ["text", "provinces", "districts", "note"]
        return [
            Phrase(
                line=line,
                text=row["text"],
                provinces=_names(row["provinces"]),
                districts=_names(row["districts"]),
                note=row["note"],
            )
            for line, row in enumerate(reader, 2)
        ]


PHRASES = read_phrases()


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.from_settings(load_settings(), embedder=None)


@pytest.fixture(scope="module")
def readings(enricher: Enricher) -> dict[str, Reading]:
    out = {}
    for phrase in PHRASES:
        locations = enricher.enrich_text(phrase.text).locations
        out[phrase.text] = (
            frozenset(loc.province for loc in locations),
            frozenset(loc.district for loc in locations if loc.district),
        )
    return out


def test_the_table_is_large_varied_and_names_real_places(enricher: Enricher) -> None:
    gazetteer = enricher.gazetteer
    assert len(PHRASES) >= MIN_ROWS
    assert len({p.text for p in PHRASES}) == len(PHRASES)  # no row twice
    assert all(p.text.strip() and p.note.strip() for p in PHRASES)
    for phrase in PHRASES:
        assert phrase.provinces <= set(gazetteer.provinces), phrase.line
        for district in phrase.districts:
            homes = {place.province for place in gazetteer.districts.get(district, [])}
            assert homes & phrase.provinces, (phrase.line, district)
    kinds = {p.note.split(":")[0] for p in PHRASES}
    assert {"subdistrict", "road section", "junction", "landmark", "nickname"} <= kinds
    assert {"abbreviation", "negative"} <= kinds
    assert sum(not p.provinces for p in PHRASES) >= 20  # posts that name no place


@pytest.mark.parametrize("phrase", PHRASES, ids=[f"line{p.line}" for p in PHRASES])
def test_phrase(phrase: Phrase, readings: dict[str, Reading]) -> None:
    provinces, districts = readings[phrase.text]
    assert (sorted(provinces), sorted(districts)) == (
        sorted(phrase.provinces),
        sorted(phrase.districts),
    ), f"{phrase.text!r} ({phrase.note})"


def test_precision_and_recall_over_the_table(readings: dict[str, Reading]) -> None:
    got = [readings[p.text] for p in PHRASES]
    provinces = set_report((p.provinces for p in PHRASES), (g[0] for g in got))
    districts = set_report((p.districts for p in PHRASES), (g[1] for g in got))
    for report in (provinces, districts):
        assert report["precision"] >= FLOOR, report
        assert report["recall"] >= FLOOR, report
