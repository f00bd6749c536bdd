"""The pipeline's stages from the command line.

File to file (``enrich``, ``link``, ``trends``) and over the configured store (``ingest``,
``collect``, ``topics``, ``run``).
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import ConfigOption, exit_on_error, fail, opened_store, settings_from
from domain.errors import SiangError
from domain.models import BANGKOK_TZ

if TYPE_CHECKING:
    from pipeline.batch import BatchReport

log = logging.getLogger("siang")


def ingest(
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            "-i",
            exists=True,
            dir_okay=False,
            help="Raw posts, one JSON object per line.",
        ),
    ],
    config: ConfigOption = None,
) -> None:
    """Validate, redact and store raw posts (malformed lines are quarantined).

    Exits 1 when nothing could be accepted (every line quarantined, or none read) or when
    the store refused a post; posts spooled during an outage count as accepted.
    """
    settings = settings_from(config)
    from pipeline.jobs import Pipeline

    with exit_on_error(), opened_store(settings) as store:
        report = Pipeline(settings, store, None).ingest(input)
    counts = report.counts
    written = counts.created + counts.updated + counts.unchanged
    typer.echo(
        f"read {report.read}: written {written} ({counts.created} new, {counts.updated} "
        f"updated, {counts.unchanged} unchanged), quarantined {report.quarantined}, "
        f"spooled {counts.spooled}"
        + (f", refused by the store {counts.refused}" if counts.refused else "")
    )
    if counts.refused or not report.accepted:
        raise typer.Exit(1)


def enrich(
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            "-i",
            exists=True,
            dir_okay=False,
            help="JSON lines with post_id, platform, created_at, text.",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="Enriched JSON lines.")
    ],
    config: ConfigOption = None,
) -> None:
    """Enrich posts file-to-file: tokens, sentiment, places, category, agency, redaction."""
    from pipeline.batch import enrich_file

    report = enrich_file(settings_from(config), input=input, output=output, show_progress=True)
    _batch_echo(report)


def link(
    complaints: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Complaints JSON lines.")
    ],
    posts: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Posts JSON lines.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="Links JSON lines.")
    ],
    config: ConfigOption = None,
) -> None:
    """Propose post↔complaint links with scores and explanations, best first per post."""
    settings = settings_from(config)
    from enrich.embeddings import build_embedder
    from pipeline.batch import link_file

    report = link_file(
        settings,
        build_embedder(settings.models.embedder),
        complaints=complaints,
        posts=posts,
        output=output,
        show_progress=True,
    )
    _batch_echo(report)


def trends(
    posts: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Posts JSON lines.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="Spikes JSON lines.")
    ],
    config: ConfigOption = None,
) -> None:
    """Every emerging grievance over the file's whole history, as it would have been seen at
    the time (each hour judged only from earlier posts), strongest first."""
    settings = settings_from(config)
    from enrich.embeddings import build_embedder
    from pipeline.batch import trends_file

    with exit_on_error():
        report = trends_file(
            settings,
            build_embedder(settings.models.embedder),
            posts=posts,
            output=output,
            show_progress=True,
        )
    _batch_echo(report)


def collect_command(
    config: ConfigOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    schedule: Annotated[
        bool, typer.Option(help="Keep running every `collect.every_minutes` minutes.")
    ] = False,
) -> None:
    """Collect from the configured sources into the store (once, or on a schedule).

    Exits 1 when any source failed, and 143 (SIGTERM) or 130 (SIGINT) when stopped: what
    was fetched before the stop is stored first, and the next run resumes from there.
    """
    settings = settings_from(config)
    import time

    from crawlers.jobs import Collection
    from crawlers.shutdown import Shutdown, stop_on_signals

    with exit_on_error(), opened_store(settings) as store:
        try:
            with stop_on_signals():
                collection = Collection(settings, store)
                while True:
                    with exit_on_error():
                        runs = collection.run(source or ())
                    for run in runs:
                        state = f"FAILED ({run.error})" if run.error else "ok"
                        typer.echo(
                            f"{run.source:<24} fetched {run.fetched:>6}  new {run.new:>6}  "
                            f"duplicate {run.duplicate:>6}  quarantined {run.quarantined:>4}  "
                            f"failed {run.failed:>3}  {state}"
                        )
                    if not schedule:
                        if any(r.error for r in runs):
                            raise typer.Exit(1)
                        return
                    time.sleep(settings.collect.every_minutes * 60)
        except Shutdown as stop:
            typer.secho(f"collect: {stop}; what was fetched is stored", err=True)
            raise typer.Exit(stop.exit_code) from None


def topics_command(
    config: ConfigOption = None,
    refit: Annotated[
        bool, typer.Option(help="Refit every post instead of updating with the new ones.")
    ] = False,
) -> None:
    """Update the topics in the configured store and show what changed and what spikes."""
    settings = settings_from(config)
    from pipeline.jobs import Pipeline

    with exit_on_error(), opened_store(settings) as store:
        report = Pipeline(settings, store, None).topics(refit=refit)
    live = [t for t in report.topics if t.status != "merged"]
    kinds = Counter(e.kind for e in report.events)
    typer.echo(
        f"topics: {report.mode}, {report.windows} window(s), {len(live)} live, "
        f"{len(report.topics) - len(live)} merged, {report.outliers} posts unplaced; "
        f"events: {dict(sorted(kinds.items())) or 'none'}"
    )
    for topic in sorted(live, key=lambda t: (-t.spike_score, t.topic_id))[:10]:
        typer.echo(
            f"  {topic.topic_id:>4}  {topic.status:<8} spike {topic.spike_score:>6.1f}  "
            f"{topic.size:>5} posts  {topic.label}"
        )
    typer.echo(f"emerging this run: {len(report.emergences)} (Bangkok time)")
    for e in report.emergences[:10]:
        typer.echo(f"  {e.detected_at.astimezone(BANGKOK_TZ):%Y-%m-%d %H:%M}  {e.reason}")


def campaigns_command(
    config: ConfigOption = None,
    sources: Annotated[
        bool, typer.Option("--sources/--no-sources", help="Also profile every source.")
    ] = True,
) -> None:
    """Cluster near-duplicate posts, flag coordinated campaigns and profile the sources in
    the configured store; show the campaigns and the sources with the widest reach."""
    settings = settings_from(config)
    from pipeline.jobs import Pipeline

    with exit_on_error(), opened_store(settings) as store:
        pipeline = Pipeline(settings, store, None)
        clusters = pipeline.clusters()
        report = pipeline.campaigns()
        profiled = pipeline.sources() if sources else []
    typer.echo(
        f"clusters: {clusters.posts} posts, {clusters.copied} in copied texts "
        f"({clusters.changed} changed); campaigns: {len(report.campaigns)} "
        f"({report.posts_marked} posts marked)"
    )
    for campaign in report.campaigns[-10:]:
        typer.echo(
            f"  {campaign.start.astimezone(BANGKOK_TZ):%Y-%m-%d %H:%M}  {campaign.kind:<12} "
            f"{campaign.reason}"
        )
    if profiled:
        typer.echo(f"sources: {len(profiled)}; widest reach:")
        for source in profiled[:5]:
            rate = "–" if source.link_rate is None else f"{source.link_rate:.0%}"
            typer.echo(
                f"  {source.kind:<10} {source.name[:30]:<30} reach {source.reach:>8}  "
                f"grievances {source.grievances:>4}  linked {rate}"
            )


def run_pipeline(
    config: ConfigOption = None,
    every: Annotated[
        float | None, typer.Option(help="Repeat every N minutes (default: once).")
    ] = None,
) -> None:
    """Run the stages over the configured store: enrich pending posts, topics, links, alerts."""
    settings = settings_from(config)
    import time

    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline

    with exit_on_error(), opened_store(settings) as store:
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        while True:
            try:
                enriched = pipeline.enrich()
                pipeline.clusters()
                trends = pipeline.topics()
                campaigns = pipeline.campaigns()
                links = pipeline.link()
                reopen = pipeline.track()
                pipeline.sources()
                new_alerts, _ = pipeline.alerts(trends)
                log.info(
                    "run: %d enriched, %d topics, %d campaigns, %d links, %d reopen candidates,"
                    " %d new alerts",
                    enriched,
                    len(trends.topics),
                    len(campaigns.campaigns),
                    links,
                    reopen,
                    new_alerts,
                )
            except SiangError as exc:
                if every is None:
                    raise fail(exc) from exc
                log.error("run failed, retrying in %.0f minutes: %s", every, exc)
            if every is None:
                return
            time.sleep(every * 60)


def _batch_echo(report: BatchReport) -> None:
    """One summary line; exit 1 when nothing (or nothing usable) was read."""
    typer.echo(
        f"read {report.read} lines, wrote {report.written}, quarantined {report.quarantined}"
        + (f" (see {report.quarantine_path})" if report.quarantine_path else "")
    )
    if report.read == report.quarantined:  # nothing (or nothing usable) was read
        raise typer.Exit(1)


__all__ = [
    "campaigns_command",
    "collect_command",
    "enrich",
    "ingest",
    "link",
    "run_pipeline",
    "topics_command",
    "trends",
]
