"""What every ``siang`` command stands on: the root app, ``--config``, settings, the store.

The commands live in one module per group and are attached to :data:`app` in
:mod:`cli.main`, which is the entry point. Only light modules are imported here: the store,
the models and the web server are imported inside the functions that need them, so that
``siang --help`` starts fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from domain.errors import ConfigError, SiangError
from domain.logs import configure_logging
from domain.settings import Settings, load_settings

if TYPE_CHECKING:
    from storage.base import Store

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


def settings_from(config: Path | None) -> Settings:
    """The validated settings, with logging configured as they say.

    Raises:
        typer.Exit: code 2, after naming the bad key, when the configuration is invalid.
    """
    configure_logging()
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        typer.secho(f"configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    configure_logging(format=settings.logging.format, level=settings.logging.level)
    return settings


def fail(exc: SiangError) -> typer.Exit:
    """Print ``error: …`` to stderr and return the exit (code 1) for the caller to raise."""
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


@contextmanager
def exit_on_error() -> Iterator[None]:
    """Turn a :class:`SiangError` raised in the block into ``error: …`` and exit code 1."""
    try:
        yield
    except SiangError as exc:
        raise fail(exc) from exc


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The configured store, closed when the block ends, however it ends.

    Opening replays what an outage spooled (see ``siang store replay``). Commands open it as
    ``with exit_on_error(), opened_store(settings) as store:``, so an error while opening or
    in the block is reported as ``error: …`` (exit 1) after the store is closed.
    """
    from storage import open_store

    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


__all__ = ["ConfigOption", "app", "exit_on_error", "fail", "opened_store", "settings_from"]
