"""Topics over time on the bundled sample: a full fit, then daily window updates.

Posts before 6 November are fitted; the 13 days after (with all three planted bursts) arrive
later and are clustered window by window against the known topics.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pythainlp.corpus import thai_stopwords

from domain.models import Topic
from domain.settings import load_settings
from enrich.embeddings import build_embedder
from pipeline.jobs import Pipeline
from storage.embedded import EmbeddedStore
from tests.conftest import REPO
from topics.service import TopicStage, TrendsReport

pytestmark = pytest.mark.integration
SAMPLE = REPO / "sample_data"
CUT = "2026-11-06T00:00:00+07:00"
STOPWORDS = frozenset(thai_stopwords())


def _split(tmp: Path) -> tuple[Path, Path]:
    early, late = [], []
    for line in (SAMPLE / "posts.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            created = datetime.fromisoformat(json.loads(line)["created_at"])
            is_early = created < datetime.fromisoformat(CUT)
        except (ValueError, KeyError, TypeError):
            continue  # the sample's malformed lines are the ingest tests' business
        (early if is_early else late).append(line)
    (tmp / "early.jsonl").write_text("\n".join(early) + "\n", encoding="utf-8")
    (tmp / "late.jsonl").write_text("\n".join(late) + "\n", encoding="utf-8")
    return tmp / "early.jsonl", tmp / "late.jsonl"


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TrendsReport, dict[str, int], TrendsReport, dict[str, int], TrendsReport]]:
    tmp = tmp_path_factory.mktemp("topics")
    settings = load_settings(store={"backend": "embedded", "path": str(tmp / "siang.db")})
    early, late = _split(tmp)
    store = EmbeddedStore(settings.store.path)
    pipeline = Pipeline(
        settings, store, build_embedder(settings.models.embedder), show_progress=False
    )
    pipeline.ingest(early)
    pipeline.enrich()
    fitted = TopicStage(store, settings).run()
    before = {p.id: p.topic_id for p in store.iter_posts()}
    pipeline.ingest(late)
    pipeline.enrich()
    updated = TopicStage(store, settings).run()
    after = {p.id: p.topic_id for p in store.iter_posts()}
    again = TopicStage(store, settings).run()
    yield fitted, before, updated, after, again
    store.close()


def test_first_run_fits_and_later_runs_update_by_day(runs) -> None:  # type: ignore[no-untyped-def]
    fitted, before, updated, after, _ = runs
    assert fitted.mode == "full" and len(fitted.topics) >= 10
    assert updated.mode == "update" and updated.windows == 14  # 6..19 November
    assert all(topic_id is not None for topic_id in after.values())
    assert len(after) > len(before)


def test_old_posts_keep_their_topic_unless_it_merged(runs) -> None:  # type: ignore[no-untyped-def]
    _, before, updated, after, _ = runs
    topics = {t.topic_id: t for t in updated.topics}
    for post_id, old in before.items():
        if old == -1:
            continue
        expected = old
        while topics[expected].merged_into is not None:
            expected = topics[expected].merged_into  # type: ignore[assignment]
        assert after[post_id] == expected
    kept = sum(after[p] == t for p, t in before.items())
    assert kept >= 0.7 * len(before)


def test_merges_and_new_topics_are_recorded_with_their_window(runs) -> None:  # type: ignore[no-untyped-def]
    fitted, _, updated, after, _ = runs
    topics = {t.topic_id: t for t in updated.topics}
    known = {t.topic_id for t in fitted.topics}
    live = {t for t in after.values() if t != -1}
    new = live - known
    assert new, "the bursts are new topics"
    for topic_id in new:
        created = [e for e in topics[topic_id].events if e.kind in ("created", "split")]
        assert created and created[0].at >= datetime.fromisoformat(CUT)
    for topic in topics.values():
        if topic.status == "merged":
            assert topic.size == 0 and topic.merged_into in live
            assert any(e.kind == "merged" and topic.topic_id in e.topic_ids for e in topic.events)
    kinds = Counter(e.kind for e in updated.events)
    assert kinds["created"] >= 3


def test_every_planted_burst_is_flagged_within_six_hours(runs) -> None:  # type: ignore[no-untyped-def]
    _, _, updated, after, _ = runs
    truth = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))
    for burst in truth["bursts"]:
        start = datetime.fromisoformat(burst["start"])
        topics = {after[p] for p in burst["post_ids"] if p in after} - {-1}
        flagged = [
            spike.start
            for topic in updated.topics
            if topic.topic_id in topics
            for spike in topic.spikes
            if start - timedelta(hours=1) <= spike.start <= start + timedelta(hours=6)
        ]
        assert flagged, burst["name"]


def test_records_carry_counts_phrase_and_keywords(runs) -> None:  # type: ignore[no-untyped-def]
    _, _, updated, _, _ = runs
    live: list[Topic] = [t for t in updated.topics if t.status != "merged"]
    for topic in live:
        assert sum(topic.counts_daily.values()) == topic.size
        assert sum(topic.counts_hourly.values()) <= topic.size
        assert len(topic.counts_hourly) <= 7 * 24
        assert topic.phrase and len(topic.phrase) <= 81
        words = [k.word for k in topic.keywords]
        assert words and all(len(w) >= 2 and not w.isdigit() and "/" not in w for w in words)
        assert not set(words) & STOPWORDS
        assert any("\u0e01" <= ch <= "\u0e5b" for w in words for ch in w)  # Thai words


def test_a_run_with_nothing_new_changes_nothing(runs) -> None:  # type: ignore[no-untyped-def]
    _, _, updated, _, again = runs
    assert again.mode == "none"
    assert [t.model_dump() for t in again.topics] == [t.model_dump() for t in updated.topics]
