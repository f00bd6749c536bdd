"""The labelled post↔complaint sets in ``linking/data/{eval,train,train_b}`` (LABELLING.md).

Each set is read as written (``complaints.jsonl``, ``posts.jsonl``, ``truth.jsonl``) and held
to what the guide promises: the counts, disjoint ids and texts, truth rows that refer to real
records, the linker's time window, hard negatives in their complaint's province, and records
that Siang's own import parses.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from complaints.exports import parse_filed_at
from complaints.service import complaint_from_fields
from domain.privacy import Pseudonymizer
from domain.settings import load_settings
from enrich.gazetteer import Gazetteer
from enrich.thai_text import ThaiTokenizer, normalize
from ingest.service import parse_post

DATA = Path(__file__).resolve().parents[2] / "linking" / "data"
SETS = ("eval", "train", "train_b")
ID_PREFIX = {"eval": ("E-", "e"), "train": ("T-", "t"), "train_b": ("B-", "b")}
# set → minimum complaints, posts, true links
MINIMUMS = {"eval": (45, 330, 120), "train": (30, 220, 80), "train_b": (45, 330, 140)}
MIN_CATEGORIES = 12
MIN_PROVINCES = 15
MIN_SHARED_PROVINCE_CATEGORY = 3  # (province, category) pairs filed by two or more complaints
MIN_UNLINKED_COMPLAINTS = 2
MAX_LINKS_PER_COMPLAINT = 8
HARD_NEGATIVE_SHARE = 0.30
KINDS = {"other_place", "other_problem", "outside_window"}
IN_WINDOW_KINDS = {"other_place", "other_problem"}
DAYS_BEFORE, DAYS_AFTER = 3, 7
COLLECTED_AT = datetime(2026, 12, 1, tzinfo=UTC)
MIN_LOCATED_SHARE = 0.5
# Character-trigram Jaccard above which two texts count as near-copies; the closest pair of
# texts across the two sets as written scores about 0.31.
NEAR_COPY = 0.5


@dataclass
class LabelledSet:
    name: str
    complaints: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    links: list[dict[str, Any]] = field(default_factory=list)
    hard_negatives: list[dict[str, Any]] = field(default_factory=list)

    @property
    def complaint_by_id(self) -> dict[str, dict[str, Any]]:
        return {c["complaint_id"]: c for c in self.complaints}

    @property
    def post_by_id(self) -> dict[str, dict[str, Any]]:
        return {p["post_id"]: p for p in self.posts}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _load(name: str) -> LabelledSet:
    folder = DATA / name
    truth = _read_jsonl(folder / "truth.jsonl")
    return LabelledSet(
        name=name,
        complaints=_read_jsonl(folder / "complaints.jsonl"),
        posts=_read_jsonl(folder / "posts.jsonl"),
        links=[row for row in truth if "complaint_id" in row],
        hard_negatives=[row for row in truth if "hard_negative_for" in row],
    )


@pytest.fixture(scope="module")
def sets() -> dict[str, LabelledSet]:
    return {name: _load(name) for name in SETS}


@pytest.fixture(scope="module")
def locate() -> Any:
    """Provinces Siang's gazetteer finds in a text (rules only, no NER, for speed)."""
    settings = load_settings()
    gazetteer = Gazetteer(settings.place_aliases, landmarks=settings.landmarks, use_ner=False)
    tokenizer = ThaiTokenizer(gazetteer.vocabulary())

    def provinces(text: str) -> set[str]:
        tokens = tokenizer.tokenize(normalize(text).text)
        locations = gazetteer.locate(tokens)
        return {loc.province for loc in locations}

    return provinces


def _days_from_filing(complaint: dict[str, Any], post: dict[str, Any]) -> float:
    filed = datetime.fromisoformat(complaint["filed_at"])
    posted = datetime.fromisoformat(post["created_at"])
    return (posted - filed) / timedelta(days=1)


def _in_window(days: float) -> bool:
    return -DAYS_BEFORE <= days <= DAYS_AFTER


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- counts and coverage ----------------------------------------------------------------


@pytest.mark.parametrize("name", SETS)
def test_minimum_counts(sets: dict[str, LabelledSet], name: str) -> None:
    data = sets[name]
    min_complaints, min_posts, min_links = MINIMUMS[name]
    assert len(data.complaints) >= min_complaints
    assert len(data.posts) >= min_posts
    assert len(data.links) >= min_links
    hard = {row["post_id"] for row in data.hard_negatives if row["kind"] in IN_WINDOW_KINDS}
    assert len(hard) >= HARD_NEGATIVE_SHARE * len(data.posts)
    linked = {row["post_id"] for row in data.links}
    assert len(data.posts) - len(linked) >= len(data.posts) / 2, "negatives are not half"


@pytest.mark.parametrize("name", SETS)
def test_links_per_complaint(sets: dict[str, LabelledSet], name: str) -> None:
    data = sets[name]
    per_complaint = Counter(row["complaint_id"] for row in data.links)
    assert max(per_complaint.values()) <= MAX_LINKS_PER_COMPLAINT
    unlinked = [c for c in data.complaint_by_id if c not in per_complaint]
    assert len(unlinked) >= MIN_UNLINKED_COMPLAINTS


@pytest.mark.parametrize("name", SETS)
def test_categories_provinces_and_shared_pairs(sets: dict[str, LabelledSet], name: str) -> None:
    complaints = sets[name].complaints
    assert len({c["category"] for c in complaints}) >= MIN_CATEGORIES
    assert len({c["province"] for c in complaints}) >= MIN_PROVINCES
    pairs = Counter((c["province"], c["category"]) for c in complaints)
    assert sum(1 for n in pairs.values() if n >= 2) >= MIN_SHARED_PROVINCE_CATEGORY


# --- ids and texts ----------------------------------------------------------------------


@pytest.mark.parametrize("name", SETS)
def test_ids_unique_and_prefixed(sets: dict[str, LabelledSet], name: str) -> None:
    data = sets[name]
    complaint_prefix, post_prefix = ID_PREFIX[name]
    complaint_ids = [c["complaint_id"] for c in data.complaints]
    post_ids = [p["post_id"] for p in data.posts]
    assert len(set(complaint_ids)) == len(complaint_ids)
    assert len(set(post_ids)) == len(post_ids)
    assert all(cid.startswith(complaint_prefix) for cid in complaint_ids)
    for post in data.posts:
        platform, native_id = post["post_id"].split(":", 1)
        assert platform == post["platform"]
        assert native_id.startswith(post_prefix)


@pytest.mark.parametrize("a, b", list(itertools.combinations(SETS, 2)))
def test_sets_share_no_ids(sets: dict[str, LabelledSet], a: str, b: str) -> None:
    assert not set(sets[a].complaint_by_id) & set(sets[b].complaint_by_id)
    assert not set(sets[a].post_by_id) & set(sets[b].post_by_id)


def test_no_text_repeated_within_or_across_sets(sets: dict[str, LabelledSet]) -> None:
    posts = Counter(_squashed(p["text"]) for data in sets.values() for p in data.posts)
    assert [text for text, n in posts.items() if n > 1] == []
    complaints = Counter(
        _squashed(c[key])
        for data in sets.values()
        for c in data.complaints
        for key in ("subject", "description")
    )
    assert [text for text, n in complaints.items() if n > 1] == []


def _trigrams(text: str) -> frozenset[str]:
    squashed = _squashed(text)
    return frozenset(squashed[i : i + 3] for i in range(len(squashed) - 2))


@pytest.mark.parametrize("training", ["train", "train_b"])
def test_no_near_copies_across_sets(sets: dict[str, LabelledSet], training: str) -> None:
    def texts(data: LabelledSet) -> list[tuple[str, frozenset[str]]]:
        rows = [(p["post_id"], _trigrams(p["text"])) for p in data.posts]
        rows += [(c["complaint_id"], _trigrams(c["description"])) for c in data.complaints]
        return rows

    close = [
        (a_id, b_id)
        for a_id, a in texts(sets["eval"])
        for b_id, b in texts(sets[training])
        if len(a & b) > NEAR_COPY * len(a | b)
    ]
    assert close == []


def test_every_record_is_synthetic(sets: dict[str, LabelledSet]) -> None:
    for data in sets.values():
        assert all(c["synthetic"] is True for c in data.complaints)
        assert all(p["synthetic"] is True for p in data.posts)


# --- truth rows -------------------------------------------------------------------------


@pytest.mark.parametrize("name", SETS)
def test_truth_rows_refer_to_existing_records(sets: dict[str, LabelledSet], name: str) -> None:
    data = sets[name]
    complaints, posts = data.complaint_by_id, data.post_by_id
    for row in data.links:
        assert set(row) == {"post_id", "complaint_id", "note"}, row
        assert row["post_id"] in posts and row["complaint_id"] in complaints, row
    for row in data.hard_negatives:
        assert set(row) == {"post_id", "hard_negative_for", "kind", "note"}, row
        assert row["post_id"] in posts and row["hard_negative_for"] in complaints, row
        assert row["kind"] in KINDS, row
    pairs = [(r["post_id"], r["complaint_id"]) for r in data.links] + [
        (r["post_id"], r["hard_negative_for"]) for r in data.hard_negatives
    ]
    assert len(set(pairs)) == len(pairs), "a pair is labelled twice (or both link and negative)"


@pytest.mark.parametrize("name", SETS)
def test_true_links_inside_time_window(sets: dict[str, LabelledSet], name: str) -> None:
    data = sets[name]
    complaints, posts = data.complaint_by_id, data.post_by_id
    outside = [
        (row["post_id"], row["complaint_id"])
        for row in data.links
        if not _in_window(_days_from_filing(complaints[row["complaint_id"]], posts[row["post_id"]]))
    ]
    assert outside == []


@pytest.mark.parametrize("name", SETS)
def test_hard_negatives_respect_their_kind_of_window(
    sets: dict[str, LabelledSet], name: str
) -> None:
    data = sets[name]
    complaints, posts = data.complaint_by_id, data.post_by_id
    wrong = []
    for row in data.hard_negatives:
        days = _days_from_filing(complaints[row["hard_negative_for"]], posts[row["post_id"]])
        if _in_window(days) != (row["kind"] in IN_WINDOW_KINDS):
            wrong.append((row["post_id"], row["kind"], round(days, 1)))
    assert wrong == []


@pytest.mark.parametrize("name", SETS)
def test_labelled_posts_are_in_their_complaints_province(
    sets: dict[str, LabelledSet], name: str, locate: Any
) -> None:
    """Where the gazetteer places a labelled post, it is in the complaint's province.

    Holds for true links and for every hard negative (which by definition share province and
    category); posts that name no place are skipped, but at least half name one.
    """
    data = sets[name]
    complaints, posts = data.complaint_by_id, data.post_by_id
    rows = [(r["post_id"], r["complaint_id"]) for r in data.links]
    rows += [(r["post_id"], r["hard_negative_for"]) for r in data.hard_negatives]
    elsewhere, located = [], 0
    for post_id, complaint_id in rows:
        found = locate(posts[post_id]["text"])
        if found:
            located += 1
            if complaints[complaint_id]["province"] not in found:
                elsewhere.append((post_id, complaint_id, sorted(found)))
    assert elsewhere == []
    assert located >= MIN_LOCATED_SHARE * len(rows)


# --- Siang's import accepts the records -------------------------------------------------


@pytest.mark.parametrize("name", SETS)
def test_every_record_parses(sets: dict[str, LabelledSet], name: str) -> None:
    data = sets[name]
    for record in data.complaints:
        complaint = complaint_from_fields(
            {**record, "filed_at": parse_filed_at(record["filed_at"])}
        )
        assert complaint.complaint_id == record["complaint_id"]
        assert complaint.synthetic
    pseudonymizer = Pseudonymizer("linking-data-test-key")
    for record in data.posts:
        post = parse_post(record, pseudonymizer=pseudonymizer, collected_at=COLLECTED_AT)
        assert post.id == record["post_id"]
        assert post.created_at == datetime.fromisoformat(record["created_at"])
