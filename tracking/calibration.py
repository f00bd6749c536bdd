"""Fit the about model and choose the evidence threshold of reopen candidates.

Two writers wrote the reopen training sets (``tracking/data/train`` and ``train_b``), each
from a brief and without reading the other. Every choice here is judged leave one writer
out: the about model and the stance model are fitted on one writer's data and the reopen
candidates counted on the other's, both ways. The evidence threshold is the lowest at which
the precision over both ways' candidates together reaches ``_PRECISION_GOAL``; the about
model is then fitted on both writers. Writes ``tracking/data/reopen.json``::

    python -m tracking.calibration
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.models import Complaint
from ingest.jsonl import read_jsonl
from linking.calibration import score
from linking.labelled import Records
from tracking.reopen import (
    CALIBRATION,
    ReopenCalibration,
    posts_after_resolution,
    reopen_candidates,
    resolved_at,
)
from tracking.stance import DATA, TRAINING_SETS, StanceModel

_PRECISION_GOAL = 0.8  # issue 21's target
_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(4, 20))  # 0.2 … 0.95
_STRENGTH = 1.0  # inverse L2 strength (C) of the about model
_RIVAL_MARGIN = 0.1
_RIVAL_DAYS = 60.0


@dataclass
class Writer:
    name: str
    records: Records
    reopen: dict[str, bool]
    stances: dict[tuple[str, str], str]


def load_writer(name: str) -> Writer:
    from domain.settings import load_settings
    from enrich.embeddings import build_embedder
    from linking.labelled import load_records

    settings = load_settings()
    directory = DATA / name
    records = load_records([directory], settings, build_embedder(settings.models.embedder))
    reopen, stances = truth(directory)
    return Writer(name, records, reopen, stances)


def truth(directory: Path) -> tuple[dict[str, bool], dict[tuple[str, str], str]]:
    """complaint → reopen?, and (post, complaint) → stance, from ``truth.jsonl``."""
    reopen: dict[str, bool] = {}
    stances: dict[tuple[str, str], str] = {}
    for line in read_jsonl(directory / "truth.jsonl"):
        row: dict[str, Any] = line.value or {}
        if "reopen" in row:
            reopen[row["complaint_id"]] = bool(row["reopen"])
        elif "stance" in row:
            stances[(row["post_id"], row["complaint_id"])] = row["stance"]
    return reopen, stances


def about_pairs(writer: Writer) -> tuple[list[dict[str, float]], list[bool]]:
    """Every (resolved complaint, post after it) pair's signals, and whether the post is about
    the complaint (labelled still_broken or fixed against it)."""
    from domain.settings import load_settings
    from linking.service import Linker

    settings = load_settings()
    r = writer.records
    resolved = [(i, c, at) for i, c in enumerate(r.complaints) if (at := resolved_at(c))]
    anchored = [c.model_copy(update={"filed_at": at}) for _, c, at in resolved]
    window = settings.linking.model_copy(
        update={"days_before": 0.0, "days_after": settings.tracking.after_days}
    )
    linker = Linker(window, place_of=r.place_of)
    run = linker.candidates(
        anchored, r.complaint_vectors[[i for i, _, _ in resolved]], r.posts, r.post_vectors
    )
    rows, labels = [], []
    for pair in run.pairs:
        post_id = run.posts[pair.post].post.id
        complaint: Complaint = resolved[pair.complaint][1]
        label = writer.stances.get((post_id, complaint.complaint_id))
        rows.append({**pair.signals, "link": score(linker.weights, pair.signals)})
        labels.append(label in ("still_broken", "fixed"))
    return rows, labels


def fit_about(rows: Sequence[dict[str, float]], labels: Sequence[bool]) -> dict[str, float]:
    """A logistic regression, the classes weighted alike (few pairs are about)."""
    from sklearn.linear_model import LogisticRegression

    names = sorted(rows[0])
    matrix = [[row.get(name, 0.0) for name in names] for row in rows]
    model = LogisticRegression(C=_STRENGTH, max_iter=3000, class_weight="balanced")
    model.fit(matrix, list(labels))
    weights = {"bias": round(float(model.intercept_[0]), 4)}
    weights.update({n: round(float(w), 4) for n, w in zip(names, model.coef_[0], strict=True)})
    return weights


def measure(writer: Writer, calibration: ReopenCalibration, stance: StanceModel) -> dict[str, Any]:
    """Precision and recall of reopen candidates on ``writer``, with their counts."""
    from domain.settings import load_settings

    settings = load_settings()
    tracking = settings.tracking
    r = writer.records
    after = posts_after_resolution(
        r.complaints, r.complaint_vectors, r.posts, r.post_vectors,
        tracking=tracking, linking=settings.linking, place_of=r.place_of,
        calibration=calibration, stance_model=stance,
    )  # fmt: skip
    flagged = {
        c.complaint.complaint_id
        for c in reopen_candidates(r.complaints, after, min_posts=tracking.reopen_min_posts)
    }
    true = {cid for cid, is_reopen in writer.reopen.items() if is_reopen}
    hits = len(flagged & true)
    return {
        "held_out": writer.name,
        "precision": round(hits / len(flagged), 4) if flagged else 1.0,
        "recall": round(hits / len(true), 4) if true else 1.0,
        "hits": hits,
        "flagged": len(flagged),
        "true": len(true),
    }


def calibrate(output: Path = CALIBRATION, names: Sequence[str] = TRAINING_SETS) -> dict[str, Any]:
    writers = [load_writer(name) for name in names]
    pairs = {w.name: about_pairs(w) for w in writers}
    curve: dict[float, list[dict[str, Any]]] = {t: [] for t in _THRESHOLDS}
    stance_check = []
    for held_out in writers:
        others = [w for w in writers if w is not held_out]
        rows = [row for w in others for row in pairs[w.name][0]]
        labels = [label for w in others for label in pairs[w.name][1]]
        weights = fit_about(rows, labels)
        stance = StanceModel.fitted_on([DATA / w.name for w in others])
        stance_check.append(_stance_check(held_out, stance))
        for t in _THRESHOLDS:
            cal = ReopenCalibration(weights, t, _RIVAL_MARGIN, _RIVAL_DAYS)
            curve[t].append(measure(held_out, cal, stance))
    reaching = [t for t in _THRESHOLDS if _pooled(curve[t])[0] >= _PRECISION_GOAL]
    threshold = min(reaching) if reaching else max(_THRESHOLDS)
    rows = [row for w in writers for row in pairs[w.name][0]]
    labels = [label for w in writers for label in pairs[w.name][1]]
    report: dict[str, Any] = {
        "about_weights": fit_about(rows, labels),
        "evidence_threshold": threshold,
        "rival_margin": _RIVAL_MARGIN,
        "rival_days": _RIVAL_DAYS,
        "fitted_on": f"tracking/data/{' + '.join(names)}: {len(rows)} pairs, {sum(labels)} about",
        "threshold_rule": f"lowest evidence threshold with reopen precision >= "
        f"{_PRECISION_GOAL} over every writer's candidates, each writer's counted with the "
        f"models fitted on the others",
        "pooled_at_threshold": dict(
            zip(("precision", "recall"), _pooled(curve[threshold]), strict=True)
        ),
        "leave_one_writer_out": {str(t): curve[t] for t in _THRESHOLDS},
        "stance_leave_one_writer_out": stance_check,
    }
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shipped_calibration_cache_clear()
    return report


def _pooled(points: list[dict[str, Any]]) -> tuple[float, float]:
    """Precision and recall over every held-out writer's candidates together."""
    hits, flagged, true = (sum(p[k] for p in points) for k in ("hits", "flagged", "true"))
    return (round(hits / flagged, 4) if flagged else 1.0, round(hits / true, 4) if true else 1.0)


def _stance_check(writer: Writer, stance: StanceModel) -> dict[str, Any]:
    """How the stance model fitted on the other writers reads this writer's posts."""
    texts = {p.id: p.text for p in writer.records.posts}
    labelled = [
        (texts[post_id], label == "still_broken")
        for (post_id, _), label in writer.stances.items()
        if label in ("still_broken", "fixed") and post_id in texts
    ]
    chances = stance.still([text for text, _ in labelled])
    still = [c >= 0.5 for c in chances.tolist()]
    truth_still = [s for _, s in labelled]
    broken = sum(truth_still)
    return {
        "held_out": writer.name,
        "still_broken_read_right": round(
            sum(p and t for p, t in zip(still, truth_still, strict=True)) / broken, 4
        ),
        "fixed_read_right": round(
            sum(not p and not t for p, t in zip(still, truth_still, strict=True))
            / (len(labelled) - broken),
            4,
        ),
    }


def shipped_calibration_cache_clear() -> None:
    from tracking.reopen import shipped_calibration

    shipped_calibration.cache_clear()


if __name__ == "__main__":
    result = calibrate()
    print(json.dumps({k: v for k, v in result.items() if k != "leave_one_writer_out"},
                     ensure_ascii=False, indent=2))  # fmt: skip
    for t, points in result["leave_one_writer_out"].items():
        print(t, " | ".join(f"{p['held_out']}: P {p['precision']} R {p['recall']}" for p in points))
