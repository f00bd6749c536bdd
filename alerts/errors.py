"""Errors of the alerts stage, under :class:`domain.errors.SiangError`."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import SiangError


class AlertError(SiangError):
    """The alerts stage could not do what it was asked."""


class DeliveryError(AlertError):
    """The mail server could not be reached, or refused a message; nothing was marked sent.

    ``code`` is the server's SMTP reply code when it gave one. ``connection`` is True when
    the server itself is unusable (unreachable, TLS or login failed, hung up), so further
    mail in the same run would fail the same way; False when only this message was refused.
    """

    def __init__(
        self,
        message: str,
        *,
        host: str,
        port: int,
        recipients: Sequence[str] = (),
        code: int | None = None,
        connection: bool = False,
    ) -> None:
        super().__init__(message)
        self.host = host
        self.port = port
        self.recipients = list(recipients)
        self.code = code
        self.connection = connection


__all__ = ["AlertError", "DeliveryError"]
