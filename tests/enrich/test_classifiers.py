"""Sentiment, category, grievance and agency on real config and whole Thai posts."""

from __future__ import annotations

import numpy as np
import pytest

from domain.models import Category, CategoryPrediction, Sentiment
from domain.settings import load_settings
from enrich.category import agency_for, is_grievance
from enrich.embeddings import CachedEmbedder
from enrich.service import Enricher
from tests.conftest import FixedEmbedder


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.from_settings(load_settings(), embedder=None)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("น้ำประปาไม่ไหลมาสามวันแล้ว แย่มาก 😡", "negative"),
        ("ขอบคุณการไฟฟ้าที่มาซ่อมให้รวดเร็วมาก 👍", "positive"),
        ("ประกาศงดจ่ายไฟวันเสาร์ เวลา 9 โมงถึงบ่ายสาม", "neutral"),
        ("บริการไม่ดีเลย", "negative"),
        ("😭😭", "negative"),
    ],
)
def test_sentiment(enricher: Enricher, text: str, label: str) -> None:
    assert enricher.enrich_text(text).sentiment.label == label


def test_negation_softens_negative_words(enricher: Enricher) -> None:
    assert enricher.enrich_text("รถไม่ติดเลยวันนี้").sentiment.label != "negative"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ไฟดับทั้งซอยตั้งแต่เมื่อคืน", Category.electricity),
        ("น้ำประปาขุ่นมีตะกอน", Category.water_supply),
        ("ถนนพังเป็นหลุมใหญ่", Category.road_traffic),
        ("ขยะไม่มีใครมาเก็บ กลิ่นเหม็นมาก", Category.waste_environment),
        ("รอรถเมล์ชั่วโมงนึงไม่มาสักคัน", Category.transport),
        ("วันนี้กินส้มตำอร่อยมาก", Category.none),
    ],
)
def test_category(enricher: Enricher, text: str, category: Category) -> None:
    assert enricher.enrich_text(text).category.label is category


def test_praise_is_not_a_grievance() -> None:
    category = CategoryPrediction(label=Category.electricity, confidence=0.8)
    assert is_grievance(category, Sentiment(label="negative", score=0.9))
    assert not is_grievance(category, Sentiment(label="positive", score=0.9))
    assert not is_grievance(
        CategoryPrediction(label=Category.none, confidence=0.6),
        Sentiment(label="negative", score=0.9),
    )


def test_agency_from_config() -> None:
    agencies = load_settings().agencies
    assert agency_for(Category.water_supply, agencies) == "การประปาส่วนภูมิภาค"
    assert agency_for(Category.none, agencies) is None


def test_whole_post(enricher: Enricher) -> None:
    result = enricher.enrich_text("น้ำประปาเค็มมากกกก ที่บางบัวทอง #น้ำไม่ไหล โทร 081-234-5678 😡")
    assert result.category.label is Category.water_supply and result.is_grievance
    assert result.agency == "การประปาส่วนภูมิภาค"
    assert [(loc.province, loc.district) for loc in result.locations] == [("นนทบุรี", "บางบัวทอง")]
    assert result.pii_redacted == ["phone"] and "[PHONE]" in result.redacted_text
    assert "081-234-5678" not in " ".join(result.tokens)
    assert result.emphasis == 1 and result.hashtags == ["น้ำไม่ไหล"]


def test_cached_embedder_skips_known_texts() -> None:
    inner = FixedEmbedder()
    cached = CachedEmbedder(inner)
    first = cached.encode(["ก", "ข", "ก"])
    second = cached.encode(["ข", "ก"])
    assert inner.calls == 1 and cached.misses == 2 and cached.hits == 3
    np.testing.assert_array_equal(first[2], second[1])


@pytest.mark.integration
def test_use_embedder_understands_thai() -> None:
    from enrich.embeddings import UseEmbedder

    vectors = UseEmbedder().encode(
        ["น้ำประปาเค็มมาก ดื่มไม่ได้", "ขอให้ตรวจสอบน้ำประปาที่มีรสเค็ม", "ทีมฟุตบอลชนะเมื่อคืน"]
    )
    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.15
