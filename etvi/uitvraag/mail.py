"""Mail of a round: the reminder to gemeenten that have not answered, and the announcement.

Configured by ``ETVI_SMTP_URL`` (``smtp://user:pass@host:587``: STARTTLS when the server offers
it; ``smtps://host:465``: TLS from the start), ``ETVI_MAIL_FROM`` and ``ETVI_PUBLIC_URL`` (the
form's link is ``{public}/uitvraag/<id>``). One mail per address (an address shared by accounts
gets one, naming all their gemeenten). Every mail, sent or failed, is an ``UitvraagMail`` row and
an audit event, written as it happens; an address that already got this kind of mail for this
round today (Europe/Amsterdam) is skipped unless forced; a failure is reported for its address
and the others still go. Without SMTP nothing is sent and the report carries the recipients and
the text, so a page can offer them as a download and the CLI prints them. Sending itself is
``etvi.smtp``.
"""

from __future__ import annotations

import csv
import io
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from email.message import EmailMessage
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from etl.dates import format_date
from etvi import codes as cbs
from etvi import smtp
from etvi.accounts import audit, policy
from etvi.config import PREFIX
from etvi.smtp import MailSettings, public_url
from etvi.uitvraag import responses, rounds
from etvi.uitvraag.rounds import UitvraagError
from models import db
from models.tables import Gemeente, Uitvraag, UitvraagMail, User

HERINNERING, AANKONDIGING = "herinnering", "aankondiging"
VERSTUURD, MISLUKT, OVERGESLAGEN, PROEF = "verstuurd", "mislukt", "overgeslagen", "proef"
LOCAL = ZoneInfo("Europe/Amsterdam")
NOT_CONFIGURED = (
    f"Er is geen mailserver ingesteld ({PREFIX}SMTP_URL is leeg); er is niets verstuurd. Hieronder staan de ontvangers "
    "en de tekst, zodat u ze zelf kunt mailen. Stel ETVI_SMTP_URL en ETVI_MAIL_FROM in om vanuit de ETVI-monitor te mailen."
)


def form_link(round_id: int) -> str:
    return f"{public_url()}/uitvraag/{round_id}"


def mail_settings() -> MailSettings | None:
    """The SMTP settings (``etvi.smtp``), or None when ``ETVI_SMTP_URL`` is not set; a bad URL raises UitvraagError."""
    try:
        return smtp.mail_settings()
    except smtp.SmtpError as exc:
        raise UitvraagError(str(exc)) from None


# --- who gets a mail -------------------------------------------------------------------------


@dataclass
class Recipient:
    email: str
    usernames: list[str]
    gemeenten: list[tuple[str, str]]  # (code, name), the ones the mail is about

    @property
    def codes(self) -> list[str]:
        return [c for c, _ in self.gemeenten]


def _selection(s: Session, raw: Iterable[str] | None) -> set[str] | None:
    if not raw:
        return None
    chosen = set()
    for value in raw:
        code = cbs.gemeente_code(value)
        if code is None or s.get(Gemeente, code) is None:
            raise UitvraagError(f"Onbekende gemeentecode {value!r}: gebruik de CBS-code van een huidige gemeente, zoals GM0363.")
        chosen.add(code)
    return chosen


def _recipients(s: Session, wanted: set[str], names: dict[str, str]) -> list[Recipient]:
    """Active gemeente accounts with an address, one per address, about the ``wanted`` gemeenten they represent."""
    accounts = s.exec(select(User).where(User.role == "gemeente", User.active == True, User.email.is_not(None)).order_by(User.username)).all()  # noqa: E712
    by_address: dict[str, Recipient] = {}
    for user in accounts:
        mine = [c for c in policy.split_codes(user.gemeente_codes) if c in wanted]
        if not mine or not (user.email or "").strip():
            continue
        key = user.email.strip().lower()
        r = by_address.setdefault(key, Recipient(user.email.strip(), [], []))
        r.usernames.append(user.username)
        for code in mine:
            if code not in r.codes:
                r.gemeenten.append((code, names.get(code, code)))
    for r in by_address.values():
        r.gemeenten.sort(key=lambda g: g[1])
    return sorted(by_address.values(), key=lambda r: r.email.lower())


def _outside_selection(round_: Uitvraag, outside: list[str], names: dict[str, str], n_open: int) -> UitvraagError:
    shown = ", ".join(f"{code} ({names[code]})" if code in names else code for code in outside)
    verb = "heeft" if len(outside) == 1 else "hebben"
    return UitvraagError(
        f"Er is geen herinnering verstuurd: {shown} {verb} al geantwoord op uitvraag {round_.id}. Kies alleen gemeenten "
        f"die nog niet antwoordden ({n_open} gemeenten; zie 'etvi uitvraag status {round_.id}')."
    )


def reminder_recipients(round_id: int | str, gemeenten: Iterable[str] | None = None, url: str | None = None) -> tuple[Uitvraag, list[Recipient]]:
    """The round and who gets a reminder: the accounts of gemeenten that have not answered, or of
    the selection ``gemeenten``. A selection must lie within the not-answered gemeenten: a code
    outside it is refused as a whole (UitvraagError, nothing sent), so a beheerder who picked from
    a stale list learns it instead of silently sending fewer mails than chosen."""
    round_, answers = responses.answers(round_id, url)
    if round_.state != rounds.OPEN:
        raise UitvraagError(f"Uitvraag {round_.id} is {round_.state}; herinneringen gaan alleen uit voor een open uitvraag.")
    open_codes = set(responses.unanswered(answers))
    names = {a.gemeente_code: a.gemeente for a in answers}
    with db.session(url) as s:
        chosen = _selection(s, gemeenten)
        outside = sorted((chosen or set()) - open_codes)
        if outside:
            raise _outside_selection(round_, outside, names, len(open_codes))
        return round_, _recipients(s, open_codes if chosen is None else chosen, names)


def announcement_recipients(round_id: int | str, url: str | None = None) -> tuple[Uitvraag, list[Recipient]]:
    """Every active gemeente account with an address, about all its gemeenten."""
    with db.session(url) as s:
        round_ = rounds.get_round(s, round_id)
        s.expunge(round_)
        names = dict(s.exec(select(Gemeente.code, Gemeente.name).where(Gemeente.valid_to.is_(None))).all())
        return round_, _recipients(s, set(names), names)


# --- the text --------------------------------------------------------------------------------


def _lines(round_: Uitvraag, recipient: Recipient) -> list[str]:
    return [
        f"Uitvraag: {round_.title}",
        f"Peildatum: {format_date(round_.peildatum)}",
        f"Deadline: {format_date(round_.deadline)}",
        f"Gevraagd: {', '.join(rounds.onderdelen_of(round_))}",
        "",
        "Het gaat om:",
        *[f"- {name} ({code})" for code, name in recipient.gemeenten],
    ]


def compose(kind: str, round_: Uitvraag, recipient: Recipient) -> tuple[str, str]:
    """The Dutch subject and body of a reminder or announcement."""
    link = form_link(round_.id)
    if kind == HERINNERING:
        subject = f"Herinnering: {round_.title} – graag uw antwoord vóór {format_date(round_.deadline)}"
        intro = [
            "Beste collega,",
            "",
            "VNG vraagt alle gemeenten naar de stand van zaken van 'Een thuis voor iedereen'. Van de gemeente(n) "
            "hieronder hebben we voor deze uitvraag nog geen antwoord ontvangen.",
        ]
    else:
        subject = f"Nieuwe uitvraag: {round_.title} – antwoord vóór {format_date(round_.deadline)}"
        intro = [
            "Beste collega,",
            "",
            "VNG vraagt alle gemeenten naar de stand van zaken van 'Een thuis voor iedereen' op de peildatum hieronder.",
        ]
    body = [
        *intro,
        "",
        *_lines(round_, recipient),
        "",
        "Antwoorden gaat in het formulier (inloggen met uw account):",
        link,
        "",
        "Is er niets veranderd? Klik dan in het formulier op 'Niets veranderd'; dat is in één minuut gedaan. "
        "Een ingevuld sjabloon aanleveren kan ook.",
        "",
        "Met vriendelijke groet,",
        "VNG – ETVI-monitor",
        "",
        "U krijgt deze e-mail omdat dit adres bij uw account in de ETVI-monitor staat.",
    ]
    return subject, "\n".join(body) + "\n"


def message(kind: str, round_: Uitvraag, recipient: Recipient, sender: str) -> EmailMessage:
    subject, body = compose(kind, round_, recipient)
    return smtp.envelope(subject, body, recipient.email, sender)


# --- sending ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    email: str
    gemeenten: list[str]
    status: str  # verstuurd, mislukt, overgeslagen, proef
    reason: str = ""


@dataclass
class MailReport:
    round_id: int
    kind: str
    configured: bool
    outcomes: list[Outcome] = field(default_factory=list)
    texts: list[tuple[Recipient, str, str]] = field(default_factory=list)  # (recipient, subject, body)
    message: str = ""

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def sent(self) -> int:
        return self.count(VERSTUURD)


def texts_csv(report: MailReport) -> str:
    """Recipients and text of a report as CSV (email, gemeenten, onderwerp, tekst): the download
    a page offers, and ``etvi uitvraag herinner --uitvoer``, when nothing could be sent."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["email", "gemeenten", "onderwerp", "tekst"])
    for recipient, subject, body in report.texts:
        writer.writerow([recipient.email, ", ".join(recipient.codes), subject, body])
    return buffer.getvalue()


def _start_of_today() -> datetime:
    now = datetime.now(LOCAL)
    return datetime.combine(now.date(), time.min, LOCAL).astimezone(timezone.utc)


def _sent_today(s: Session, round_id: int, kind: str) -> set[str]:
    rows = s.exec(
        select(UitvraagMail.email).where(
            UitvraagMail.uitvraag_id == round_id, UitvraagMail.kind == kind, UitvraagMail.outcome == VERSTUURD,
            UitvraagMail.created_at >= _start_of_today(),
        )  # fmt: skip
    ).all()
    return {e.lower() for e in rows}


def _deliver(report: MailReport, round_: Uitvraag, recipients: list[Recipient], actor: str, dry_run: bool, force: bool, url: str | None) -> MailReport:
    for r in recipients:
        report.texts.append((r, *compose(report.kind, round_, r)))
    cfg = mail_settings()
    report.configured = cfg is not None
    with db.session(url) as s:
        done = set() if force else _sent_today(s, round_.id, report.kind)
    todo = []
    for r in recipients:
        if r.email.lower() in done:
            report.outcomes.append(Outcome(r.email, r.codes, OVERGESLAGEN, "vandaag al verstuurd"))
        else:
            todo.append(r)
    if dry_run:
        report.outcomes += [Outcome(r.email, r.codes, PROEF) for r in todo]
        return report
    if cfg is None:
        report.message = NOT_CONFIGURED
        return report
    conn = smtp.Connection(cfg)
    try:
        for r in todo:
            try:
                conn.send(message(report.kind, round_, r, cfg.sender))
                outcome = Outcome(r.email, r.codes, VERSTUURD)
            except Exception as exc:  # noqa: BLE001 - one failing address never stops the others
                outcome = Outcome(r.email, r.codes, MISLUKT, smtp.reason(exc))
                if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    conn.close()  # a fresh connection for the next address
            report.outcomes.append(outcome)
            with db.session(url) as s:
                s.add(UitvraagMail(uitvraag_id=round_.id, kind=report.kind, email=r.email, username=",".join(r.usernames),
                                   gemeente_codes=",".join(r.codes), outcome=outcome.status, error=outcome.reason or None, sent_by=actor))  # fmt: skip
                action = f"uitvraag_{report.kind}_{'verstuurd' if outcome.status == VERSTUURD else 'mislukt'}"
                audit.record(s, actor, action, uitvraag=round_.id, email=r.email, gebruikers=r.usernames, gemeenten=r.codes,
                             reden=outcome.reason or None)  # fmt: skip
    finally:
        conn.close()
    return report


def send_reminders(
    round_id: int | str, actor: str, *, gemeenten: Iterable[str] | None = None, dry_run: bool = False, force: bool = False, url: str | None = None
) -> MailReport:
    """Remind the gemeente accounts (with an address) of gemeenten that have not answered an open
    round, or of a selection of them (``reminder_recipients``). ``dry_run``: who would get it, nothing sent."""
    round_, recipients = reminder_recipients(round_id, gemeenten, url)
    report = MailReport(round_.id, HERINNERING, configured=False)
    return _deliver(report, round_, recipients, actor, dry_run, force, url)


def send_announcement(round_id: int | str, actor: str, *, dry_run: bool = False, force: bool = False, url: str | None = None) -> MailReport:
    """Announce an open round to every gemeente account with an address."""
    round_, recipients = announcement_recipients(round_id, url)
    if round_.state != rounds.OPEN:
        raise UitvraagError(f"Uitvraag {round_.id} is {round_.state}; aankondigen kan alleen voor een open uitvraag.")
    return _deliver(MailReport(round_.id, AANKONDIGING, configured=False), round_, recipients, actor, dry_run, force, url)
