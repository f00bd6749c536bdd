"""Parallel enrichment: same results as in process, errors surfaced, bounded (enrich/jobs.py)."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import numpy as np
import pytest

from domain.errors import EnrichError, RecordError
from domain.models import Post
from domain.privacy import Pseudonymizer
from domain.settings import Settings, load_settings
from enrich.jobs import run_enrichment
from enrich.service import Enricher
from ingest.service import parse_post
from tests.conftest import REPO, FixedEmbedder

COLLECTED = datetime(2026, 11, 10, tzinfo=UTC)
POISON = "ข้อความนี้ทำให้ตัวฝังเวกเตอร์ล้ม"  # a text the failing embedder refuses


def _sample_posts(n: int) -> list[Post]:
    settings = load_settings()
    pseudonymizer = Pseudonymizer(settings.privacy.pseudonym_key.get_secret_value())
    posts = []
    for line in (REPO / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            posts.append(parse_post(record, pseudonymizer=pseudonymizer, collected_at=COLLECTED))
        except (json.JSONDecodeError, RecordError):
            continue  # the sample's planted malformed lines
        if len(posts) == n:
            break
    return posts


def _light_settings() -> Settings:
    """Untrained sentiment, category and grievance models: workers start in ~1 s, not ~10."""
    return load_settings(
        models={
            "sentiment": {"kind": "lexicon"},
            "category": {"kind": "keywords"},
            "grievance": {"kind": "rule"},
        }
    )


# Embedder factories run inside the worker processes, so they live at module level.
def fixed_embedder() -> FixedEmbedder:
    return FixedEmbedder()


class _FailingEmbedder(FixedEmbedder):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if POISON in texts:
            raise ValueError("embedder refused a text")
        return super().encode(texts)


def failing_embedder() -> FixedEmbedder:
    return _FailingEmbedder()


def unloadable_embedder() -> FixedEmbedder:
    raise EnrichError("cannot load embedding model 'missing-model'")


def _flatten(batches: Iterator[object]) -> tuple[list[Post], np.ndarray]:
    collected = list(batches)
    posts = [p for b in collected for p in b.posts]  # type: ignore[attr-defined]
    return posts, np.vstack([b.vectors for b in collected])  # type: ignore[attr-defined]


@pytest.mark.integration
def test_two_workers_give_what_one_gives_on_sample_posts_with_the_real_embedder() -> None:
    settings = load_settings()
    posts = _sample_posts(320)
    timings_1: dict[str, float] = {}
    timings_2: dict[str, float] = {}
    one, one_vectors = _flatten(
        run_enrichment(posts, settings=settings, workers=1, batch_size=64, timings=timings_1)
    )
    two, two_vectors = _flatten(
        run_enrichment(posts, settings=settings, workers=2, batch_size=64, timings=timings_2)
    )
    assert [p.id for p in two] == [p.id for p in one] == [p.id for p in posts]
    assert [p.model_dump() for p in two] == [p.model_dump() for p in one]
    assert all(p.enrichment and p.enrichment.embedding_model == "use-multilingual-v3" for p in two)
    assert two_vectors.shape == one_vectors.shape == (320, 512)
    # USE's GEMMs round differently with a micro-batch's shape, and the embedding cache
    # (one per process) decides which texts reach the model together: a text repeated
    # across batches could shift the last bits of its neighbours. Equal to float32 rounding.
    np.testing.assert_allclose(two_vectors, one_vectors, rtol=0, atol=1e-6)
    stages = {"normalize", "tokenize", "sentiment", "category", "location", "embed"}
    assert set(timings_1) == set(timings_2) == stages


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_batch_raises_enrich_error_naming_it_with_the_cause(workers: int) -> None:
    posts = _sample_posts(30)
    posts[25] = posts[25].model_copy(update={"text": POISON})
    yielded: list[Post] = []
    with pytest.raises(EnrichError) as caught:
        for batch in run_enrichment(
            posts,
            settings=_light_settings(),
            workers=workers,
            batch_size=10,
            enricher=Enricher.from_settings(_light_settings(), embedder=failing_embedder()),
            embedder_factory=failing_embedder,
        ):
            yielded += batch.posts
    assert [p.id for p in yielded] == [p.id for p in posts[:20]]  # the batches before it
    assert f"batch 2 (10 posts, {posts[20].id} … {posts[29].id})" in str(caught.value)
    cause = caught.value.__cause__
    assert isinstance(cause, ValueError) and str(cause) == "embedder refused a text"
    if workers > 1:  # the worker's traceback travels with it
        assert 'raise ValueError("embedder refused a text")' in str(cause.__cause__)


def test_a_worker_that_cannot_start_raises_enrich_error_with_the_cause() -> None:
    batches = run_enrichment(
        _sample_posts(20),
        settings=_light_settings(),
        workers=2,
        batch_size=10,
        embedder_factory=unloadable_embedder,
    )
    with pytest.raises(EnrichError, match=r"batch 0 .*cannot load embedding model") as caught:
        next(batches)
    cause = caught.value.__cause__
    assert isinstance(cause, EnrichError)
    assert "building its Enricher" in " ".join(getattr(cause, "__notes__", []))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(("workers", "window", "drawn_at_first"), [(1, None, 10), (2, 2, 30)])
def test_posts_are_read_lazily_within_the_window_and_none_lost(
    workers: int, window: int | None, drawn_at_first: int
) -> None:
    posts = _sample_posts(100)
    drawn: list[Post] = []

    def source() -> Iterator[Post]:
        for post in posts:
            drawn.append(post)
            yield post

    batches = run_enrichment(
        source(),
        settings=_light_settings(),
        workers=workers,
        batch_size=10,
        embedder_factory=fixed_embedder,
        window=window,
    )
    assert drawn == []  # nothing read, nothing started before the first batch is asked for
    first = next(batches)
    # In flight: the window, plus one batch topped up before the first was handed over.
    assert len(drawn) == drawn_at_first
    rest, vectors = _flatten(batches)
    out = first.posts + rest
    assert [p.id for p in out] == [p.id for p in posts]
    assert all(p.enrichment is not None for p in out)
    assert vectors.shape == (90, 8)
    assert multiprocessing.active_children() == []


def test_stopping_early_shuts_the_workers_down() -> None:
    batches = run_enrichment(
        _sample_posts(200),
        settings=_light_settings(),
        workers=2,
        batch_size=10,
        embedder_factory=fixed_embedder,
    )
    assert len(next(batches).posts) == 10
    assert len(multiprocessing.active_children()) == 2
    batches.close()  # type: ignore[attr-defined]
    assert multiprocessing.active_children() == []
