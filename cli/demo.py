"""``siang demo``: every stage on the bundled sample, a summary, then the API and dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import ConfigOption, exit_on_error, opened_store, settings_from
from cli.serve import HostOption, PortOption, check_port_free, serve_api
from domain.models import BANGKOK_TZ
from domain.settings import Settings

if TYPE_CHECKING:
    from pipeline.jobs import PipelineSummary


def demo(
    config: ConfigOption = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API afterwards.")
    ] = True,
    sample_dir: Annotated[
        Path | None, typer.Option(help="Folder with posts.jsonl and complaints.jsonl.")
    ] = None,
    host: HostOption = None,
    port: PortOption = None,
) -> None:
    """Run the whole pipeline on the bundled synthetic sample, print a summary, serve the API."""
    settings = settings_from(config)
    bind, number = host or settings.api.host, port or settings.api.port
    if serve:
        check_port_free(bind, number)  # before the pipeline's minute, not after it
    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline

    folder = sample_dir or settings.demo.sample_dir
    with exit_on_error(), opened_store(settings) as store:
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        summary = pipeline.run(posts=folder / "posts.jsonl", complaints=folder / "complaints.jsonl")
    _echo_summary(summary)
    if serve:
        key = _demo_key(settings)
        typer.echo(f"\n  demo API key (admin, shown once): {key}")
        typer.echo(f"  dashboard: http://{bind}:{number}/dashboard")
        serve_api(settings, host=bind, port=number)


def _demo_key(settings: Settings) -> str:
    """A fresh admin key for this demo; the previous demo keys are revoked."""
    from api.access import issue_key, operator, revoke_key

    with exit_on_error(), opened_store(settings) as store:
        for old in store.list_api_keys():
            if old.name == "demo" and old.revoked_at is None:
                revoke_key(store, old.key_id, by=operator())
        return issue_key(store, role="admin", name="demo", by=operator())


def _echo_summary(summary: PipelineSummary) -> None:
    s, ing = summary, summary.ingest
    typer.echo("\nSiang demo summary")
    typer.echo(
        f"  posts:       {s.posts} in store (read {ing.read}: {ing.counts.created} new, "
        f"{ing.counts.updated} updated, {ing.counts.unchanged} unchanged, "
        f"{ing.quarantined} quarantined)"
    )
    for reason in ing.reasons[:10]:
        typer.echo(f"               quarantined {reason}")
    typer.echo(
        f"  complaints:  {s.complaints.total} ({s.complaints.created} new, "
        f"{s.complaints_quarantined} quarantined)"
    )
    typer.echo(f"  enriched:    {s.enriched} posts this run")
    typer.echo(f"  topics:      {len(s.topics)}")
    typer.echo("  emerging:    strongest in the store, seen at (Bangkok time)")
    for e in s.emergences[:5]:
        typer.echo(f"    {e.detected_at.astimezone(BANGKOK_TZ):%Y-%m-%d %H:%M}  {e.reason}")
    typer.echo("  most spiking topics:")
    for topic in s.top_spiking(5):
        best = max(topic.spikes, key=lambda e: e.score, default=None)
        when = (
            f"spike {best.score:.1f} at {best.peak:%Y-%m-%d %H:%M} ({best.observed} vs "
            f"{best.expected:.2f} expected)"
            if best
            else "no spike"
        )
        typer.echo(
            f"    #{topic.topic_id:<3} {topic.label} [{topic.dominant_category.value}, "
            f"{topic.size} posts] {when}"
        )
    typer.echo(f"  campaigns:   {len(s.campaigns)} coordinated (one text from many accounts, or a "
               "few accounts pushing one subject)")  # fmt: skip
    for campaign in s.campaigns[:5]:
        typer.echo(f"    {campaign.start.astimezone(BANGKOK_TZ):%Y-%m-%d %H:%M}  {campaign.reason}")
    typer.echo(f"  links:       {s.links} post↔complaint links")
    typer.echo(f"  follow-ups:  {s.reopen_candidates} resolved complaints the public still reports")
    typer.echo(f"  alerts:      {len(s.alerts)} ({s.alerts_new} new in the outbox)")
    for alert in s.alerts[:8]:
        typer.echo(f"    [{alert.rule}] {alert.subject} at {alert.window_start:%Y-%m-%d %H:%M}")


__all__ = ["demo"]
