"""``siang``: the command-line entry to every stage. ``siang COMMAND --help`` for details."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from domain.errors import ConfigError, SiangError
from domain.logs import configure_logging
from domain.models import BANGKOK_TZ
from domain.settings import Settings, load_settings

app = typer.Typer(
    name="siang",
    help="Siang (เสียง): hear Thai grievances on social media and hand them to those who fix them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="YAML config (default: $SIANG_CONFIG or config/siang.yaml)."
    ),
]
log = logging.getLogger("siang")


def _settings(config: Path | None, **overrides: object) -> Settings:
    configure_logging()
    try:
        settings = load_settings(config, **overrides)
    except ConfigError as exc:
        typer.secho(f"configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    configure_logging(format=settings.logging.format, level=settings.logging.level)
    return settings


def _fail(exc: SiangError) -> typer.Exit:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


@app.command()
def demo(
    config: ConfigOption = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API afterwards.")
    ] = True,
    sample_dir: Annotated[
        Path | None, typer.Option(help="Folder with posts.jsonl and complaints.jsonl.")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default from config).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from config).")] = None,
) -> None:
    """Run the whole pipeline on the bundled synthetic sample, print a summary, serve the API."""
    settings = _settings(config)
    bind, number = host or settings.api.host, port or settings.api.port
    if serve:
        _port_free(bind, number)  # before the pipeline's minute, not after it
    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline
    from storage import open_store

    folder = sample_dir or settings.demo.sample_dir
    store = open_store(settings)
    try:
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        summary = pipeline.run(posts=folder / "posts.jsonl", complaints=folder / "complaints.jsonl")
    except SiangError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    echo_summary(summary)
    if serve:
        key = _demo_key(settings)
        typer.echo(f"\n  demo API key (admin, shown once): {key}")
        typer.echo(f"  dashboard: http://{bind}:{number}/dashboard")
        _serve(settings, host=bind, port=number)


def _demo_key(settings: Settings) -> str:
    """A fresh admin key for this demo; the previous demo keys are revoked."""
    from api.access import issue_key, operator, revoke_key
    from storage import open_store

    store = open_store(settings)
    try:
        for old in store.list_api_keys():
            if old.name == "demo" and old.revoked_at is None:
                revoke_key(store, old.key_id, by=operator())
        return issue_key(store, role="admin", name="demo", by=operator())
    finally:
        store.close()


def echo_summary(summary: object) -> None:
    from pipeline.jobs import PipelineSummary

    assert isinstance(summary, PipelineSummary)
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
    typer.echo(f"  links:       {s.links} post↔complaint links")
    typer.echo(f"  alerts:      {len(s.alerts)} ({s.alerts_new} new in the outbox)")
    for alert in s.alerts[:8]:
        typer.echo(f"    [{alert.rule}] {alert.subject} at {alert.window_start:%Y-%m-%d %H:%M}")


@app.command()
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
    settings = _settings(config)
    from pipeline.jobs import Pipeline
    from storage import open_store

    store = open_store(settings)
    try:
        report = Pipeline(settings, store, None).ingest(input)
    finally:
        store.close()
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


@app.command()
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

    report = enrich_file(_settings(config), input=input, output=output, show_progress=True)
    _batch_echo(report)


@app.command()
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
    settings = _settings(config)
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


@app.command()
def trends(
    posts: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Posts JSON lines.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="Spikes JSON lines.")
    ],
    config: ConfigOption = None,
) -> None:
    """Every emerging grievance over the file's whole history, as it would have been seen at
    the time (each hour judged only from earlier posts), strongest first."""
    settings = _settings(config)
    from enrich.embeddings import build_embedder
    from pipeline.batch import trends_file

    try:
        report = trends_file(
            settings,
            build_embedder(settings.models.embedder),
            posts=posts,
            output=output,
            show_progress=True,
        )
    except SiangError as exc:
        raise _fail(exc) from exc
    _batch_echo(report)


@app.command("collect")
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
    settings = _settings(config)
    import time

    from crawlers.jobs import Collection
    from crawlers.shutdown import Shutdown, stop_on_signals
    from storage import open_store

    store = open_store(settings)
    try:
        with stop_on_signals():
            collection = Collection(settings, store)
            while True:
                try:
                    runs = collection.run(source or ())
                except SiangError as exc:
                    raise _fail(exc) from exc
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
    finally:
        store.close()


@app.command("topics")
def topics_command(
    config: ConfigOption = None,
    refit: Annotated[
        bool, typer.Option(help="Refit every post instead of updating with the new ones.")
    ] = False,
) -> None:
    """Update the topics in the configured store and show what changed and what spikes."""
    settings = _settings(config)
    from pipeline.jobs import Pipeline
    from storage import open_store

    store = open_store(settings)
    try:
        report = Pipeline(settings, store, None).topics(refit=refit)
    except SiangError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
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


@app.command("run")
def run_pipeline(
    config: ConfigOption = None,
    every: Annotated[
        float | None, typer.Option(help="Repeat every N minutes (default: once).")
    ] = None,
) -> None:
    """Run the stages over the configured store: enrich pending posts, topics, links, alerts."""
    settings = _settings(config)
    import time

    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline
    from storage import open_store

    store = open_store(settings)
    pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
    try:
        while True:
            try:
                enriched = pipeline.enrich()
                trends = pipeline.topics()
                links = pipeline.link()
                new_alerts, _ = pipeline.alerts(trends)
                log.info(
                    "run: %d enriched, %d topics, %d links, %d new alerts",
                    enriched,
                    len(trends.topics),
                    links,
                    new_alerts,
                )
            except SiangError as exc:
                if every is None:
                    raise _fail(exc) from exc
                log.error("run failed, retrying in %.0f minutes: %s", every, exc)
            if every is None:
                return
            time.sleep(every * 60)
    finally:
        store.close()


@app.command()
def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default from config).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from config).")] = None,
) -> None:
    """Serve the query API on the configured store."""
    settings = _settings(config)
    _port_free(host or settings.api.host, port or settings.api.port)
    _serve(settings, host=host, port=port)


@app.command()
def schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the JSON Schema.")
    ] = Path("domain/schema.json"),
) -> None:
    """Export the domain model as JSON Schema."""
    from domain.schema import write_schema

    typer.echo(f"wrote {write_schema(output)}")


complaints_app = typer.Typer(
    help="Formal complaints: 1111 exports and Traffy Fondue.", no_args_is_help=True
)
app.add_typer(complaints_app, name="complaints")


@complaints_app.command("import")
def complaints_import(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="A 1111 export: .csv, .json or .jsonl."),
    ],
    config: ConfigOption = None,
) -> None:
    """Import a 1111 export (columns mapped by complaints.export in config); bad rows are
    quarantined with their reason, re-importing the same file changes nothing."""
    settings = _settings(config)
    from complaints.exports import read_export
    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline
    from storage import open_store

    store = open_store(settings)
    try:
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        report = pipeline.import_complaints(read_export(file), source=str(file))
    except SiangError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    _complaints_echo(report)


@complaints_app.command("traffy")
def complaints_traffy(
    config: ConfigOption = None,
    duration: Annotated[
        str | None, typer.Option(help="today, 3days or all (default: complaints.traffy).")
    ] = None,
) -> None:
    """Pull issues (with their status timelines) from Traffy Fondue's Exchange API."""
    settings = _settings(config)
    import asyncio
    from datetime import datetime

    from complaints.traffy import TraffyClient, fetch_complaints
    from domain.models import Complaint
    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline
    from storage import open_store

    traffy = settings.complaints.traffy
    if duration is not None:
        traffy = traffy.model_copy(update={"duration": duration})

    async def pull(
        known: dict[str, datetime | None],
    ) -> tuple[list[Complaint], list[tuple[dict[str, Any], str]]]:
        async with TraffyClient(traffy, settings.credentials, settings.collect) as client:
            return await fetch_complaints(client, traffy, known=known)

    store = open_store(settings)
    try:
        known = {
            c.complaint_id: c.updated_at for c in store.iter_complaints() if c.source == "traffy"
        }
        complaints, rejected = asyncio.run(pull(known))
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        report = pipeline.add_complaints(complaints, rejected, source="traffy")
    except SiangError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    _complaints_echo(report)


def _complaints_echo(report: object) -> None:
    from complaints.service import ImportReport

    assert isinstance(report, ImportReport)
    c = report.counts
    typer.echo(
        f"complaints: {report.read} read, {c.created} new, {c.updated} updated, "
        f"{c.unchanged} unchanged, {report.status_changes} status changes, "
        f"{report.quarantined} quarantined"
    )
    for reason in report.reasons[:10]:
        typer.echo(f"  quarantined: {reason}")


alerts_app = typer.Typer(help="Alert mail: send what is due.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("send")
def alerts_send(config: ConfigOption = None) -> None:
    """Mail the pending alerts that are due (quiet hours and digests respected) over SMTP;
    a failure leaves them pending for the next run. Exit 1 if a mail failed."""
    from datetime import UTC, datetime

    from alerts.delivery import send_pending
    from storage import open_store

    settings = _settings(config)
    store = open_store(settings)
    try:
        report = send_pending(store, settings, now=datetime.now(UTC))
    except SiangError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    typer.echo(
        f"alerts: {report.mails} mails, {report.sent} sent, {report.held} held, "
        f"{report.suppressed} suppressed, {report.failed} failed"
    )
    for error in report.errors[:10]:
        typer.secho(f"  {error}", fg=typer.colors.RED, err=True)
    if not report.ok:
        raise typer.Exit(1)


keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[
        str,
        typer.Option(help="viewer, analyst, officer or admin (each may what the ones before may)."),
    ],
    name: Annotated[str, typer.Option(help="Who holds the key (shown in the audit log).")],
    rate: Annotated[
        int | None, typer.Option(help="Requests per minute (default: api.rate_per_minute).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Create an API key and print it once; only its hash is stored."""
    from api.access import issue_key, operator
    from domain.models import ROLES
    from storage import open_store

    if role not in ROLES:
        typer.secho(
            f"error: --role must be one of {', '.join(ROLES)}", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(2)
    settings = _settings(config)
    store = open_store(settings)
    try:
        key = issue_key(store, role=role, name=name, rate_per_minute=rate, by=operator())
    finally:
        store.close()
    typer.echo(key)
    typer.echo(f"{role} key for {name}: keep it now, it cannot be shown again", err=True)


@keys_app.command("list")
def keys_list(config: ConfigOption = None) -> None:
    """Every key: id, role, holder, created and revoked (never the secret)."""
    from storage import open_store

    store = open_store(_settings(config))
    try:
        for key in store.list_api_keys():
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "live"
            typer.echo(
                f"{key.key_id}  {key.role:<8} {key.name:<24} {key.created_at:%Y-%m-%d}  {state}"
            )
    finally:
        store.close()


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The id shown by `siang keys list`.")],
    config: ConfigOption = None,
) -> None:
    """Revoke a key at once."""
    from api.access import operator, revoke_key
    from storage import open_store

    store = open_store(_settings(config))
    try:
        revoked = revoke_key(store, key_id, by=operator())
    finally:
        store.close()
    if revoked is None:
        typer.secho(f"error: no key {key_id}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id} ({revoked.name})")


es_app = typer.Typer(help="Elasticsearch: index templates and status.", no_args_is_help=True)
app.add_typer(es_app, name="es")


@es_app.command("setup")
def es_setup(config: ConfigOption = None) -> None:
    """Install or upgrade Siang's index templates (idempotent) and report what changed."""
    settings = _settings(config)
    from enrich.embeddings import build_embedder
    from storage import elasticsearch_client
    from storage.templates import install_templates

    es = settings.elasticsearch
    client = elasticsearch_client(settings)
    dims = build_embedder(settings.models.embedder).dimension
    try:
        report = install_templates(
            client, prefix=es.index_prefix, dims=dims, vector_index=es.vector_index
        )
    except Exception as exc:
        typer.secho(
            f"error: cannot install templates on {es.hosts}: {exc}", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(1) from exc
    finally:
        client.close()
    for label, names in (
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("extended", report.extended),  # indices given the fields their template gained
    ):
        typer.echo(f"{label:>9}: {', '.join(names) if names else '-'}")


store_app = typer.Typer(help="The store: replay what an outage spooled.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("replay")
def store_replay(config: ConfigOption = None) -> None:
    """Write the posts and quarantine records spooled while the store was down.

    Every command replays when it opens the store; this one only replays, and exits 1 while
    the store is still unavailable (nothing is lost: the spool stays).
    """
    settings = _settings(config)
    from domain.errors import StoreUnavailable
    from storage import open_store
    from storage.spool import SpoolingStore

    store = open_store(settings)  # opening replays
    try:
        if not isinstance(store, SpoolingStore):
            typer.echo(f"the {settings.store.backend} store writes directly: nothing to replay")
            return
        try:
            counts = store.replay()
        except StoreUnavailable as exc:
            typer.secho(f"error: the store is still unavailable: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(
            f"replayed: {counts.created} new, {counts.updated} updated, {counts.unchanged} "
            f"unchanged, {counts.refused} refused (quarantined); waiting: {store.pending()} posts"
        )
    finally:
        store.close()


@app.command("config")
def show_config(
    config: ConfigOption = None,
    environment: Annotated[
        bool, typer.Option(help="Print the environment variables a deployer sets, as a table.")
    ] = False,
) -> None:
    """Validate the configuration and print it (secrets masked)."""
    if environment:
        from domain.environment import environment_table

        typer.echo(environment_table(), nl=False)
        return
    settings = _settings(config)
    typer.echo(settings.model_dump_json(indent=2))


def _batch_echo(report: object) -> None:
    from pipeline.batch import BatchReport

    assert isinstance(report, BatchReport)
    typer.echo(
        f"read {report.read} lines, wrote {report.written}, quarantined {report.quarantined}"
        + (f" (see {report.quarantine_path})" if report.quarantine_path else "")
    )
    if report.read == report.quarantined:  # nothing (or nothing usable) was read
        raise typer.Exit(1)


def _port_free(host: str, port: int) -> None:
    """Fail at once, naming the way out, when something already listens on host:port."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            typer.secho(
                f"error: cannot serve on {host}:{port} ({exc.strerror}); choose another with "
                "--port or SIANG_API__PORT",
                fg=typer.colors.RED,
                err=True,
            )
            raise typer.Exit(1) from exc


def _serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from api.app import create_app

    bind, number = host or settings.api.host, port or settings.api.port
    typer.echo(f"serving the API on http://{bind}:{number} (docs at /docs); Ctrl+C to stop")
    # log_config=None: uvicorn's loggers go through Siang's handler (format, privacy filter)
    uvicorn.run(create_app(settings), host=bind, port=number, log_config=None)


if __name__ == "__main__":
    app()
