"""A window's clusters matched to known topics: kept, new, merged, split (topics/identity.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from topics.identity import TopicSignature, keyword_overlap, match_clusters, similarity

AT = datetime(2026, 11, 10, tzinfo=timezone(timedelta(hours=7)))


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _sig(key: int, vector: np.ndarray, words: dict[str, float], size: int = 10) -> TopicSignature:
    return TopicSignature(key=key, centroid=vector, keywords=words, size=size)


WATER = {"น้ำประปา": 0.5, "ไม่ไหล": 0.3, "นนทบุรี": 0.2}
POWER = {"ไฟดับ": 0.6, "หม้อแปลง": 0.4}
FLOOD = {"น้ำท่วม": 0.7, "โคราช": 0.3}


def _match(known: list[TopicSignature], clusters: list[TopicSignature]):  # type: ignore[no-untyped-def]
    return match_clusters(known, clusters, at=AT, next_id=10, threshold=0.6, keyword_weight=0.3)


def test_keyword_overlap_is_weighted_jaccard() -> None:
    assert keyword_overlap(WATER, WATER) == pytest.approx(1.0)
    assert keyword_overlap(WATER, POWER) == 0.0
    # min sum 0.5 + 0.3 = 0.8 over max sum 0.5 + 0.3 + 0.2 + 0.2 = 1.2 (after normalising)
    assert keyword_overlap(WATER, {"น้ำประปา": 5, "ไม่ไหล": 3, "บางบัวทอง": 2}) == pytest.approx(
        0.8 / 1.2
    )
    assert keyword_overlap({}, WATER) == 0.0


def test_similarity_mixes_cosine_and_keywords() -> None:
    a = _sig(0, _unit(1, 0, 0), WATER)
    b = _sig(1, _unit(1, 1, 0), WATER)
    assert similarity(a, b, keyword_weight=0.3) == pytest.approx(0.7 * 2**-0.5 + 0.3)


def test_a_cluster_like_a_known_topic_keeps_its_id() -> None:
    known = [_sig(3, _unit(1, 0, 0), WATER), _sig(4, _unit(0, 1, 0), POWER)]
    result = _match(known, [_sig(0, _unit(1, 0.1, 0), WATER, 5)])
    assert result.cluster_topic == {0: 3}
    assert result.events == [] and result.merged == {} and result.next_id == 10


def test_an_unlike_cluster_is_a_new_topic_with_a_created_event() -> None:
    known = [_sig(3, _unit(1, 0, 0), WATER)]
    result = _match(known, [_sig(0, _unit(0, 0, 1), FLOOD)])
    assert result.cluster_topic == {0: 10}
    assert [(e.kind, e.topic_ids, e.at) for e in result.events] == [("created", [10], AT)]
    assert result.next_id == 11


def test_a_cluster_spanning_two_known_topics_merges_them_into_the_larger() -> None:
    known = [_sig(3, _unit(1, 0, 0), WATER, 40), _sig(4, _unit(1, 0.2, 0), WATER, 90)]
    result = _match(known, [_sig(0, _unit(1, 0.1, 0), WATER)])
    assert result.merged == {3: 4}
    assert result.cluster_topic == {0: 4}
    [event] = result.events
    assert (event.kind, event.topic_ids) == ("merged", [4, 3])
    assert event.similarity is not None and event.similarity >= 0.6


def test_two_unlike_clusters_on_one_topic_split_it() -> None:
    both = {**WATER, **POWER}
    known = [_sig(3, _unit(1, 1, 0), both)]
    big = _sig(0, _unit(1, 0.3, 0), both, 30)
    other = _sig(1, _unit(0.3, 1, 0), POWER, 12)
    # each matches topic 3 (0.916 and 0.716) but not the other (0.485)
    assert similarity(big, known[0], keyword_weight=0.3) == pytest.approx(0.916, abs=1e-3)
    assert similarity(other, known[0], keyword_weight=0.3) == pytest.approx(0.716, abs=1e-3)
    assert similarity(other, big, keyword_weight=0.3) == pytest.approx(0.485, abs=1e-3)
    result = _match(known, [big, other])
    assert result.cluster_topic == {0: 3, 1: 10}
    assert [(e.kind, e.topic_ids) for e in result.events] == [("split", [3, 10])]
    assert result.next_id == 11


def test_two_alike_clusters_on_one_topic_stay_one_topic() -> None:
    known = [_sig(3, _unit(1, 0, 0), WATER)]
    result = _match(
        known, [_sig(0, _unit(1, 0.1, 0), WATER, 20), _sig(1, _unit(1, 0.05, 0), WATER)]
    )
    assert result.cluster_topic == {0: 3, 1: 3}
    assert result.events == []


def test_new_clusters_that_match_each_other_become_one_new_topic() -> None:
    clusters = [
        _sig(0, _unit(0, 0, 1), FLOOD, 30),
        _sig(1, _unit(0, 0.1, 1), FLOOD, 12),
        _sig(2, _unit(0, 1, 0), POWER, 11),
    ]
    result = _match([], clusters)
    assert result.cluster_topic == {0: 10, 1: 10, 2: 11}
    assert [e.topic_ids for e in result.events] == [[10], [11]]
