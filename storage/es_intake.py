"""Quarantine and collection totals on Elasticsearch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from domain.models import (
    QuarantinedRecord,
    SourceRun,
    SourceStats,
)
from domain.quarantine import reason_class
from storage.es_connection import ElasticsearchConnection


class IntakeIndices(ElasticsearchConnection):
    """Quarantine and collection totals on Elasticsearch."""

    # quarantine --------------------------------------------------------------------------
    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int:
        actions = []
        for record in records:
            key = hashlib.sha256(f"{record.stage}\0{record.source}\0{record.payload}".encode())
            actions.append(
                {
                    "_op_type": "create",
                    "_index": self.index["quarantine"],
                    "_id": key.hexdigest(),
                    "_source": {
                        "stage": record.stage,
                        "source": record.source,
                        "reason": record.reason,
                        "reason_class": reason_class(record),
                        "received_at": record.received_at.isoformat(),
                        "doc": record.model_dump(mode="json"),
                    },
                }
            )
        return self._create(actions, stage="quarantine")

    def list_quarantine(
        self, *, stage: str | None = None, limit: int = 100
    ) -> list[QuarantinedRecord]:
        query = {"term": {"stage": stage}} if stage else {"match_all": {}}
        hits = self._search(
            self.index["quarantine"],
            query=query,
            size=limit,
            source_includes=["doc"],
            sort=[{"received_at": "asc"}],
        )["hits"]["hits"]
        return [QuarantinedRecord.model_validate(h["_source"]["doc"]) for h in hits]

    def count_quarantine(self, *, stage: str | None = None) -> int:
        query = {"term": {"stage": stage}} if stage else {"match_all": {}}
        return int(
            self._search(self.index["quarantine"], query=query, size=0, track_total_hits=True)[
                "hits"
            ]["total"]["value"]
        )

    # collection --------------------------------------------------------------------------
    def record_source_run(self, run: SourceRun) -> SourceStats:
        """Add one run to its source's totals (two runs at once never lose counts)."""
        return self._add_up(
            self.index["sources"],
            run.source,
            SourceStats,
            empty=lambda: SourceStats(source=run.source, kind=run.kind),
            add=lambda current: current.add(run),
            fields=lambda t: {
                "source": t.source,
                "kind": t.kind,
                "last_run_at": t.last_run_at.isoformat() if t.last_run_at else None,
            },
            stage="sources",
        )

    def list_source_stats(self) -> list[SourceStats]:
        hits = self._search(
            self.index["sources"],
            query={"match_all": {}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"source": "asc"}],
        )["hits"]["hits"]
        return [SourceStats.model_validate(h["_source"]["doc"]) for h in hits]


__all__ = ["IntakeIndices"]
