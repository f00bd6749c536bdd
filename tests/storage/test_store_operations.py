"""Stage runs and quarantine by reason: the store methods /metrics reads, on both backends."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from domain.models import QuarantinedRecord, StageRun
from storage.base import Store
from storage.elasticsearch import ElasticsearchStore
from storage.embedded import EmbeddedStore
from tests.conftest import T0


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "elasticsearch":
        yield request.getfixturevalue("es_store")
        return
    backend = EmbeddedStore(tmp_path / "operations.db")
    yield backend
    backend.close()


def _run(
    stage: str, minute: int, seconds: float, items: tuple[int, int], error: str | None = None
) -> StageRun:
    started = T0 + timedelta(minutes=minute)
    return StageRun(
        stage=stage,
        started_at=started,
        finished_at=started + timedelta(seconds=seconds),
        items_in=items[0],
        items_out=items[1],
        error=error,
    )


def _record(
    stage: str, reason: str, payload: str, source: str = "posts.jsonl"
) -> QuarantinedRecord:
    return QuarantinedRecord(
        stage=stage, source=source, reason=reason, payload=payload, received_at=T0
    )


def test_stage_runs_add_up_per_stage(store: Store) -> None:
    store.record_stage_run(_run("enrich", 0, 12.5, (100, 98)))
    store.record_stage_run(_run("ingest", 0, 2.0, (120, 100)))
    totals = store.record_stage_run(_run("enrich", 10, 4.0, (30, 0), error="EnrichError: boom"))
    assert (totals.runs, totals.failures) == (2, 1)
    assert (totals.items_in, totals.items_out, totals.seconds) == (130, 98, 16.5)
    assert (totals.last_seconds, totals.last_items_in, totals.last_items_out) == (4.0, 30, 0)
    assert totals.last_run_at == T0 + timedelta(minutes=10, seconds=4)
    assert totals.last_success_at == T0 + timedelta(seconds=12.5)  # the failure keeps it
    assert totals.last_error == "EnrichError: boom"
    listed = store.list_stage_stats()
    assert [s.stage for s in listed] == ["enrich", "ingest"]
    assert listed[0] == totals
    assert (listed[1].runs, listed[1].items_out, listed[1].last_error) == (1, 100, None)
    recovered = store.record_stage_run(_run("enrich", 20, 1.0, (2, 2)))
    assert (recovered.last_error, recovered.runs, recovered.failures) == (None, 3, 1)
    assert recovered.last_success_at == T0 + timedelta(minutes=20, seconds=1)


def test_quarantine_counted_by_stage_and_reason_class(store: Store) -> None:
    records = [
        _record("ingest", "line 1: not valid JSON (Expecting value)", "{"),
        _record("ingest", "line 2: not valid JSON (Extra data)", "{}{"),
        _record("ingest", "line 3: text is missing or empty", '{"text": ""}'),
        _record("complaints", "line 1: province 'X' is not a Thai province", "{1}"),
        _record("ingest", "x:9: mapper_parsing_exception", "{9}", source="elasticsearch"),
    ]
    assert store.quarantine(records) == 5
    assert store.quarantine(records[:2]) == 0  # the same records again: kept once
    assert store.count_quarantine_by_reason() == {
        ("complaints", "invalid_value"): 1,
        ("ingest", "malformed"): 2,
        ("ingest", "missing_field"): 1,
        ("ingest", "store_refused"): 1,
    }
    assert store.count_quarantine() == 5


def test_embedded_store_classifies_quarantine_kept_before_classes(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE quarantine (id TEXT PRIMARY KEY, stage TEXT NOT NULL, source TEXT NOT NULL,"
        " reason TEXT NOT NULL, doc TEXT NOT NULL)"
    )
    for key, record in (
        ("a", _record("ingest", "line 1: expected a JSON object", "[]")),
        ("b", _record("ingest", "line 2: platform is missing", "{}")),
        ("c", _record("ingest", "line 3: platform is missing", "{ }")),
    ):
        old.execute(
            "INSERT INTO quarantine VALUES (?,?,?,?,?)",
            (key, record.stage, record.source, record.reason, record.model_dump_json()),
        )
    old.commit()
    old.close()
    store = EmbeddedStore(path)
    assert store.count_quarantine_by_reason() == {
        ("ingest", "malformed"): 1,
        ("ingest", "missing_field"): 2,
    }
    store.close()
    again = EmbeddedStore(path)  # a second open finds the column and changes nothing
    assert again.count_quarantine_by_reason() == {
        ("ingest", "malformed"): 1,
        ("ingest", "missing_field"): 2,
    }
    again.close()


@pytest.mark.integration
def test_setup_maps_reason_class_on_a_quarantine_index_from_before(
    es_store: ElasticsearchStore,
) -> None:
    """A quarantine index made by the version 1 template (no ``reason_class``, strict) takes
    classified records once ``siang es setup`` ran; its old records count as unclassified."""
    from storage.templates import TEMPLATES, install_templates

    client, index = es_store.client, es_store.index["quarantine"]
    v1 = json.loads((TEMPLATES / "component" / "siang-quarantine-mappings.json").read_text())
    del v1["template"]["mappings"]["properties"]["reason_class"]
    client.indices.delete_index_template(name=f"{es_store.prefix}-quarantine")
    client.indices.create(index=index, mappings=v1["template"]["mappings"])
    old = _record("ingest", "line 1: expected a JSON object", "[]")
    client.index(
        index=index,
        id="old",
        document={
            "stage": old.stage,
            "source": old.source,
            "reason": old.reason,
            "received_at": old.received_at.isoformat(),
            "doc": old.model_dump(mode="json"),
        },
        refresh=True,
    )
    report = install_templates(client, prefix=es_store.prefix, dims=4)
    assert report.extended == [index]
    assert install_templates(client, prefix=es_store.prefix, dims=4).extended == []
    assert es_store.quarantine([_record("ingest", "line 2: platform is missing", "{}")]) == 1
    assert es_store.count_quarantine_by_reason() == {
        ("ingest", "missing_field"): 1,
        ("ingest", "unclassified"): 1,
    }
