"""End to end: the pipeline on a slice of the bundled sample, then the API over real HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.access import issue_key
from api.app import create_app
from domain.settings import Settings, load_settings
from enrich.embeddings import build_embedder
from pipeline.jobs import Pipeline, PipelineSummary
from storage import open_store
from storage.embedded import EmbeddedStore
from tests.conftest import REPO

pytestmark = pytest.mark.integration
SAMPLE = REPO / "sample_data"


def _slice(tmp: Path) -> tuple[Path, Path]:
    """Posts from 1 Nov onwards (a week of baseline before the planted bursts) plus every
    malformed line."""
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    malformed = {m["line"] for m in truth["malformed"]}
    lines = (SAMPLE / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [
        line
        for number, line in enumerate(lines, 1)
        if number in malformed or json.loads(line)["created_at"] >= "2026-11-01"
    ]
    posts = tmp / "posts.jsonl"
    posts.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return posts, SAMPLE / "complaints.jsonl"


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Settings, PipelineSummary, PipelineSummary]]:
    tmp = tmp_path_factory.mktemp("e2e")
    settings = load_settings(store={"backend": "embedded", "path": str(tmp / "siang.db")})
    posts, complaints = _slice(tmp)
    embedder = build_embedder(settings.models.embedder)
    store = EmbeddedStore(settings.store.path)
    first = Pipeline(settings, store, embedder, show_progress=False).run(
        posts=posts, complaints=complaints
    )
    second = Pipeline(settings, store, embedder, show_progress=False).run(
        posts=posts, complaints=complaints
    )
    store.close()
    yield settings, first, second


def test_first_run_builds_everything(
    run: tuple[Settings, PipelineSummary, PipelineSummary],
) -> None:
    _, first, _ = run
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    assert first.ingest.quarantined == len(truth["malformed"]) == 6
    assert first.posts == first.ingest.counts.created > 1000
    assert first.enriched == first.posts
    assert len(first.topics) >= 5
    assert first.links > 0
    # Every planted burst emerges within 6 hours of its start, on its own posts.
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    for burst in truth["bursts"]:
        start = datetime.fromisoformat(burst["start"])
        assert any(
            start < e.detected_at <= start + timedelta(hours=6)
            and len(set(e.post_ids) & set(burst["post_ids"])) >= 3
            for e in first.emergences
        ), burst["name"]
    assert first.alerts_new == len(first.alerts) > 0


def test_rerun_changes_nothing(run: tuple[Settings, PipelineSummary, PipelineSummary]) -> None:
    _, first, second = run
    assert second.ingest.counts.created == second.ingest.counts.updated == 0
    assert second.ingest.counts.unchanged == first.posts
    assert second.posts == first.posts
    assert second.enriched == 0
    assert second.complaints.unchanged == first.complaints.total
    assert [t.model_dump() for t in second.topics] == [t.model_dump() for t in first.topics]
    assert second.links == first.links
    assert second.alerts_new == 0


@pytest.fixture(scope="module")
def server(run: tuple[Settings, PipelineSummary, PipelineSummary]) -> Iterator[str]:
    settings, _, _ = run
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("API server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _key(settings: Settings) -> dict[str, str]:
    store = open_store(settings)
    try:
        return {"X-API-Key": issue_key(store, role="officer", name="e2e")}
    finally:
        store.close()


def test_api_over_http(server: str, run: tuple[Settings, PipelineSummary, PipelineSummary]) -> None:
    settings, first, _ = run
    assert httpx.get(f"{server}/v1/topics").status_code == 401  # no key, no data
    with httpx.Client(base_url=server, timeout=30, headers=_key(settings)) as http:
        assert http.get("/health").json()["status"] == "ok"
        deadline = time.monotonic() + 120  # the embedder loads in the background
        while (ready := http.get("/health/ready")).status_code != 200:
            assert ready.json()["embedder"] == "loading" and time.monotonic() < deadline
            time.sleep(0.2)
        assert ready.json()["status"] == "ready" and ready.json()["posts"] == first.posts
        found = http.get("/v1/posts/search", params={"q": "ไฟดับ", "limit": 5}).json()
        assert found["total"] > 0
        assert all("ไฟดับ" in hit["text"] or "ไฟ" in hit["text"] for hit in found["hits"])
        topics = http.get("/v1/topics").json()["topics"]
        assert len(topics) == len(first.topics)
        detail = http.get(f"/v1/topics/{topics[0]['topic_id']}").json()
        assert sum(point["count"] for point in detail["timeline"]) == topics[0]["size"]
        linked = next(iter({a for a in _linked_complaints(server, settings)}))
        related = http.get(f"/v1/complaints/{linked}/related-posts").json()
        assert related["related"] and related["related"][0]["explanation"]


def _linked_complaints(server: str, settings: Settings) -> set[str]:
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    found = set()
    with httpx.Client(base_url=server, timeout=30, headers=_key(settings)) as http:
        for complaint_id in sorted({link["complaint_id"] for link in truth["links"]}):
            if http.get(f"/v1/complaints/{complaint_id}/related-posts").json().get("related"):
                found.add(complaint_id)
    assert found, "no complaint of the sample got a related post"
    return found
