"""``siang es``: install Siang's index templates on the configured Elasticsearch."""

from __future__ import annotations

import typer

from cli.app import ConfigOption, settings_from

es_app = typer.Typer(help="Elasticsearch: index templates and status.", no_args_is_help=True)


@es_app.command("setup")
def es_setup(config: ConfigOption = None) -> None:
    """Install or upgrade Siang's index templates (idempotent) and report what changed."""
    settings = settings_from(config)
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


__all__ = ["es_app", "es_setup"]
