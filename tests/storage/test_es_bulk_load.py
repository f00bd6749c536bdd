"""Bulk writes on the real node: no refresh per chunk, one per call or per bulk load, load
settings put back, one write per enriched post, and nothing lost or counted twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from elastic_transport import TransportApiResponse
from elasticsearch import Elasticsearch

from domain.models import Post
from storage.elasticsearch import ElasticsearchStore
from storage.es_bulk import LoadSettings
from storage.es_transport import CountingTransport
from storage.loading import bulk_load, upsert_enriched
from storage.spool import SpoolingStore
from tests.conftest import elasticsearch_settings, make_post

pytestmark = pytest.mark.integration


class RecordingTransport(CountingTransport):
    """The client's transport, keeping every request's method and target (with its query)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets: list[str] = []

    def perform_request(self, method: str, target: str, **kwargs: Any) -> TransportApiResponse:
        self.targets.append(f"{method} {target}")
        return super().perform_request(method, target, **kwargs)

    def requests(self, part: str) -> list[str]:
        return [t for t in self.targets if part in t]


@pytest.fixture
def recorded(es_store: ElasticsearchStore) -> Iterator[tuple[Elasticsearch, RecordingTransport]]:
    conn = elasticsearch_settings()
    client = Elasticsearch(
        [conn["url"]],
        basic_auth=(conn["user"], conn["password"]),
        transport_class=RecordingTransport,
    )
    transport = client.transport
    assert isinstance(transport, RecordingTransport)
    yield client, transport
    client.close()


def _store(es_store: ElasticsearchStore, client: Elasticsearch, **kw: Any) -> ElasticsearchStore:
    return ElasticsearchStore(client, prefix=es_store.prefix, **kw)


def _posts(n: int, *, start: int = 0, text: str = "ไฟดับ") -> list[Post]:
    return [make_post(str(i), text) for i in range(start, start + n)]


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, 4)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _index_settings(client: Elasticsearch, index: str) -> tuple[str | None, str | None]:
    settings = client.indices.get_settings(index=index, flat_settings=True)[index]["settings"]
    return settings.get("index.refresh_interval"), settings.get("index.number_of_replicas")


def test_a_write_call_asks_no_chunk_for_a_refresh_and_is_visible_when_it_returns(
    es_store: ElasticsearchStore, recorded: tuple[Elasticsearch, RecordingTransport]
) -> None:
    client, transport = recorded
    store = _store(es_store, client, chunk_size=10)
    counts = store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in _posts(35)])
    assert counts.created == 35
    assert len(transport.requests("/_bulk")) == 4
    assert not [t for t in transport.targets if "refresh=" in t]
    assert len(transport.requests("/_refresh")) == 1
    assert store.count_posts() == 35  # an API write is visible at once


def test_a_bulk_load_refreshes_once_at_its_end_and_puts_the_settings_back(
    es_store: ElasticsearchStore, recorded: tuple[Elasticsearch, RecordingTransport]
) -> None:
    client, transport = recorded
    store = _store(es_store, client, chunk_size=10)
    index = store.posts_index(_posts(1)[0].created_at)
    with store.bulk_load():
        for start in range(0, 60, 20):
            counts = store.upsert_enriched_posts(_posts(20, start=start), _vectors(20, seed=start))
            assert counts.created == 20
        assert es_store.client.count(index=index)["count"] == 0  # not refreshed yet
        assert _index_settings(es_store.client, index) == ("-1", "0")
        assert not transport.requests("/_refresh")
    assert len(transport.requests("/_refresh")) == 1
    assert not [t for t in transport.targets if "refresh=" in t]
    assert len(transport.requests("/_bulk")) == 6
    assert store.count_posts() == 60
    assert _index_settings(es_store.client, index) == ("1s", "0")  # the template's


def test_each_enriched_post_is_one_write_with_its_exact_vector(
    es_store: ElasticsearchStore,
) -> None:
    posts, vectors = _posts(5), _vectors(5)
    assert es_store.upsert_enriched_posts(posts, vectors).created == 5
    index = es_store.posts_index(posts[0].created_at)
    versions = {
        d["_id"]: d["_version"]
        for d in es_store.client.mget(index=index, ids=[p.id for p in posts])["docs"]
    }
    assert set(versions.values()) == {1}  # one index action per post, not a write and an update
    assert np.array_equal(es_store.post_vectors([p.id for p in posts]), vectors)
    stored = es_store.get_post(posts[0].id)
    assert stored is not None and stored.enrichment == posts[0].enrichment
    # Again: nothing changes. A topic survives a new enrichment of the same content.
    assert es_store.upsert_enriched_posts(posts, vectors).unchanged == 5
    es_store.assign_topics({posts[0].id: 7})
    relabelled = posts[0].model_copy(
        update={"enrichment": posts[0].enrichment.model_copy(update={"agency": "กฟภ."})}  # type: ignore[union-attr]
    )
    assert es_store.upsert_enriched_posts([relabelled], vectors[:1]).updated == 1
    again = es_store.get_post(posts[0].id)
    assert again is not None and again.topic_id == 7 and again.enrichment is not None
    assert again.enrichment.agency == "กฟภ."


def test_inside_a_load_a_resent_post_is_read_back_not_taken_for_new(
    es_store: ElasticsearchStore,
) -> None:
    first, edited = _posts(1), _posts(1, text="ไฟดับ อีกแล้ว")
    es_store.upsert_posts([p.model_copy(update={"enrichment": None}) for p in first])
    with es_store.bulk_load():
        assert es_store.upsert_posts(edited).updated == 1  # not visible to search yet
        assert es_store.upsert_posts(edited).unchanged == 1
        assert es_store.upsert_posts(first).updated == 1  # back to the first text
    stored = es_store.get_post(first[0].id)
    assert stored is not None and stored.text == "ไฟดับ"
    assert es_store.count_posts() == 1


def test_parallel_bulk_stores_every_post_once(es_store: ElasticsearchStore) -> None:
    store = ElasticsearchStore(
        es_store.client, prefix=es_store.prefix, chunk_size=7, bulk_threads=2
    )
    with store.bulk_load():
        counts = store.upsert_enriched_posts(_posts(55), _vectors(55))
    assert counts.created == 55
    assert sorted(p.id for p in store.iter_posts()) == sorted(p.id for p in _posts(55))


def test_a_load_that_never_ended_loses_nothing_and_the_next_puts_settings_back(
    es_store: ElasticsearchStore,
) -> None:
    index = es_store.posts_index(_posts(1)[0].created_at)
    LoadSettings(es_store.client).prepare(index)  # what a load sets before it writes
    killed = ElasticsearchStore(es_store.client, prefix=es_store.prefix, refresh=False)
    killed.upsert_enriched_posts(_posts(12), _vectors(12))  # then the process dies
    assert _index_settings(es_store.client, index) == ("-1", "0")
    later = ElasticsearchStore(es_store.client, prefix=es_store.prefix)
    with later.bulk_load():
        later.upsert_enriched_posts(_posts(3, start=100), _vectors(3))
    assert _index_settings(es_store.client, index) == ("1s", "0")  # the template's
    assert es_store.count_posts() == 12 + 3


def test_a_refused_document_is_quarantined_and_the_rest_stored(
    es_store: ElasticsearchStore,
) -> None:
    vectors = _vectors(4)
    vectors[2] = 0.0  # cosine similarity refuses a vector of zero magnitude
    with bulk_load(es_store):
        counts = upsert_enriched(es_store, _posts(4), vectors)
    assert (counts.created, counts.refused) == (3, 1)
    assert es_store.count_posts() == 3
    [record] = es_store.list_quarantine(stage="ingest")
    assert record.reason.startswith("x:2: ") and "ไฟดับ" in record.payload


def test_enriched_posts_are_spooled_in_an_outage_and_replayed(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    down = ElasticsearchStore(
        Elasticsearch(["http://127.0.0.1:9"], max_retries=0), max_retries=1, initial_backoff=0.01
    )
    spool = SpoolingStore(down, tmp_path / "spool")
    with bulk_load(spool):
        counts = upsert_enriched(spool, _posts(6), _vectors(6))
    assert counts.spooled == 6 and spool.pending() == 6
    replayed = SpoolingStore(es_store, tmp_path / "spool").replay()
    assert replayed.created == 6
    assert sorted(p.id for p in es_store.iter_posts(unenriched=True)) == sorted(
        p.id for p in _posts(6)
    )
