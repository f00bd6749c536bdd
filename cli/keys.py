"""``siang keys``: create, list and revoke API keys."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import ConfigOption, exit_on_error, opened_store, settings_from

keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)


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

    if role not in ROLES:
        typer.secho(
            f"error: --role must be one of {', '.join(ROLES)}", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(2)
    with exit_on_error(), opened_store(settings_from(config)) as store:
        key = issue_key(store, role=role, name=name, rate_per_minute=rate, by=operator())
    typer.echo(key)
    typer.echo(f"{role} key for {name}: keep it now, it cannot be shown again", err=True)


@keys_app.command("list")
def keys_list(config: ConfigOption = None) -> None:
    """Every key: id, role, holder, created and revoked (never the secret)."""
    with exit_on_error(), opened_store(settings_from(config)) as store:
        for key in store.list_api_keys():
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "live"
            typer.echo(
                f"{key.key_id}  {key.role:<8} {key.name:<24} {key.created_at:%Y-%m-%d}  {state}"
            )


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The id shown by `siang keys list`.")],
    config: ConfigOption = None,
) -> None:
    """Revoke a key at once."""
    from api.access import operator, revoke_key

    with exit_on_error(), opened_store(settings_from(config)) as store:
        revoked = revoke_key(store, key_id, by=operator())
    if revoked is None:
        typer.secho(f"error: no key {key_id}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id} ({revoked.name})")


__all__ = ["keys_app", "keys_create", "keys_list", "keys_revoke"]
