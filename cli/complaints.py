"""``siang complaints``: formal complaints from 1111 exports and from Traffy Fondue, their
follow-up (``track``) and the centre's satisfaction-survey results (``surveys``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import ConfigOption, exit_on_error, opened_store, settings_from

if TYPE_CHECKING:
    from complaints.service import ImportReport

complaints_app = typer.Typer(
    help="Formal complaints: 1111 exports and Traffy Fondue.", no_args_is_help=True
)


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
    settings = settings_from(config)
    from complaints.exports import read_export
    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline

    with exit_on_error(), opened_store(settings) as store:
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        report = pipeline.import_complaints(read_export(file), source=str(file))
    _complaints_echo(report)


@complaints_app.command("traffy")
def complaints_traffy(
    config: ConfigOption = None,
    duration: Annotated[
        str | None, typer.Option(help="today, 3days or all (default: complaints.traffy).")
    ] = None,
) -> None:
    """Pull issues (with their status timelines) from Traffy Fondue's Exchange API."""
    settings = settings_from(config)
    import asyncio
    from datetime import datetime

    from complaints.traffy import TraffyClient, fetch_complaints
    from domain.models import Complaint
    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline

    traffy = settings.complaints.traffy
    if duration is not None:
        traffy = traffy.model_copy(update={"duration": duration})

    async def pull(
        known: dict[str, datetime | None],
    ) -> tuple[list[Complaint], list[tuple[dict[str, Any], str]]]:
        async with TraffyClient(traffy, settings.credentials, settings.collect) as client:
            return await fetch_complaints(client, traffy, known=known)

    with exit_on_error(), opened_store(settings) as store:
        known = {
            c.complaint_id: c.updated_at for c in store.iter_complaints() if c.source == "traffy"
        }
        complaints, rejected = asyncio.run(pull(known))
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        report = pipeline.add_complaints(complaints, rejected, source="traffy")
    _complaints_echo(report)


@complaints_app.command("track")
def complaints_track(
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option(min=0, help="Reopen candidates to list.")] = 20,
) -> None:
    """Follow every resolved complaint in the store: what the public said after the fix
    (satisfaction signal), and which cases it still reports (reopen candidates)."""
    settings = settings_from(config)
    from domain.models import BANGKOK_TZ
    from enrich.embeddings import build_embedder
    from pipeline.jobs import Pipeline
    from storage.base import FollowUpQuery

    with exit_on_error(), opened_store(settings) as store:
        pipeline = Pipeline(settings, store, build_embedder(settings.models.embedder))
        candidates = pipeline.track()
        total, _ = store.search_follow_ups(FollowUpQuery(), limit=0)
        _, listed = store.search_follow_ups(FollowUpQuery(reopen_only=True), limit=limit)
    typer.echo(f"resolved complaints followed: {total}, reopen candidates: {candidates}")
    for f in listed:
        resolved = f.resolved_at.astimezone(BANGKOK_TZ)
        typer.echo(
            f"  {f.complaint_id}  resolved {resolved:%Y-%m-%d}  {f.province or '-'}  "
            f"{f.agency or '-'}  still reported in {len(f.still_broken)} posts, "
            f"fixed in {len(f.fixed)}; public: {f.satisfaction.label}"
        )


@complaints_app.command("surveys")
def complaints_surveys(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="Survey results, CSV: complaint_id, score (1-5), optional comment, answered_at.",
        ),
    ],
    config: ConfigOption = None,
) -> None:
    """Import satisfaction-survey results (README, "Survey results"). Comments are redacted
    of personal data, refused rows quarantined with the reason, one answer per complaint;
    importing the same file again changes nothing. Exits 1 when no row could be used."""
    settings = settings_from(config)
    from datetime import UTC, datetime

    from complaints.surveys import import_surveys

    with exit_on_error(), opened_store(settings) as store:
        report = import_surveys(store, file.read_bytes(), source=str(file), now=datetime.now(UTC))
    c = report.counts
    typer.echo(
        f"survey answers: {report.read} read, {c.created} new, {c.updated} updated, "
        f"{c.unchanged} unchanged, {report.quarantined} quarantined, "
        f"{report.unknown_complaints} about complaints not in the store"
    )
    for reason in report.reasons[:10]:
        typer.echo(f"  quarantined: {reason}")
    if report.accepted == 0:
        typer.echo("error: no survey answer could be used", err=True)
        raise typer.Exit(1)


def _complaints_echo(report: ImportReport) -> None:
    c = report.counts
    typer.echo(
        f"complaints: {report.read} read, {c.created} new, {c.updated} updated, "
        f"{c.unchanged} unchanged, {report.status_changes} status changes, "
        f"{report.quarantined} quarantined"
    )
    for reason in report.reasons[:10]:
        typer.echo(f"  quarantined: {reason}")


__all__ = ["complaints_app", "complaints_import", "complaints_surveys", "complaints_traffy"]
