"""Siang's labelled training posts and their loader (enrich/labelled.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from domain.errors import EnrichError
from domain.models import Category
from enrich.labelled import fingerprint, read_labelled, training_posts


def test_training_data_covers_every_category_and_sentiment() -> None:
    posts = training_posts()
    assert len(posts) >= 900
    assert len({p.text for p in posts}) == len(posts)
    categories = Counter(p.category for p in posts)
    assert set(categories) == set(Category)
    assert min(categories.values()) >= 30
    sentiments = Counter(p.sentiment for p in posts)
    assert all(sentiments[s] >= 0.15 * len(posts) for s in ("negative", "neutral", "positive"))


def test_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"text": "ok", "sentiment": "neutral", "category": "none", "is_grievance": false}\n'
        '{"text": "bad", "sentiment": "angry", "category": "none", "is_grievance": true}\n',
        encoding="utf-8",
    )
    with pytest.raises(EnrichError, match=r"x\.jsonl:2: bad labelled post: sentiment 'angry'"):
        read_labelled([path])


def test_empty_training_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EnrichError, match="no labelled training posts"):
        training_posts(tmp_path)


def test_fingerprint_changes_with_the_labels(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    line = '{"text": "ไฟดับ", "sentiment": "%s", "category": "electricity", "is_grievance": true}'
    path.write_text(line % "negative", encoding="utf-8")
    first = fingerprint(read_labelled([path]))
    path.write_text(line % "neutral", encoding="utf-8")
    assert fingerprint(read_labelled([path])) != first
