"""Grievance category and the agency that should hear about it.

The default classifier scores categories by their configured keywords (tokens matched
whole, multi-word keywords matched as token runs). It implements ``CategoryModel`` so a
trained classifier replaces it through configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from domain.models import Category, CategoryPrediction, Sentiment


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


__all__ = ["CategoryModel", "KeywordCategoryModel", "agency_for", "is_grievance"]
