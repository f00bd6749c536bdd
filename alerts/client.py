"""Outbound mail: the ``Notifier`` protocol and its SMTP implementation.

``SmtpNotifier`` opens one connection on the first message and reuses it until ``close``;
STARTTLS (verified against ``smtp.ca_certs`` or the system's CAs) and login are optional.
Every ``smtplib`` and socket error leaves as :class:`DeliveryError`, chained.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Protocol

from alerts.errors import DeliveryError
from domain.settings import SmtpSettings


class Notifier(Protocol):
    """Delivers one message; returns the recipients the server refused (address → reply)."""

    def send(self, message: EmailMessage, *, recipients: Sequence[str]) -> dict[str, str]:
        """Raises :class:`DeliveryError` unless the server accepted the message."""
        ...

    def close(self) -> None: ...


class SmtpNotifier:
    """``Notifier`` over ``smtplib`` with optional STARTTLS and login."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    @property
    def sender(self) -> str:
        """The envelope sender: the address part of ``smtp.sender``."""
        return parseaddr(self.settings.sender)[1]

    def send(self, message: EmailMessage, *, recipients: Sequence[str]) -> dict[str, str]:
        smtp = self._connection()
        try:
            refused = smtp.send_message(message, from_addr=self.sender, to_addrs=list(recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            replies = {rcpt: _reply(code, text) for rcpt, (code, text) in exc.recipients.items()}
            raise self._error(
                f"every recipient refused: {replies}", recipients, code=_first_code(exc)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # Sender or message refused (MAIL FROM / DATA); the connection stays usable
            # unless the server said it is closing it (421).
            closing = exc.smtp_code == 421
            if closing:
                self._drop()
            raise self._error(
                f"message refused: {_reply(exc.smtp_code, exc.smtp_error)}",
                recipients,
                code=exc.smtp_code,
                connection=closing,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise self._error(f"connection lost: {exc}", recipients, connection=True) from exc
        return {rcpt: _reply(code, text) for rcpt, (code, text) in refused.items()}

    def close(self) -> None:
        if self._smtp is not None:
            # The server may already have hung up; nothing is pending on our side.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        cfg = self.settings
        smtp: smtplib.SMTP | None = None
        stage = "cannot connect"
        try:
            # The host goes to the constructor: STARTTLS verifies the certificate against it.
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_s)
            smtp.ehlo_or_helo_if_needed()
            if cfg.starttls:
                stage = "STARTTLS failed (smtp.starttls, smtp.ca_certs)"
                context = ssl.create_default_context(
                    cafile=str(cfg.ca_certs) if cfg.ca_certs else None
                )
                smtp.starttls(context=context)
                smtp.ehlo()
            if cfg.username:
                stage = f"login as {cfg.username!r} failed (smtp.username, SIANG_SMTP__PASSWORD)"
                password = cfg.password.get_secret_value() if cfg.password else ""
                smtp.login(cfg.username, password)
        except smtplib.SMTPResponseException as exc:
            _close(smtp)
            raise self._error(
                f"{stage}: {_reply(exc.smtp_code, exc.smtp_error)}",
                (),
                code=exc.smtp_code,
                connection=True,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            # SMTPNotSupportedError (no STARTTLS or AUTH offered), ssl.SSLError, refused
            # connections and timeouts: never fall back to sending in clear.
            _close(smtp)
            raise self._error(f"{stage}: {exc}", (), connection=True) from exc
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def _error(
        self,
        message: str,
        recipients: Sequence[str],
        *,
        code: int | None = None,
        connection: bool = False,
    ) -> DeliveryError:
        where = f"{self.settings.host}:{self.settings.port}"
        return DeliveryError(
            f"SMTP {where}: {message}",
            host=self.settings.host,
            port=self.settings.port,
            recipients=recipients,
            code=code,
            connection=connection,
        )


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        smtp.close()


def _reply(code: int, text: bytes | str) -> str:
    decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {decoded}".strip()


def _first_code(exc: smtplib.SMTPRecipientsRefused) -> int | None:
    return next((code for code, _ in exc.recipients.values()), None)


__all__ = ["Notifier", "SmtpNotifier"]
