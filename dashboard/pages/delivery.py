"""``/aanlevering``: the delivery status of the gemeenten of a provincie — who delivered what and
when, and who never delivered (issue 5).

- A provincie account sees its own provincie; another provincie in the address is ignored.
- The beheerder may choose any provincie, or all; the choice is in the address
  (``/aanlevering?provincie=PV27``), so a copied link shows the same provincie.
- Per gemeente also the latest upload attempt, refused ones included (when, outcome, file, by
  whom), so "tried but refused" is visible next to "never delivered".
- Everyone else gets "Geen toegang" (HTTP 403 from the server hook, inside the normal shell).

The numbers come from ``etvi.accounts.delivery_overview``, the same as ``GET /api/v1/aanlevering``.
The callback checks the role and scope on the server again.
"""

from __future__ import annotations

import dash
from dash import Input, Output, dcc, html

from dashboard import components as ui
from dashboard import security
from dashboard.pages import common
from dashboard.pages.common import data_table, local_time, nl_date, no_access, notice, who_bar
from etvi import accounts
from etvi.upload.service import OUTCOME_LABELS

PAGE = dict(
    path="/aanlevering",
    name="Aanleverstatus",
    title="Aanleverstatus per gemeente · ETVI-monitor",
    description="Welke gemeenten wat en wanneer hebben aangeleverd.",
    order=92,
)
NEVER = "nog nooit aangeleverd"
TRIED = "nog nooit aangeleverd; wel geprobeerd, geweigerd"
P = "levering"
PARAMS = [("provincie", f"{P}-provincie", "value")]  # query key, component id, property (see pages/common.url_sync)
LIST_NEVER_UP_TO = 20

try:  # the dashboard's Dutch texts for the dropdown's built-in labels
    from dashboard.components import DROPDOWN_LABELS
except ImportError:  # pragma: no cover
    DROPDOWN_LABELS = None


def may_open(user) -> bool:
    return accounts.can_see_audit(user) or accounts.can_see_delivery(user, getattr(user, "provincie_code", None))


def may_see(user, provincie: str | None) -> bool:
    """All provincies: beheerder only; one provincie: beheerder or that provincie's account."""
    if provincie is None:
        return accounts.can_see_audit(user)
    return accounts.can_see_delivery(user, provincie)


def provincie_names() -> dict[str, str]:
    from sqlmodel import select

    from models import db
    from models.tables import Provincie

    with db.session(security.db_url()) as s:
        return {p.code: p.name for p in s.exec(select(Provincie).order_by(Provincie.name)).all()}


def overview(provincie: str | None) -> list[dict]:
    """``delivery_overview`` plus, per gemeente, the file and the onderdelen of its latest delivery."""
    from sqlmodel import select

    from models import db
    from models.tables import StatusRecord, Upload

    with db.session(security.db_url()) as s:
        rows = accounts.delivery_overview(s, provincie)
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
                ["Gemeente", "Aangeleverd?", "Laatste peildatum", "Laatst aangeleverd", "Onderdelen", "Bestand", "Door", "Kanaal",
                 "Laatste poging", "Uitkomst laatste poging"],
                body,
                f"Aanleverstatus per gemeente {where}, met de laatste poging (ook geweigerde)",
                id_="levering-tabel",
            ),
            html.P(["Dezelfde gegevens als JSON: ", html.A(api, href=api)], className="hint"),
        ]
    )


def chosen_provincie(value, names: dict[str, str]) -> str | None:
    """A provincie code from the address or the dropdown, or ``None`` (all) when empty or unknown."""
    code = str(value or "").strip().upper() or None
    return code if code in names else None


def layout(provincie=None, **_query):
    user = security.current_user()
    header = [html.H1("Aanleverstatus per gemeente"), who_bar(user, "/aanlevering")]
    if user is None:
        return html.Div(header + [notice(["Log in om deze pagina te zien. ", html.A("Inloggen", href="/login?next=/aanlevering")], "info")])
    if not may_open(user):
        return html.Div(header + [no_access(user, "de aanleverstatus van gemeenten")])
    names = provincie_names()
    intro = html.P(
        "Welke gemeenten wat en wanneer hebben aangeleverd: de nieuwste peildatum, wanneer en door wie die is "
        "aangeleverd, de laatste poging (ook als die is geweigerd) en welke gemeenten nog nooit iets hebben aangeleverd.",
        className="intro",
    )
    if user.role != "beheerder":
        code = user.provincie_code
        return html.Div(header + [intro, html.H2(f"Gemeenten in {names.get(code, code)}"), delivery_view(code, names.get(code, code))])
    chosen = chosen_provincie(provincie, names)
    extra = {"labels": DROPDOWN_LABELS} if DROPDOWN_LABELS else {}
    return html.Div(
        header
        + [
            intro,
            html.Div(
                [
                    html.Div(
                        [
                            html.Label("Provincie", htmlFor=f"{P}-provincie", className="control-label"),
                            dcc.Dropdown(
                                id=f"{P}-provincie",
                                options=[{"label": n, "value": c} for c, n in names.items()],
                                value=chosen,
                                placeholder="Alle provincies",
                                clearable=True,
                                **extra,
                            ),
                        ],
                        className="control",
                    ),
                    ui.share_link(P),
                ],
                className="controls",
            ),
            dcc.Loading(html.Div(delivery_view(chosen, names.get(chosen) if chosen else None), id=f"{P}-wrap")),
            common.url_spec(P, PARAMS, None),
        ]
    )


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(Output(f"{P}-wrap", "children"), Input(f"{P}-provincie", "value"), prevent_initial_call=True)
    def choose_provincie(provincie):
        provincie = (provincie or "").strip().upper() or None
        try:
            security.require(lambda u: may_see(u, provincie), "Uw account heeft geen rechten voor de aanleverstatus van deze provincie.")
        except security.Forbidden as exc:
            return notice(str(exc), "error", id_="levering-geen-toegang")
        names = provincie_names()
        if provincie is not None and provincie not in names:
            return notice(f"Onbekende provincie: {provincie}.", "error")
        return delivery_view(provincie, names.get(provincie) if provincie else None)

    # The beheerder's choice goes into the address (?provincie=PV27), so a copied link shows the
    # same provincie; the layout reads it back.
    common.url_sync(app, P, PARAMS)


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, layout=layout, **PAGE)
    register_callbacks(app)
