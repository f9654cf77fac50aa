""""Niets veranderd": a gemeente confirms its status unchanged at a round's peildatum.

The confirmation is a report like any other: a small file with, for every onderdeel asked, the
status known at the peildatum (same status, vastgesteld op, toelichting, bron, koploperregio),
loaded at the round's peildatum through the upload service. So the gemeente is no longer stale,
the history shows the confirmation, the upload log holds it (with the file as its original) and
``responses`` counts it as ``ongewijzigd``.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd

from etl.contract import KOPLOPER, date_column, has_date
from etl.dates import format_date
from etl.load import LoadResult
from etvi.accounts import audit, policy
from etvi.accounts.errors import AccountError
from etvi.uitvraag import rounds
from etvi.uitvraag.rounds import UitvraagError
from etvi.upload import service
from models import db, queries


def _file(code: str, asked: list[str], known: dict[str, dict]) -> bytes:
    """The confirmation as a semicolon CSV in the input contract: one row per onderdeel, so each
    keeps its own toelichting and bron."""
    header = ["gemeentecode"]
    for o in asked:
        header.append(o)
        if has_date(o):
            header.append(date_column(o))
    header += ["koploperregio", "toelichting", "bron"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for o in asked:
        record = known.get(o)
        if record is None:
            continue
        row = {"gemeentecode": code, o: record["status"], "toelichting": record["comment"] or "", "bron": record["source_url"] or ""}
        if has_date(o):
            row[date_column(o)] = record["adopted_on"].isoformat() if record["adopted_on"] else ""
        if o == KOPLOPER:
            row["koploperregio"] = record["koploperregio"] or ""
        writer.writerow([row.get(h, "") for h in header])
    return buffer.getvalue().encode("utf-8")


def _as_date(value) -> date | None:
    if value is None or value == "" or (not isinstance(value, (str, date)) and pd.isna(value)):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def known_statuses(peildatum: date, asked: list[str], code: str, url: str | None = None) -> dict[str, dict]:
    """What is known of ``code`` at ``peildatum`` for the onderdelen ``asked`` (the as-of rule): what
    "Niets veranderd" confirms, and what the round page shows the gemeente before it answers."""
    state = queries.status_asof(peildatum, url)
    mine = state[state["gemeente_code"] == code]
    return {
        r.onderdeel: {"status": r.status, "adopted_on": _as_date(r.adopted_on), "comment": r.comment, "source_url": r.source_url,
                      "koploperregio": r.koploperregio}
        for r in mine.itertuples(index=False) if r.onderdeel in asked
    }  # fmt: skip


def answerable(round_id: int | str, code: str, principal, url: str | None = None, today: date | None = None) -> tuple[date, str, list[str]]:
    """``(peildatum, title, onderdelen asked)`` of a round ``principal`` may answer now for
    ``code``: the checks every answer in the browser makes first ("Niets veranderd" and the
    form). Raises ``UitvraagError`` when the round is not open, its peildatum has not come, or
    the user may not report for the gemeente."""
    with db.session(url) as s:
        round_ = rounds.get_round(s, round_id)
        if round_.state != rounds.OPEN:
            raise UitvraagError(f"Uitvraag {round_.id} is {round_.state}; alleen in een open uitvraag kunt u antwoorden.")
        peildatum, title, asked = round_.peildatum, round_.title, rounds.onderdelen_of(round_)
    if peildatum > (today or date.today()):
        raise UitvraagError(f"De peildatum {format_date(peildatum)} is nog niet bereikt; antwoorden kan vanaf die dag.")
    try:
        scope = policy.upload_scope(principal)
    except AccountError as exc:
        raise UitvraagError(str(exc)) from None
    if scope is not None and code not in scope:
        raise UitvraagError(f"U mag niet antwoorden voor {code}; uw account hoort bij {', '.join(sorted(scope)) or 'geen gemeente'}.")
    return peildatum, title, asked


def confirm_unchanged(
    round_id: int | str, gemeente_code: str, principal, *, channel: str = "formulier", url: str | None = None, today: date | None = None
) -> LoadResult:
    """Record ``gemeente_code``'s known status of every onderdeel asked, unchanged, at the round's
    peildatum, on behalf of ``principal`` (its upload scope applies). Returns the upload's result
    (``geladen``; ``geweigerd`` with the problems if the service refused it). Raises
    ``UitvraagError`` when the round is not open, the peildatum has not come yet, the user may not
    report for the gemeente, or nothing is known to confirm."""
    code = (gemeente_code or "").strip().upper()
    peildatum, title, asked = answerable(round_id, code, principal, url, today)
    known = known_statuses(peildatum, asked, code, url)
    if not known:
        raise UitvraagError(
            f"Voor {code} is nog geen status bekend van {', '.join(asked)}; er valt niets ongewijzigd te bevestigen. "
            "Vul de stand van zaken in of lever een bestand aan."
        )
    content = _file(code, asked, known)
    name = f"uitvraag-{round_id}-niets-veranderd-{code}.csv"
    result = service.load_bytes(content, name, principal=principal, channel=channel, peildatum=peildatum, url=url)
    with db.session(url) as s:
        audit.record(
            s, principal.username, "uitvraag_ongewijzigd_bevestigd", uitvraag=int(round_id), titel=title, gemeente=code,
            onderdelen=sorted(known), upload_id=result.upload_id, uitkomst=result.outcome,
        )  # fmt: skip
    return result
