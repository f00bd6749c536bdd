"""``siang store``: replay what an outage spooled."""

from __future__ import annotations

import typer

from cli.app import ConfigOption, exit_on_error, opened_store, settings_from

store_app = typer.Typer(help="The store: replay what an outage spooled.", no_args_is_help=True)


@store_app.command("replay")
def store_replay(config: ConfigOption = None) -> None:
    """Write the posts and quarantine records spooled while the store was down.

    Every command replays when it opens the store; this one only replays, and exits 1 while
    the store is still unavailable (nothing is lost: the spool stays).
    """
    settings = settings_from(config)
    from domain.errors import StoreUnavailable
    from storage.spool import SpoolingStore

    with exit_on_error(), opened_store(settings) as store:  # opening replays
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


__all__ = ["store_app", "store_replay"]
