"""Reopen candidates measured on a labelled set written apart from the code.

``bench/data/satisfaction/`` (see its README) holds resolved and open complaints with
their status histories, and public posts after each resolution labelled ``still_broken``,
``fixed`` or ``unrelated``; each complaint is labelled a reopen candidate or not. It is
never used to choose anything: the about and stance models and the evidence threshold come
from the two training writers (``python -m tracking.calibration``), and the curve over
thresholds is reported for information only.

Writes ``bench/results/satisfaction.json`` (``reopen_precision``, ``reopen_recall``,
``complaints``, and the stance read of every labelled post)::

    python -m bench.satisfaction.quality
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.settings import load_settings
from enrich.embeddings import build_embedder
from linking.labelled import Records, load_records
from tracking.calibration import truth
from tracking.reopen import (
    posts_after_resolution,
    reopen_candidates,
    resolved_at,
    shipped_calibration,
)
from tracking.stance import read_stances

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data" / "satisfaction"
RESULTS = ROOT / "bench" / "results" / "satisfaction.json"
_TARGET_PRECISION, _TARGET_RECALL = 0.8, 0.7  # issue 21


def measure(records: Records, reopen: dict[str, bool], evidence_threshold: float) -> dict[str, Any]:
    settings = load_settings()
    tracking = settings.tracking
    calibration = replace(shipped_calibration(), evidence_threshold=evidence_threshold)
    after = posts_after_resolution(
        records.complaints,
        records.complaint_vectors,
        records.posts,
        records.post_vectors,
        tracking=tracking,
        linking=settings.linking,
        place_of=records.place_of,
        calibration=calibration,
    )
    candidates = reopen_candidates(records.complaints, after, min_posts=tracking.reopen_min_posts)
    flagged = {c.complaint.complaint_id for c in candidates}
    true = {cid for cid, is_reopen in reopen.items() if is_reopen}
    hits = len(flagged & true)
    return {
        "evidence_threshold": evidence_threshold,
        "flagged": len(flagged),
        "reopen_precision": round(hits / len(flagged), 4) if flagged else 1.0,
        "reopen_recall": round(hits / len(true), 4) if true else 1.0,
        "false_candidates": sorted(flagged - true),
        "missed": sorted(true - flagged),
        "after": after,
    }


def run(output: Path = RESULTS) -> dict[str, Any]:
    settings = load_settings()
    started = time.perf_counter()
    records = load_records([DATA], settings, build_embedder(settings.models.embedder))
    loaded_s = time.perf_counter() - started
    reopen, stances = truth(DATA)
    resolved = [c for c in records.complaints if resolved_at(c)]
    shipped = measure(records, reopen, shipped_calibration().evidence_threshold)
    after = shipped.pop("after")
    curve = []
    for t in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        point = measure(records, reopen, t)
        keys = ("evidence_threshold", "reopen_precision", "reopen_recall")
        curve.append({k: point[k] for k in keys})
    # The stance model's read of each labelled post after a resolution, whatever its about.
    posts = {p.id: p for p in records.posts}
    labelled = [
        (post_id, label) for (post_id, _), label in stances.items()
        if label in ("still_broken", "fixed") and post_id in posts
    ]  # fmt: skip
    readings = read_stances([posts[post_id] for post_id, _ in labelled])
    confusion: Counter[tuple[str, str]] = Counter(
        (label, reading.stance) for (_, label), reading in zip(labelled, readings, strict=True)
    )
    evidence = [
        (p.post.id, cid) for cid, found in after.items() for p in found
        if p.reading.stance == "still_broken"
    ]  # fmt: skip
    evidence_right = sum(stances.get(pair) == "still_broken" for pair in evidence)
    report: dict[str, Any] = {
        "reopen_precision": shipped["reopen_precision"],
        "reopen_recall": shipped["reopen_recall"],
        "complaints": len(records.complaints),
        "resolved_complaints": len(resolved),
        "true_reopen_candidates": sum(reopen.values()),
        "flagged": shipped["flagged"],
        "targets": {
            "reopen_precision_at_least_0.8": shipped["reopen_precision"] >= _TARGET_PRECISION,
            "reopen_recall_at_least_0.7": shipped["reopen_recall"] >= _TARGET_RECALL,
        },
        "about_threshold": settings.tracking.about_threshold,
        "evidence_threshold": shipped_calibration().evidence_threshold,
        "false_candidates": shipped["false_candidates"],
        "missed": shipped["missed"],
        "evidence_posts": len(evidence),
        "evidence_posts_labelled_still_broken": evidence_right,
        "stance_confusion": {f"{gold}->{got}": n for (gold, got), n in sorted(confusion.items())},
        "curve_for_information": curve,
        "posts": len(records.posts),
        "load_and_enrich_s": round(loaded_s, 1),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    summary = run()
    print(json.dumps({k: v for k, v in summary.items() if k != "curve_for_information"},
                     ensure_ascii=False, indent=2))  # fmt: skip
