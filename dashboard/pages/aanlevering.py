"""``/aanlevering``: the delivery status of the gemeenten of a provincie — who delivered what and
when, and who never delivered (issue 5).

- A provincie account sees its own provincie; another provincie in the address is ignored.
- The beheerder may choose any provincie, or all.
- Everyone else gets "Geen toegang" (HTTP 403 from the server hook, inside the normal shell).

The numbers come from ``etvi.accounts.delivery_overview``, the same as ``GET /api/v1/aanlevering``.
The callback checks the role and scope on the server again.
"""

from __future__ import annotations

import dash
from dash import Input, Output, dcc, html

from dashboard import security
from dashboard.pages.aanleveren import data_table, local_time, nl_date, no_access, notice, who_bar
from etvi import accounts

PAGE = dict(
    path="/aanlevering",
    name="Aanleverstatus",
    title="Aanleverstatus per gemeente · ETVI-monitor",
    description="Welke gemeenten wat en wanneer hebben aangeleverd.",
    order=92,
)
NEVER = "nog nooit aangeleverd"
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


def _provincies() -> dict[str, str]:
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
        summary += f"{len(never)} nog nooit: " + ", ".join(r["gemeente"] for r in never) + "."
    else:
        summary += f"{len(never)} nog nooit (zie de tabel)."
    body = []
    for r in rows:
        delivered = r["laatst_aangeleverd"] is not None or r["laatste_peildatum"] is not None
        body.append(
            [
                f"{r['gemeente']} ({r['gemeente_code']})",
                "aangeleverd" if delivered else html.Span(NEVER, className="delivery-never"),
                nl_date(r["laatste_peildatum"]) if delivered else "—",
                local_time(r["laatst_aangeleverd"]) if r["laatst_aangeleverd"] else "—",
                ", ".join(r["onderdelen"]) or "—",
                r["bestand"] or "—",
                r["door"] or "—",
                r["kanaal"] or "—",
            ]
        )
    return html.Div(
        [
            html.P(summary, id="levering-samenvatting"),
            data_table(
                ["Gemeente", "Aangeleverd?", "Laatste peildatum", "Laatst aangeleverd", "Onderdelen", "Bestand", "Door", "Kanaal"],
                body,
                f"Aanleverstatus per gemeente {where}",
                id_="levering-tabel",
            ),
            html.P(
                ["Dezelfde gegevens als JSON: ", html.A("/api/v1/aanlevering" + (f"?provincie={provincie}" if provincie else ""),
                                                     href="/api/v1/aanlevering" + (f"?provincie={provincie}" if provincie else ""))],
                className="hint",
            ),
        ]
    )


def layout(provincie=None, **_query):
    user = security.current_user()
    header = [html.H1("Aanleverstatus per gemeente"), who_bar(user, "/aanlevering")]
    if user is None:
        return html.Div(header + [notice(["Log in om deze pagina te zien. ", html.A("Inloggen", href="/login?next=/aanlevering")], "info")])
    if not may_open(user):
        return html.Div(header + [no_access(user, "de aanleverstatus van gemeenten")])
    names = _provincies()
    intro = html.P(
        "Welke gemeenten wat en wanneer hebben aangeleverd: de nieuwste peildatum, wanneer en door wie die is "
        "aangeleverd, en welke gemeenten nog nooit iets hebben aangeleverd.",
        className="intro",
    )
    if user.role != "beheerder":
        code = user.provincie_code
        return html.Div(header + [intro, html.H2(f"Gemeenten in {names.get(code, code)}"), delivery_view(code, names.get(code, code))])
    chosen = (provincie or "").strip().upper() or None
    if chosen not in names:
        chosen = None
    extra = {"labels": DROPDOWN_LABELS} if DROPDOWN_LABELS else {}
    return html.Div(
        header
        + [
            intro,
            html.Div(
                [
                    html.Label("Provincie", htmlFor="levering-provincie", className="control-label"),
                    dcc.Dropdown(
                        id="levering-provincie",
                        options=[{"label": n, "value": c} for c, n in names.items()],
                        value=chosen,
                        placeholder="Alle provincies",
                        clearable=True,
                        **extra,
                    ),
                ],
                className="control",
            ),
            dcc.Loading(html.Div(delivery_view(chosen, names.get(chosen) if chosen else None), id="levering-wrap")),
        ]
    )


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(Output("levering-wrap", "children"), Input("levering-provincie", "value"), prevent_initial_call=True)
    def choose_provincie(provincie):
        provincie = (provincie or "").strip().upper() or None
        try:
            security.require(lambda u: may_see(u, provincie), "Uw account heeft geen rechten voor de aanleverstatus van deze provincie.")
        except security.Forbidden as exc:
            return notice(str(exc), "error", id_="levering-geen-toegang")
        names = _provincies()
        if provincie is not None and provincie not in names:
            return notice(f"Onbekende provincie: {provincie}.", "error")
        return delivery_view(provincie, names.get(provincie) if provincie else None)


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, layout=layout, **PAGE)
    register_callbacks(app)
