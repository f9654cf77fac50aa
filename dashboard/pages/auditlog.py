"""``/auditlog``: who delivered what, and when.

- The beheerder sees every upload attempt (who, when, file name, sha256, outcome, counts, the
  error report), can download any stored original, and sees the other audited actions
  (user management, logins).
- Everyone else is refused (a provincie account too: its delivery status is on /aanlevering) —
  by the server hook on the page URL (403), in the layout, and again in every callback.
"""

from __future__ import annotations

import json

import dash
from dash import Input, Output, dcc, html, no_update
from sqlmodel import select

from dashboard import components as ui
from dashboard import security
from dashboard.components import DROPDOWN_LABELS, data_table, notice
from dashboard.delivery_status import delivery_view, provincie_names
from dashboard.pages import common
from dashboard.pages.common import no_access, who_bar
from dashboard.texts import GEMELD_PER, local_time, nl_date
from etvi.accounts import audit, policy
from etvi.upload.service import OUTCOME_LABELS
from models import db
from models.tables import Provincie, Upload

PAGE = dict(
    path="/auditlog",
    name="Auditlog",
    title="Auditlog en aanleverstatus · ETVI-monitor",
    description="Wie leverde wat en wanneer aan.",
    order=91,
)
LIMIT = 200
OUTCOMES = ["geladen", "ongewijzigd", "geweigerd"]
P = "audit"
# The beheerder's filters are in the address (?gebruiker=…&uitkomst=…&provincie=…), so a copied
# link shows the same selection (pages/common.url_sync); the layout reads them back.
PARAMS = [
    ("gebruiker", f"{P}-gebruiker", "value"),
    ("uitkomst", f"{P}-uitkomst", "value"),
    ("provincie", f"{P}-provincie", "value"),
]

def _dropdown(id_: str, label: str, options, placeholder: str, value=None) -> html.Div:
    extra = {"labels": DROPDOWN_LABELS} if DROPDOWN_LABELS else {}
    return html.Div(
        [
            html.Label(label, htmlFor=id_, className="control-label"),
            dcc.Dropdown(id=id_, options=options, value=value, placeholder=placeholder, clearable=True, **extra),
        ],
        className="control",
    )


def _errors(text: str | None):
    if not text:
        return "—"
    try:
        items = json.loads(text)
    except ValueError:
        items = [{"text": text}]
    lines = [i.get("text") or i.get("message") or str(i) for i in items if isinstance(i, dict)] or [text]
    return html.Details([html.Summary(f"{len(lines)} fout{'en' if len(lines) != 1 else ''}"), html.Ul([html.Li(x) for x in lines])])


def uploads_table(username: str | None = None, outcome: str | None = None) -> html.Div:
    """All upload attempts, newest first (beheerder)."""
    q = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc()).limit(LIMIT)
    if username:
        q = q.where(Upload.username == username)
    if outcome:
        q = q.where(Upload.outcome == outcome)
    with db.session(security.db_url()) as s:
        uploads = s.exec(q).all()
    rows = []
    for u in uploads:
        sha = u.sha256 or ""
        rows.append(
            [
                str(u.id),
                local_time(u.created_at),
                u.username,
                u.channel,
                u.file_name,
                html.Code(sha[:12] + "…", title=sha) if sha else "—",
                nl_date(u.peildatum),
                OUTCOME_LABELS.get(u.outcome, u.outcome) + (" (demo)" if u.is_demo else ""),
                str(u.rows_read),
                str(u.records_written),
                _errors(u.error_report),
                html.A("downloaden", href=f"/api/v1/uploads/{u.id}/bestand", download=u.file_name,
                       **{"aria-label": f"Origineel van aanlevering {u.id} downloaden"})
                if u.stored_path
                else "—",
            ]
        )
    if not rows:
        return html.P("Geen aanleveringen gevonden.", id="audit-leeg")
    return data_table(
        ["Nr.", "Tijdstip", "Gebruiker", "Kanaal", "Bestand", "SHA-256", GEMELD_PER, "Uitkomst", "Rijen", "Records", "Fouten", "Origineel"],
        rows,
        f"Aanleveringen, nieuwste eerst (hoogstens {LIMIT})",
        id_="audit-uploads",
        numeric={8, 9},
    )


def events_table() -> html.Div:
    with db.session(security.db_url()) as s:
        _, events = audit.events(s, limit=LIMIT)  # the same reader as GET /api/v1/audit
    rows = []
    for e in events:
        detail = ", ".join(f"{k}: {v}" for k, v in audit.detail_of(e).items() if v not in (None, ""))
        rows.append([local_time(e.created_at), e.username, e.action.replace("_", " "), detail])
    if not rows:
        return html.P("Nog geen gebeurtenissen.")
    return data_table(["Tijdstip", "Door", "Actie", "Details"], rows, "Andere gebeurtenissen (gebruikersbeheer, inloggen)", id_="audit-gebeurtenissen")


def delivery_table(provincie_code: str | None) -> html.Div:
    """The delivery status per gemeente, latest attempt included: the same view as /aanlevering."""
    names = provincie_names()
    return delivery_view(provincie_code, names.get(provincie_code) if provincie_code else None)


def _provincie_options() -> list[dict]:
    with db.session(security.db_url()) as s:
        return [{"label": p.name, "value": p.code} for p in s.exec(select(Provincie).order_by(Provincie.name)).all()]


def _usernames() -> list[str]:
    with db.session(security.db_url()) as s:
        return sorted(set(s.exec(select(Upload.username).distinct()).all()))


def layout(gebruiker=None, uitkomst=None, provincie=None, **_query):
    user = security.current_user()
    header = [html.H1("Auditlog en aanleverstatus"), who_bar(user, "/auditlog")]
    if user is None:
        return html.Div(header + [notice(["Log in om deze pagina te zien. ", html.A("Inloggen", href="/login?next=/auditlog")], "info")])
    if not policy.may_open(user, PAGE["path"]):
        return html.Div(header + [html.Div(no_access(user, "het auditlog"), id="audit-geen-toegang")])
    usernames = _usernames()
    provincies = _provincie_options()
    gebruiker = gebruiker if gebruiker in usernames else None
    uitkomst = uitkomst if uitkomst in OUTCOMES else None
    provincie = str(provincie or "").strip().upper() or None
    provincie = provincie if provincie in {p["value"] for p in provincies} else None
    return html.Div(
        header
        + [
            ui.share_link(P),
            html.Section(
                [
                    html.H2("Alle aanleveringen"),
                    html.Div(
                        [
                            _dropdown(f"{P}-gebruiker", "Gebruiker", usernames, "Alle gebruikers", gebruiker),
                            _dropdown(
                                f"{P}-uitkomst",
                                "Uitkomst",
                                [{"label": OUTCOME_LABELS[o], "value": o} for o in OUTCOMES],
                                "Alle uitkomsten",
                                uitkomst,
                            ),
                        ],
                        className="controls",
                    ),
                    dcc.Loading(html.Div(uploads_table(gebruiker, uitkomst), id="audit-uploads-wrap")),
                ]
            ),
            html.Section(
                [
                    html.H2("Aanleverstatus per gemeente"),
                    _dropdown(f"{P}-provincie", "Provincie", provincies, "Alle provincies", provincie),
                    dcc.Loading(html.Div(delivery_table(provincie), id="audit-levering-wrap")),
                ]
            ),
            html.Section([html.H2("Andere gebeurtenissen"), events_table()]),
            common.url_spec(P, PARAMS, None),
        ]
    )


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output("audit-uploads-wrap", "children"),
        Input("audit-gebruiker", "value"),
        Input("audit-uitkomst", "value"),
        prevent_initial_call=True,
    )
    def filter_uploads(username, outcome):
        try:
            security.require(policy.can_see_audit, "Alleen een beheerder mag het auditlog inzien.")
        except security.Forbidden as exc:
            return notice(str(exc), "error")
        if outcome not in (None, *OUTCOMES):
            return no_update
        return uploads_table(username or None, outcome or None)

    @app.callback(
        Output("audit-levering-wrap", "children"),
        Input("audit-provincie", "value"),
        prevent_initial_call=True,
    )
    def filter_delivery(provincie):
        try:
            security.require(policy.can_see_audit, "Alleen een beheerder mag het auditlog inzien.")
        except security.Forbidden as exc:
            return notice(str(exc), "error")
        return delivery_table(provincie or None)

    common.url_sync(app, P, PARAMS)
