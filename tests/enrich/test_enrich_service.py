"""The enrich stage end to end on whole Thai posts (enrich/service.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pytest

from domain.models import Category, Post
from domain.settings import load_settings
from enrich.service import Enricher, embedding_text

T0 = datetime(2026, 11, 8, 7, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.from_settings(load_settings(), embedder=None)


def test_water_complaint_with_place_hashtag_and_phone(enricher: Enricher) -> None:
    result = enricher.enrich_text("น้ำประปาเค็มมากกกก ที่บางบัวทอง #น้ำไม่ไหล โทร 081-234-5678 😡")
    assert result.sentiment.label == "negative"
    assert result.category.label is Category.water_supply
    assert result.is_grievance is True
    assert result.agency == "การประปานครหลวง"  # Nonthaburi is a Metropolitan Waterworks area
    assert [(loc.province, loc.district) for loc in result.locations] == [("นนทบุรี", "บางบัวทอง")]
    assert result.pii_redacted == ["phone"]
    assert result.redacted_text == "น้ำประปาเค็มมากกกก ที่บางบัวทอง #น้ำไม่ไหล โทร [PHONE] 😡"
    assert result.normalized_text == "น้ำประปาเค็มมาก ที่บางบัวทอง น้ำไม่ไหล โทร [PHONE] 😡"
    assert {"น้ำประปา", "บางบัวทอง", "น้ำไม่ไหล", "[PHONE]"} <= set(result.tokens)
    assert not any(ch.isdigit() for token in result.tokens for ch in token)
    assert result.emphasis == 1
    assert result.hashtags == ["น้ำไม่ไหล"]
    assert result.embedding_model is None


def test_power_cut_with_mention_url_and_nickname(enricher: Enricher) -> None:
    result = enricher.enrich_text("ไฟดับทั้งหาดใหญ่ตั้งแต่เมื่อคืน แจ้ง @PEA_th แล้วยังเงียบ https://t.co/x1")
    assert result.category.label is Category.electricity and result.is_grievance
    assert result.agency == "การไฟฟ้าส่วนภูมิภาค"
    assert [(loc.province, loc.district) for loc in result.locations] == [("สงขลา", "หาดใหญ่")]
    assert result.mentions == ["PEA_th"]
    assert result.urls == ["https://t.co/x1"]
    assert "https" not in result.normalized_text
    assert result.pii_redacted == []


def test_praise_names_a_category_but_is_not_a_grievance(enricher: Enricher) -> None:
    result = enricher.enrich_text("ขอบคุณการไฟฟ้าที่มาซ่อมให้รวดเร็วมาก 👍 ที่โคราช")
    assert result.sentiment.label == "positive"
    assert result.category.label is Category.electricity
    assert result.is_grievance is False
    assert [(loc.province, loc.district) for loc in result.locations] == [("นครราชสีมา", None)]


def test_everyday_post_is_not_a_grievance(enricher: Enricher) -> None:
    result = enricher.enrich_text("วันนี้กินส้มตำอร่อยมาก")
    assert result.category.label is Category.none
    assert (result.is_grievance, result.agency, result.locations) == (False, None, [])


def test_news_like_post_is_neutral(enricher: Enricher) -> None:
    result = enricher.enrich_text("ประกาศงดจ่ายไฟวันเสาร์ เวลา 9 โมงถึงบ่ายสาม")
    assert result.sentiment.label == "neutral"


def test_negated_praise_is_negative(enricher: Enricher) -> None:
    assert enricher.enrich_text("บริการไม่ดีเลย").sentiment.label == "negative"
    assert enricher.enrich_text("บริการไม่ดี แย่มาก").sentiment.label == "negative"


def test_every_kind_of_pii_is_gone_before_tokens(enricher: Enricher) -> None:
    result = enricher.enrich_text(
        "ถนนพังที่ อ.ปากช่อง จ.นครราชสีมา ติดต่อ somchai@example.com หรือ ๐๘๑-๒๓๔-๕๖๗๘ บัญชี 9876543210"
    )
    assert result.pii_redacted == ["bank_account", "email", "phone"]
    assert result.redacted_text == (
        "ถนนพังที่ อ.ปากช่อง จ.นครราชสีมา ติดต่อ [EMAIL] หรือ [PHONE] บัญชี [BANK_ACCOUNT]"
    )
    assert {"[EMAIL]", "[PHONE]", "[BANK_ACCOUNT]"} <= set(result.tokens)
    assert not any(ch.isdigit() for token in result.tokens for ch in token)
    assert [(loc.province, loc.district) for loc in result.locations] == [("นครราชสีมา", "ปากช่อง")]
    assert result.category.label is Category.road_traffic


def test_enrichment_is_deterministic(enricher: Enricher) -> None:
    text = "น้ำท่วมหนักที่โคราช ไม่มีใครมาช่วย 😭"
    assert enricher.enrich_text(text) == enricher.enrich_text(text)


def _post(native_id: str, text: str) -> Post:
    return Post(platform="x", native_id=native_id, text=text, created_at=T0, collected_at=T0)


def test_run_without_embedder_enriches_every_post(enricher: Enricher) -> None:
    posts = [_post("1", "ไฟดับ https://t.co/a"), _post("2", "น้ำท่วมโคราช")]
    batch = enricher.run(posts)
    assert [p.id for p in batch.posts] == ["x:1", "x:2"]
    assert [p.enrichment.category.label for p in batch.posts if p.enrichment] == [
        Category.electricity,
        Category.flood_water,
    ]
    assert batch.vectors.shape == (2, 0)
    assert posts[0].enrichment is None  # the input posts are not modified


class _RecordingEmbedder:
    name = "recording"
    dimension = 3

    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.append(list(texts))
        return np.array([[float(i), 1.0, 0.0] for i in range(len(texts))], dtype=np.float32)


def test_run_embeds_normalised_text_row_aligned(enricher: Enricher) -> None:
    embedder = _RecordingEmbedder()
    with_embedder = Enricher(
        gazetteer=enricher.gazetteer,
        tokenizer=enricher.tokenizer,
        sentiment=enricher.sentiment,
        category=enricher.category,
        grievance=enricher.grievance,
        embedder=embedder,
        agencies=enricher.agencies,
    )
    batch = with_embedder.run([_post("1", "ไฟดับ https://t.co/a"), _post("2", "โทร 0812345678")])
    assert embedder.seen == [["ไฟดับ", "โทร [PHONE]"]]
    assert batch.vectors.tolist() == [[0.0, 1.0, 0.0], [1.0, 1.0, 0.0]]
    assert [p.enrichment.embedding_model for p in batch.posts if p.enrichment] == ["recording"] * 2


def test_embedding_text_falls_back_to_post_text() -> None:
    assert embedding_text(_post("1", "ข้อความดิบ")) == "ข้อความดิบ"


def test_buddhist_era_years_are_kept_as_common_era(enricher: Enricher) -> None:
    enrichment = enricher.enrich_text("ถนนเส้นนี้พังตั้งแต่ พ.ศ. ๒๕๖๗ จนถึงปี 2569 ก็ยังไม่ซ่อม")
    assert enrichment.years == [2024, 2026]
