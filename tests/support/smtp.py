"""A real SMTP server for tests: aiosmtpd on a free port of 127.0.0.1 that keeps every message
it receives (parsed) and can refuse chosen recipients, the way a real server refuses an unknown
mailbox. The ``smtp_server`` fixture in tests/conftest.py starts one per test."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


class RecordingHandler:
    """aiosmtpd handler: refuses RCPT for ``refused`` addresses (550), keeps the rest."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 Mailbox bestaat niet"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (openssl), valid for a day: ``(cert, key)``."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=IP:{HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


class SmtpServer:
    """Started and stopped as a context manager; ``url`` is the ETVI_SMTP_URL that reaches it.

    With ``tls_folder`` the server speaks TLS from the start (``implicit_tls``, smtps://) or offers STARTTLS with a self-signed certificate written there
    (``cert``) and requires it, and with ``login`` (user, password) it requires that login too,
    only after STARTTLS."""

    def __init__(self, tls_folder: Path | None = None, login: tuple[str, str] | None = None, implicit_tls: bool = False) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.login = login
        self.implicit_tls = implicit_tls
        self.cert: Path | None = None
        options = {}
        if tls_folder is not None:
            self.cert, key = self_signed_certificate(tls_folder)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.cert, key)
            options.update(ssl_context=context) if implicit_tls else options.update(tls_context=context, require_starttls=True)
        if login is not None:
            # aiosmtpd counts only STARTTLS as TLS; on an smtps connection everything is TLS already
            options.update(authenticator=self._authenticate, auth_require_tls=not implicit_tls, auth_required=True)
        self.controller = Controller(self.handler, hostname=HOST, port=self.port, **options)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd itself answers 535

    @property
    def url(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        if self.login is None:
            return f"{scheme}://{HOST}:{self.port}"
        return f"{scheme}://{self.login[0]}:{self.login[1]}@{HOST}:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def refuse(self, *addresses: str) -> None:
        self.handler.refused.update(a.lower() for a in addresses)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address.lower() in (t.lower() for t in r.rcpt_tos)]

    def env(self, sender: str = "uitvraag@vng.example") -> dict[str, str]:
        return {"ETVI_SMTP_URL": self.url, "ETVI_MAIL_FROM": sender, "ETVI_PUBLIC_URL": "https://monitor.example/"}

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
