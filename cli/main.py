"""``siang``: the command-line entry to every stage. ``siang COMMAND --help`` for details.

This module only assembles: each command lives in the module named for its group and is
attached here, in the order ``siang --help`` has always shown (commands, then groups).
"""

from __future__ import annotations

from cli.alerts import alerts_app
from cli.app import app
from cli.complaints import complaints_app
from cli.config import schema, show_config
from cli.demo import demo
from cli.es import es_app
from cli.keys import keys_app
from cli.pipeline import (
    campaigns_command,
    collect_command,
    enrich,
    ingest,
    link,
    run_pipeline,
    topics_command,
    trends,
)
from cli.serve import serve
from cli.store import store_app

app.command()(demo)
app.command()(ingest)
app.command()(enrich)
app.command()(link)
app.command()(trends)
app.command("collect")(collect_command)
app.command("topics")(topics_command)
app.command("campaigns")(campaigns_command)
app.command("run")(run_pipeline)
app.command()(serve)
app.command()(schema)
app.add_typer(complaints_app, name="complaints")
app.add_typer(alerts_app, name="alerts")
app.add_typer(keys_app, name="keys")
app.add_typer(es_app, name="es")
app.add_typer(store_app, name="store")
app.command("config")(show_config)

__all__ = ["app"]

if __name__ == "__main__":
    app()
