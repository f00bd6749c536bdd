"""The pipeline on Elasticsearch: each stage is one bulk load, refreshed once when it ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from domain.settings import load_settings
from pipeline.jobs import Pipeline
from storage.elasticsearch import ElasticsearchStore
from tests.conftest import REPO, FixedEmbedder, elasticsearch_settings
from tests.storage.test_es_bulk_load import RecordingTransport

pytestmark = pytest.mark.integration


def test_ingest_and_enrich_refresh_once_each_and_leave_everything_visible(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    lines = (REPO / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join(lines[:120]) + "\n", encoding="utf-8")
    conn = elasticsearch_settings()
    client = Elasticsearch(
        [conn["url"]],
        basic_auth=(conn["user"], conn["password"]),
        transport_class=RecordingTransport,
    )
    transport = client.transport
    assert isinstance(transport, RecordingTransport)
    store = ElasticsearchStore(client, prefix=es_store.prefix, chunk_size=25)
    settings = load_settings(
        models={
            "sentiment": {"kind": "lexicon"},
            "category": {"kind": "keywords"},
            "grievance": {"kind": "rule"},
        }
    )
    pipeline = Pipeline(settings, store, FixedEmbedder(dimension=4), show_progress=False)

    accepted = pipeline.ingest(posts).accepted
    assert len(transport.requests("/_refresh")) == 1
    assert store.count_posts() == accepted == 120
    assert pipeline.enrich(batch_size=32) == accepted
    assert len(transport.requests("/_refresh")) == 2
    assert list(store.iter_posts(unenriched=True)) == []
    assert store.post_vectors([p.id for p in store.iter_posts()]).shape == (accepted, 4)
    bulks = transport.requests("/_bulk")
    assert len(bulks) >= 2 * accepted // 25 and not [t for t in bulks if "refresh=" in t]
    client.close()
