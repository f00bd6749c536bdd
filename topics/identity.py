"""Topics that keep their identity: match the clusters of a new window to known topics.

A window update clusters only the new posts. Each new cluster is compared with every known
topic by

    score = (1 - w) · cos(centroid_new, centroid_known) + w · overlap(keywords)

where ``overlap`` is the weighted Jaccard of the two keyword distributions and ``w`` is
``models.topics.keyword_weight``. A cluster whose best score reaches ``match_threshold``
keeps that topic's id; one that reaches no known topic becomes a new topic. Two decisions
change identity and are recorded as ``TopicEvent``s with the window's time:

* **merge**: one new cluster matches two or more known topics. The largest keeps its id, the
  others are retired (status ``merged``, ``merged_into`` set) and their posts move over.
* **split**: two or more new clusters best match the same known topic but not each other.
  The largest keeps the id; the others become new topics that record where they came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from domain.models import TopicEvent


@dataclass(frozen=True)
class TopicSignature:
    """What identity is judged on: a unit centroid, keyword weights and a size."""

    key: int
    centroid: np.ndarray
    keywords: Mapping[str, float]
    size: int


@dataclass
class Matching:
    """Where each new cluster goes, which known topics merged, and the events."""

    cluster_topic: dict[int, int] = field(default_factory=dict)
    merged: dict[int, int] = field(default_factory=dict)  # retired id -> surviving id
    events: list[TopicEvent] = field(default_factory=list)
    next_id: int = 0


def keyword_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Weighted Jaccard of two keyword distributions (each normalised to sum 1)."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if total_a <= 0 or total_b <= 0:
        return 0.0
    words = set(a) | set(b)
    low = sum(min(a.get(w, 0.0) / total_a, b.get(w, 0.0) / total_b) for w in words)
    high = sum(max(a.get(w, 0.0) / total_a, b.get(w, 0.0) / total_b) for w in words)
    return low / high if high else 0.0


def similarity(a: TopicSignature, b: TopicSignature, *, keyword_weight: float) -> float:
    cosine = float(np.dot(a.centroid, b.centroid))
    return (1 - keyword_weight) * cosine + keyword_weight * keyword_overlap(a.keywords, b.keywords)


def match_clusters(
    known: Sequence[TopicSignature],
    clusters: Sequence[TopicSignature],
    *,
    at: datetime,
    next_id: int,
    threshold: float,
    keyword_weight: float,
) -> Matching:
    """Give every new cluster a topic id, known or new; record merges and splits."""
    result = Matching(next_id=next_id)
    if not clusters:
        return result
    scores = np.array(
        [[similarity(c, k, keyword_weight=keyword_weight) for k in known] for c in clusters]
    ).reshape(len(clusters), len(known))
    sizes = {k.key: k.size for k in known}
    best_for: dict[int, list[int]] = {}
    for i in range(len(clusters)):
        candidates = [j for j in range(len(known)) if scores[i, j] >= threshold]
        if not candidates:
            continue
        ranked = sorted(candidates, key=lambda j: (-scores[i, j], known[j].key))
        best_for.setdefault(ranked[0], []).append(i)
        if len(ranked) > 1:  # one new cluster spans several known topics: they merge
            group = sorted((known[j] for j in ranked), key=lambda k: (-sizes[k.key], k.key))
            survivor = _resolve(result.merged, group[0].key)
            retired = [k.key for k in group[1:] if _resolve(result.merged, k.key) != survivor]
            for key in retired:
                result.merged[_resolve(result.merged, key)] = survivor
            if retired:
                result.events.append(
                    TopicEvent(
                        kind="merged",
                        at=at,
                        topic_ids=[survivor, *retired],
                        similarity=round(float(scores[i, ranked[1]]), 4),
                    )
                )
    for j, members in sorted(best_for.items()):
        topic_id = _resolve(result.merged, known[j].key)
        members.sort(key=lambda i: (-clusters[i].size, clusters[i].key))
        keeper, others = members[0], members[1:]
        result.cluster_topic[clusters[keeper].key] = topic_id
        split_off: list[int] = []
        for i in others:
            together = similarity(clusters[i], clusters[keeper], keyword_weight=keyword_weight)
            if together >= threshold:
                result.cluster_topic[clusters[i].key] = topic_id  # the same topic, seen twice
                continue
            result.cluster_topic[clusters[i].key] = result.next_id
            split_off.append(result.next_id)
            result.next_id += 1
        if split_off:
            result.events.append(TopicEvent(kind="split", at=at, topic_ids=[topic_id, *split_off]))
    # Clusters no known topic claims are new topics; HDBSCAN often cuts one new story into
    # several clusters, so those that match each other become one topic.
    founders: list[tuple[TopicSignature, int]] = []
    for cluster in sorted(clusters, key=lambda c: (-c.size, c.key)):
        if cluster.key in result.cluster_topic:
            continue
        same = [
            (similarity(cluster, founder, keyword_weight=keyword_weight), topic_id)
            for founder, topic_id in founders
        ]
        score, topic_id = max(same, default=(0.0, -1))
        if score >= threshold:
            result.cluster_topic[cluster.key] = topic_id
            continue
        result.cluster_topic[cluster.key] = result.next_id
        founders.append((cluster, result.next_id))
        result.events.append(TopicEvent(kind="created", at=at, topic_ids=[result.next_id]))
        result.next_id += 1
    return result


def _resolve(merged: Mapping[int, int], key: int) -> int:
    while key in merged:
        key = merged[key]
    return key


def unit_centroid(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0) if len(vectors) else np.zeros(vectors.shape[1])
    norm = float(np.linalg.norm(centroid))
    return (centroid / norm if norm else centroid).astype(np.float32)


__all__ = [
    "Matching",
    "TopicSignature",
    "keyword_overlap",
    "match_clusters",
    "similarity",
    "unit_centroid",
]
