"""Grievance category: which public-service area a post is about (the agency that should hear
about it is chosen in ``enrich/agency.py``).

Two classifiers share the ``CategoryModel`` protocol, chosen by ``models.category.kind``:

* ``TrainedCategoryModel`` (default, ``trained``): a logistic regression over Siang-token
  n-grams plus the keyword counts below, fitted on Siang's labelled posts
  (``enrich/data/train``). The keywords in config seed it: a category word the training
  posts never used still counts. With an embedder, a second logistic regression reads the
  post's sentence embedding, and the two are combined in log space: words catch the
  vocabulary the training posts used, the embedding what a post means in words they never
  used (slang, other registers). The mix and a temperature that calibrates the result were
  chosen on training folds (``bench/enrich/quality.py``).
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

from domain.models import Category, CategoryPrediction
from domain.settings import CategorySettings
from enrich.embeddings import Embedder
from enrich.labelled import TRAINING_DIR, LabelledPost, fingerprint, training_posts
from enrich.linear import TfidfLogit, VectorLogit, log_mix
from enrich.thai_text import ThaiTokenizer, content_tokens, normalize


class CategoryModel(Protocol):
    name: str

    def probabilities(
        self, tokens: Sequence[str], vector: np.ndarray | None = None
    ) -> dict[Category, float]:
        """A probability per category, ``none`` included (summing to one); ``vector`` is
        the text's embedding, when the caller has one."""
        ...

    def predict(
        self, tokens: Sequence[str], vector: np.ndarray | None = None
    ) -> CategoryPrediction: ...


def category_from(
    probabilities: Mapping[Category, float], *, min_confidence: float = 0.0
) -> CategoryPrediction:
    """The most probable category (ties: alphabetically first) with its probability,
    marked uncertain below ``min_confidence``."""
    best = max(sorted(probabilities, key=lambda c: c.value), key=probabilities.__getitem__)
    confidence = round(probabilities[best], 4)
    return CategoryPrediction(
        label=best, confidence=confidence, uncertain=confidence < min_confidence
    )


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
        # Phrases by first token, so scoring is one pass over the post's tokens.
        self._by_first: dict[str, list[tuple[Category, tuple[str, ...]]]] = {}
        for category, phrases in self._phrases.items():
            for phrase in phrases:
                self._by_first.setdefault(phrase[0], []).append((category, phrase))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeywordCategoryModel):
            return NotImplemented
        return self._phrases == other._phrases

    def __hash__(self) -> int:
        return hash(tuple((c, tuple(p)) for c, p in sorted(self._phrases.items())))

    def scores(self, tokens: Sequence[str]) -> dict[Category, float]:
        """Hits per category; a phrase of n tokens weighs 1 + 0.5 (n - 1)."""
        lowered = [t.lower().rstrip(".") or t for t in tokens]
        scores: dict[Category, float] = {}
        for i, token in enumerate(lowered):
            for category, phrase in self._by_first.get(token, ()):
                n = len(phrase)
                if n == 1 or tuple(lowered[i : i + n]) == phrase:
                    scores[category] = scores.get(category, 0.0) + 1 + 0.5 * (n - 1)
        return scores

    def probabilities(
        self, tokens: Sequence[str], vector: np.ndarray | None = None
    ) -> dict[Category, float]:
        """The winner gets the confidence below; the rest share what is left by their hits
        (the embedding is not read)."""
        scores = self.scores(tokens)
        probabilities = dict.fromkeys(Category, 0.0)
        if not scores:
            probabilities[Category.none] = 0.6
            for category in probabilities:
                if category is not Category.none:
                    probabilities[category] = 0.4 / (len(Category) - 1)
            return probabilities
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0].value))
        best, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        confidence = min(0.95, 0.45 + 0.15 * top + 0.2 * (top - runner_up) / top)
        probabilities[best] = confidence
        others = {c: v for c, v in ranked[1:]} or {Category.none: 1.0}
        for category, hits in others.items():
            probabilities[category] = (1 - confidence) * hits / sum(others.values())
        return probabilities

    def predict(
        self, tokens: Sequence[str], vector: np.ndarray | None = None
    ) -> CategoryPrediction:
        return category_from(self.probabilities(tokens))


def content_ngrams(tokens: Sequence[str]) -> list[str]:
    """Content-word unigrams and bigrams: what the trained classifiers read."""
    words = content_tokens(tokens)
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class TrainedCategoryModel:
    """Logistic regression on content-word n-grams and keyword counts, combined with one on
    the sentence embedding when an embedder is given."""

    name = "trained-category-v2"
    # Chosen by 5-fold cross-validation on the training posts (bench/enrich/quality.py).
    C = 16.0
    KEYWORD_WEIGHT = 1.0
    C_EMBEDDING = 8.0
    EMBEDDING_WEIGHT = 0.7  # share of the embedding's log-probabilities in the mix
    TEMPERATURE = 0.75  # divides the mixed log-probabilities: calibrates the confidence

    def __init__(
        self,
        examples: Sequence[LabelledPost],
        keywords: KeywordCategoryModel,
        tokenizer: ThaiTokenizer,
        *,
        embedder: Embedder | None = None,
        c: float | None = None,
        c_embedding: float | None = None,
        embedding_weight: float | None = None,
        temperature: float | None = None,
    ) -> None:
        self.keywords = keywords
        self._categories = sorted(keywords._phrases, key=lambda c: c.value)
        texts = [normalize(e.text).text for e in examples]
        tokens = [tokenizer.tokenize(text) for text in texts]
        labels = [e.category.value for e in examples]
        self._words = TfidfLogit(
            tokens,
            np.vstack([self._keyword_features(t) for t in tokens]),
            labels,
            analyzer=content_ngrams,
            c=c or self.C,
            dense_weight=self.KEYWORD_WEIGHT,
        )
        self._meaning = (
            VectorLogit(embedder.encode(texts), labels, c=c_embedding or self.C_EMBEDDING)
            if embedder is not None
            else None
        )
        self.embedding_weight = (
            self.EMBEDDING_WEIGHT if embedding_weight is None else embedding_weight
        )
        self.temperature = temperature or self.TEMPERATURE
        self.embedder_name = embedder.name if embedder is not None else None

    def _keyword_features(self, tokens: Sequence[str]) -> np.ndarray:
        scores = self.keywords.scores(tokens)
        return np.log1p(np.array([scores.get(c, 0.0) for c in self._categories]))

    def probabilities(
        self, tokens: Sequence[str], vector: np.ndarray | None = None
    ) -> dict[Category, float]:
        words = self._words.probabilities(tokens, self._keyword_features(tokens))
        with_meaning = self._meaning is not None and vector is not None and vector.size
        meaning = self._meaning.probabilities(vector) if with_meaning else words  # type: ignore[union-attr, arg-type]
        weight = self.embedding_weight if with_meaning else 0.0
        mixed = log_mix(words, meaning, weight, temperature=self.temperature)
        return {Category(c): p for c, p in mixed.items()}

    def predict(
        self, tokens: Sequence[str], vector: np.ndarray | None = None
    ) -> CategoryPrediction:
        return category_from(self.probabilities(tokens, vector))


@lru_cache(maxsize=4)
def _trained(
    data_version: str,
    keywords: KeywordCategoryModel,
    tokenizer: ThaiTokenizer,
    train_dir: Path,
    embedder: Embedder | None,
) -> TrainedCategoryModel:
    del data_version  # part of the cache key only
    return TrainedCategoryModel(training_posts(train_dir), keywords, tokenizer, embedder=embedder)


def build_category(
    settings: CategorySettings,
    keywords: Mapping[Category, Sequence[str]],
    tokenizer: ThaiTokenizer,
    *,
    embedder: Embedder | None = None,
    train_dir: Path = TRAINING_DIR,
) -> CategoryModel:
    """The configured category model; the default is trained once per process, data and
    embedder (the same embedder object: its vectors are what the model learned)."""
    keyword_model = KeywordCategoryModel(keywords, tokenizer)
    if settings.kind == "keywords":
        return keyword_model
    examples = training_posts(train_dir)
    # An embedder object is a cache key by identity: its vectors are what the model learned.
    return _trained(fingerprint(examples), keyword_model, tokenizer, train_dir, embedder)  # type: ignore[arg-type]


__all__ = [
    "CategoryModel",
    "KeywordCategoryModel",
    "TrainedCategoryModel",
    "build_category",
    "category_from",
    "content_ngrams",
]
