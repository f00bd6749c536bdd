"""STARTTLS and login against aiosmtpd with a self-signed certificate made for the test."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from alerts import AlertEvaluator, send_pending
from storage.embedded import EmbeddedStore
from tests.alerts.conftest import (
    EVENING,
    LABEL,
    SmtpServer,
    mail_settings,
    spike_rule,
    statuses,
)

pytestmark = pytest.mark.integration

PASSWORD = "correct-horse-battery-staple"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost that is its own CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "siang-test-smtp")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.crt", directory / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Logins:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, bool]] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.seen.append((login, password, session.ssl is not None))
        return AuthResult(success=password == PASSWORD, handled=False, auth_data=auth_data)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[SmtpServer, Path, Logins]]:
    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = Logins()
    server = SmtpServer(
        tls_context=context,
        require_starttls=True,
        authenticator=logins,
        auth_require_tls=True,
        auth_required=True,
    )
    server.start()
    yield server, cert, logins
    server.stop()


@pytest.fixture
def store(tmp_path: Path, spiking_store: EmbeddedStore) -> EmbeddedStore:
    found = AlertEvaluator([spike_rule()]).evaluate(topics=spiking_store.list_topics(), posts=[])
    spiking_store.add_alerts(found)
    return spiking_store


def test_starttls_and_login_with_the_password_from_the_environment(
    tmp_path: Path,
    tls_server: tuple[SmtpServer, Path, Logins],
    store: EmbeddedStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, cert, logins = tls_server
    monkeypatch.setenv("SIANG_SMTP__PASSWORD", PASSWORD)
    settings = mail_settings(
        tmp_path,
        server.port,
        [spike_rule()],
        starttls=True,
        ca_certs=str(cert),
        username="siang-mailer",
    )
    assert PASSWORD not in repr(settings)

    report = send_pending(store, settings, now=EVENING)

    assert (report.mails, report.sent, report.failed) == (1, 1, 0), report.errors
    assert logins.seen == [("siang-mailer", PASSWORD, True)]  # logged in only inside TLS
    [received] = server.received
    assert received.tls and received.login == "siang-mailer"
    assert LABEL in received.message["Subject"]
    assert list(statuses(store).values()) == ["sent"]


def test_a_wrong_password_fails_clearly_and_keeps_the_alert(
    tmp_path: Path,
    tls_server: tuple[SmtpServer, Path, Logins],
    store: EmbeddedStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, cert, _ = tls_server
    monkeypatch.setenv("SIANG_SMTP__PASSWORD", "not-the-password")
    settings = mail_settings(
        tmp_path, server.port, [spike_rule()], starttls=True, ca_certs=str(cert), username="x"
    )

    report = send_pending(store, settings, now=EVENING)

    assert (report.sent, report.failed) == (0, 1)
    assert "login as 'x' failed" in report.errors[0] and "535" in report.errors[0]
    assert server.received == [] and list(statuses(store).values()) == ["pending"]


def test_an_untrusted_certificate_is_refused(
    tmp_path: Path, tls_server: tuple[SmtpServer, Path, Logins], store: EmbeddedStore
) -> None:
    server, _, logins = tls_server
    settings = mail_settings(tmp_path, server.port, [spike_rule()], starttls=True)  # system CAs

    report = send_pending(store, settings, now=EVENING)

    assert (report.sent, report.failed) == (0, 1)
    assert "STARTTLS failed" in report.errors[0] and "CERTIFICATE_VERIFY_FAILED" in report.errors[0]
    assert logins.seen == [] and server.received == []
    assert list(statuses(store).values()) == ["pending"]


def test_starttls_asked_but_not_offered_sends_nothing_in_clear(
    tmp_path: Path, smtp_server: SmtpServer, store: EmbeddedStore
) -> None:
    settings = mail_settings(tmp_path, smtp_server.port, [spike_rule()], starttls=True)

    report = send_pending(store, settings, now=EVENING)

    assert (report.sent, report.failed) == (0, 1)
    assert "STARTTLS failed" in report.errors[0] and "not supported" in report.errors[0]
    assert smtp_server.received == []
    assert list(statuses(store).values()) == ["pending"]
