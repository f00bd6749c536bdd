"""The whole pipeline, stage by stage, over the configured store.

``run_pipeline`` is what ``siang demo`` runs: ingest → complaints → enrich → topics → link →
alerts. Each stage is idempotent, so running it twice on the same input changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from alerts.service import AlertEvaluator
from domain.errors import RecordError
from domain.models import Alert, Complaint, QuarantinedRecord, Topic
from domain.settings import Settings
from enrich.embeddings import Embedder
from enrich.jobs import no_embedder, run_enrichment
from enrich.privacy import Pseudonymizer, redact
from enrich.service import Enricher
from enrich.thai_text import normalize
from ingest.jsonl import Line, read_jsonl
from ingest.service import Ingestor, IngestReport, parse_complaint
from linking.service import Linker
from storage.base import Store, UpsertCounts
from topics.service import TopicStage, TrendsReport

log = logging.getLogger(__name__)


@dataclass
class PipelineSummary:
    ingest: IngestReport
    complaints: UpsertCounts
    complaints_quarantined: int
    enriched: int
    posts: int
    topics: list[Topic]
    links: int
    alerts_new: int
    alerts: list[Alert] = field(default_factory=list)

    def top_spiking(self, n: int = 5) -> list[Topic]:
        def strongest(t: Topic) -> float:
            return max((s.score for s in t.spikes), default=0.0)

        return sorted(self.topics, key=lambda t: (-strongest(t), t.topic_id))[:n]


class Pipeline:
    """Runs the stages against one store with one set of models."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        embedder: Embedder | None,
        *,
        show_progress: bool = True,
    ) -> None:
        self.settings = settings
        self.store = store
        self.enricher = Enricher.from_settings(settings, embedder=embedder)
        self.pseudonymizer = Pseudonymizer(settings.privacy.pseudonym_key.get_secret_value())
        self.show_progress = show_progress

    def ingest(self, path: Path) -> IngestReport:
        lines = list(read_jsonl(path))
        with tqdm(
            total=len(lines), desc="ingest", unit="post", disable=not self.show_progress
        ) as bar:
            return Ingestor(self.store, self.pseudonymizer).ingest_lines(
                lines, source=str(path), progress=bar.update
            )

    def import_complaints(self, lines: Iterable[Line], *, source: str) -> tuple[UpsertCounts, int]:
        complaints, bad = [], []
        for line in lines:
            try:
                if line.error or line.value is None:
                    raise RecordError(line.error or "empty record")
                complaints.append(parse_complaint(line.value))
            except RecordError as exc:
                bad.append(
                    QuarantinedRecord(
                        stage="complaints",
                        source=source,
                        reason=f"line {line.number}: {exc.reason}",
                        payload=redact(line.text)[0],
                        received_at=datetime.now(UTC),
                    )
                )
        complaints = [self._tokenised(c) for c in complaints]
        vectors = self._embed([f"{c.subject}\n{c.description}" for c in complaints])
        counts = self.store.upsert_complaints(complaints, vectors)
        return counts, self.store.quarantine(bad) if bad else 0

    def _tokenised(self, complaint: Complaint) -> Complaint:
        text = redact(f"{complaint.subject} {complaint.description}")[0]
        return complaint.model_copy(
            update={
                "description": redact(complaint.description)[0],
                "tokens": self.enricher.tokenizer.tokenize(normalize(text).text),
            }
        )

    def _embed(self, texts: Sequence[str]) -> np.ndarray | None:
        if self.enricher.embedder is None or not texts:
            return None
        return self.enricher.embedder.encode(list(texts))

    def enrich(self, *, batch_size: int = 256) -> int:
        """Enrich every unenriched post, on ``models.enrich_workers`` processes.

        With one worker this runs ``self.enricher`` (and the embedder given to the
        pipeline) in process. With more, each worker builds the configured embedder
        (``models.embedder``) itself, or none if the pipeline was given none.
        """
        todo = list(self.store.iter_posts(unenriched=True))
        batches = run_enrichment(
            todo,
            settings=self.settings,
            workers=self.settings.models.enrich_workers,
            batch_size=batch_size,
            enricher=self.enricher,
            embedder_factory=None if self.enricher.embedder else no_embedder,
        )
        done = 0
        with tqdm(
            total=len(todo), desc="enrich", unit="post", disable=not self.show_progress
        ) as bar:
            for batch in batches:
                done += self.store.save_enrichment(batch.posts, batch.vectors)
                bar.update(len(batch.posts))
        return done

    def topics(self, *, refit: bool = False) -> TrendsReport:
        """Update topics with the posts no run has seen (or refit everything)."""
        return TopicStage(self.store, self.settings).run(
            refit=refit, progress=(lambda msg: log.info(msg)) if self.show_progress else None
        )

    def link(self) -> int:
        complaints = self.store.list_complaints(limit=1_000_000)
        posts = sorted(self.store.iter_posts(), key=lambda p: p.id)
        links = Linker(self.settings.linking).link(
            complaints,
            self.store.complaint_vectors([c.complaint_id for c in complaints]),
            posts,
            self.store.post_vectors([p.id for p in posts]),
        )
        self.store.replace_links(links)
        return len(links)

    def alerts(self, trends: TrendsReport) -> tuple[int, list[Alert]]:
        posts = list(self.store.iter_posts())
        alerts = AlertEvaluator(self.settings.alerts.rules).evaluate(
            topics=trends.topics, posts=posts, series_spikes=trends.series_spikes
        )
        return self.store.add_alerts(alerts), alerts

    def run(self, *, posts: Path, complaints: Path) -> PipelineSummary:
        ingest = self.ingest(posts)
        complaint_counts, complaints_bad = self.import_complaints(
            read_jsonl(complaints), source=str(complaints)
        )
        enriched = self.enrich()
        trends = self.topics()
        links = self.link()
        new_alerts, alerts = self.alerts(trends)
        return PipelineSummary(
            ingest,
            complaint_counts,
            complaints_bad,
            enriched,
            self.store.count_posts(),
            trends.topics,
            links,
            new_alerts,
            alerts,
        )


__all__ = ["Pipeline", "PipelineSummary"]
