"""Quarantine and collection totals on Elasticsearch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from elasticsearch import ConflictError, NotFoundError

from domain.errors import StoreError
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
        """Read, add and write back with optimistic concurrency (two runs never lose counts)."""
        index = self.index["sources"]

        def attempt() -> SourceStats:
            for _ in range(10):
                try:
                    found = self.client.get(index=index, id=run.source)
                    current = SourceStats.model_validate(found["_source"]["doc"])
                    guard = {
                        "if_seq_no": found["_seq_no"],
                        "if_primary_term": found["_primary_term"],
                    }
                except NotFoundError:
                    current, guard = (
                        SourceStats(source=run.source, kind=run.kind),
                        {"op_type": "create"},
                    )
                totals = current.add(run)
                try:
                    self.client.index(
                        index=index,
                        id=run.source,
                        document={
                            "source": totals.source,
                            "kind": totals.kind,
                            "last_run_at": totals.last_run_at.isoformat()
                            if totals.last_run_at
                            else None,
                            "doc": totals.model_dump(mode="json"),
                        },
                        refresh="wait_for",
                        **guard,
                    )
                    return totals
                except ConflictError:
                    continue  # another run wrote first: read again
            raise StoreError(f"source stats for {run.source} kept changing under us")

        return self._retrying(attempt, stage="sources")

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
