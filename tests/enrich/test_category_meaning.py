"""The trained category model reading a post's embedding beside its words, and the
uncertain flag (enrich/category.py, enrich/linear.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from domain.models import Category
from domain.settings import CategorySettings, load_settings
from enrich.category import TrainedCategoryModel, build_category, category_from
from enrich.labelled import training_posts
from enrich.linear import log_mix
from enrich.thai_text import ThaiTokenizer, normalize

CATEGORIES = sorted(Category, key=lambda c: c.value)


class CategoryAxes:
    """An embedder whose vector for a training text is the one-hot of its labelled
    category: meaning, made explicit, so a test can say what a post means."""

    name = "category-axes"
    dimension = len(CATEGORIES)

    def __init__(self) -> None:
        self._category = {normalize(p.text).text: p.category for p in training_posts()}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([axis(self._category.get(t, Category.none)) for t in texts])


def axis(category: Category) -> np.ndarray:
    vector = np.zeros(len(CATEGORIES), dtype=np.float32)
    vector[CATEGORIES.index(category)] = 1.0
    return vector


@pytest.fixture(scope="module")
def model() -> TrainedCategoryModel:
    settings = load_settings()
    tokenizer = ThaiTokenizer(set(), engine="nlpo3")
    built = build_category(
        CategorySettings(), settings.keywords, tokenizer, embedder=CategoryAxes()
    )
    assert isinstance(built, TrainedCategoryModel) and built.embedder_name == "category-axes"
    return built


def test_the_meaning_of_a_post_wins_where_its_words_are_unknown(
    model: TrainedCategoryModel,
) -> None:
    words = ["สวัสดี", "ครับ"]  # nothing a category model could read
    assert model.predict(words).label is Category.none
    assert model.predict(words, axis(Category.corruption)).label is Category.corruption
    assert model.predict(words, axis(Category.welfare)).label is Category.welfare


def test_words_still_count_and_without_a_vector_nothing_changes(
    model: TrainedCategoryModel,
) -> None:
    power_cut = ["ไฟดับ", "ทั้ง", "หมู่บ้าน"]
    alone = model.probabilities(power_cut)
    assert max(alone, key=alone.__getitem__) is Category.electricity
    assert model.probabilities(power_cut, None) == alone
    assert model.probabilities(power_cut, np.zeros(0)) == alone
    agreeing = model.probabilities(power_cut, axis(Category.electricity))
    assert agreeing[Category.electricity] > alone[Category.electricity]
    assert sum(agreeing.values()) == pytest.approx(1.0)


def test_a_low_probability_is_marked_uncertain() -> None:
    split = {Category.electricity: 0.5, Category.road_traffic: 0.45, Category.none: 0.05}
    guess = category_from(split, min_confidence=0.55)
    assert (guess.label, guess.confidence, guess.uncertain) == (Category.electricity, 0.5, True)
    sure = category_from({Category.electricity: 0.9, Category.none: 0.1}, min_confidence=0.55)
    assert not sure.uncertain
    assert not category_from(split).uncertain  # no threshold: never uncertain


def test_log_mix_weights_and_tempers() -> None:
    words, meaning = {"a": 0.8, "b": 0.2}, {"a": 0.2, "b": 0.8}
    assert log_mix(words, meaning, 0.0) == pytest.approx(words)
    assert log_mix(words, meaning, 1.0) == pytest.approx(meaning)
    even = log_mix(words, meaning, 0.5)
    assert even["a"] == pytest.approx(0.5)
    sharper = log_mix(words, meaning, 0.0, temperature=0.5)
    assert sharper["a"] == pytest.approx(0.64 / 0.68)
