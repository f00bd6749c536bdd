"""``GET /metrics`` in the Prometheus text format (api/metrics.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from domain.errors import StoreUnavailable
from domain.models import SourceRun
from domain.settings import Settings
from storage.embedded import EmbeddedStore
from storage.spool import SpoolingStore
from tests.conftest import make_post


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
