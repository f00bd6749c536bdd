"""Elasticsearch specifics: monthly indices behind the alias, rejected documents quarantined."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from storage.elasticsearch import ElasticsearchStore
from tests.conftest import T0, make_post

pytestmark = pytest.mark.integration


def test_posts_go_to_monthly_indices_behind_the_alias(es_store: ElasticsearchStore) -> None:
    october = make_post("oct", created_at=T0 - timedelta(days=10), enriched=False)
    november = make_post("nov", created_at=T0, enriched=False)
    es_store.upsert_posts([october, november])
    indices = sorted(es_store.client.indices.get_alias(name=es_store.posts_alias))
    assert indices == [f"{es_store.posts_alias}-2026.10", f"{es_store.posts_alias}-2026.11"]
    assert es_store.count_posts() == 2
    # Moving a post to another month (an edited timestamp) leaves no copy behind.
    moved = november.model_copy(update={"created_at": T0 - timedelta(days=20)})
    assert es_store.upsert_posts([moved]).updated == 1
    assert es_store.count_posts() == 2
    assert [p.id for p in es_store.iter_posts()] == ["x:nov", "x:oct"]


def test_rejected_documents_are_quarantined_with_the_reason(es_store: ElasticsearchStore) -> None:
    posts = [make_post("good"), make_post("bad")]
    es_store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in posts])
    good = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    wrong_dims = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    saved = es_store.save_enrichment([posts[0]], good[None, :])
    assert saved == 1
    saved_bad = es_store.save_enrichment([posts[1]], wrong_dims[None, :])
    assert saved_bad == 0
    quarantined = es_store.list_quarantine(stage="enrich")
    assert len(quarantined) == 1
    assert quarantined[0].reason.startswith("x:bad: ")
    assert "dimension" in quarantined[0].reason or "dims" in quarantined[0].reason
    assert es_store.get_post("x:good").enrichment is not None  # type: ignore[union-attr]
