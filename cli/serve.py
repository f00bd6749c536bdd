"""``siang serve``: the query API and dashboard over HTTP, and the port check before it."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import ConfigOption, settings_from
from domain.settings import Settings

HostOption = Annotated[str | None, typer.Option(help="Bind address (default from config).")]
PortOption = Annotated[int | None, typer.Option(help="Port (default from config).")]


def serve(config: ConfigOption = None, host: HostOption = None, port: PortOption = None) -> None:
    """Serve the query API on the configured store."""
    settings = settings_from(config)
    check_port_free(host or settings.api.host, port or settings.api.port)
    serve_api(settings, host=host, port=port)


def check_port_free(host: str, port: int) -> None:
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


def serve_api(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Run the API under uvicorn until stopped (host and port default to ``api.*``)."""
    import uvicorn

    from api.app import create_app

    bind, number = host or settings.api.host, port or settings.api.port
    typer.echo(f"serving the API on http://{bind}:{number} (docs at /docs); Ctrl+C to stop")
    # log_config=None: uvicorn's loggers go through Siang's handler (format, privacy filter)
    uvicorn.run(create_app(settings), host=bind, port=number, log_config=None)


__all__ = ["HostOption", "PortOption", "check_port_free", "serve", "serve_api"]
