"""A real SMTP server for tests: aiosmtpd on a free port of 127.0.0.1 that keeps every message
it receives (parsed) and can refuse chosen recipients, the way a real server refuses an unknown
mailbox. The ``smtp_server`` fixture in tests/conftest.py starts one per test."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

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


class SmtpServer:
    """Started and stopped as a context manager; ``url`` is the ETVI_SMTP_URL that reaches it."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname=HOST, port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

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
