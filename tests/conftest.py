"""Shared fixtures: settings on a temporary store, post factories, a fixed-vector embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from domain.models import (
    Category,
    CategoryPrediction,
    Emergence,
    Enrichment,
    Location,
    Post,
    Sentiment,
)
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


def make_emergence(
    n: int,
    *,
    detected_at: datetime,
    province: str = "สงขลา",
    score: float = 9.0,
    observed: int = 5,
    expected: float = 0.2,
) -> Emergence:
    """An emergence of power cuts in ``province``, seen at ``detected_at`` after 3 hours."""
    label = f"ไฟฟ้า · {province}"
    return Emergence(
        episode_id=f"ep{n}",
        kind="category_province",
        series=f"category_province:electricity|{province}",
        category=Category.electricity,
        province=province,
        label=label,
        reason=f"{observed} โพสต์ใน 6 ชม. จากปกติ {expected} — {label}",
        window_hours=6,
        start=detected_at - timedelta(hours=3),
        peak=detected_at - timedelta(hours=1),
        end=detected_at,
        detected_at=detected_at,
        score=score,
        observed=observed,
        posts=observed,
        expected=expected,
        post_ids=[f"x:{n}", f"x:{n}0"],
    )


@pytest.fixture
def post_factory() -> Callable[..., Post]:
    return make_post


def elasticsearch_settings() -> dict[str, str]:
    """Connection to the test node started by ``make test`` (services/elasticsearch.sh).

    A missing node is an error, never a skip: the Elasticsearch tests must run in CI.
    """
    import os

    url = os.environ.get("SIANG_TEST_ES_URL")
    if not url:
        env_file = Path(os.environ.get("SIANG_ES_ENV_FILE", "/tmp/siang-es-9250/env"))
        if env_file.is_file():
            pairs = dict(
                line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line
            )
            os.environ.update(pairs)
            url = pairs.get("SIANG_TEST_ES_URL")
    if not url:
        pytest.fail(
            "no Elasticsearch test node: run `make test`, or `services/elasticsearch.sh "
            "start` before pytest (or deselect with -m 'not integration')"
        )
    return {
        "url": url,
        "user": os.environ.get("SIANG_TEST_ES_USER", "elastic"),
        "password": os.environ.get("SIANG_TEST_ES_PASSWORD", ""),
    }


@pytest.fixture(scope="session")
def es_client():  # type: ignore[no-untyped-def]
    from storage.elasticsearch import build_client

    conn = elasticsearch_settings()
    client = build_client([conn["url"]], username=conn["user"], password=conn["password"])
    try:
        client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:
        pytest.fail(f"Elasticsearch test node at {conn['url']} is not usable: {exc}")
    yield client
    client.close()


@pytest.fixture
def es_store(es_client, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A fresh ElasticsearchStore under a unique index prefix, deleted afterwards."""
    import uuid

    from storage.elasticsearch import ElasticsearchStore
    from storage.templates import install_templates

    prefix = f"t{uuid.uuid4().hex[:10]}"
    install_templates(
        es_client,
        prefix=prefix,
        dims=request.node.get_closest_marker("dims").args[0]
        if request.node.get_closest_marker("dims")
        else 4,
    )
    store = ElasticsearchStore(es_client, prefix=prefix)
    yield store
    es_client.options(ignore_status=404).indices.delete(index=f"{prefix}-*", expand_wildcards="all")
    for name in es_client.indices.get_index_template(name=f"{prefix}-*")["index_templates"]:
        es_client.indices.delete_index_template(name=name["name"])
    for name in es_client.cluster.get_component_template(name=f"{prefix}-*")["component_templates"]:
        es_client.cluster.delete_component_template(name=name["name"])
