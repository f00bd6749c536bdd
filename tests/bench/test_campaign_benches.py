"""``bench.campaigns``: the speed corpus, and the speed run at a small scale."""

from __future__ import annotations

import json
from pathlib import Path

from bench.campaigns.speed import run, texts


def test_the_speed_corpus_is_the_sample_then_edited_copies() -> None:
    corpus = texts(5000)
    assert len(corpus) == 5000 and len(set(corpus)) > 4000
    assert texts(5000) == corpus  # seeded


def test_a_small_speed_run_writes_its_key_and_keeps_the_others(tmp_path: Path) -> None:
    output = tmp_path / "campaigns.json"
    output.write_text(json.dumps({"neardup_precision": 0.97}), encoding="utf-8")
    result = run(2000, output)
    written = json.loads(output.read_text(encoding="utf-8"))
    assert written == result and written["neardup_precision"] == 0.97
    assert written["cluster_s_2k"] > 0 and written["cluster_speed"]["posts"] == 2000
    assert written["cluster_speed"]["clusters_with_copies"] > 0
