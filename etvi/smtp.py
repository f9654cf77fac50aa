"""SMTP: the one place mail leaves the monitor (round mails, token warnings).

Configured by ``ETVI_SMTP_URL`` (``smtp://user:pass@host:587``: STARTTLS when the server offers
it; ``smtps://host:465``: TLS from the start), ``ETVI_MAIL_FROM`` and ``ETVI_PUBLIC_URL`` (the
address links in a mail point at). ``Connection`` sends a batch over one connection;
``reason`` says in Dutch why a mail did not go.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from etvi.config import PREFIX, settings
from etvi.errors import UserError

TIMEOUT = 30


class SmtpError(UserError):
    """``ETVI_SMTP_URL`` is not a usable address; the message is Dutch."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    implicit_tls: bool
    username: str | None
    password: str | None
    sender: str
    public_url: str


def _env(name: str) -> str | None:
    value = os.environ.get(PREFIX + name)
    return value.strip() if value and value.strip() else None


def public_url() -> str:
    """``ETVI_PUBLIC_URL`` without a trailing slash; default: the address ``etvi serve`` listens on."""
    cfg = settings()
    return (_env("PUBLIC_URL") or f"http://{cfg.host}:{cfg.port}").rstrip("/")


def mail_settings() -> MailSettings | None:
    """The SMTP settings, or None when ``ETVI_SMTP_URL`` is not set; a bad URL raises SmtpError."""
    raw = _env("SMTP_URL")
    if raw is None:
        return None
    example = "gebruik smtp://gebruiker:wachtwoord@mail.example.nl:587 (STARTTLS) of smtps://…:465 (TLS)"
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise SmtpError(f"{PREFIX}SMTP_URL is geen geldige adres: {example}.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpError(f"{PREFIX}SMTP_URL moet beginnen met smtp:// of smtps:// en een server noemen: {example}.")
    implicit = scheme == "smtps"
    return MailSettings(
        host=parts.hostname,
        port=port or (465 if implicit else 587),
        implicit_tls=implicit,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=_env("MAIL_FROM") or f"etvi-monitor@{parts.hostname}",
        public_url=public_url(),
    )


def envelope(subject: str, body: str, to: str, sender: str) -> EmailMessage:
    """A plain-text Dutch mail from the monitor, marked as automatic (no out-of-office replies)."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender if "<" in sender else formataddr(("ETVI-monitor", sender))
    msg["To"] = to
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


class Connection:
    """One SMTP connection for a batch, opened when first needed and again after the server hung
    up. When it cannot be opened at all (server unreachable, login refused) the rest of the batch
    fails with the same reason at once, instead of waiting for a timeout per address."""

    def __init__(self, cfg: MailSettings):
        self.cfg, self.smtp, self.unusable = cfg, None, None

    def _open(self) -> smtplib.SMTP:
        cfg, context = self.cfg, ssl.create_default_context()
        if cfg.implicit_tls:
            smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
        if cfg.username:
            smtp.login(cfg.username, cfg.password or "")
        return smtp

    def send(self, msg: EmailMessage) -> None:
        if self.unusable is not None:
            raise self.unusable
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except (smtplib.SMTPException, OSError) as exc:
                self.unusable = exc
                raise
        try:
            self.smtp.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            self.smtp = None
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


def reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}" for code, text in exc.recipients.values()]
        return "de mailserver weigert dit adres (" + "; ".join(codes) + ")"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "inloggen bij de mailserver mislukt; controleer gebruiker en wachtwoord in ETVI_SMTP_URL"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"de mailserver antwoordde {exc.smtp_code} {text}"
    if isinstance(exc, (ConnectionError, TimeoutError, OSError)) and not isinstance(exc, smtplib.SMTPException):
        return f"de mailserver is niet bereikbaar ({type(exc).__name__}: {exc})"
    return f"{type(exc).__name__}: {exc}"
