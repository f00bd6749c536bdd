"""``GET /metrics`` in the Prometheus text format (api/metrics.py)."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import ConnectionError as ESConnectionError
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from api.access import issue_key
from api.app import create_app
from api.metrics import StoreCollector
from domain.errors import StoreUnavailable
from domain.models import Post, QuarantinedRecord, SourceRun, StageRun
from domain.settings import Settings
from storage.base import Store, UpsertCounts
from storage.elasticsearch import ElasticsearchStore, build_client
from storage.embedded import EmbeddedStore
from storage.es_transport import TransportCounts
from storage.spool import SpoolingStore
from tests.conftest import T0, elasticsearch_settings, make_post

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(text: str) -> Samples:
    """Every sample of an exposition, read by Prometheus's own parser: (name, labels) → value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _scrape(store: Store, *, clock: float) -> Samples:
    """What /metrics shows of ``store`` at Unix time ``clock``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store, clock=lambda: clock))
    return _samples(generate_latest(registry).decode())


def test_metrics_report_every_source_outcome(settings: Settings) -> None:
    store = EmbeddedStore(settings.store.path)
    store.upsert_posts([make_post("1", enriched=False), make_post("2", enriched=False)])
    t0 = datetime(2026, 11, 8, 9, 0, tzinfo=UTC)
    store.record_source_run(
        SourceRun(
            source="x-grievances",
            kind="x",
            started_at=t0,
            finished_at=t0 + timedelta(minutes=2),
            fetched=12,
            new=9,
            duplicate=2,
            quarantined=1,
        )
    )
    store.record_source_run(
        SourceRun(
            source="bluesky-thai",
            kind="bluesky",
            started_at=t0,
            finished_at=t0,
            failed=1,
            errors={"server_error": 6, "timeout": 1},
            error="HTTP 502 after 5 retries",
        )
    )
    with TestClient(create_app(settings, store)) as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    x = (("kind", "x"), ("source", "x-grievances"))
    for outcome, value in {
        "fetched": 12,
        "new": 9,
        "duplicate": 2,
        "quarantined": 1,
        "failed": 0,
    }.items():
        assert samples[("siang_source_items_total", (*x[:1], ("outcome", outcome), x[1]))] == value
    assert samples[("siang_source_runs_total", x)] == 1
    assert (
        samples[("siang_source_last_success_timestamp_seconds", x)]
        == (t0 + timedelta(minutes=2)).timestamp()
    )
    assert samples[("siang_source_up", x)] == 1
    bluesky = (("kind", "bluesky"), ("source", "bluesky-thai"))
    assert samples[("siang_source_up", bluesky)] == 0
    assert samples[("siang_source_errors_total", (("kind", "server_error"), bluesky[1]))] == 6
    assert samples[("siang_source_errors_total", (("kind", "timeout"), bluesky[1]))] == 1
    assert ("siang_source_last_success_timestamp_seconds", bluesky) not in samples
    assert samples[("siang_posts", ())] == 2
    assert samples[("siang_quarantined_records", ())] == 0
    store.close()


def test_metrics_report_the_spool(settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    class Down(EmbeddedStore):
        def upsert_posts(self, posts):  # type: ignore[no-untyped-def]
            raise StoreUnavailable("the cluster is down")

    inner = Down(settings.store.path)
    store = SpoolingStore(inner, tmp_path / "spool")
    assert store.upsert_posts([make_post("1", enriched=False)]).spooled == 1
    with TestClient(create_app(settings, store)) as client:
        text = client.get("/metrics").text
    samples = {
        s.name: s.value for family in text_string_to_metric_families(text) for s in family.samples
    }
    assert samples["siang_spool_batches"] == 1
    assert 0 <= samples["siang_spool_oldest_batch_age_seconds"] < 60
    inner.close()


def test_metrics_count_requests_per_route_template_method_and_status_class(
    settings: Settings,
) -> None:
    store = EmbeddedStore(settings.store.path)
    store.upsert_posts([make_post("1", enriched=False)])
    key = {"X-API-Key": issue_key(store, role="viewer", name="ops")}
    with TestClient(create_app(settings, store)) as client:
        statuses = [
            client.get("/v1/posts/search", params={"q": "น้ำ"}, headers=key).status_code,
            client.get("/v1/posts/search", params={"q": "ไฟ"}, headers=key).status_code,
            client.get("/v1/posts/search", params={"q": "ไฟ"}).status_code,  # no key
            client.get("/v1/posts/x:1", headers=key).status_code,
            client.get("/v1/posts/x:404", headers=key).status_code,
            client.get("/no/such/page").status_code,
            client.get("/metrics").status_code,
        ]
        assert statuses == [200, 200, 401, 200, 404, 404, 200]
        response = client.get("/metrics")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert families["siang_http_requests"].type == "counter"
    assert families["siang_http_request_duration_seconds"].type == "histogram"
    samples = _samples(response.text)

    def labels(handler: str, status: str) -> tuple[tuple[str, str], ...]:
        return (("handler", handler), ("method", "GET"), ("status", status))

    requests = {k[1]: v for k, v in samples.items() if k[0] == "siang_http_requests_total"}
    assert requests == {
        labels("/v1/posts/search", "2xx"): 2,
        labels("/v1/posts/search", "4xx"): 1,
        labels("/v1/posts/{post_id}", "2xx"): 1,  # the template, never /v1/posts/x:1
        labels("/v1/posts/{post_id}", "4xx"): 1,
        labels("none", "4xx"): 1,  # no route: one series for every unknown path
    }  # and no series for /metrics itself
    count = "siang_http_request_duration_seconds_count"
    assert samples[(count, labels("/v1/posts/search", "2xx"))] == 2
    assert samples[(count, labels("/v1/posts/search", "4xx"))] == 1
    search_ok = labels("/v1/posts/search", "2xx")
    bucket = "siang_http_request_duration_seconds_bucket"
    assert samples[(bucket, tuple(sorted((*search_ok, ("le", "+Inf")))))] == 2
    assert samples[(bucket, tuple(sorted((*search_ok, ("le", "10.0")))))] == 2
    assert samples[("siang_posts", ())] == 1  # the store's figures in the same exposition
    store.close()


def test_every_app_keeps_its_own_http_counts(settings: Settings) -> None:
    store = EmbeddedStore(settings.store.path)
    first, second = create_app(settings, store), create_app(settings, store)
    with TestClient(first) as one, TestClient(second) as two:
        one.get("/health")
        one.get("/health")
        assert (
            _samples(one.get("/metrics").text)[
                (
                    "siang_http_requests_total",
                    (("handler", "/health"), ("method", "GET"), ("status", "2xx")),
                )
            ]
            == 2
        )
        assert not [k for k in _samples(two.get("/metrics").text) if k[0].startswith("siang_http")]
    store.close()


def test_metrics_report_pipeline_stages(settings: Settings) -> None:
    store = EmbeddedStore(settings.store.path)

    def run(
        stage: str, minute: int, seconds: float, items: tuple[int, int], error: str | None = None
    ) -> StageRun:
        started = T0 + timedelta(minutes=minute)
        finished = started + timedelta(seconds=seconds)
        return StageRun(
            stage=stage,
            started_at=started,
            finished_at=finished,
            items_in=items[0],
            items_out=items[1],
            error=error,
        )

    store.record_stage_run(run("enrich", 0, 12.5, (100, 98)))
    store.record_stage_run(run("enrich", 10, 4.0, (30, 0), error="EnrichError: boom"))
    store.record_stage_run(run("ingest", 0, 2.0, (120, 100)))
    with TestClient(create_app(settings, store)) as client:
        samples = _samples(client.get("/metrics").text)
    enrich, ingest = (("stage", "enrich"),), (("stage", "ingest"),)
    assert samples[("siang_stage_runs_total", enrich)] == 2
    assert samples[("siang_stage_failures_total", enrich)] == 1
    assert samples[("siang_stage_items_total", (("direction", "in"), *enrich))] == 130
    assert samples[("siang_stage_items_total", (("direction", "out"), *enrich))] == 98
    assert samples[("siang_stage_seconds_total", enrich)] == 16.5
    assert samples[("siang_stage_duration_seconds", enrich)] == 4.0  # the last run
    assert samples[("siang_stage_last_run_items", (("direction", "in"), *enrich))] == 30
    assert samples[("siang_stage_last_run_items", (("direction", "out"), *enrich))] == 0
    assert (
        samples[("siang_stage_last_success_timestamp_seconds", enrich)]
        == (T0 + timedelta(seconds=12.5)).timestamp()
    )
    assert samples[("siang_stage_up", enrich)] == 0
    assert samples[("siang_stage_up", ingest)] == 1
    assert samples[("siang_stage_items_total", (("direction", "out"), *ingest))] == 100
    store.close()


def test_metrics_report_quarantine_by_stage_and_reason_class(settings: Settings) -> None:
    store = EmbeddedStore(settings.store.path)

    def refused(stage: str, reason: str, payload: str) -> QuarantinedRecord:
        return QuarantinedRecord(
            stage=stage, source="in.jsonl", reason=reason, payload=payload, received_at=T0
        )

    store.quarantine(
        [
            refused("ingest", "line 1: not valid JSON (Expecting value)", "{"),
            refused("ingest", "line 7: not valid JSON (Extra data)", "{}}"),
            refused("ingest", "line 9: created_at is not ISO-8601: '4 Nov'", "{9}"),
            refused("complaints", "line 2: ticket_id is missing", "{2}"),
        ]
    )
    with TestClient(create_app(settings, store)) as client:
        samples = _samples(client.get("/metrics").text)
    by_reason = {
        k[1]: v for k, v in samples.items() if k[0] == "siang_quarantined_records_by_reason"
    }
    assert by_reason == {
        (("reason", "malformed"), ("stage", "ingest")): 2,
        (("reason", "invalid_value"), ("stage", "ingest")): 1,
        (("reason", "missing_field"), ("stage", "complaints")): 1,
    }
    assert samples[("siang_quarantined_records", ())] == 4
    store.close()


def test_spool_depth_and_oldest_age_are_exact(settings: Settings, tmp_path: Path) -> None:
    class Down(EmbeddedStore):
        up = False

        def upsert_posts(self, posts: Sequence[Post]) -> UpsertCounts:
            if not self.up:
                raise StoreUnavailable("the cluster is down")
            return super().upsert_posts(posts)

        def quarantine(self, records: Sequence[QuarantinedRecord]) -> int:
            if not self.up:
                raise StoreUnavailable("the cluster is down")
            return super().quarantine(records)

    inner = Down(settings.store.path)
    store = SpoolingStore(inner, tmp_path / "spool")
    assert _scrape(store, clock=1_800_000_000.0)[("siang_spool_batches", ())] == 0
    store.upsert_posts([make_post("1", enriched=False)])
    store.quarantine(
        [QuarantinedRecord(stage="ingest", source="f", reason="bad", payload="{", received_at=T0)]
    )
    posts, refused = sorted(p for p in (tmp_path / "spool").iterdir() if p.suffix == ".jsonl")
    os.utime(posts, (1_800_000_000, 1_800_000_000))
    os.utime(refused, (1_800_000_030, 1_800_000_030))
    samples = _scrape(store, clock=1_800_000_090.0)
    assert samples[("siang_spool_batches", ())] == 2  # posts and quarantine batches alike
    assert samples[("siang_spool_oldest_batch_age_seconds", ())] == 90.0
    inner.up = True
    store.replay()
    samples = _scrape(store, clock=1_800_000_120.0)
    assert samples[("siang_spool_batches", ())] == 0
    assert samples[("siang_spool_oldest_batch_age_seconds", ())] == 0
    inner.close()


def test_metrics_expose_the_elasticsearch_clients_retries_and_failures(
    settings: Settings,
) -> None:
    """A client pointed at a closed port: one request, three retries, one transport failure."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = build_client([f"http://127.0.0.1:{port}"], username="elastic", password="x")
    with pytest.raises(ESConnectionError):
        dead.info()

    class Counted(EmbeddedStore):
        """The store of a process whose Elasticsearch client is ``dead``'s."""

        def transport_counts(self) -> TransportCounts | None:
            return ElasticsearchStore(dead).transport_counts()

    store = Counted(settings.store.path)
    with TestClient(create_app(settings, store)) as client:
        samples = _samples(client.get("/metrics").text)
    assert samples[("siang_elasticsearch_requests_total", ())] == 1
    assert samples[("siang_elasticsearch_retries_total", ())] == 3
    failures = {
        k[1][0][1]: v
        for k, v in samples.items()
        if k[0] == "siang_elasticsearch_request_failures_total"
    }
    assert failures == {"rate_limited": 0, "server_error": 0, "timeout": 0, "transport": 1}
    dead.close()
    store.close()


@pytest.mark.integration
def test_metrics_count_the_elasticsearch_clients_requests_on_a_real_node(
    settings: Settings, es_store: ElasticsearchStore
) -> None:
    conn = elasticsearch_settings()
    client = build_client([conn["url"]], username=conn["user"], password=conn["password"])
    store = ElasticsearchStore(client, prefix=es_store.prefix)
    for _ in range(3):
        assert store.count_posts() == 0
    with TestClient(create_app(settings, store)) as api:
        samples = _samples(api.get("/metrics").text)
    # The three counts, then the four searches the scrape makes before it reads the client's
    # counts (source totals, stage totals, quarantine total, quarantine by reason).
    assert samples[("siang_elasticsearch_requests_total", ())] == 3 + 4
    assert samples[("siang_elasticsearch_retries_total", ())] == 0
    assert {
        v for k, v in samples.items() if k[0] == "siang_elasticsearch_request_failures_total"
    } == {0}
    assert samples[("siang_posts", ())] == 0
    client.close()
