"""``GET /metrics``: collection and store figures in the Prometheus text format.

Built from the store on every scrape (no process-global registry), so any number of API
workers report the same totals.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from fastapi import APIRouter, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from api.deps import StoreDep
from storage.base import Store

router = APIRouter()
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_OUTCOMES = ("fetched", "new", "duplicate", "quarantined", "failed")


class StoreCollector(Collector):
    """Per-source item counters, run counts, last success time; posts and quarantine."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        items = CounterMetricFamily(
            "siang_source_items",
            "Items per source by outcome, since the store was created.",
            labels=["source", "kind", "outcome"],
        )
        runs = CounterMetricFamily(
            "siang_source_runs", "Collection runs per source.", labels=["source", "kind"]
        )
        last_success = GaugeMetricFamily(
            "siang_source_last_success_timestamp_seconds",
            "When the source last ran without error (Unix time).",
            labels=["source", "kind"],
        )
        healthy = GaugeMetricFamily(
            "siang_source_up", "1 if the source's last run succeeded.", labels=["source", "kind"]
        )
        errors = CounterMetricFamily(
            "siang_source_errors",
            "Failed attempts per source, retried or not, by kind (rate_limited, server_error, "
            "timeout, transport, malformed).",
            labels=["source", "kind"],
        )
        for stats in self.store.list_source_stats():
            labels = [stats.source, stats.kind]
            for outcome in _OUTCOMES:
                items.add_metric([*labels, outcome], getattr(stats, outcome))
            runs.add_metric(labels, stats.runs)
            if stats.last_success_at is not None:
                last_success.add_metric(labels, stats.last_success_at.timestamp())
            healthy.add_metric(labels, 0.0 if stats.last_error else 1.0)
            for kind, count in sorted(stats.errors.items()):
                errors.add_metric([stats.source, kind], count)
        yield from (items, runs, last_success, healthy, errors)
        status = getattr(self.store, "spool_status", None)  # only a store that spools has it
        if status is not None:
            batches, age = status(now=time.time())
            yield GaugeMetricFamily(
                "siang_spool_batches", "Batches of accepted posts waiting on disk.", value=batches
            )
            yield GaugeMetricFamily(
                "siang_spool_oldest_batch_age_seconds",
                "How long the oldest waiting batch has waited (0 when none waits).",
                value=age or 0.0,
            )
        yield GaugeMetricFamily(
            "siang_posts", "Posts in the store.", value=self.store.count_posts()
        )
        yield GaugeMetricFamily(
            "siang_quarantined_records",
            "Records refused by any stage, kept with the reason.",
            value=self.store.count_quarantine(),
        )


@router.get(
    "/metrics",
    tags=["meta"],
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format."}},
)
def metrics(store: StoreDep) -> Response:
    """Prometheus metrics: per-source fetched, new, duplicate, quarantined and failed items."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)


__all__ = ["StoreCollector", "router"]
