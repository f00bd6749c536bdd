"""Siang's labelled Thai posts: the training data of the sentiment and category models.

``enrich/data/train/*.jsonl`` holds posts written and labelled for Siang by the guide in
``enrich/data/LABELLING.md``. The evaluation set (``tests/data/enrich_eval/``) is written
separately and never trained on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from domain.errors import EnrichError
from domain.models import Category

TRAINING_DIR = Path(str(files("enrich").joinpath("data", "train")))
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class LabelledPost:
    text: str
    sentiment: str
    category: Category
    is_grievance: bool


def read_labelled(paths: Iterable[Path]) -> list[LabelledPost]:
    """Read labelled JSON lines; a bad line raises ``EnrichError`` naming file and line."""
    posts: list[LabelledPost] = []
    for path in sorted(paths):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if row["sentiment"] not in SENTIMENTS:
                    raise ValueError(f"sentiment {row['sentiment']!r}")
                posts.append(
                    LabelledPost(
                        text=str(row["text"]),
                        sentiment=row["sentiment"],
                        category=Category(row["category"]),
                        is_grievance=bool(row["is_grievance"]),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise EnrichError(f"{path}:{number}: bad labelled post: {exc}") from exc
    return posts


def training_posts(directory: Path = TRAINING_DIR) -> list[LabelledPost]:
    posts = read_labelled(directory.glob("*.jsonl"))
    if not posts:
        raise EnrichError(f"no labelled training posts in {directory}")
    return posts


def fingerprint(posts: Iterable[LabelledPost]) -> str:
    """A digest of the data, so trained models can be cached per data version."""
    digest = hashlib.sha256()
    for post in posts:
        digest.update(f"{post.text}\t{post.sentiment}\t{post.category}\n".encode())
    return digest.hexdigest()[:16]


__all__ = [
    "SENTIMENTS",
    "TRAINING_DIR",
    "LabelledPost",
    "fingerprint",
    "read_labelled",
    "training_posts",
]
