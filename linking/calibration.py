"""One calibrated link score: a logistic model over the pair signals.

The shipped weights (``linking/data/weights.json``) are fitted on the labelled training
sets ``linking/data/train`` and ``train_b`` (two writers) by ``python -m linking.calibration``,
so a score reads as the chance the post is about the complaint. Officers' decisions then
move the weights: ``with_feedback`` refits on the decided pairs with the shipped weights as a
Gaussian prior, so a few decisions nudge the model and many decisions can overrule it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from linking.signals import SIGNALS

WEIGHTS = Path(str(files("linking").joinpath("data", "weights.json")))
_FEATURES = ("bias", *SIGNALS)
TRAINING_SETS = ("train", "train_b")
_STRENGTHS = (0.1, 0.25, 0.5, 1.0)  # L2 pull towards 0 of a fresh fit, per weight: chosen
_FOLDS = 5
# Officers want 0.85; text from writers the training sets never saw scores lower, so the
# threshold is set where out-of-fold precision reaches 0.88.
_PRECISION_GOAL = 0.88


def load_weights(path: Path = WEIGHTS) -> dict[str, float]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: float(data["weights"].get(name, 0.0)) for name in _FEATURES}


def score(weights: Mapping[str, float], signals: Mapping[str, float]) -> float:
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in signals.items())
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def fit_weights(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    *,
    sample_weight: Sequence[float] | None = None,
    prior: Mapping[str, float] | None = None,
    strength: float = 1.0,
) -> dict[str, float]:
    """Logistic regression by L-BFGS: log loss + ``strength`` · |w − prior|² (prior 0 = L2),
    signal weights kept ≥ 0."""
    x = np.array([[1.0, *(r.get(s, 0.0) for s in SIGNALS)] for r in rows], dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    centre = np.array([(prior or {}).get(f, 0.0) for f in _FEATURES], dtype=np.float64)
    penalty = np.full(len(_FEATURES), strength)
    if prior is None:
        penalty[0] = 0.0  # no pull on the intercept of a fresh fit

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ beta
        log_p = -np.logaddexp(0.0, -z)
        log_not_p = -np.logaddexp(0.0, z)
        value = -(w * (y * log_p + (1 - y) * log_not_p)).sum()
        gradient = x.T @ (w * (1.0 / (1.0 + np.exp(-z)) - y))
        value += (penalty * (beta - centre) ** 2).sum()
        gradient += 2 * penalty * (beta - centre)
        return float(value), gradient

    # Every signal is oriented so that more means "more alike": its weight may not be negative
    # (collinear signals, as district and near are, would otherwise cancel out in sign).
    bounds = [(None, None)] + [(0.0, None)] * len(SIGNALS)
    start = np.clip(centre, [b[0] if b[0] is not None else -np.inf for b in bounds], None)
    found = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return {f: round(float(b), 4) for f, b in zip(_FEATURES, found.x, strict=True)}


def with_feedback(
    weights: Mapping[str, float],
    decided: Sequence[tuple[Mapping[str, float], bool]],
    *,
    minimum: int,
    weight: float,
) -> dict[str, float]:
    """The weights refitted on officers' verdicts, once at least ``minimum`` are known."""
    if len(decided) < minimum or len({label for _, label in decided}) < 2:
        return dict(weights)
    rows, labels = zip(*decided, strict=True)
    return fit_weights(
        rows, labels, sample_weight=[weight] * len(rows), prior=weights, strength=1.0
    )


__all__ = ["WEIGHTS", "fit_weights", "load_weights", "score", "with_feedback"]


def calibrate(output: Path = WEIGHTS) -> dict[str, object]:
    """Fit the shipped weights on the training sets and suggest a threshold.

    The L2 strength and the threshold come from out-of-fold scores (5 folds by complaint),
    so they are judged on pairs the weights were not fitted on: the strength whose scores
    give the most recall at ``_PRECISION_GOAL``, and the lowest threshold reaching it.
    """
    from domain.settings import load_settings
    from enrich.embeddings import build_embedder
    from linking.labelled import DATA, load_sets
    from linking.service import Linker

    settings = load_settings()
    data = load_sets(
        [DATA / name for name in TRAINING_SETS], settings, build_embedder(settings.models.embedder)
    )
    run = Linker(settings.linking, place_of=data.place_of).candidates(
        data.complaints, data.complaint_vectors, data.posts, data.post_vectors
    )
    rows = [pair.signals for pair in run.pairs]
    labels = [run.ids(pair) in data.truth for pair in run.pairs]
    folds = [hash_fold(run.ids(pair)[1]) for pair in run.pairs]
    by_strength = {}
    for strength in _STRENGTHS:
        held_out = np.zeros(len(rows))
        for fold in range(_FOLDS):
            train = [i for i, f in enumerate(folds) if f != fold]
            weights = fit_weights(
                [rows[i] for i in train], [labels[i] for i in train], strength=strength
            )
            for i, f in enumerate(folds):
                if f == fold:
                    held_out[i] = score(weights, rows[i])
        curve = _curve(held_out, np.array(labels), len(data.truth))
        reaching = [c for c in curve if c["precision"] >= _PRECISION_GOAL]
        best = min(reaching, key=lambda c: c["threshold"]) if reaching else None
        by_strength[strength] = (best["recall"] if best else 0.0, best, curve)
    strength = max(_STRENGTHS, key=lambda s: (by_strength[s][0], -s))
    _, chosen, curve = by_strength[strength]
    report: dict[str, object] = {
        "weights": fit_weights(rows, labels, strength=strength),
        "fitted_on": f"linking/data/{' + '.join(TRAINING_SETS)}: {len(data.complaints)} "
        f"complaints, {len(data.posts)} posts, {len(rows)} candidate pairs, "
        f"{sum(labels)} true links",
        "l2_strength": strength,
        "out_of_fold_recall_at_goal_by_strength": {str(s): by_strength[s][0] for s in _STRENGTHS},
        "suggested_threshold": chosen["threshold"] if chosen else 0.5,
        "threshold_rule": f"lowest threshold with out-of-fold precision >= {_PRECISION_GOAL} "
        f"({_FOLDS} folds by complaint)",
        "out_of_fold_curve": curve,
    }
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


def hash_fold(complaint_id: str) -> int:
    """A stable fold per complaint, so one complaint's pairs are never split."""
    return int.from_bytes(hashlib.sha256(complaint_id.encode()).digest()[:4], "big") % _FOLDS


def _curve(scores: np.ndarray, labels: np.ndarray, true_links: int) -> list[dict[str, float]]:
    rows = []
    for t in (round(0.01 * i, 2) for i in range(5, 96)):
        chosen = scores >= t
        hits = int((chosen & labels).sum())
        rows.append(
            {
                "threshold": t,
                "precision": round(hits / int(chosen.sum()), 4) if chosen.any() else 1.0,
                "recall": round(hits / true_links, 4) if true_links else 0.0,
            }
        )
    return rows


if __name__ == "__main__":
    print(json.dumps(calibrate(), ensure_ascii=False, indent=2))
