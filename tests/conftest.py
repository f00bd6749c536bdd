"""Shared fixtures: settings on a temporary store, post factories, a fixed-vector embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from domain.models import Category, CategoryPrediction, Enrichment, Location, Post, Sentiment
from domain.settings import Settings, load_settings

BANGKOK = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=BANGKOK)
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(store={"backend": "embedded", "path": str(tmp_path / "siang.db")})


class FixedEmbedder:
    """Deterministic fake: a unit vector per text derived from its hash (or a given table)."""

    name = "fixed-test"

    def __init__(self, dimension: int = 8, table: dict[str, Sequence[float]] | None = None) -> None:
        self.dimension = dimension
        self.table = table or {}
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rows = []
        for text in texts:
            if text in self.table:
                vector = np.asarray(self.table[text], dtype=np.float32)
            else:
                seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
                vector = np.random.default_rng(seed).normal(size=self.dimension).astype(np.float32)
            rows.append(vector / np.linalg.norm(vector))
        return np.vstack(rows) if rows else np.zeros((0, self.dimension), np.float32)


@pytest.fixture
def fixed_embedder() -> FixedEmbedder:
    return FixedEmbedder()


def make_post(
    native_id: str,
    text: str = "น้ำประปาไม่ไหล",
    *,
    platform: str = "x",
    created_at: datetime = T0,
    province: str | None = None,
    sentiment: str = "negative",
    category: Category = Category.water_supply,
    tokens: list[str] | None = None,
    enriched: bool = True,
) -> Post:
    """A post, enriched with the given labels unless ``enriched`` is False."""
    enrichment = None
    if enriched:
        enrichment = Enrichment(
            tokens=tokens if tokens is not None else text.split(),
            normalized_text=text,
            redacted_text=text,
            sentiment=Sentiment(label=sentiment, score=0.9),  # type: ignore[arg-type]
            locations=[Location(province=province, lat=13.7, lon=100.5, confidence=0.9)]
            if province
            else [],
            category=CategoryPrediction(label=category, confidence=0.8),
            is_grievance=category is not Category.none,
        )
    return Post(
        platform=platform,  # type: ignore[arg-type]
        native_id=native_id,
        text=text,
        created_at=created_at,
        collected_at=created_at + timedelta(minutes=5),
        enrichment=enrichment,
    )


@pytest.fixture
def post_factory() -> Callable[..., Post]:
    return make_post
