"""Pipeline stage runs and quarantine by reason on Elasticsearch; the client's own counts.

Stage totals are one document per stage in ``<prefix>-stages``. One part of
:class:`storage.elasticsearch.ElasticsearchStore`, on its shared connection.
"""

from __future__ import annotations

from domain.models import StageRun, StageStats
from storage.es_connection import ElasticsearchConnection
from storage.es_transport import CountingTransport, TransportCounts

UNCLASSIFIED = "unclassified"  # kept before quarantine records carried a reason class


class OperationIndices(ElasticsearchConnection):
    """Store methods /metrics reads: what each stage did, and why records were refused."""

    def count_quarantine_by_reason(self) -> dict[tuple[str, str], int]:
        aggs = {
            "stage": {
                "terms": {"field": "stage", "size": 1000},
                "aggs": {
                    "reason": {
                        "terms": {"field": "reason_class", "size": 100, "missing": UNCLASSIFIED}
                    }
                },
            }
        }
        response = self._search(self.index["quarantine"], size=0, aggs=aggs)
        return {
            (stage["key"], reason["key"]): int(reason["doc_count"])
            for stage in response.get("aggregations", {}).get("stage", {}).get("buckets", [])
            for reason in stage["reason"]["buckets"]
        }

    def record_stage_run(self, run: StageRun) -> StageStats:
        """Add one run to its stage's totals (two runs at once never lose counts)."""
        return self._add_up(
            self.index["stages"],
            run.stage,
            StageStats,
            empty=lambda: StageStats(stage=run.stage),
            add=lambda current: current.add(run),
            fields=lambda t: {"stage": t.stage, "last_run_at": run.finished_at.isoformat()},
            stage="stages",
        )

    def list_stage_stats(self) -> list[StageStats]:
        hits = self._search(
            self.index["stages"], query={"match_all": {}}, size=1000, source_includes=["doc"]
        )["hits"]["hits"]
        stats = [StageStats.model_validate(h["_source"]["doc"]) for h in hits]
        return sorted(stats, key=lambda s: s.stage)  # a handful: sorted here, by any mapping

    def transport_counts(self) -> TransportCounts | None:
        """The client's requests, retries and failures in this process; None when the client
        was not built by ``build_client`` (its transport does not count)."""
        transport = self.client.transport
        return transport.counts() if isinstance(transport, CountingTransport) else None


__all__ = ["UNCLASSIFIED", "OperationIndices"]
