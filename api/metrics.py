"""``GET /metrics``: the API, the pipeline and the store in the Prometheus text format.

Two sources, one exposition. What the pipeline and collectors did (sources, stages,
quarantine, spool) is read from the store on every scrape, so any number of API workers
report the same totals, whichever process did the work. What this process served (requests
per route, status class and latency) and its Elasticsearch client's retries are its own,
counted in memory since it started; HTTP metrics are kept by
prometheus-fastapi-instrumentator in a registry of each app's (``app.state``), so any
number of apps can live in one process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator import metrics as http_metrics

from api.deps import StoreDep
from domain.quarantine import REASON_CLASSES
from storage.base import Store
from storage.es_transport import FAILURE_KINDS

router = APIRouter()
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_OUTCOMES = ("fetched", "new", "duplicate", "quarantined", "failed")
_DIRECTIONS = ("in", "out")
# Most routes answer in milliseconds; an export or a cold model load takes seconds.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def instrument(app: FastAPI) -> None:
    """Count and time every request by route template (``handler``: ``/v1/posts/{post_id}``,
    never the raw path; ``none`` for a path no route matches), method and status class
    (``2xx``…``5xx``), into ``app.state.metrics_registry``. Scrapes of /metrics are left
    out. Call it after the app's other middleware, so it sees the answers they give too."""
    registry = CollectorRegistry()
    app.state.metrics_registry = registry
    # Both label by handler, method and status (the functions' defaults).
    Instrumentator(
        should_group_status_codes=True,
        should_group_untemplated=True,
        excluded_handlers=["^/metrics$"],
        registry=registry,
    ).add(
        http_metrics.requests(
            metric_doc="HTTP requests by route template, method and status class.",
            metric_namespace="siang",
            registry=registry,
        ),
        http_metrics.latency(
            metric_doc="HTTP request duration by route template, method and status class.",
            metric_namespace="siang",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        ),
    ).instrument(app)


class StoreCollector(Collector):
    """Sources, pipeline stages, quarantine, spool and posts from the store; the store's
    Elasticsearch client counts when it has one."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        yield from self._sources()
        yield from self._stages()
        yield from self._quarantine()
        yield from self._spool()
        yield from self._client()
        yield GaugeMetricFamily(
            "siang_posts", "Posts in the store.", value=self.store.count_posts()
        )

    def _sources(self) -> Iterator[Metric]:
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

    def _stages(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "siang_stage_runs", "Pipeline stage runs, failed or not.", labels=["stage"]
        )
        failures = CounterMetricFamily(
            "siang_stage_failures", "Pipeline stage runs that failed.", labels=["stage"]
        )
        items = CounterMetricFamily(
            "siang_stage_items",
            "Items a stage took in (in) and stored or produced (out), over every run. Per "
            "stage: ingest lines/posts accepted, complaints rows/complaints stored, enrich "
            "posts pending/enriched, topics posts read/topics, link posts/links, alerts "
            "posts/alerts queued.",
            labels=["stage", "direction"],
        )
        seconds = CounterMetricFamily(
            "siang_stage_seconds",
            "Time spent in the stage over every run; rate(siang_stage_items_total) / "
            "rate(siang_stage_seconds_total) is its throughput.",
            labels=["stage"],
        )
        duration = GaugeMetricFamily(
            "siang_stage_duration_seconds",
            "How long the stage's last run took.",
            labels=["stage"],
        )
        last_items = GaugeMetricFamily(
            "siang_stage_last_run_items",
            "Items the stage's last run took in and gave out.",
            labels=["stage", "direction"],
        )
        last_success = GaugeMetricFamily(
            "siang_stage_last_success_timestamp_seconds",
            "When the stage last finished without error (Unix time).",
            labels=["stage"],
        )
        healthy = GaugeMetricFamily(
            "siang_stage_up", "1 if the stage's last run succeeded.", labels=["stage"]
        )
        for stats in self.store.list_stage_stats():
            stage = [stats.stage]
            runs.add_metric(stage, stats.runs)
            failures.add_metric(stage, stats.failures)
            seconds.add_metric(stage, stats.seconds)
            for direction, total, last in (
                ("in", stats.items_in, stats.last_items_in),
                ("out", stats.items_out, stats.last_items_out),
            ):
                items.add_metric([*stage, direction], total)
                last_items.add_metric([*stage, direction], last)
            if stats.last_seconds is not None:
                duration.add_metric(stage, stats.last_seconds)
            if stats.last_success_at is not None:
                last_success.add_metric(stage, stats.last_success_at.timestamp())
            healthy.add_metric(stage, 0.0 if stats.last_error else 1.0)
        yield from (runs, failures, items, seconds, duration, last_items, last_success, healthy)

    def _quarantine(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "siang_quarantined_records",
            "Records refused by any stage, kept with the reason.",
            value=self.store.count_quarantine(),
        )
        by_reason = GaugeMetricFamily(
            "siang_quarantined_records_by_reason",
            "Quarantined records by the stage that refused them and the class of its reason: "
            f"{', '.join(REASON_CLASSES)}; unclassified for records an Elasticsearch store "
            "kept before reasons were classified.",
            labels=["stage", "reason"],
        )
        for (stage, reason), count in sorted(self.store.count_quarantine_by_reason().items()):
            by_reason.add_metric([stage, reason], count)
        yield by_reason

    def _spool(self) -> Iterator[Metric]:
        status = getattr(self.store, "spool_status", None)  # only a store that spools has it
        if status is None:
            return
        batches, age = status(now=self.clock())
        yield GaugeMetricFamily(
            "siang_spool_batches",
            "Batches waiting on disk for the store to come back (posts or quarantine records).",
            value=batches,
        )
        yield GaugeMetricFamily(
            "siang_spool_oldest_batch_age_seconds",
            "How long the oldest waiting batch has waited (0 when none waits).",
            value=age or 0.0,
        )

    def _client(self) -> Iterator[Metric]:
        read = getattr(self.store, "transport_counts", None)  # only an Elasticsearch store
        counts = read() if read is not None else None
        if counts is None:
            return
        yield CounterMetricFamily(
            "siang_elasticsearch_requests",
            "Requests this process's Elasticsearch client sent, each once however often tried.",
            value=counts.requests,
        )
        yield CounterMetricFamily(
            "siang_elasticsearch_retries",
            "Attempts after the first: the client retries connection errors, timeouts and "
            "429, 502, 503 and 504 answers.",
            value=counts.retries,
        )
        failures = CounterMetricFamily(
            "siang_elasticsearch_request_failures",
            "Requests that failed after their retries, by kind: timeout, transport (no "
            "connection), rate_limited (429), server_error (5xx).",
            labels=["kind"],
        )
        for kind in FAILURE_KINDS:
            failures.add_metric([kind], counts.failures.get(kind, 0))
        yield failures


@router.get(
    "/metrics",
    tags=["meta"],
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format."}},
)
def metrics(request: Request, store: StoreDep) -> Response:
    """Prometheus metrics: HTTP requests, sources, pipeline stages, quarantine, spool and the
    Elasticsearch client."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store))
    body = generate_latest(registry)
    served: CollectorRegistry | None = getattr(request.app.state, "metrics_registry", None)
    if served is not None:  # an app built without ``instrument`` has none
        body += generate_latest(served)
    return Response(body, media_type=CONTENT_TYPE)


__all__ = ["StoreCollector", "instrument", "router"]
