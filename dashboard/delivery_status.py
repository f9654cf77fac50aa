"""The delivery status of the gemeenten (of one provincie, or all): who delivered what and when, the
latest attempt (refused ones included), and who never delivered. Shown on ``/aanlevering`` and in the
beheerder's ``/auditlog``; the numbers are ``etvi.upload.log.delivery_overview``, as in
``GET /api/v1/aanlevering``. Callers check the rights first (``policy.may_see_delivery``)."""

from __future__ import annotations

from dash import html
from sqlmodel import select

from dashboard import security
from dashboard.components import data_table, notice
from dashboard.texts import local_time, nl_date
from etvi.upload import log
from etvi.upload.service import OUTCOME_LABELS
from models import db
from models.tables import Provincie, StatusRecord, Upload

NEVER = "nog nooit aangeleverd"
TRIED = "nog nooit aangeleverd; wel geprobeerd, geweigerd"
LIST_NEVER_UP_TO = 20


def provincie_names() -> dict[str, str]:
    with db.session(security.db_url()) as s:
        return {p.code: p.name for p in s.exec(select(Provincie).order_by(Provincie.name)).all()}


def overview(provincie: str | None) -> list[dict]:
    """``delivery_overview`` plus, per gemeente, the file and the onderdelen of its latest delivery."""
    with db.session(security.db_url()) as s:
        rows = log.delivery_overview(s, provincie)
        ids = {r["upload_id"] for r in rows if r["upload_id"] is not None}
        files, parts = {}, {}
        if ids:
            for u in s.exec(select(Upload).where(Upload.id.in_(ids))).all():
                files[u.id] = u.file_name
            q = select(StatusRecord.gemeente_code, StatusRecord.upload_id, StatusRecord.onderdeel).where(StatusRecord.upload_id.in_(ids)).distinct()
            for code, upload_id, onderdeel in s.exec(q).all():
                parts.setdefault((code, upload_id), set()).add(onderdeel)
    for r in rows:
        r["bestand"] = files.get(r["upload_id"])
        r["onderdelen"] = sorted(parts.get((r["gemeente_code"], r["upload_id"]), ()))
    return rows


def attempt_text(r: dict) -> str:
    """The outcome of a gemeente's latest attempt in Dutch, naming file and account when that
    attempt is not the delivery already shown in the other columns."""
    outcome = r.get("laatste_poging_uitkomst")
    if not outcome:
        return "—"
    text = OUTCOME_LABELS.get(outcome, outcome)
    if r.get("laatste_poging_id") != r.get("upload_id"):
        extra = [f"bestand {r['laatste_poging_bestand']}" if r.get("laatste_poging_bestand") else "",
                 f"door {r['laatste_poging_door']}" if r.get("laatste_poging_door") else ""]
        extra = ", ".join(x for x in extra if x)
        text += f" ({extra})" if extra else ""
    refused = r.get("geweigerd_sinds_levering") or 0
    if refused > 1:
        since = "sinds de laatste levering" if r.get("laatst_aangeleverd") or r.get("laatste_peildatum") else "in totaal"
        text += f"; {refused} geweigerde pogingen {since}"
    return text


def delivery_state(r: dict) -> str:
    """Aangeleverd? in words (never by colour alone)."""
    delivered = r["laatst_aangeleverd"] is not None or r["laatste_peildatum"] is not None
    refused = r.get("laatste_poging_uitkomst") == "geweigerd"
    if delivered:
        return "aangeleverd; laatste poging geweigerd" if refused else "aangeleverd"
    return TRIED if refused else NEVER


def _names(rows: list[dict]) -> str:
    return ", ".join(r["gemeente"] for r in rows)


def delivery_view(provincie: str | None, provincie_name: str | None = None) -> html.Div:
    rows = overview(provincie)
    where = f"in {provincie_name}" if provincie_name else "in Nederland"
    if not rows:
        return notice(f"Er zijn geen gemeenten {where} bekend.", "info", id_="levering-samenvatting")
    never = [r for r in rows if r["laatst_aangeleverd"] is None and r["laatste_peildatum"] is None]
    done = len(rows) - len(never)
    summary = f"{done} van de {len(rows)} gemeenten {where} hebben aangeleverd; "
    if not never:
        summary += "alle gemeenten hebben minstens één keer aangeleverd."
    elif len(never) == 1:
        summary += f"1 gemeente nog nooit: {never[0]['gemeente']}."
    elif len(never) <= LIST_NEVER_UP_TO:
        summary += f"{len(never)} nog nooit: " + _names(never) + "."
    else:
        summary += f"{len(never)} nog nooit (zie de tabel)."
    refused = [r for r in rows if r.get("laatste_poging_uitkomst") == "geweigerd"]
    if refused:
        n = len(refused)
        refused_text = f"Bij {n} gemeente{'n' if n != 1 else ''} is de laatste poging om aan te leveren geweigerd"
        refused_text += f": {_names(refused)}." if n <= LIST_NEVER_UP_TO else " (zie de tabel)."
        refused_text += " Er is dan niets opgeslagen; de gemeente moet het bestand verbeteren en opnieuw aanleveren."
    body = []
    for r in rows:
        state = delivery_state(r)
        delivered = state.startswith("aangeleverd")
        body.append(
            [
                f"{r['gemeente']} ({r['gemeente_code']})",
                state if state == "aangeleverd" else html.Span(state, className="delivery-never"),
                nl_date(r["laatste_peildatum"]) if delivered else "—",
                local_time(r["laatst_aangeleverd"]) if r["laatst_aangeleverd"] else "—",
                ", ".join(r["onderdelen"]) or "—",
                r["bestand"] or "—",
                r["door"] or "—",
                r["kanaal"] or "—",
                local_time(r["laatste_poging"]) if r.get("laatste_poging") else "—",
                attempt_text(r),
            ]
        )
    api = "/api/v1/aanlevering" + (f"?provincie={provincie}" if provincie else "")
    parts = [html.P(summary, id="levering-samenvatting")]
    if refused:
        parts.append(html.P(refused_text, id="levering-geweigerd"))
    return html.Div(
        parts
        + [
            data_table(
                ["Gemeente", "Aangeleverd?", "Laatst gemeld per", "Laatst aangeleverd", "Onderdelen", "Bestand", "Door", "Kanaal",
                 "Laatste poging", "Uitkomst laatste poging"],
                body,
                f"Aanleverstatus per gemeente {where}, met de laatste poging (ook geweigerde)",
                id_="levering-tabel",
            ),
            html.P(["Dezelfde gegevens als JSON: ", html.A(api, href=api)], className="hint"),
        ]
    )
