"""The hand-labelled linking sets (``linking/data/train``, ``linking/data/eval``) and their scores.

A set is loaded the way production sees data: posts through ingest and enrichment,
complaints through ``ComplaintBook``, on a temporary embedded store with the configured
embedder. ``candidate_pairs`` gives every (complaint, post) pair inside the linking window
with its signals and label, for calibration; ``measure`` runs the real ``Linker`` and
reports precision@5 and recall@20 per complaint and link precision/recall.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from domain.models import Complaint, Post, PostComplaintLink
from domain.settings import LinkSettings, Settings
from enrich.embeddings import Embedder
from ingest.jsonl import read_jsonl
from linking.service import Linker, PlaceOf

DATA = Path(str(files("linking").joinpath("data")))


@dataclass
class LabelledSet:
    complaints: list[Complaint]
    complaint_vectors: np.ndarray
    posts: list[Post]
    post_vectors: np.ndarray
    truth: set[tuple[str, str]]  # (post_id, complaint_id)
    hard_negatives: set[tuple[str, str]]
    place_of: PlaceOf


def load_set(name: str, settings: Settings, embedder: Embedder) -> LabelledSet:
    """Enrich and embed one labelled set (``train`` or ``eval``) on a scratch store."""
    return load_sets([DATA / name], settings, embedder)


def load_sets(directories: Sequence[Path], settings: Settings, embedder: Embedder) -> LabelledSet:
    """Enrich and embed the sets in ``directories`` together on one scratch store (each
    holding ``posts.jsonl``, ``complaints.jsonl`` and ``truth.jsonl``): every post is a
    candidate for every complaint, whichever folder it came from."""
    records = load_records(directories, settings, embedder)
    truth: set[tuple[str, str]] = set()
    hard: set[tuple[str, str]] = set()
    for line in (row for d in directories for row in read_jsonl(d / "truth.jsonl")):
        row: dict[str, Any] = line.value or {}
        if "complaint_id" in row:
            truth.add((row["post_id"], row["complaint_id"]))
        elif "hard_negative_for" in row:
            hard.add((row["post_id"], row["hard_negative_for"]))
    return LabelledSet(
        records.complaints,
        records.complaint_vectors,
        records.posts,
        records.post_vectors,
        truth,
        hard,
        records.place_of,
    )


@dataclass
class Records:
    """Posts and complaints as production sees them: enriched, embedded, placed."""

    complaints: list[Complaint]
    complaint_vectors: np.ndarray
    posts: list[Post]
    post_vectors: np.ndarray
    place_of: PlaceOf


def load_records(directories: Sequence[Path], settings: Settings, embedder: Embedder) -> Records:
    """Ingest, import and enrich ``posts.jsonl`` and ``complaints.jsonl`` of each directory
    on one scratch store, the way the pipeline does, and read them back."""
    from pipeline.jobs import Pipeline
    from storage.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory(prefix="siang-linking-") as scratch:
        local = settings.model_copy(
            update={"store": settings.store.model_copy(update={"path": Path(scratch) / "s.db"})}
        )
        store = EmbeddedStore(local.store.path)
        try:
            pipeline = Pipeline(local, store, embedder, show_progress=False)
            for directory in directories:
                pipeline.ingest(directory / "posts.jsonl")
                pipeline.import_complaints(
                    read_jsonl(directory / "complaints.jsonl"), source=str(directory)
                )
            pipeline.enrich()
            complaints = list(store.iter_complaints())
            posts = sorted(store.iter_posts(), key=lambda p: p.id)
            c_vectors = store.complaint_vectors([c.complaint_id for c in complaints])
            p_vectors = store.post_vectors([p.id for p in posts])
        finally:
            store.close()
    return Records(complaints, c_vectors, posts, p_vectors, pipeline.place_of)


def candidate_pairs(
    data: LabelledSet, settings: LinkSettings
) -> list[tuple[dict[str, float], bool]]:
    """Every pair inside the linking window: its signals and whether it is a true link."""
    run = Linker(settings, place_of=data.place_of).candidates(
        data.complaints, data.complaint_vectors, data.posts, data.post_vectors
    )
    return [(pair.signals, run.ids(pair) in data.truth) for pair in run.pairs]


def _every_link(data: LabelledSet, settings: LinkSettings) -> list[PostComplaintLink]:
    """Every candidate pair scored as a link: no threshold, no cap per complaint."""
    unbounded = settings.model_copy(update={"threshold": 0.0, "max_per_complaint": 10_000})
    return Linker(unbounded, place_of=data.place_of).link(
        data.complaints, data.complaint_vectors, data.posts, data.post_vectors
    )


def measure(data: LabelledSet, settings: LinkSettings) -> dict[str, Any]:
    """Precision@5 and recall@20 per complaint (mean), link precision/recall/F1 per post."""
    ranked = _every_link(data, settings)
    by_complaint: dict[str, list[tuple[float, str]]] = {}
    for link in ranked:
        by_complaint.setdefault(link.complaint_id, []).append((link.score, link.post_id))
    p_at_5, r_at_20 = [], []
    per_complaint: dict[str, float] = {}
    for complaint in data.complaints:
        cid = complaint.complaint_id
        order = [pid for _, pid in sorted(by_complaint.get(cid, []), key=lambda x: (-x[0], x[1]))]
        relevant = {pid for pid, c in data.truth if c == cid}
        if not relevant:
            continue
        p_at_5.append(sum(1 for pid in order[:5] if pid in relevant) / min(5, len(relevant)))
        per_complaint[cid] = round(p_at_5[-1], 4)
        r_at_20.append(sum(1 for pid in order[:20] if pid in relevant) / len(relevant))
    linked = {(lk.post_id, lk.complaint_id) for lk in ranked if lk.score >= settings.threshold}
    hits = len(linked & data.truth)
    precision = hits / len(linked) if linked else 0.0
    recall = hits / len(data.truth) if data.truth else 0.0
    hard_linked = len(linked & data.hard_negatives)
    return {
        "complaints": len(data.complaints),
        "complaints_with_links": len(p_at_5),
        "posts": len(data.posts),
        "true_links": len(data.truth),
        "hard_negatives": len(data.hard_negatives),
        "precision_at_5": round(float(np.mean(p_at_5)), 4) if p_at_5 else 0.0,
        "recall_at_20": round(float(np.mean(r_at_20)), 4) if r_at_20 else 0.0,
        "threshold": settings.threshold,
        "link_precision": round(precision, 4),
        "link_recall": round(recall, 4),
        "link_f1": round(2 * precision * recall / (precision + recall), 4) if hits else 0.0,
        "links_proposed": len(linked),
        "hard_negatives_linked": hard_linked,
        "precision_at_5_per_complaint": per_complaint,
    }


def threshold_curve(
    data: LabelledSet, settings: LinkSettings, thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """Link precision and recall at each threshold (one scoring pass)."""
    ranked = _every_link(data, settings)
    rows = []
    for t in thresholds:
        linked = {(lk.post_id, lk.complaint_id) for lk in ranked if lk.score >= t}
        hits = len(linked & data.truth)
        rows.append(
            {
                "threshold": t,
                "precision": round(hits / len(linked), 4) if linked else 1.0,
                "recall": round(hits / len(data.truth), 4) if data.truth else 0.0,
            }
        )
    return rows


__all__ = [
    "DATA",
    "LabelledSet",
    "Records",
    "candidate_pairs",
    "load_records",
    "load_set",
    "load_sets",
    "measure",
    "threshold_curve",
]
