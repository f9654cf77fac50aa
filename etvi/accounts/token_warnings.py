"""Warning before an API token expires, so a gemeente's system does not stop delivering unnoticed.

``warn`` (``etvi gebruiker tokens-waarschuwen``, meant for cron) mails every active account with
an address one Dutch mail listing its working tokens whose date (``verloopt``) is at most ``days``
days away, and how to make a new one. Each token is warned about once: a mail that went out is an
audit event ``token_verloopt_binnenkort_gemeld`` per token (with its kenmerk), and a token with
such an event is left out of later runs; a mail that did not go records nothing, so the next run
tries again. Accounts without an address are reported, not mailed. Sending is ``etvi.smtp``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from etl.dates import format_date
from etvi import smtp
from etvi.accounts import audit, clock, tokens
from etvi.accounts.errors import AccountError
from etvi.config import PREFIX
from models import db
from models.tables import ApiToken, AuditEvent, User

ACTION = "token_verloopt_binnenkort_gemeld"
VERSTUURD, MISLUKT, PROEF, GEEN_ADRES = "verstuurd", "mislukt", "proef", "geen e-mailadres"
MAX_DAYS = 3650


@dataclass(frozen=True)
class Due:
    """A working token that expires within the window."""

    kenmerk: str
    label: str
    verloopt: date


@dataclass
class Owner:
    username: str
    email: str | None
    tokens: list[Due]


@dataclass
class Outcome:
    owner: Owner
    status: str  # verstuurd, mislukt, proef, geen e-mailadres
    reason: str = ""


@dataclass
class WarningReport:
    days: int
    until: date
    configured: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def check_days(raw: int | str | None, default: int) -> int:
    """The window in days (``--dagen``): a whole number from 1 to ``MAX_DAYS``; else a Dutch AccountError."""
    if raw is None:
        return default
    try:
        days = int(str(raw).strip())
    except ValueError:
        raise AccountError(f"--dagen moet een geheel getal zijn (bijvoorbeeld 30), niet {raw!r}.") from None
    if not 1 <= days <= MAX_DAYS:
        raise AccountError(f"--dagen moet tussen 1 en {MAX_DAYS} liggen, niet {days}.")
    return days


def _warned(s: Session) -> set[tuple[str, str]]:
    """(gebruiker, kenmerk) of every token a warning already went out for."""
    found = set()
    for event in s.exec(select(AuditEvent).where(AuditEvent.action == ACTION)).all():
        detail = audit.detail_of(event)
        if detail.get("gebruiker") and detail.get("kenmerk"):
            found.add((str(detail["gebruiker"]), str(detail["kenmerk"])))
    return found


def due(s: Session, days: int) -> list[Owner]:
    """Active accounts with a working token whose date is at most ``days`` days from today
    (Netherlands) and that no warning went out for yet, by username; tokens soonest first."""
    now, last = clock.utcnow(), tokens.today() + timedelta(days=days)
    warned = _warned(s)
    owners: dict[int, Owner] = {}
    rows = s.exec(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(User.active == True, ApiToken.expires_at.is_not(None))  # noqa: E712
        .order_by(User.username, ApiToken.expires_at, ApiToken.id)
    ).all()  # fmt: skip
    for row, user in rows:
        day, mark = tokens.expiry_day(row.expires_at), tokens.kenmerk(row.token_hash)
        if tokens.is_expired(row, now) or day > last or (user.username, mark) in warned:
            continue
        owner = owners.setdefault(user.id, Owner(user.username, (user.email or "").strip() or None, []))
        owner.tokens.append(Due(mark, row.label, day))
    return sorted(owners.values(), key=lambda o: o.username)


def compose(owner: Owner, public_url: str) -> tuple[str, str]:
    """The Dutch subject and body of the warning to one account."""
    first = min(t.verloopt for t in owner.tokens)
    several = len(owner.tokens) > 1
    subject = (
        f"Uw API-tokens voor de ETVI-monitor verlopen binnenkort (eerste op {format_date(first)})"
        if several
        else f"Uw API-token voor de ETVI-monitor verloopt op {format_date(first)}"
    )
    body = [
        "Beste collega,",
        "",
        f"{'Deze API-tokens' if several else 'Dit API-token'} van uw account '{owner.username}' in de ETVI-monitor "
        f"{'verlopen' if several else 'verloopt'} binnenkort. Vanaf de vervaldatum (00:00 uur) werkt een token niet meer: "
        "een systeem dat het gebruikt, kan dan geen gegevens meer aanleveren of ophalen.",
        "",
        *[f"- {t.label} (kenmerk {t.kenmerk}): verloopt op {format_date(t.verloopt)}" for t in owner.tokens],
        "",
        "Zo maakt u een nieuw token:",
        f"- zelf, via de API: POST {public_url}/api/v1/ik/tokens met een token dat nog werkt en het wachtwoord van uw "
        'account, bijvoorbeeld {"label": "…", "wachtwoord": "…"};',
        "- of vraag de beheerder van de ETVI-monitor om een nieuw token.",
        "Zet het nieuwe token in uw systeem en trek daarna het oude in (DELETE /api/v1/ik/tokens/<kenmerk>).",
        "",
        "Met vriendelijke groet,",
        "VNG – ETVI-monitor",
        "",
        "U krijgt deze e-mail omdat dit adres bij uw account in de ETVI-monitor staat. Over elk token krijgt u één keer bericht.",
    ]
    return subject, "\n".join(body) + "\n"


def warn(actor: str, days: int, *, dry_run: bool = False, url: str | None = None) -> WarningReport:
    """Mail the owners of tokens that expire within ``days`` days (see the module). ``dry_run``:
    who would get what; nothing sent or recorded. Without ``ETVI_SMTP_URL`` nothing is sent
    (``configured`` is False). A bad ``ETVI_SMTP_URL`` raises ``SmtpError``."""
    cfg = smtp.mail_settings()
    with db.session(url) as s:
        owners = due(s, days)
    report = WarningReport(days, tokens.today() + timedelta(days=days), configured=cfg is not None)
    report.outcomes += [Outcome(o, GEEN_ADRES) for o in owners if o.email is None]
    todo = [o for o in owners if o.email is not None]
    if dry_run or cfg is None:
        report.outcomes += [Outcome(o, PROEF) if dry_run else Outcome(o, MISLUKT, "geen mailserver ingesteld") for o in todo]
        return report
    conn = smtp.Connection(cfg)
    try:
        for owner in todo:
            subject, body = compose(owner, cfg.public_url)
            try:
                conn.send(smtp.envelope(subject, body, owner.email, cfg.sender))
            except Exception as exc:  # noqa: BLE001 - one failing address never stops the others
                report.outcomes.append(Outcome(owner, MISLUKT, smtp.reason(exc)))
                conn.close()
                continue
            report.outcomes.append(Outcome(owner, VERSTUURD))
            with db.session(url) as s:
                for t in owner.tokens:
                    audit.record(s, actor, ACTION, gebruiker=owner.username, kenmerk=t.kenmerk, label=t.label,
                                 verloopt=t.verloopt.isoformat(), email=owner.email)  # fmt: skip
    finally:
        conn.close()
    return report


NOT_CONFIGURED = (
    f"Er is geen mailserver ingesteld ({PREFIX}SMTP_URL is leeg); er is niets verstuurd en niets vastgelegd. "
    f"Stel {PREFIX}SMTP_URL en {PREFIX}MAIL_FROM in, of mail de accounts hierboven zelf."
)
