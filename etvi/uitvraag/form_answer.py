"""A gemeente's changes to a round, filled in on a form in the browser (issue 12, item 2).

The form shows, per onderdeel asked, what is known at the round's peildatum
(``confirmation.known_statuses``) and takes the new status, vastgesteld op, bron and toelichting
(and koploperregio). Only the onderdelen whose values differ from what is known become rows of a
small CSV in the input contract, one row per onderdeel, named ``formulier-<code>-<peildatum>.csv``.
That file goes through THE upload service (``service.check`` / ``service.confirm``, channel
``formulier``), so the form gets the same checks and Dutch messages as a spreadsheet, the same
preview and audit trail, and the CSV is kept as the upload's original. ``field_of`` maps each
problem of that file back to the form field it is about.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from etl.contract import KOPLOPER, date_column, has_date
from etl.dates import DateError, parse_date
from etl.errors import Problem
from etl.load import LoadResult
from etl.lookups import load_reference
from etvi.accounts import audit
from etvi.uitvraag import confirmation
from etvi.uitvraag.rounds import UitvraagError
from etvi.upload import service
from models import db

CHANNEL = "formulier"
FIELDS = ("status", "datum", "bron", "toelichting", "koploperregio")  # the fields of one onderdeel on the form
NOTHING_CHANGED = (
    "U heeft niets veranderd ten opzichte van de bekende stand. Is alles nog zo? Gebruik dan de knop ‘Niets veranderd’; "
    "anders past u hierboven de status, datum, bron of toelichting aan."
)
NOTHING_FILLED = "U heeft nog niets ingevuld. Kies bij minstens één onderdeel een status en klik opnieuw op ‘Controleren’."
NOT_THIS_GEMEENTE = "Deze controle hoort niet bij {code}; controleer het formulier opnieuw."


@dataclass(frozen=True)
class Entry:
    """What the form holds for one onderdeel, as typed (strings; the upload checks them)."""

    onderdeel: str
    status: str = ""
    datum: str = ""
    bron: str = ""
    toelichting: str = ""
    koploperregio: str = ""

    @classmethod
    def of(cls, onderdeel: str, values: dict) -> "Entry":
        return cls(onderdeel, **{f: str(values.get(f) or "").strip() for f in FIELDS})


def status_words(url: str | None = None) -> dict[str, list[str]]:
    """The valid status words per onderdeel, lowest first: the list the upload validation uses."""
    return load_reference(url).contract.levels


def file_name(code: str, peildatum: date) -> str:
    return f"formulier-{code}-{peildatum.isoformat()}.csv"


def prefill(known: dict | None) -> dict[str, str]:
    """The form's values for an onderdeel from what is known (``known_statuses``) at the peildatum."""
    known = known or {}
    adopted = known.get("adopted_on")
    return {
        "status": known.get("status") or "",
        "datum": adopted.strftime("%d-%m-%Y") if adopted else "",
        "bron": known.get("source_url") or "",
        "toelichting": known.get("comment") or "",
        "koploperregio": known.get("koploperregio") or "",
    }


def _same_date(typed: str, known: date | None) -> bool:
    try:
        return parse_date(typed) == known
    except DateError:
        return False  # not a date: a change, so the check says what is wrong with it


def changed(entry: Entry, known: dict | None) -> bool:
    """Whether the form's values for this onderdeel say something else than what is known."""
    if known is None:
        return bool(entry.status or entry.datum or entry.bron or entry.toelichting or entry.koploperregio)
    before = prefill(known)
    if entry.status != before["status"] or entry.bron != before["bron"] or entry.toelichting != before["toelichting"]:
        return True
    if has_date(entry.onderdeel) and not _same_date(entry.datum, known.get("adopted_on")) and (entry.datum or known.get("adopted_on")):
        return True
    return entry.onderdeel == KOPLOPER and entry.koploperregio != before["koploperregio"]


def header(asked: list[str]) -> list[str]:
    cols = ["gemeentecode"]
    for o in asked:
        cols.append(o)
        if has_date(o):
            cols.append(date_column(o))
    if KOPLOPER in asked:
        cols.append("koploperregio")
    return cols + ["toelichting", "bron"]


def form_file(code: str, asked: list[str], entries: list[Entry]) -> tuple[bytes, dict[int, str]]:
    """The changed onderdelen as a semicolon CSV in the input contract, and which onderdeel each
    row (numbered as the upload's messages number them: the header is row 1) is about."""
    cols = header(asked)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(cols)
    rows: dict[int, str] = {}
    for number, e in enumerate(entries, start=2):
        row = {"gemeentecode": code, e.onderdeel: e.status, "toelichting": e.toelichting, "bron": e.bron}
        if has_date(e.onderdeel):
            row[date_column(e.onderdeel)] = e.datum
        if e.onderdeel == KOPLOPER:
            row["koploperregio"] = e.koploperregio
        writer.writerow([row.get(c, "") for c in cols])
        rows[number] = e.onderdeel
    return buffer.getvalue().encode("utf-8"), rows


def field_of(problem: dict, rows: dict[int, str]) -> tuple[str, str] | None:
    """``(onderdeel, field)`` of the form a problem of the form's file is about, or None (then it
    is only in the summary)."""
    onderdeel = rows.get(problem.get("row")) if isinstance(problem.get("row"), int) else None
    column = str(problem.get("column") or "").strip().lower()
    if onderdeel is None or not column:
        return None
    if column == onderdeel:
        return onderdeel, "status"
    if column == date_column(onderdeel):
        return onderdeel, "datum"
    if column in ("bron", "toelichting", "koploperregio"):
        return onderdeel, column
    return None


@dataclass
class Checked:
    """A form's check: the service's result (None when nothing changed), its token for the confirm
    (None when refused or nothing changed), the row → onderdeel map and the onderdelen sent."""

    result: LoadResult | None
    token: str | None
    rows: dict[int, str]
    onderdelen: list[str]
    peildatum: date
    file_name: str
    known_any: bool = True  # whether anything was known before (else "Niets veranderd" is not offered)

    @property
    def nothing_changed(self) -> str:
        return NOTHING_CHANGED if self.known_any else NOTHING_FILLED


def check(round_id, code: str, values: dict[str, dict], principal, url: str | None = None, today: date | None = None) -> Checked:
    """Check the form of ``code`` (``values``: onderdeel → field → text) against the round:
    the round must be open and the user may answer for ``code`` (``confirmation.answerable``);
    then the changed onderdelen go through ``service.check``. Onderdelen not asked are ignored.
    Raises ``UitvraagError`` (nothing logged) or what ``service.check`` raises."""
    code = (code or "").strip().upper()
    peildatum, _title, asked = confirmation.answerable(round_id, code, principal, url, today)
    known = confirmation.known_statuses(peildatum, asked, code, url)
    entries = [Entry.of(o, values.get(o) or {}) for o in asked]
    entries = [e for e in entries if changed(e, known.get(e.onderdeel))]
    name = file_name(code, peildatum)
    if not entries:
        return Checked(None, None, {}, [], peildatum, name, bool(known))
    content, rows = form_file(code, asked, entries)
    result, token = service.check(content, name, principal, peildatum, url, channel=CHANNEL)
    return Checked(result, token, rows, [e.onderdeel for e in entries], peildatum, name, bool(known))


def confirm(round_id, code: str, token, principal, url: str | None = None, today: date | None = None) -> LoadResult:
    """Load the checked form waiting under ``token``: only a form of ``code`` for this round's
    peildatum (a token of another check is refused), with the scope the user has now; audited."""
    code = (code or "").strip().upper()
    peildatum, title, _asked = confirmation.answerable(round_id, code, principal, url, today)
    meta = service.waiting(token, principal, url)
    if meta is not None and (meta.get("original_name") != file_name(code, peildatum) or meta.get("channel") != CHANNEL):
        raise UitvraagError(NOT_THIS_GEMEENTE.format(code=code))
    result = service.confirm(token, principal, url)
    with db.session(url) as s:
        audit.record(
            s, principal.username, "uitvraag_formulier_bevestigd", uitvraag=int(round_id), titel=title, gemeente=code,
            upload_id=result.upload_id, uitkomst=result.outcome,
        )  # fmt: skip
    return result


def problems_by_field(problems: list[dict], rows: dict[int, str]) -> tuple[dict[tuple[str, str], list[str]], list[dict]]:
    """The problems of a checked form per ``(onderdeel, field)`` (their rendered Dutch text) and
    those that belong to no field."""
    fields: dict[tuple[str, str], list[str]] = {}
    rest = []
    for p in problems:
        where = field_of(p, rows)
        text = p.get("text") or Problem(p.get("message") or "", allowed=tuple(p.get("allowed") or ())).render()
        if where is None:
            rest.append(p)
        else:
            fields.setdefault(where, []).append(text[:1].upper() + text[1:])
    return fields, rest
