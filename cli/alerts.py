"""``siang alerts``: mail the alerts that are due."""

from __future__ import annotations

import typer

from cli.app import ConfigOption, exit_on_error, opened_store, settings_from

alerts_app = typer.Typer(help="Alert mail: send what is due.", no_args_is_help=True)


@alerts_app.command("send")
def alerts_send(config: ConfigOption = None) -> None:
    """Mail the pending alerts that are due (quiet hours and digests respected) over SMTP;
    a failure leaves them pending for the next run. Exit 1 if a mail failed."""
    from datetime import UTC, datetime

    from alerts.delivery import send_pending

    settings = settings_from(config)
    with exit_on_error(), opened_store(settings) as store:
        report = send_pending(store, settings, now=datetime.now(UTC))
    typer.echo(
        f"alerts: {report.mails} mails, {report.sent} sent, {report.held} held, "
        f"{report.suppressed} suppressed, {report.failed} failed"
    )
    for error in report.errors[:10]:
        typer.secho(f"  {error}", fg=typer.colors.RED, err=True)
    if not report.ok:
        raise typer.Exit(1)


__all__ = ["alerts_app", "alerts_send"]
