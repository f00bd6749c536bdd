"""The shared domain model: post ids, aware timestamps, round trips (domain/models.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from domain.models import (
    AlertRule,
    Category,
    CategoryPrediction,
    Complaint,
    Enrichment,
    Location,
    Post,
    Sentiment,
)

BANGKOK = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 8, 14, 0, tzinfo=BANGKOK)


def _post(**overrides: Any) -> Post:
    fields: dict[str, Any] = {
        "platform": "pantip",
        "native_id": "42",
        "text": "น้ำประปาไม่ไหล",
        "created_at": T0,
        "collected_at": T0 + timedelta(minutes=5),
    }
    fields.update(overrides)
    return Post(**fields)


def _enrichment() -> Enrichment:
    return Enrichment(
        tokens=["น้ำประปา", "ไม่", "ไหล"],
        normalized_text="น้ำประปาไม่ไหล",
        redacted_text="น้ำประปาไม่ไหล",
        sentiment=Sentiment(label="negative", score=0.9),
        locations=[
            Location(province="นนทบุรี", district="บางบัวทอง", lat=13.9, lon=100.4, confidence=0.9)
        ],
        category=CategoryPrediction(label=Category.water_supply, confidence=0.8),
        is_grievance=True,
        agency="การประปาส่วนภูมิภาค",
    )


def test_post_id_is_platform_and_native_id() -> None:
    assert _post().id == "pantip:42"
    assert _post(platform="x", native_id="1853000000000213813").id == "x:1853000000000213813"


def test_post_id_in_input_is_ignored() -> None:
    post = Post.model_validate(
        {
            "id": "facebook:999",
            "platform": "x",
            "native_id": "7",
            "text": "ไฟดับ",
            "created_at": T0,
            "collected_at": T0,
        }
    )
    assert post.id == "x:7"


@pytest.mark.parametrize("field", ["created_at", "collected_at"])
def test_naive_datetimes_are_rejected(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _post(**{field: datetime(2026, 11, 8, 14, 0)})
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"native_id": ""}, "native_id"),
        ({"text": ""}, "text"),
        ({"engagement": {"likes": -1}}, "engagement"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_invalid_posts_are_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _post(**overrides)
    assert caught.value.errors()[0]["loc"][0] == field


def test_post_json_round_trip_with_computed_id() -> None:
    post = _post(enrichment=_enrichment(), raw={"source": {"room": "sinthorn"}}, topic_id=3)
    dumped = post.model_dump_json()
    assert '"id":"pantip:42"' in dumped
    again = Post.model_validate_json(dumped)
    assert again == post
    assert again.id == "pantip:42"
    assert again.created_at == T0 and again.created_at.utcoffset() == timedelta(hours=7)


def test_enrichment_province_is_the_first_location() -> None:
    assert _enrichment().province == "นนทบุรี"
    assert _enrichment().model_copy(update={"locations": []}).province is None


def test_complaint_with_category_none_is_refused() -> None:
    with pytest.raises(ValidationError, match="real category"):
        Complaint(
            complaint_id="1111-1", filed_at=T0, channel="web", category=Category.none, subject="s"
        )


def test_complaint_with_a_real_category() -> None:
    complaint = Complaint(
        complaint_id="1111-1",
        filed_at=T0.astimezone(UTC),
        channel="hotline_1111",
        category="water_supply",  # type: ignore[arg-type]
        subject="น้ำเค็ม",
    )
    assert complaint.category is Category.water_supply
    assert complaint.status == "received"


def test_alert_rule_names_are_slugs() -> None:
    assert AlertRule(name="flood-keyword", kind="keyword").threshold == 10
    with pytest.raises(ValidationError):
        AlertRule(name="Flood Keyword", kind="keyword")
