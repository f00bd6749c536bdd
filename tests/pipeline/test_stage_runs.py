"""Each pipeline stage's run recorded in the store for /metrics (pipeline/stage_runs.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from domain.errors import EnrichError, StoreUnavailable
from domain.models import StageRun, StageStats
from domain.settings import load_settings
from pipeline.jobs import Pipeline
from pipeline.stage_runs import recorded_stage
from storage.embedded import EmbeddedStore
from tests.conftest import REPO, T0


class _Ticks:
    """A monotonic clock that advances by the given steps, one per reading."""

    def __init__(self, *readings: float) -> None:
        self.readings = list(readings)

    def __call__(self) -> float:
        return self.readings.pop(0)


def test_a_stage_is_timed_on_the_monotonic_clock_and_counted() -> None:
    store = EmbeddedStore(":memory:")
    with recorded_stage(store, "enrich", now=lambda: T0, monotonic=_Ticks(100.0, 107.25)) as tally:
        tally.items_in, tally.items_out = 40, 38
    (stats,) = store.list_stage_stats()
    assert stats == StageStats(
        stage="enrich",
        runs=1,
        items_in=40,
        items_out=38,
        seconds=7.25,
        last_run_at=T0 + timedelta(seconds=7.25),
        last_seconds=7.25,
        last_items_in=40,
        last_items_out=38,
        last_success_at=T0 + timedelta(seconds=7.25),
    )


def test_a_failed_stage_is_recorded_and_still_raises() -> None:
    store = EmbeddedStore(":memory:")
    with (
        pytest.raises(EnrichError),
        recorded_stage(store, "enrich", now=lambda: T0, monotonic=_Ticks(0.0, 2.0)) as tally,
    ):
        tally.items_in = 5
        raise EnrichError("model file missing; call 081-234-5678")
    (stats,) = store.list_stage_stats()
    assert (stats.runs, stats.failures, stats.items_in, stats.last_success_at) == (1, 1, 5, None)
    assert stats.last_error is not None
    assert stats.last_error.startswith("EnrichError: model file missing")
    assert "081-234-5678" not in stats.last_error  # errors are redacted like everything kept


def test_a_store_that_cannot_record_the_run_does_not_fail_the_stage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Down(EmbeddedStore):
        def record_stage_run(self, run: StageRun) -> StageStats:
            raise StoreUnavailable("the cluster is down")

    with caplog.at_level(logging.WARNING), recorded_stage(Down(":memory:"), "link") as tally:
        tally.items_out = 3
    assert "could not record the link run: the cluster is down" in caplog.text


def test_the_pipeline_records_ingest_and_enrich(tmp_path: Path) -> None:
    lines = (REPO / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join([*lines, "{not json", '{"platform": "x"}']) + "\n", "utf-8")
    settings = load_settings(
        models={
            "sentiment": {"kind": "lexicon"},
            "category": {"kind": "keywords"},
            "grievance": {"kind": "rule"},
        }
    )
    pipeline = Pipeline(settings, EmbeddedStore(":memory:"), None, show_progress=False)
    report = pipeline.ingest(posts)
    enriched = pipeline.enrich(batch_size=16)
    stats = {s.stage: s for s in pipeline.store.list_stage_stats()}
    assert sorted(stats) == ["enrich", "ingest"]
    assert (stats["ingest"].items_in, stats["ingest"].items_out) == (42, report.accepted)
    assert report.accepted == 40 and report.quarantined == 2
    assert (stats["enrich"].items_in, stats["enrich"].items_out) == (40, enriched)
    assert enriched == 40
    assert all(
        s.runs == 1 and s.failures == 0 and s.last_seconds is not None for s in stats.values()
    )
    assert pipeline.store.count_quarantine_by_reason() == {
        ("ingest", "malformed"): 1,
        ("ingest", "missing_field"): 1,
    }
