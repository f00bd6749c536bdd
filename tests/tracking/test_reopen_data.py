"""The labelled reopen sets hold what issue 21 asks of them: at least 40 resolved
complaints, post-resolution posts that are thankful, still broken or unrelated, and reopen
labels that follow from them. ``bench/data/satisfaction/`` measures, written apart from the
code; ``tracking/data/train/``, ``train_b/`` and ``train_c/``, by three more writers, are
where choices are made."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from complaints.service import complaint_from_fields
from ingest.jsonl import read_objects
from tracking.reopen import resolved_at

ROOT = Path(__file__).resolve().parents[2]
SETS = [
    ROOT / "bench" / "data" / "satisfaction",
    ROOT / "tracking" / "data" / "train",
    ROOT / "tracking" / "data" / "train_b",
    ROOT / "tracking" / "data" / "train_c",
]


@pytest.mark.parametrize("directory", SETS, ids=lambda d: d.name)
def test_the_set_is_large_enough_and_consistent(directory: Path) -> None:
    complaints = {
        c["complaint_id"]: complaint_from_fields(c)
        for c in read_objects(directory / "complaints.jsonl")
    }
    posts = {p["post_id"]: p for p in read_objects(directory / "posts.jsonl")}
    truth = read_objects(directory / "truth.jsonl")
    resolved = {cid for cid, c in complaints.items() if resolved_at(c) is not None}
    assert len(resolved) >= 40
    stances = Counter(row["stance"] for row in truth if "stance" in row)
    assert {"still_broken", "fixed", "unrelated"} <= set(stances)
    reopen = {row["complaint_id"]: row["reopen"] for row in truth if "reopen" in row}
    assert set(reopen) == set(complaints)
    broken_after: set[str] = set()
    for row in truth:
        if row.get("stance") not in ("still_broken", "fixed"):
            continue
        complaint = complaints[row["complaint_id"]]
        fixed_at = resolved_at(complaint)
        assert fixed_at is not None, row
        assert datetime.fromisoformat(posts[row["post_id"]]["created_at"]) > fixed_at, row
        if row["stance"] == "still_broken":
            broken_after.add(row["complaint_id"])
    assert {cid for cid, is_reopen in reopen.items() if is_reopen} == broken_after
    assert 0.25 <= len(broken_after) / len(resolved) <= 0.6


def test_the_sets_share_no_text() -> None:
    texts = [{p["text"] for p in read_objects(d / "posts.jsonl")} for d in SETS]
    assert not texts[0] & texts[1]
