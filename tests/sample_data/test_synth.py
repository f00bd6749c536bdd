"""The synthetic sample: reproducible, big enough, with bursts, links and malformed lines."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from domain.models import Category
from sample_data.synth import generate
from tests.conftest import REPO


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(2569, out)
    return out


def test_same_seed_same_bytes_and_matches_committed(generated: Path, tmp_path: Path) -> None:
    generate(2569, tmp_path)
    for name in ("posts.jsonl", "complaints.jsonl", "truth.json"):
        assert (tmp_path / name).read_bytes() == (generated / name).read_bytes()
        assert (REPO / "sample_data" / name).read_bytes() == (generated / name).read_bytes(), (
            f"sample_data/{name} is stale: run python -m sample_data.synth"
        )


def _load(folder: Path) -> tuple[list[dict], list[dict], dict]:
    lines = (folder / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    bad = {m["line"] for m in truth["malformed"]}
    posts = [json.loads(line) for number, line in enumerate(lines, 1) if number not in bad]
    complaints = [
        json.loads(line)
        for line in (folder / "complaints.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return posts, complaints, truth


def test_sizes_ids_and_timestamps(generated: Path) -> None:
    posts, complaints, truth = _load(generated)
    assert len(posts) >= 3000 and len(complaints) >= 150
    ids = [f"{p['platform']}:{p['native_id']}" for p in posts]
    assert len(set(ids)) == len(ids) == len(truth["posts"])
    assert len({c["complaint_id"] for c in complaints}) == len(complaints)
    assert all(p["synthetic"] is True for p in posts) and all(c["synthetic"] for c in complaints)
    for p in posts:
        assert datetime.fromisoformat(p["created_at"]).utcoffset() == timedelta(hours=7)
    assert len(Counter(p["platform"] for p in posts)) == 6
    categories = {t["category"] for t in truth["posts"].values()}
    assert categories == {c.value for c in Category}


def test_malformed_lines_are_where_truth_says(generated: Path) -> None:
    lines = (generated / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    truth = json.loads((generated / "truth.json").read_text(encoding="utf-8"))
    assert [m["line"] for m in truth["malformed"]] == list(range(len(lines) - 5, len(lines) + 1))


def test_links_point_to_real_posts_and_complaints(generated: Path) -> None:
    posts, complaints, truth = _load(generated)
    ids = {f"{p['platform']}:{p['native_id']}" for p in posts}
    complaint_ids = {c["complaint_id"] for c in complaints}
    assert len({link["complaint_id"] for link in truth["links"]}) >= 60
    for link in truth["links"]:
        assert f"{link['platform']}:{link['native_id']}" in ids
        assert link["complaint_id"] in complaint_ids


def test_bursts_jump_from_a_quiet_baseline(generated: Path) -> None:
    posts, _, truth = _load(generated)
    assert len(truth["bursts"]) >= 2
    for burst in truth["bursts"]:
        start = datetime.fromisoformat(burst["start"])
        series = [
            datetime.fromisoformat(p["created_at"])
            for p in posts
            if truth["posts"][f"{p['platform']}:{p['native_id']}"]["category"] == burst["category"]
            and truth["posts"][f"{p['platform']}:{p['native_id']}"]["province"] == burst["province"]
        ]
        before = sum(1 for t in series if start - timedelta(days=7) <= t < start) / (7 * 24)
        after = sum(1 for t in series if start <= t < start + timedelta(hours=6)) / 6
        assert after >= 5 * max(before, 0.05), burst["name"]
        assert after >= 5
