"""Is a post a grievance: does it raise a problem someone should fix?

Two models share the ``GrievanceModel`` protocol, chosen by ``models.grievance.kind``:

* ``TrainedGrievanceModel`` (default, ``trained``): a logistic regression over content-word
  n-grams and the sentiment and category probabilities, fitted on Siang's labelled posts.
  It learns what a rule cannot: a neutral report of a burst pipe is a grievance, a neutral
  announcement of planned maintenance is not.
* ``RuleGrievanceModel`` (``rule``): a problem area is named and the post is not praise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from domain.models import Category, SentimentLabel
from domain.settings import GrievanceSettings
from enrich.category import CategoryModel, category_from, content_ngrams
from enrich.labelled import TRAINING_DIR, LabelledPost, fingerprint, training_posts
from enrich.linear import TfidfLogit
from enrich.sentiment import SentimentModel, sentiment_from
from enrich.thai_text import ThaiTokenizer, normalize


class GrievanceModel(Protocol):
    name: str

    def predict(
        self,
        tokens: Sequence[str],
        *,
        sentiment: Mapping[SentimentLabel, float],
        category: Mapping[Category, float],
    ) -> bool: ...


class RuleGrievanceModel:
    """A grievance names a problem area and is not praise."""

    name = "rule-v1"

    def predict(
        self,
        tokens: Sequence[str],
        *,
        sentiment: Mapping[SentimentLabel, float],
        category: Mapping[Category, float],
    ) -> bool:
        if category_from(category).label is Category.none:
            return False
        mood = sentiment_from(sentiment)
        return not (mood.label == "positive" and mood.score >= 0.6)


def _dense(
    sentiment: Mapping[SentimentLabel, float], category: Mapping[Category, float]
) -> np.ndarray:
    return np.array(
        [
            sentiment.get("negative", 0.0),
            sentiment.get("neutral", 0.0),
            sentiment.get("positive", 0.0),
            category.get(Category.none, 0.0),
        ]
    )


class TrainedGrievanceModel:
    """Logistic regression on words plus the sentiment and category probabilities."""

    name = "trained-grievance-v1"
    # Chosen by 5-fold cross-validation on the training posts (bench/enrich/quality.py).
    C = 4.0
    DENSE_WEIGHT = 2.0

    def __init__(
        self,
        examples: Sequence[LabelledPost],
        *,
        tokenizer: ThaiTokenizer,
        sentiment: SentimentModel,
        category: CategoryModel,
        c: float | None = None,
    ) -> None:
        documents, dense = [], []
        for example in examples:
            normalized = normalize(example.text)
            tokens = tokenizer.tokenize(normalized.text)
            documents.append(tokens)
            dense.append(
                _dense(
                    sentiment.probabilities(
                        tokens, text=normalized.text, emphasis=normalized.emphasis
                    ),
                    category.probabilities(tokens),
                )
            )
        self._model = TfidfLogit(
            documents,
            np.vstack(dense),
            [str(e.is_grievance) for e in examples],
            analyzer=content_ngrams,
            c=c or self.C,
            dense_weight=self.DENSE_WEIGHT,
        )

    def probability(
        self,
        tokens: Sequence[str],
        *,
        sentiment: Mapping[SentimentLabel, float],
        category: Mapping[Category, float],
    ) -> float:
        return self._model.probabilities(tokens, _dense(sentiment, category)).get("True", 0.0)

    def predict(
        self,
        tokens: Sequence[str],
        *,
        sentiment: Mapping[SentimentLabel, float],
        category: Mapping[Category, float],
    ) -> bool:
        return self.probability(tokens, sentiment=sentiment, category=category) >= 0.5


@lru_cache(maxsize=4)
def _trained(
    data_version: str,
    tokenizer: ThaiTokenizer,
    sentiment: SentimentModel,
    category: CategoryModel,
    train_dir: Path,
) -> TrainedGrievanceModel:
    del data_version  # part of the cache key only
    return TrainedGrievanceModel(
        training_posts(train_dir), tokenizer=tokenizer, sentiment=sentiment, category=category
    )


def build_grievance(
    settings: GrievanceSettings,
    *,
    tokenizer: ThaiTokenizer,
    sentiment: SentimentModel,
    category: CategoryModel,
    train_dir: Path = TRAINING_DIR,
) -> GrievanceModel:
    """The configured grievance model; the default is trained once per process and data."""
    if settings.kind == "rule":
        return RuleGrievanceModel()
    examples = training_posts(train_dir)
    # The models are hashable: cached instances, or keyword models with value semantics.
    return _trained(
        fingerprint(examples),
        tokenizer,
        sentiment,  # type: ignore[arg-type]
        category,  # type: ignore[arg-type]
        train_dir,
    )


__all__ = [
    "GrievanceModel",
    "RuleGrievanceModel",
    "TrainedGrievanceModel",
    "build_grievance",
]
