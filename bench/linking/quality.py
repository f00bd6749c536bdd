"""Linking quality on the held-out labelled set (``linking/data/eval``), never used to fit.

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
from linking.labelled import load_set, measure, threshold_curve

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "linking.json"
_TARGET_PRECISION, _TARGET_RECALL = 0.8, 0.7


def run(output: Path = RESULTS) -> dict[str, object]:
    settings = load_settings()
    started = time.perf_counter()
    data = load_set("eval", settings, build_embedder(settings.models.embedder))
    loaded_s = time.perf_counter() - started
    result = measure(data, settings.linking)
    curve = threshold_curve(data, settings.linking, [round(0.05 * i, 2) for i in range(1, 20)])
    calibration = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    report: dict[str, object] = result | {
        "targets": {
            "link_precision_at_least_0.8": result["link_precision"] >= _TARGET_PRECISION,
            "link_recall_at_least_0.7": result["link_recall"] >= _TARGET_RECALL,
        },
        "curve": curve,
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
        json.dumps({k: v for k, v in summary.items() if k != "curve"}, ensure_ascii=False, indent=2)
    )
