"""Grievance or not: the rule and the trained model (enrich/grievance.py)."""

from __future__ import annotations

import pytest

from domain.models import Category
from domain.settings import GrievanceSettings, load_settings
from enrich.grievance import RuleGrievanceModel, TrainedGrievanceModel, build_grievance
from enrich.service import Enricher


def _category(best: Category, p: float) -> dict[Category, float]:
    probabilities = dict.fromkeys(Category, (1 - p) / (len(Category) - 1))
    probabilities[best] = p
    return probabilities


def _sentiment(label: str, p: float) -> dict[str, float]:
    rest = (1 - p) / 2
    return {k: (p if k == label else rest) for k in ("negative", "neutral", "positive")}


@pytest.mark.parametrize(
    ("category", "label", "score", "expected"),
    [
        (Category.electricity, "negative", 0.9, True),
        (Category.electricity, "neutral", 0.6, True),
        (Category.electricity, "positive", 0.9, False),  # praise is not a grievance
        (Category.electricity, "positive", 0.6, False),
        (Category.electricity, "positive", 0.55, True),  # barely positive still counts
        (Category.none, "negative", 0.9, False),
    ],
)
def test_rule(category: Category, label: str, score: float, expected: bool) -> None:
    rule = RuleGrievanceModel()
    got = rule.predict(
        [],
        sentiment=_sentiment(label, score),
        category=_category(category, 0.8),  # type: ignore[arg-type]
    )
    assert got is expected


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.from_settings(load_settings(), embedder=None)


def test_the_default_is_the_trained_model(enricher: Enricher) -> None:
    assert isinstance(enricher.grievance, TrainedGrievanceModel)
    rule = build_grievance(
        GrievanceSettings(kind="rule"),
        tokenizer=enricher.tokenizer,
        sentiment=enricher.sentiment,
        category=enricher.category,
    )
    assert isinstance(rule, RuleGrievanceModel)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ท่อประปาแตกหน้าซอย 5 น้ำไหลนองถนนตั้งแต่เช้า", True),  # a neutral report of a problem
        ("แจ้งเตือน การประปาจะงดจ่ายน้ำเพื่อบำรุงรักษาระบบ วันเสาร์นี้ 9.00-16.00 น.", False),
        ("ขอบคุณการไฟฟ้าที่มาซ่อมหม้อแปลงให้ตั้งแต่ตีสาม", False),
        ("ถนนเป็นหลุมเป็นบ่อมาครึ่งปีแล้ว ไม่มีใครมาซ่อม", True),
        ("วันนี้ไปกินหมูกระทะกับเพื่อน อร่อยมาก", False),
    ],
)
def test_trained_model_on_reports_announcements_and_thanks(
    enricher: Enricher, text: str, expected: bool
) -> None:
    assert enricher.enrich_text(text).is_grievance is expected
