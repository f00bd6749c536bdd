"""Nothing lost in an outage: the real node stops mid-ingest and comes back."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.privacy import Pseudonymizer
from ingest.jsonl import parse_lines
from ingest.service import Ingestor
from storage.base import PostQuery
from storage.elasticsearch import ElasticsearchStore
from storage.spool import SpoolingStore
from tests.conftest import REPO, T0

pytestmark = pytest.mark.integration
NODE = REPO / "services" / "elasticsearch.sh"


def _node(command: str) -> None:
    result = subprocess.run(
        [str(NODE), command],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_posts_survive_a_node_outage_exactly_once(
    es_store: ElasticsearchStore, tmp_path: Path
) -> None:
    store = SpoolingStore(es_store, tmp_path / "spool")
    lines = [
        json.dumps(
            {
                "platform": "x",
                "native_id": str(i),
                "text": f"ไฟดับ ครั้งที่ {i}",
                "created_at": (T0 + timedelta(minutes=i)).isoformat(),
            },
            ensure_ascii=False,
        )
        for i in range(300)
    ]
    lines += lines[:40]  # a collector re-sends some posts: still stored once
    seen = 0
    stopped = False

    def outage(batch: int) -> None:
        nonlocal seen, stopped
        seen += batch
        if seen >= 100 and not stopped:
            _node("stop")  # the node goes down in the middle of the ingest
            stopped = True

    ingestor = Ingestor(
        store,
        Pseudonymizer("k" * 32),
        batch_size=50,  # type: ignore[arg-type]
        clock=lambda: datetime(2026, 11, 20, tzinfo=UTC),
    )
    try:
        report = ingestor.ingest_lines(parse_lines(lines), source="outage-test", progress=outage)
        assert stopped
        assert report.counts.spooled >= 200
        assert store.pending() == report.counts.spooled
    finally:
        _node("resume")
    replayed = store.replay()
    assert store.pending() == 0
    assert replayed.created + replayed.unchanged == report.counts.spooled
    ids = [p.id for p in es_store.iter_posts()]
    assert len(ids) == len(set(ids)) == 300
    assert es_store.count_posts(PostQuery()) == 300
    # A second replay (say after a crash between write and delete) changes nothing.
    assert store.replay().total == 0
