"""The whole pipeline, stage by stage, over the configured store.

``run_pipeline`` is what ``siang demo`` runs: ingest → complaints → enrich → clusters →
topics → campaigns → link → track → sources → alerts. Each stage is idempotent, so running it twice
on the same input changes nothing.
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
from campaigns.service import (
    CampaignReport,
    ClusterReport,
    campaign_store,
    cluster_store,
    source_store,
)
from complaints.exports import ExportMapping
from complaints.service import ComplaintBook, ImportReport, quarantined
from domain.models import Alert, Campaign, Complaint, Emergence, SourceProfile, Topic
from domain.privacy import Pseudonymizer
from domain.settings import Settings
from enrich.embeddings import Embedder
from enrich.jobs import no_embedder, run_enrichment
from enrich.service import Enricher
from ingest.jsonl import Line, read_jsonl
from ingest.service import Ingestor, IngestReport
from linking.service import link_store
from pipeline.stage_runs import recorded_stage
from storage.base import FollowUpQuery, Store, UpsertCounts
from storage.loading import bulk_load
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
    emergences: list[Emergence] = field(default_factory=list)  # the store's 50 strongest
    reopen_candidates: int = 0  # resolved complaints the public still reports
    campaigns: list[Campaign] = field(default_factory=list)

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
        """Store the file's posts; a bulk load, refreshed once when the stage ends."""
        with recorded_stage(self.store, "ingest") as tally, bulk_load(self.store):
            lines = list(read_jsonl(path))
            with tqdm(
                total=len(lines), desc="ingest", unit="post", disable=not self.show_progress
            ) as bar:
                report = Ingestor(self.store, self.pseudonymizer).ingest_lines(
                    lines, source=str(path), progress=bar.update
                )
            tally.items_in, tally.items_out = report.read, report.accepted
            return report

    def complaint_book(self) -> ComplaintBook:
        return ComplaintBook(
            self.store,
            tokenize=self.enricher.tokenizer.tokenize,
            embed=self._embed if self.enricher.embedder else None,
            max_text_chars=self.settings.models.max_text_chars,
        )

    def import_complaints(self, lines: Iterable[Line], *, source: str) -> ImportReport:
        """1111 complaint rows (Siang's own shape or an export's, mapped by config)."""
        mapping = ExportMapping(self.settings.complaints.export, self.enricher.gazetteer)
        with recorded_stage(self.store, "complaints") as tally:
            report = self.complaint_book().import_lines(lines, source=source, mapper=mapping.fields)
            tally.items_in, tally.items_out = report.read, report.counts.total
            return report

    def add_complaints(
        self,
        complaints: Sequence[Complaint],
        rejected: Sequence[tuple[dict[str, object], str]],
        *,
        source: str,
    ) -> ImportReport:
        """Store complaints a source already parsed; quarantine what it refused."""
        with recorded_stage(self.store, "complaints") as tally:
            report = self.complaint_book().add(complaints)
            bad = [
                quarantined(payload, source=source, reason=reason) for payload, reason in rejected
            ]
            report.quarantined = self.store.quarantine(bad) if bad else 0
            report.reasons = [reason for _, reason in rejected]
            report.read += len(rejected)
            tally.items_in = len(complaints) + len(rejected)
            tally.items_out = report.counts.total
            return report

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.enricher.embedder is None:
            raise RuntimeError("the pipeline has no embedder")
        return self.enricher.embedder.encode(list(texts))

    def enrich(self, *, batch_size: int = 256) -> int:
        """Enrich every unenriched post, on ``models.enrich_workers`` processes.

        With one worker this runs ``self.enricher`` (and the embedder given to the
        pipeline) in process. With more, each worker builds the configured embedder
        (``models.embedder``) itself, or none if the pipeline was given none. Each post is
        written once, with its enrichment and vector (``save_enrichment``), in a bulk load
        refreshed once when the stage ends.
        """
        with recorded_stage(self.store, "enrich") as tally:
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
            with (
                bulk_load(self.store),
                tqdm(
                    total=len(todo), desc="enrich", unit="post", disable=not self.show_progress
                ) as bar,
            ):
                for batch in batches:
                    done += self.store.save_enrichment(batch.posts, batch.vectors)
                    bar.update(len(batch.posts))
            tally.items_in, tally.items_out = len(todo), done
            return done

    def clusters(self) -> ClusterReport:
        """Give every post its near-duplicate cluster, so topics count a copied text once."""
        with recorded_stage(self.store, "clusters") as tally:
            with tqdm(
                total=self.store.count_posts(), desc="clusters", unit="post",
                disable=not self.show_progress,
            ) as bar:  # fmt: skip
                report = cluster_store(self.store, progress=bar.update)
            tally.items_in, tally.items_out = report.posts, report.changed
            log.info("clusters: %d posts, %d in copied texts, %d changed",
                     report.posts, report.copied, report.changed)  # fmt: skip
            return report

    def campaigns(self, *, now: datetime | None = None) -> CampaignReport:
        """Flag coordinated campaigns and mark their posts (after topics, to name them)."""
        with recorded_stage(self.store, "campaigns") as tally:
            report = campaign_store(
                self.store, self.settings.campaigns, now=now or datetime.now(UTC)
            )
            tally.items_in, tally.items_out = self.store.count_posts(), len(report.campaigns)
            log.info("campaigns: %d flagged, %d posts marked",
                     len(report.campaigns), report.posts_marked)  # fmt: skip
            return report

    def sources(self) -> list[SourceProfile]:
        """Profile every source: reach, and how often its grievances reach complaints."""
        with recorded_stage(self.store, "sources") as tally:
            found = source_store(self.store, self.settings)
            tally.items_in, tally.items_out = self.store.count_posts(), len(found)
            return found

    def topics(self, *, refit: bool = False) -> TrendsReport:
        """Update topics with the posts no run has seen (or refit everything); topic
        assignments are a bulk load, refreshed once when the stage ends."""
        with recorded_stage(self.store, "topics") as tally, bulk_load(self.store):
            report = TopicStage(self.store, self.settings).run(
                refit=refit, progress=(lambda msg: log.info(msg)) if self.show_progress else None
            )
            tally.items_in, tally.items_out = report.posts, len(report.topics)
            return report

    def link(self) -> int:
        """Relink every complaint and post, with officers' decisions applied."""
        with recorded_stage(self.store, "link") as tally:
            tally.items_in = self.store.count_posts()  # every post is linked again
            tally.items_out = link_store(self.store, self.settings.linking, place_of=self.place_of)
            return tally.items_out

    def track(self) -> int:
        """Follow every resolved complaint: its satisfaction signal and reopen candidates."""
        from tracking.service import track_store

        with recorded_stage(self.store, "track") as tally:
            tally.items_in = self.store.count_posts()
            follow_ups, candidates = track_store(
                self.store, self.settings, now=datetime.now(UTC), place_of=self.place_of
            )
            tally.items_out = follow_ups
            if candidates:
                log.info("track: %d resolved complaints, %d reopen candidates",
                         follow_ups, candidates)  # fmt: skip
            return candidates

    def place_of(
        self, province: str, district: str | None, subdistrict: str | None = None
    ) -> tuple[float, float] | None:
        """A complaint's subdistrict point, else its district's centre (for the linker's
        distance); None without a known district."""
        gazetteer = self.enricher.gazetteer
        for candidate in gazetteer.subdistricts.get(subdistrict or "", []):
            if (candidate.province, candidate.district) == (province, district):
                return (candidate.lat, candidate.lon)
        place = gazetteer.place(province, district)
        return (place.lat, place.lon) if place is not None and place.district else None

    def alerts(self, trends: TrendsReport) -> tuple[int, list[Alert]]:
        """Queue alerts from the configured and stored rules; mail the due ones if smtp is on."""
        from alerts.delivery import send_pending
        from alerts.service import list_rules

        with recorded_stage(self.store, "alerts") as tally:
            posts = list(self.store.iter_posts())
            rules = list_rules(self.store, self.settings)
            candidates = (
                list(self.store.iter_follow_ups(FollowUpQuery(reopen_only=True)))
                if any(rule.kind == "reopen" for rule in rules)
                else []
            )
            alerts = AlertEvaluator(rules).evaluate(
                topics=trends.topics,
                posts=posts,
                emergences=trends.emergences,
                follow_ups=candidates,
            )
            queued = self.store.add_alerts(alerts)
            tally.items_in, tally.items_out = len(posts), queued
            if self.settings.smtp.enabled:
                # SMTP trouble is logged and leaves the alerts pending for the next run.
                send_pending(self.store, self.settings, now=datetime.now(UTC))
            return queued, alerts

    def run(self, *, posts: Path, complaints: Path) -> PipelineSummary:
        ingest = self.ingest(posts)
        imported = self.import_complaints(read_jsonl(complaints), source=str(complaints))
        enriched = self.enrich()
        self.clusters()
        trends = self.topics()
        campaigns = self.campaigns()
        links = self.link()
        reopen = self.track()
        self.sources()
        new_alerts, alerts = self.alerts(trends)
        return PipelineSummary(
            ingest,
            imported.counts,
            imported.quarantined,
            enriched,
            self.store.count_posts(),
            trends.topics,
            links,
            new_alerts,
            alerts,
            self.store.list_emergences(limit=50)[1],
            reopen,
            campaigns.campaigns,
        )


__all__ = ["Pipeline", "PipelineSummary"]
