"""Early warning on the sample's planted bursts, and false alarms over its 30 days.

Two ways of running the topic stage over ``sample_data``: one full fit over every post, and
the way production runs, a fit over the first 17 days followed by one update per day.
For each planted burst it reports the first emergence on its posts (``topics.detector``, as
stored) and its delay from the burst's start to when it was seen; every other emergence is
a false alarm. Writes ``bench/results/topic_bursts.json``::

    python -m bench.topics.bursts
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain.models import Emergence
from domain.settings import load_settings
from enrich.embeddings import build_embedder
from pipeline.jobs import Pipeline
from storage.embedded import EmbeddedStore
from topics.service import TopicStage, TrendsReport

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
RESULTS = ROOT / "bench" / "results" / "topic_bursts.json"
CUT = datetime.fromisoformat("2026-11-06T00:00:00+07:00")
EARLY = timedelta(hours=6)


def _split(tmp: Path) -> tuple[Path, Path]:
    early, late = [], []
    for line in (SAMPLE / "posts.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            is_early = datetime.fromisoformat(json.loads(line)["created_at"]) < CUT
        except (ValueError, KeyError, TypeError):
            continue
        (early if is_early else late).append(line)
    (tmp / "early.jsonl").write_text("\n".join(early) + "\n", encoding="utf-8")
    (tmp / "late.jsonl").write_text("\n".join(late) + "\n", encoding="utf-8")
    return tmp / "early.jsonl", tmp / "late.jsonl"


def _score(
    report: TrendsReport, emergences: list[Emergence], bursts: list[dict[str, Any]]
) -> dict[str, Any]:
    """Each burst's first emergence on its posts (delay from the burst's start to when it was
    seen); every other emergence is a false alarm."""
    episodes = [(e.series, e) for e in emergences]
    claimed: set[int] = set()
    found = []
    for burst in bursts:
        start = datetime.fromisoformat(burst["start"])
        end = datetime.fromisoformat(burst["end"])
        members = set(burst["post_ids"])
        hits = [
            (i, series, ep)
            for i, (series, ep) in enumerate(episodes)
            if start - timedelta(hours=1) <= ep.detected_at <= end + timedelta(hours=24)
            and len(members & set(ep.post_ids)) >= 3
        ]
        claimed |= {i for i, _, _ in hits}
        first = min(hits, key=lambda h: h[2].detected_at, default=None)
        delay = (first[2].detected_at - start) / timedelta(hours=1) if first else None
        found.append(
            {
                "burst": burst["name"],
                "flagged": first is not None and delay is not None and delay <= 6,
                "first_series": first[1] if first else None,
                "delay_hours": delay,
                "episodes": len(hits),
            }
        )
    false_alarms = [
        {"series": series, "detected_at": ep.detected_at.isoformat(), "reason": ep.reason}
        for i, (series, ep) in enumerate(episodes)
        if i not in claimed
    ]
    return {
        "bursts": found,
        "flagged_within_6h": sum(f["flagged"] for f in found),
        "false_alarms": len(false_alarms),
        "false_alarm_examples": false_alarms[:10],
        "topics": len([t for t in report.topics if t.status != "merged"]),
    }


def run() -> dict[str, Any]:
    settings_base = load_settings()
    embedder = build_embedder(settings_base.models.embedder)
    bursts = json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))["bursts"]
    out: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "trends": settings_base.trends.model_dump(),
    }
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        early, late = _split(tmp)
        for mode in ("full_fit", "daily_updates"):
            settings = load_settings(store={"backend": "embedded", "path": str(tmp / f"{mode}.db")})
            store = EmbeddedStore(settings.store.path)
            pipeline = Pipeline(settings, store, embedder, show_progress=False)
            started = time.perf_counter()
            if mode == "full_fit":
                pipeline.ingest(early)
                pipeline.ingest(late)
                pipeline.enrich()
                report = TopicStage(store, settings).run()
            else:
                pipeline.ingest(early)
                pipeline.enrich()
                TopicStage(store, settings).run()
                pipeline.ingest(late)
                pipeline.enrich()
                report = TopicStage(store, settings).run()
            _, emergences = store.list_emergences(limit=10_000)
            out[mode] = {
                **_score(report, emergences, bursts),
                "seconds": round(time.perf_counter() - started, 1),
            }
            store.close()
    return out


def main() -> None:
    result = run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
