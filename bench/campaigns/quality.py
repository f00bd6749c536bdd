"""Near-duplicate clustering and campaign flags measured on a set written apart from the code.

``bench/data/campaigns/`` (see its README) holds posts with copies of one text under small
edits, repost storms, coordinated campaigns, organic bursts and look-alike texts nobody
copied. It is never used to choose anything: the shingle size, threshold and shortest text
come from ``campaigns/data/train`` (``python -m campaigns.calibration``). Pair precision and
recall are reported beside the training set's, in ``bench/results/campaigns.json``
(``neardup_precision``, ``neardup_recall``).

Campaigns are flagged by the real stages (ingest with pseudonyms, enrich, clusters,
campaigns) on an in-memory embedded store with the shipped ``campaigns`` settings, which
were chosen on the training set; ``campaign_precision`` and ``campaign_recall`` count
campaigns (``campaigns.labelled.campaign_scores``)::

    python -m bench.campaigns.quality
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from campaigns.labelled import campaign_scores, load_set, pair_scores, records
from campaigns.neardup import TRAINING, NearDuplicates
from domain.models import Campaign
from domain.settings import Settings, load_settings
from ingest.jsonl import write_jsonl
from pipeline.jobs import Pipeline
from storage.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data" / "campaigns"
RESULTS = ROOT / "bench" / "results" / "campaigns.json"
_TARGET = 0.9  # issue 22: pair precision and recall


_CAMPAIGN_TARGET = 0.8  # issue 22: campaign precision and recall


def flagged_campaigns(directory: Path, settings: Settings | None = None) -> list[Campaign]:
    """The campaigns the pipeline's stages flag on a labelled set's posts."""
    settings = settings or load_settings(store={"backend": "embedded", "path": ":memory:"})
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "posts.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            write_jsonl(handle, records(directory))
        pipeline = Pipeline(settings, EmbeddedStore(":memory:"), None, show_progress=False)
        pipeline.ingest(path)
        pipeline.enrich()
        pipeline.clusters()
        return pipeline.campaigns().campaigns


def run(output: Path = RESULTS) -> dict[str, Any]:
    posts, _ = load_set(DATA)
    held_out = pair_scores(NearDuplicates.shipped(), posts)
    training_posts, _ = load_set(TRAINING)
    training = pair_scores(NearDuplicates.shipped(), training_posts)
    campaigns = campaign_scores(flagged_campaigns(DATA), posts)
    training_campaigns = campaign_scores(flagged_campaigns(TRAINING), training_posts)
    return merge_results(
        output,
        {
            "campaign_precision": campaigns["precision"],
            "campaign_recall": campaigns["recall"],
            "campaign": {
                "held_out": {"set": "bench/data/campaigns", **campaigns},
                "training": {"set": "campaigns/data/train", **training_campaigns},
                "targets_met": min(campaigns["precision"], campaigns["recall"])
                >= _CAMPAIGN_TARGET,
                "settings": load_settings().campaigns.model_dump(),
            },
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
