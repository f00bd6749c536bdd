"""Linking quality on two labelled sets, side by side: the team's held-out set
(``linking/data/eval``) and the independent one (``bench/data/independent``, written apart
from the training pairs); neither is ever used to fit or to choose.

Precision@5 and recall@20 per complaint (mean over complaints with at least one true
link), link precision/recall/F1 per post at the configured threshold, how many hard
negatives got linked, and the precision/recall curve over thresholds. The model is the
shipped calibration (``linking/data/weights.json``). Writes ``bench/results/linking.json``::

    python -m bench.linking.quality
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from domain.settings import load_settings
from enrich.embeddings import build_embedder
from linking.calibration import WEIGHTS
from linking.labelled import load_set, load_sets, measure, threshold_curve

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "linking.json"
INDEPENDENT = ROOT / "bench" / "data" / "independent"
_TARGET_PRECISION, _TARGET_RECALL = 0.85, 0.75  # issue 20, on the independent set


def run(output: Path = RESULTS) -> dict[str, object]:
    settings = load_settings()
    embedder = build_embedder(settings.models.embedder)
    started = time.perf_counter()
    sets = {
        "team_heldout": load_set("eval", settings, embedder),
        "independent": load_sets(sorted(INDEPENDENT.glob("writer_*")), settings, embedder),
    }
    loaded_s = time.perf_counter() - started
    thresholds = [round(0.05 * i, 2) for i in range(1, 20)]
    results = {name: measure(data, settings.linking) for name, data in sets.items()}
    curves = {
        name: threshold_curve(data, settings.linking, thresholds) for name, data in sets.items()
    }
    headline = [k for k, v in results["team_heldout"].items() if not isinstance(v, dict)]
    calibration = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    independent = results["independent"]
    report: dict[str, object] = {
        "side_by_side": {k: {name: results[name][k] for name in sets} for k in headline},
        "targets_independent": {
            "link_precision_at_least_0.85": independent["link_precision"] >= _TARGET_PRECISION,
            "link_recall_at_least_0.75": independent["link_recall"] >= _TARGET_RECALL,
        },
        "precision_at_5_per_complaint": {
            name: results[name]["precision_at_5_per_complaint"] for name in sets
        },
        "curve": curves,
        "weights": calibration.get("weights"),
        "weights_fitted_on": calibration.get("fitted_on"),
        "embedder": settings.models.embedder.kind,
        "load_and_enrich_s": round(loaded_s, 1),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    summary = run()
    print(
        json.dumps(
            {k: v for k, v in summary.items() if k in {"side_by_side", "targets_independent"}},
            ensure_ascii=False,
            indent=2,
        )
    )
