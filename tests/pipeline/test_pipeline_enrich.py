"""The pipeline's enrich stage on one and on two worker processes (pipeline/jobs.py)."""

from __future__ import annotations

from pathlib import Path

from domain.settings import load_settings
from enrich.embeddings import Embedder
from pipeline.jobs import Pipeline
from storage.embedded import EmbeddedStore
from tests.conftest import REPO, FixedEmbedder


def _posts_file(tmp_path: Path, n: int = 150) -> Path:
    lines = (REPO / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pipeline(*, workers: int, embedder: Embedder | None) -> Pipeline:
    """Untrained models, so the worker processes start in about a second."""
    settings = load_settings(
        models={
            "enrich_workers": workers,
            "sentiment": {"kind": "lexicon"},
            "category": {"kind": "keywords"},
            "grievance": {"kind": "rule"},
        }
    )
    return Pipeline(settings, EmbeddedStore(":memory:"), embedder, show_progress=False)


def test_one_worker_enriches_in_process_with_the_pipelines_embedder(tmp_path: Path) -> None:
    embedder = FixedEmbedder()
    pipeline = _pipeline(workers=1, embedder=embedder)
    accepted = pipeline.ingest(_posts_file(tmp_path)).accepted
    assert pipeline.enrich(batch_size=32) == accepted == pipeline.store.count_posts()
    assert embedder.calls == -(-accepted // 32)  # this very embedder, once per batch
    ids = sorted(p.id for p in pipeline.store.iter_posts())
    assert pipeline.store.post_vectors(ids).shape == (accepted, embedder.dimension)
    assert list(pipeline.store.iter_posts(unenriched=True)) == []


def test_two_workers_store_what_one_worker_stores(tmp_path: Path) -> None:
    posts = _posts_file(tmp_path)
    one = _pipeline(workers=1, embedder=None)
    two = _pipeline(workers=2, embedder=None)
    one.ingest(posts)
    two.ingest(posts)
    assert two.enrich(batch_size=32) == one.enrich(batch_size=32) == one.store.count_posts()
    stored_one = [p.model_dump(exclude={"collected_at"}) for p in one.store.iter_posts()]
    stored_two = [p.model_dump(exclude={"collected_at"}) for p in two.store.iter_posts()]
    assert stored_two == stored_one
    # No embedder given, none built in the workers either.
    assert {p["enrichment"]["embedding_model"] for p in stored_two} == {None}
