"""``siang config`` and ``siang schema``: the configuration and the domain model, printed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import ConfigOption, settings_from


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
    settings = settings_from(config)
    typer.echo(settings.model_dump_json(indent=2))


def schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the JSON Schema.")
    ] = Path("domain/schema.json"),
) -> None:
    """Export the domain model as JSON Schema."""
    from domain.schema import write_schema

    typer.echo(f"wrote {write_schema(output)}")


__all__ = ["schema", "show_config"]
