"""The collect stage: run every configured source once, feed ingest, keep the totals.

Each source runs on its own: a spider source in its own crawler process, an API source in
its own collector, so a failing source never stops the others; its error is logged and
counted (``SourceRun.failed`` and ``error``). Records go through the same ``Ingestor`` as
``siang ingest`` (validation, author pseudonyms, PII redaction, idempotent upsert, spool
while Elasticsearch is down); refused ones are quarantined with the reason. Each run's
counts are added to the source's totals in the store, which ``GET /metrics`` reports.

Spider items are ingested as they arrive, before the spider records their ids as seen, so
a crash never loses an accepted item; API collectors checkpoint a page only after the
records before it are stored or spooled (``commit``), so a restart resumes where the last
one stopped and ``kill -9`` at any instant loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawlers.collectors import COLLECTORS, collector_for
from crawlers.collectors.base import Rejected
from crawlers.crawl import SPIDER_KINDS, crawl
from crawlers.shutdown import Shutdown
from domain.errors import CollectorError, SiangError
from domain.models import QuarantinedRecord, SourceRun
from domain.privacy import Pseudonymizer, redact, without_authors
from domain.settings import Settings, SourceSettings
from ingest.jsonl import Line
from ingest.service import Ingestor, IngestReport
from storage.base import Store

log = logging.getLogger(__name__)
_BATCH = 200


@dataclass
class _Tally:
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    quarantined: int = 0
    failed: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def add_ingest(self, report: IngestReport) -> None:
        self.new += report.counts.created + report.counts.spooled
        self.duplicate += report.counts.unchanged + report.counts.updated
        self.quarantined += report.quarantined


class Collection:
    """Runs sources against one store; ``clock`` is injectable for tests."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        scrapy_overrides: dict[str, Any] | None = None,
        collector_options: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.ingestor = Ingestor(
            store, Pseudonymizer(settings.privacy.pseudonym_key.get_secret_value()), clock=clock
        )
        self.scrapy_overrides = scrapy_overrides
        self.collector_options = collector_options or {}

    def run(self, names: Sequence[str] = ()) -> list[SourceRun]:
        """Run the enabled sources (or only ``names``) once, one after the other."""
        chosen = [s for s in self.settings.sources if s.enabled and (not names or s.name in names)]
        unknown = set(names) - {s.name for s in self.settings.sources}
        if unknown:
            raise SiangError(f"no source named {', '.join(sorted(unknown))} in the configuration")
        return [self.run_source(source) for source in chosen]

    def run_source(self, source: SourceSettings) -> SourceRun:
        started = self.clock()
        tally = _Tally()
        error: str | None = None
        try:
            if source.kind in SPIDER_KINDS:
                self._spider(source, tally)
            elif source.kind in COLLECTORS:
                asyncio.run(self._api(source, tally))
            else:  # pragma: no cover - settings validate the kind
                raise SiangError(f"source {source.name}: no collector for kind {source.kind}")
        except Shutdown as stop:  # recorded, then the whole collection stops
            error = str(stop)
            self._record(source, started, tally, error)
            raise
        except Exception as exc:  # one broken source must never stop the others
            error = f"{type(exc).__name__}: {exc}"
            tally.failed += 1
            if isinstance(exc, SiangError):
                log.error("collect: source %s failed: %s", source.name, error)
            else:
                log.exception("collect: source %s failed unexpectedly", source.name)
        return self._record(source, started, tally, error)

    def _record(
        self, source: SourceSettings, started: datetime, tally: _Tally, error: str | None
    ) -> SourceRun:
        run = SourceRun(
            source=source.name,
            kind=source.kind,
            started_at=started,
            finished_at=self.clock(),
            fetched=tally.fetched,
            new=tally.new,
            duplicate=tally.duplicate,
            quarantined=tally.quarantined,
            failed=tally.failed,
            errors=dict(sorted(tally.errors.items())),
            error=error,
        )
        self.store.record_source_run(run)
        log.info(
            "collect: %s fetched %d, new %d, duplicate %d, quarantined %d, failed %d",
            source.name,
            run.fetched,
            run.new,
            run.duplicate,
            run.quarantined,
            run.failed,
        )
        return run

    # spiders ---------------------------------------------------------------------------
    def _spider(self, source: SourceSettings, tally: _Tally) -> None:
        def on_item(record: dict[str, Any]) -> None:
            tally.add_ingest(self._ingest([record], source=source.name))

        counts = crawl([source], self.settings, on_item=on_item, overrides=self.scrapy_overrides)
        mine = counts.get(source.name)
        if mine is None:
            return
        tally.fetched += mine.fetched
        tally.duplicate += mine.duplicate
        tally.failed += mine.failed
        tally.errors.update(mine.errors)
        tally.quarantined += self._quarantine(
            source.name, ((r.reason, r.record) for r in mine.refused)
        )
        if mine.pages == 0 and mine.failed:
            raise CollectorError(
                f"{source.name}: every request failed ({mine.failed})", source=source.name
            )
        if mine.pages and not mine.fetched:
            raise CollectorError(
                f"{source.name}: {mine.pages} pages read but nothing found on them: the "
                "selectors match nothing (check the source's selectors)",
                source=source.name,
            )

    # platform APIs ---------------------------------------------------------------------
    async def _api(self, source: SourceSettings, tally: _Tally) -> None:
        rejected: list[Rejected] = []
        batch: list[dict[str, Any]] = []

        def commit() -> None:
            """Store (or spool) what was taken and quarantine what was refused; the
            collector checkpoints only after this returns."""
            if batch:
                tally.add_ingest(self._ingest(batch, source=source.name))
                batch.clear()
            if rejected:
                tally.quarantined += self._quarantine(
                    source.name, ((r.reason, without_authors(r.payload)) for r in rejected)
                )
                rejected.clear()

        collector = collector_for(
            source,
            self.settings,
            quarantine=rejected.append,
            commit=commit,
            **self.collector_options,
        )
        try:
            async with collector:
                async for record in collector.collect():
                    batch.append(record)
                    if len(batch) >= _BATCH:
                        commit()
        finally:
            # What was fetched before a failure or a stop is still stored, then it goes on.
            commit()
            stats = collector.stats
            tally.fetched += stats.records + stats.duplicates + stats.rejected
            tally.duplicate += stats.duplicates
            tally.errors.update(collector.client.errors)

    # shared ----------------------------------------------------------------------------
    def _ingest(self, records: list[dict[str, Any]], *, source: str) -> IngestReport:
        lines = [
            Line(number=i, text=json.dumps(r, ensure_ascii=False), value=r, error=None)
            for i, r in enumerate(records, 1)
        ]
        return self.ingestor.ingest_lines(lines, source=f"collect:{source}")

    def _quarantine(self, source: str, refused: Iterable[tuple[str, dict[str, Any]]]) -> int:
        now = self.clock()
        records = [
            QuarantinedRecord(
                stage="collect",
                source=source,
                reason=reason,
                payload=redact(json.dumps(payload, ensure_ascii=False, default=str))[0],
                received_at=now,
            )
            for reason, payload in refused
        ]
        if records:
            self.store.quarantine(records)
        return len(records)


__all__ = ["Collection"]
