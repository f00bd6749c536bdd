"""``bench.es_ingest``: its corpus, and a whole run at a small scale on the real node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.es_ingest.corpus import bench_posts, unit_vectors
from bench.es_ingest.run import run
from tests.conftest import elasticsearch_settings, make_post


def test_the_corpus_cycles_the_sample_into_distinct_varied_posts() -> None:
    sample = [make_post(str(i), f"ไฟดับ ซอย {i}") for i in range(3)]
    posts = bench_posts(sample, 7)
    assert len({p.id for p in posts}) == 7
    assert [p.native_id for p in posts[:4]] == ["0-c0", "1-c0", "2-c0", "0-c1"]
    assert posts[0].text == sample[0].text  # the first copy is the sample post itself
    assert posts[3].enrichment is not None and sample[0].enrichment is not None
    extra = posts[3].enrichment.tokens[-1]
    assert posts[3].text == f"{sample[0].text} {extra}"
    assert posts[3].enrichment.tokens == [*sample[0].enrichment.tokens, extra]
    assert abs((posts[3].created_at - sample[0].created_at).total_seconds()) <= 43_200
    vectors = unit_vectors(7, 16)
    assert vectors.shape == (7, 16) and abs(float((vectors**2).sum(axis=1).max()) - 1) < 1e-5


@pytest.mark.integration
def test_a_small_run_writes_every_figure_and_finds_the_same_totals(tmp_path: Path) -> None:
    elasticsearch_settings()  # the node's address, for the bench's settings
    output = tmp_path / "es_ingest.json"
    run(
        n=600,
        sweep_posts=200,
        before_posts=100,
        repeats=3,
        n_parity=24,
        output=output,
        sweep=((100, 1), (100, 2)),
        profile=False,
        sample_limit=300,
    )
    saved = json.loads(output.read_text(encoding="utf-8"))
    assert saved["index_posts_per_s"] > 0 and saved["embedded_index_posts_per_s"] > 0
    for kind in ("search", "knn", "agg"):  # a tiny store can answer in under 0.05 ms
        assert saved[f"{kind}_p95_ms"] >= 0 and saved[f"embedded_{kind}_p95_ms"] >= 0
    assert saved["docs"] == 600
    assert saved["stored"] == {"elasticsearch": 600, "embedded": 600}
    assert saved["totals_match"] and saved["parity_differences"] == []
    assert saved["parity_queries"] == 24
    assert [(s["chunk_size"], s["threads"]) for s in saved["sweep"]] == [(100, 1), (100, 2)]
    assert saved["before_posts_per_s"] > 0
