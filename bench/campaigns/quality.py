"""Near-duplicate clustering measured on a labelled set written apart from the code.

``bench/data/campaigns/`` (see its README) holds posts with copies of one text under small
edits, repost storms, coordinated campaigns, organic bursts and look-alike texts nobody
copied. It is never used to choose anything: the shingle size, threshold and shortest text
come from ``campaigns/data/train`` (``python -m campaigns.calibration``). Pair precision and
recall are reported beside the training set's, in ``bench/results/campaigns.json``
(``neardup_precision``, ``neardup_recall``)::

    python -m bench.campaigns.quality
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from campaigns.labelled import load_set, pair_scores
from campaigns.neardup import TRAINING, NearDuplicates

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data" / "campaigns"
RESULTS = ROOT / "bench" / "results" / "campaigns.json"
_TARGET = 0.9  # issue 22: pair precision and recall


def run(output: Path = RESULTS) -> dict[str, Any]:
    posts, _ = load_set(DATA)
    held_out = pair_scores(NearDuplicates.shipped(), posts)
    training_posts, _ = load_set(TRAINING)
    training = pair_scores(NearDuplicates.shipped(), training_posts)
    return merge_results(
        output,
        {
            "neardup_precision": held_out["precision"],
            "neardup_recall": held_out["recall"],
            "neardup": {
                "held_out": {"set": "bench/data/campaigns", "posts": len(posts), **held_out},
                "training": {"set": "campaigns/data/train", "posts": len(training_posts),
                             **training},
                "targets_met": held_out["precision"] >= _TARGET and held_out["recall"] >= _TARGET,
                "index": NearDuplicates.shipped().settings(),
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        },
    )  # fmt: skip


def merge_results(output: Path, values: dict[str, Any]) -> dict[str, Any]:
    """Write ``values`` into the results file, keeping the keys other benches wrote."""
    result = json.loads(output.read_text(encoding="utf-8")) if output.exists() else {}
    result.update(values)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
