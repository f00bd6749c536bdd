"""Grievance category and the agency that should hear about it.

Two classifiers share the ``CategoryModel`` protocol, chosen by ``models.category.kind``:

* ``TrainedCategoryModel`` (default, ``trained``): a logistic regression over Siang-token
  n-grams plus the keyword counts below, fitted on Siang's labelled posts
  (``enrich/data/train``). The keywords in config seed it: a category word the training
  posts never used still counts.
* ``KeywordCategoryModel`` (``keywords``): counts configured keywords (tokens matched whole,
  multi-word keywords as token runs); transparent, and a feature of the default.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from domain.models import Category, CategoryPrediction, Sentiment
from domain.settings import CategorySettings
from enrich.labelled import TRAINING_DIR, LabelledPost, fingerprint, training_posts
from enrich.linear import TfidfLogit
from enrich.thai_text import ThaiTokenizer, content_tokens, normalize


class CategoryModel(Protocol):
    name: str

    def predict(self, tokens: Sequence[str]) -> CategoryPrediction: ...


class KeywordCategoryModel:
    """Counts keyword hits per category; confidence grows with hits and the margin."""

    name = "keywords-v1"

    def __init__(self, keywords: Mapping[Category, Sequence[str]], tokenize: object) -> None:
        self._phrases: dict[Category, list[tuple[str, ...]]] = {}
        for category, words in keywords.items():
            phrases = []
            for word in words:
                parts = tuple(t.lower().rstrip(".") or t for t in tokenize.tokenize(word))  # type: ignore[attr-defined]
                if parts:
                    phrases.append(parts)
            self._phrases[Category(category)] = phrases

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeywordCategoryModel):
            return NotImplemented
        return self._phrases == other._phrases

    def __hash__(self) -> int:
        return hash(tuple((c, tuple(p)) for c, p in sorted(self._phrases.items())))

    def scores(self, tokens: Sequence[str]) -> dict[Category, float]:
        lowered = [t.lower().rstrip(".") or t for t in tokens]
        scores: dict[Category, float] = {}
        for category, phrases in self._phrases.items():
            hits = 0.0
            for phrase in phrases:
                n = len(phrase)
                hits += sum(
                    1 for i in range(len(lowered) - n + 1) if tuple(lowered[i : i + n]) == phrase
                ) * (1 + 0.5 * (n - 1))
            if hits:
                scores[category] = hits
        return scores

    def predict(self, tokens: Sequence[str]) -> CategoryPrediction:
        scores = self.scores(tokens)
        if not scores:
            return CategoryPrediction(label=Category.none, confidence=0.6)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0].value))
        best, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        confidence = min(0.95, 0.45 + 0.15 * top + 0.2 * (top - runner_up) / top)
        return CategoryPrediction(label=best, confidence=round(confidence, 4))


def _content_ngrams(tokens: Sequence[str]) -> list[str]:
    words = content_tokens(tokens)
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class TrainedCategoryModel:
    """Logistic regression on content-word n-grams and keyword counts."""

    name = "trained-category-v1"
    # Chosen by 5-fold cross-validation on the training posts (bench/enrich/quality.py).
    C = 16.0
    KEYWORD_WEIGHT = 1.0

    def __init__(
        self,
        examples: Sequence[LabelledPost],
        keywords: KeywordCategoryModel,
        tokenizer: ThaiTokenizer,
        *,
        c: float | None = None,
    ) -> None:
        self.keywords = keywords
        self._categories = sorted(keywords._phrases, key=lambda c: c.value)
        tokens = [tokenizer.tokenize(normalize(e.text).text) for e in examples]
        self._model = TfidfLogit(
            tokens,
            np.vstack([self._keyword_features(t) for t in tokens]),
            [e.category.value for e in examples],
            analyzer=_content_ngrams,
            c=c or self.C,
            dense_weight=self.KEYWORD_WEIGHT,
        )

    def _keyword_features(self, tokens: Sequence[str]) -> np.ndarray:
        scores = self.keywords.scores(tokens)
        return np.log1p(np.array([scores.get(c, 0.0) for c in self._categories]))

    def probabilities(self, tokens: Sequence[str]) -> dict[Category, float]:
        row = self._model.probabilities(tokens, self._keyword_features(tokens))
        return {Category(c): p for c, p in row.items()}

    def predict(self, tokens: Sequence[str]) -> CategoryPrediction:
        probabilities = self.probabilities(tokens)
        best = max(probabilities, key=lambda c: (probabilities[c], c.value))
        return CategoryPrediction(label=best, confidence=round(probabilities[best], 4))


@lru_cache(maxsize=4)
def _trained(
    data_version: str, keywords: KeywordCategoryModel, tokenizer: ThaiTokenizer, train_dir: Path
) -> TrainedCategoryModel:
    del data_version  # part of the cache key only
    return TrainedCategoryModel(training_posts(train_dir), keywords, tokenizer)


def build_category(
    settings: CategorySettings,
    keywords: Mapping[Category, Sequence[str]],
    tokenizer: ThaiTokenizer,
    *,
    train_dir: Path = TRAINING_DIR,
) -> CategoryModel:
    """The configured category model; the default is trained once per process and data."""
    keyword_model = KeywordCategoryModel(keywords, tokenizer)
    if settings.kind == "keywords":
        return keyword_model
    examples = training_posts(train_dir)
    return _trained(fingerprint(examples), keyword_model, tokenizer, train_dir)


def is_grievance(category: CategoryPrediction, sentiment: Sentiment) -> bool:
    """A grievance names a problem area and is not praise."""
    if category.label is Category.none:
        return False
    return not (sentiment.label == "positive" and sentiment.score >= 0.6)


def agency_for(
    category: Category,
    agencies: Mapping[Category, str],
    *,
    province: str | None = None,
    by_province: Mapping[Category, Mapping[str, str]] | None = None,
) -> str | None:
    """The responsible agency: a (category, province) entry first, else the category's."""
    if category is Category.none:
        return None
    if province and by_province and province in by_province.get(category, {}):
        return by_province[category][province]
    return agencies.get(category)


__all__ = [
    "CategoryModel",
    "KeywordCategoryModel",
    "TrainedCategoryModel",
    "agency_for",
    "build_category",
    "is_grievance",
]
