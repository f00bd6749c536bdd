"""One calibrated link score: a logistic model over the pair signals.

The shipped weights (``linking/data/weights.json``) are fitted on the labelled training
set in ``linking/data/train`` by ``python -m linking.calibration``, so a score reads as
the chance the post is about the complaint. Officers' decisions then move the weights:
``with_feedback`` refits on the decided pairs with the shipped weights as a Gaussian
prior, so a few decisions nudge the model and many decisions can overrule it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from linking.signals import SIGNALS

WEIGHTS = Path(__file__).resolve().parent / "data" / "weights.json"
_FEATURES = ("bias", *SIGNALS)
_STRENGTH = 0.5  # L2 pull towards 0 of a fresh fit, per weight


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
    """Fit the shipped weights on ``linking/data/train`` (every candidate pair, labelled)."""
    from domain.settings import load_settings
    from enrich.embeddings import build_embedder
    from linking.labelled import candidate_pairs, load_set, threshold_curve

    settings = load_settings()
    data = load_set("train", settings, build_embedder(settings.models.embedder))
    pairs = candidate_pairs(data, settings.linking)
    rows, labels = zip(*pairs, strict=True)
    weights = fit_weights(rows, labels, strength=_STRENGTH)
    fitted = settings.linking.model_copy(update={"weights": weights})
    curve = threshold_curve(data, fitted, [round(0.05 * i, 2) for i in range(1, 20)])
    report: dict[str, object] = {
        "weights": weights,
        "fitted_on": f"linking/data/train: {len(data.complaints)} complaints, "
        f"{len(data.posts)} posts, {len(pairs)} candidate pairs, {sum(labels)} true links",
        "l2_strength": _STRENGTH,
        "train_curve": curve,
    }
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    print(json.dumps(calibrate(), ensure_ascii=False, indent=2))
