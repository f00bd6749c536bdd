"""File-to-file batch commands (``siang enrich|link|trends``) with a stable JSON-lines contract.

Each runs the same stages as the pipeline on a private in-memory store, so the batch output
is exactly what the service would compute. Malformed input lines are written, with their
reason, to ``<output>.quarantine.jsonl`` and counted; they never stop the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from domain.errors import RecordError, TopicError
from domain.models import BANGKOK_TZ, QuarantinedRecord
from domain.privacy import Pseudonymizer
from domain.settings import Settings
from enrich.embeddings import Embedder
from ingest.jsonl import read_jsonl, write_jsonl
from ingest.service import post_identity
from pipeline.jobs import Pipeline
from storage.embedded import EmbeddedStore


@dataclass
class BatchReport:
    read: int
    written: int
    quarantined: int
    quarantine_path: Path | None


def _quarantine_path(output: Path) -> Path:
    return output.with_name(output.name + ".quarantine.jsonl")


def _write_quarantine(output: Path, records: list[QuarantinedRecord]) -> Path | None:
    path = _quarantine_path(output)
    if not records:
        path.unlink(missing_ok=True)
        return None
    with path.open("w", encoding="utf-8") as handle:
        write_jsonl(
            handle,
            [
                {"stage": r.stage, "source": r.source, "reason": r.reason, "line": r.payload}
                for r in records
            ],
        )
    return path


def _load(
    settings: Settings, embedder: Embedder | None, posts: Path, show_progress: bool
) -> tuple[Pipeline, int]:
    pipeline = Pipeline(settings, EmbeddedStore(":memory:"), embedder, show_progress=show_progress)
    report = pipeline.ingest(posts)
    pipeline.enrich()
    return pipeline, report.read


def enrich_file(
    settings: Settings, *, input: Path, output: Path, show_progress: bool = False
) -> BatchReport:
    """One output line per accepted post: ``post_id`` plus its enrichment."""
    pipeline, read = _load(settings, None, input, show_progress)
    order = [
        _post_id(line.value, pipeline.pseudonymizer)
        for line in read_jsonl(input)
        if line.value is not None
    ]
    rows = []
    seen: set[str] = set()
    for post_id in order:
        post = pipeline.store.get_post(post_id) if post_id else None
        if post is None or post.enrichment is None or post.id in seen:
            continue
        seen.add(post.id)
        e = post.enrichment
        rows.append(
            {
                "post_id": post.id,
                "sentiment": e.sentiment.model_dump(mode="json"),
                "locations": [
                    loc.model_dump(mode="json", exclude={"matched"}) for loc in e.locations
                ],
                "category": e.category.model_dump(mode="json"),
                "is_grievance": e.is_grievance,
                "agency": e.agency,
                "tokens": e.tokens,
                "redacted_text": e.redacted_text,
            }
        )
    with output.open("w", encoding="utf-8") as handle:
        write_jsonl(handle, rows)
    bad = pipeline.store.list_quarantine(limit=1_000_000)
    return BatchReport(read, len(rows), len(bad), _write_quarantine(output, bad))


def link_file(
    settings: Settings,
    embedder: Embedder,
    *,
    complaints: Path,
    posts: Path,
    output: Path,
    show_progress: bool = False,
) -> BatchReport:
    """One line per proposed link, grouped by post, best first within each post."""
    pipeline, read = _load(settings, embedder, posts, show_progress)
    pipeline.import_complaints(read_jsonl(complaints), source=str(complaints))
    pipeline.link()
    rows = []
    for post in sorted(pipeline.store.iter_posts(), key=lambda p: p.id):
        for link in pipeline.store.links_for_post(post.id):
            rows.append(
                {
                    "post_id": link.post_id,
                    "complaint_id": link.complaint_id,
                    "score": link.score,
                    "explanation": link.explanation,
                }
            )
    with output.open("w", encoding="utf-8") as handle:
        write_jsonl(handle, rows)
    bad = pipeline.store.list_quarantine(limit=1_000_000)
    return BatchReport(read, len(rows), len(bad), _write_quarantine(output, bad))


def trends_file(
    settings: Settings,
    embedder: Embedder,
    *,
    posts: Path,
    output: Path,
    show_progress: bool = False,
) -> BatchReport:
    """One line per emerging grievance over the whole history, strongest first.

    Every hour is judged only from the posts before it, as the service would have judged it
    then (topic ids come from one fit over the file; the category, place and new-cluster
    series do not depend on it).
    """
    pipeline, read = _load(settings, embedder, posts, show_progress)
    stamps = [p.created_at for p in pipeline.store.iter_posts()]
    span = (max(stamps) - min(stamps)) / timedelta(days=1) if stamps else 0.0
    if span < settings.trends.warmup_days:
        raise TopicError(
            f"{posts} covers {span:.1f} days; emerging grievances are judged only after "
            f"trends.warmup_days ({settings.trends.warmup_days:g}) of history, which the "
            "baseline needs"
        )
    report = pipeline.topics()
    rows: list[dict[str, Any]] = [
        {
            "start": e.start.astimezone(BANGKOK_TZ).isoformat(),
            "peak": e.peak.astimezone(BANGKOK_TZ).isoformat(),
            "detected_at": e.detected_at.astimezone(BANGKOK_TZ).isoformat(),
            "score": e.score,
            "series": e.series,
            "kind": e.kind,
            "window_hours": e.window_hours,
            "observed": e.observed,
            "expected": e.expected,
            "posts": e.posts,
            "topic_id": e.topic_id,
            "category": e.category.value if e.category else None,
            "province": e.province,
            "district": e.district,
            "scope": e.scope,
            "label": e.label,
            "reason": e.reason,
            "also": e.also,
            "post_ids": e.post_ids,
        }
        for e in report.emergences
    ]
    with output.open("w", encoding="utf-8") as handle:
        write_jsonl(handle, rows)
    bad = pipeline.store.list_quarantine(limit=1_000_000)
    return BatchReport(read, len(rows), len(bad), _write_quarantine(output, bad))


def _post_id(value: dict[str, Any], pseudonymizer: Pseudonymizer) -> str | None:
    """The stored id of an input line, as ingest reads it (None if ingest refused it)."""
    try:
        return post_identity(value, pseudonymizer)
    except RecordError:
        return None


__all__ = ["BatchReport", "enrich_file", "link_file", "trends_file"]
