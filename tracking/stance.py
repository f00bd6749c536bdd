"""Whether a post after a resolution says the problem is still there or was fixed.

A logistic model over the letters of the post (character 2–4-grams of its normalised text,
TF-IDF) gives the chance it reports the problem still there rather than fixed. It is fitted
on the reopen training sets (``tracking/data/train`` and ``train_b``, two writers), on the
posts labelled ``still_broken`` or ``fixed``, when first used; the fit is deterministic.

Letters rather than cue words: people say it is still broken without any word a list would
hold ("บอกว่าเรียบร้อย เรียบร้อยตรงไหน", "ล้างหน้าด้วยน้ำขวดเป็นวันที่สาม"). Judged on one writer's
posts with the model fitted on the other's, the cue list found 70% and 24% of the
still-broken posts, the model 94% and 81%, and it reads 82% and 86% of the fixed ones
right (``stance_leave_one_writer_out`` in ``tracking/data/reopen.json``).

The cues of ``tracking/data/stance.tsv`` (ยังไม่ไหล, อีกแล้ว, บอกแก้แล้วแต่…; ไฟมาแล้ว, ขอบคุณ)
no longer decide; they are shown to officers as the words that read as still broken or fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import numpy as np

from domain.models import Post
from enrich.thai_text import normalize
from ingest.jsonl import read_objects
from linking.problems import PhraseTable

DATA = Path(str(files("tracking").joinpath("data")))
STANCES = DATA / "stance.tsv"
TRAINING_SETS = ("train", "train_b", "train_c")
Stance = Literal["still_broken", "fixed", "other"]
_STRENGTH = 10.0  # inverse L2 strength (C), chosen by the leave-one-writer-out check


@dataclass(frozen=True)
class StanceReading:
    stance: Stance
    cues: tuple[str, ...]  # the cue names found (still, again, fixed, thanks, ...)
    still: float = 0.0  # the model's chance the post says the problem is still there


@lru_cache(maxsize=1)
def stance_table() -> PhraseTable:
    return PhraseTable.read(STANCES)


class StanceModel:
    """Still broken (1) against fixed (0), from a post's letters."""

    def __init__(self, texts: Sequence[str], still: Sequence[bool]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True
        )
        matrix = self.vectorizer.fit_transform([_text(t) for t in texts])
        self.model = LogisticRegression(C=_STRENGTH, max_iter=3000, class_weight="balanced").fit(
            matrix, np.asarray(still, dtype=int)
        )

    @classmethod
    def fitted_on(cls, directories: Sequence[Path]) -> StanceModel:
        texts, still = labelled_stances(directories)
        return cls(texts, still)

    def still(self, texts: Sequence[str]) -> np.ndarray:
        """The chance each text says the problem is still there."""
        if not texts:
            return np.zeros(0)
        matrix = self.vectorizer.transform([_text(t) for t in texts])
        return np.asarray(self.model.predict_proba(matrix)[:, 1], dtype=float)


@lru_cache(maxsize=1)
def shipped_model() -> StanceModel:
    """The model fitted on the training sets that ship with Siang."""
    return StanceModel.fitted_on([DATA / name for name in TRAINING_SETS])


def labelled_stances(directories: Sequence[Path]) -> tuple[list[str], list[bool]]:
    """The texts of posts labelled still_broken or fixed in ``truth.jsonl``, and which."""
    texts: list[str] = []
    still: list[bool] = []
    for directory in directories:
        by_id = {
            str(row["post_id"]): str(row["text"])
            for row in read_objects(directory / "posts.jsonl")
            if isinstance(row.get("text"), str)
        }
        for row in read_objects(directory / "truth.jsonl"):
            if row.get("stance") in ("still_broken", "fixed") and row.get("post_id") in by_id:
                texts.append(by_id[str(row["post_id"])])
                still.append(row["stance"] == "still_broken")
    return texts, still


def read_stances(posts: Sequence[Post], model: StanceModel | None = None) -> list[StanceReading]:
    """Each post's stance on a problem an agency said it fixed, with its cue words."""
    chances = (model or shipped_model()).still([p.text for p in posts])
    table = stance_table()
    readings = []
    for post, chance in zip(posts, chances.tolist(), strict=True):
        e = post.enrichment
        cues = tuple(sorted(table.named(list(e.tokens if e is not None else post.text.split()))))
        stance: Stance = "still_broken" if chance >= 0.5 else "fixed"
        readings.append(StanceReading(stance, cues, round(chance, 4)))
    return readings


def read_stance(post: Post) -> StanceReading:
    """One post's stance (``read_stances`` for many)."""
    return read_stances([post])[0]


def _text(text: str) -> str:
    return normalize(text).text


__all__ = [
    "STANCES",
    "TRAINING_SETS",
    "Stance",
    "StanceModel",
    "StanceReading",
    "labelled_stances",
    "read_stance",
    "read_stances",
    "shipped_model",
    "stance_table",
]
