"""``/aanlevering``: the delivery status of the gemeenten of a provincie — who delivered what and
when, and who never delivered (issue 5).

- A provincie account sees its own provincie; another provincie in the address is ignored.
- The beheerder may choose any provincie, or all; the choice is in the address
  (``/aanlevering?provincie=PV27``), so a copied link shows the same provincie.
- Per gemeente also the latest upload attempt, refused ones included (when, outcome, file, by
  whom), so "tried but refused" is visible next to "never delivered".
- Everyone else gets "Geen toegang" (HTTP 403 from the server hook, inside the normal shell).

The table is ``dashboard.delivery_status`` (the audit log shows it too); its numbers come from
``etvi.upload.log.delivery_overview``, the same as ``GET /api/v1/aanlevering``. The callback checks
the role and scope on the server again.
"""

from __future__ import annotations

import dash
from dash import Input, Output, dcc, html

from dashboard import components as ui
from dashboard import security
from dashboard.components import DROPDOWN_LABELS, notice
from dashboard.delivery_status import delivery_view, provincie_names
from dashboard.pages import common
from dashboard.pages.common import no_access, who_bar
from etvi.accounts import policy

PAGE = dict(
    path="/aanlevering",
    name="Aanleverstatus",
    title="Aanleverstatus per gemeente · ETVI-monitor",
    description="Welke gemeenten wat en wanneer hebben aangeleverd.",
    order=92,
)
P = "levering"
PARAMS = [("provincie", f"{P}-provincie", "value")]  # query key, component id, property (see pages/common.url_sync)

def chosen_provincie(value, names: dict[str, str]) -> str | None:
    """A provincie code from the address or the dropdown, or ``None`` (all) when empty or unknown."""
    code = str(value or "").strip().upper() or None
    return code if code in names else None


def layout(provincie=None, **_query):
    user = security.current_user()
    header = [html.H1("Aanleverstatus per gemeente"), who_bar(user, "/aanlevering")]
    if user is None:
        return html.Div(header + [notice(["Log in om deze pagina te zien. ", html.A("Inloggen", href="/login?next=/aanlevering")], "info")])
    if not policy.may_open(user, PAGE["path"]):
        return html.Div(header + [no_access(user, "de aanleverstatus van gemeenten")])
    names = provincie_names()
    intro = html.P(
        "Welke gemeenten wat en wanneer hebben aangeleverd: de nieuwste melding (gemeld per), wanneer en door wie die is "
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
            security.require(lambda u: policy.may_see_delivery(u, provincie), "Uw account heeft geen rechten voor de aanleverstatus van deze provincie.")
        except security.Forbidden as exc:
            return notice(str(exc), "error", id_="levering-geen-toegang")
        names = provincie_names()
        if provincie is not None and provincie not in names:
            return notice(f"Onbekende provincie: {provincie}.", "error")
        return delivery_view(provincie, names.get(provincie) if provincie else None)

    # The beheerder's choice goes into the address (?provincie=PV27), so a copied link shows the
    # same provincie; the layout reads it back.
    common.url_sync(app, P, PARAMS)
