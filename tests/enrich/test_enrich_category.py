"""Keyword and trained categories and the grievance rule (enrich/category.py)."""

from __future__ import annotations

import pytest

from domain.models import Category, CategoryPrediction
from domain.settings import CategorySettings, Settings, load_settings
from enrich.category import (
    KeywordCategoryModel,
    TrainedCategoryModel,
    build_category,
)
from enrich.gazetteer import Gazetteer
from enrich.service import custom_words
from enrich.thai_text import ThaiTokenizer


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="module")
def tokenizer(settings: Settings) -> ThaiTokenizer:
    return ThaiTokenizer({w for words in settings.keywords.values() for w in words})


@pytest.fixture(scope="module")
def model(settings: Settings, tokenizer: ThaiTokenizer) -> KeywordCategoryModel:
    return KeywordCategoryModel(settings.keywords, tokenizer)


def test_config_has_keywords_and_an_agency_for_every_real_category(settings: Settings) -> None:
    real = {c for c in Category if c is not Category.none}
    assert set(settings.keywords) == real
    assert set(settings.agencies) == real
    assert all(settings.keywords[c] for c in real)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ไฟดับทั้งซอยตั้งแต่เมื่อคืน", Category.electricity),
        ("น้ำประปาขุ่นมีตะกอน", Category.water_supply),
        ("ถนนพังเป็นหลุมใหญ่", Category.road_traffic),
        ("น้ำท่วมขังหน้าบ้านสามวันแล้ว", Category.flood_water),
        ("ขยะไม่มีใครมาเก็บ กลิ่นเหม็นมาก", Category.waste_environment),
        ("รอรถเมล์ชั่วโมงนึงไม่มาสักคัน", Category.transport),
        ("เน็ตหลุดทั้งวัน", Category.telecom),
        ("เจ้าหน้าที่เรียกเงินใต้โต๊ะ", Category.corruption),
        ("ค่า PM2.5 สูงมากวันนี้", Category.waste_environment),
        ("วันนี้กินส้มตำอร่อยมาก", Category.none),
    ],
)
def test_keyword_categories(
    model: KeywordCategoryModel, tokenizer: ThaiTokenizer, text: str, category: Category
) -> None:
    assert model.predict(tokenizer.tokenize(text)).label is category


def test_matching_ignores_case_and_trailing_dots(model: KeywordCategoryModel) -> None:
    assert model.scores(["bts"]) == {Category.transport: 1.0}
    assert model.scores(["กฟภ."]) == {Category.electricity: 1.0}


def test_more_hits_win_and_confidence_reflects_the_margin(model: KeywordCategoryModel) -> None:
    assert model.predict(["ไฟดับ"]) == CategoryPrediction(label=Category.electricity, confidence=0.8)
    assert model.predict(["ไฟดับ", "น้ำไม่ไหล", "น้ำไม่ไหล"]) == CategoryPrediction(
        label=Category.water_supply, confidence=0.85
    )
    assert model.predict(["ไฟดับ", "หม้อแปลง", "ระเบิด"]) == CategoryPrediction(
        label=Category.electricity, confidence=0.95
    )


def test_a_tie_goes_to_the_alphabetically_first_category(model: KeywordCategoryModel) -> None:
    prediction = model.predict(["ไฟดับ", "น้ำไม่ไหล"])
    assert prediction == CategoryPrediction(label=Category.electricity, confidence=0.6)


def test_no_keyword_is_category_none(model: KeywordCategoryModel) -> None:
    assert model.predict([]) == CategoryPrediction(label=Category.none, confidence=0.6)
    assert model.predict(["กิน", "ส้มตำ"]).label is Category.none


class _SpaceTokenizer:
    def tokenize(self, text: str) -> list[str]:
        return text.split()


def test_multi_token_keywords_match_as_runs_and_weigh_more() -> None:
    model = KeywordCategoryModel(
        {Category.consumer: ["ไม่ได้ ของ", "คืนเงิน"], Category.telecom: ["ซิม"]},
        _SpaceTokenizer(),
    )
    assert model.scores(["สั่ง", "แล้ว", "ไม่ได้", "ของ"]) == {Category.consumer: 1.5}
    assert model.scores(["ของ", "ไม่ได้"]) == {}
    assert model.scores(["ไม่ได้", "ของ", "ขอ", "คืนเงิน", "ซิม"]) == {
        Category.consumer: 2.5,
        Category.telecom: 1.0,
    }


# --- the trained classifier (TrainedCategoryModel) ---


@pytest.fixture(scope="module")
def trained(settings: Settings) -> TrainedCategoryModel:
    tokenizer = ThaiTokenizer(
        custom_words(settings, Gazetteer(settings.place_aliases)), engine="nlpo3"
    )
    model = build_category(CategorySettings(), settings.keywords, tokenizer)
    assert isinstance(model, TrainedCategoryModel)
    return model


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("หม้อแปลงระเบิดตอนตีสอง ทั้งหมู่บ้านมืดเลย", Category.electricity),
        ("ก๊อกที่บ้านแห้งสนิท ไม่มีน้ำใช้มาสองวัน", Category.water_supply),
        ("ลูกสาวโดนเรียกเก็บค่าบำรุงการศึกษาเพิ่ม ทั้งที่บอกว่าเรียนฟรี", Category.education),
        ("ค่ำนี้ทำต้มยำกุ้งกินกับครอบครัว อร่อยมาก", Category.none),
    ],
)
def test_trained_model_generalises_beyond_keywords(
    trained: TrainedCategoryModel, settings: Settings, text: str, category: Category
) -> None:
    tokenizer = ThaiTokenizer(
        custom_words(settings, Gazetteer(settings.place_aliases)), engine="nlpo3"
    )
    prediction = trained.predict(tokenizer.tokenize(text))
    assert prediction.label is category
    assert 0.0 < prediction.confidence <= 1.0


def test_trained_probabilities_cover_every_category(trained: TrainedCategoryModel) -> None:
    probabilities = trained.probabilities(["ไฟดับ"])
    assert set(probabilities) == set(Category)
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert max(probabilities, key=probabilities.__getitem__) is Category.electricity


def test_keywords_kind_builds_the_keyword_model(
    settings: Settings, tokenizer: ThaiTokenizer
) -> None:
    model = build_category(CategorySettings(kind="keywords"), settings.keywords, tokenizer)
    assert isinstance(model, KeywordCategoryModel)
