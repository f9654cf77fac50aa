"""``/publicaties``: every publicatie, newest first; the beheerder makes one here (title and
peildatum; the moment K is now). Making one is checked in the callback by the access policy
(``policy.can_publish``) and audited (``etvi.publicatie.make``)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import security
from dashboard.runtime import current
from dashboard.texts import fmt_date, local_time
from etl.dates import DateError, parse_date
from etvi import publicatie as publicaties
from etvi.accounts import policy
from etvi.publicatie import PublicatieError

PAGE = dict(path="/publicaties", name="Publicaties", title="Publicaties – ETVI-monitor", order=6)
P = "pubs"
REFUSED = "Alleen een beheerder kan een publicatie maken."


def _list(url) -> html.Div:
    rows = publicaties.all_publicaties(url)
    if not rows:
        return html.P("Er zijn nog geen publicaties.", id=f"{P}-leeg")
    return ui.data_table(
        ["Titel", "Stand op", "Bekend op", "Door"],
        [[html.A(p.titel, href=f"/publicatie/{p.id}"), fmt_date(p.peildatum), local_time(p.kennis), p.username] for p in rows],
        "Publicaties, de nieuwste eerst",
        id_=f"{P}-tabel",
    )


def _form() -> html.Section:
    return html.Section(
        [
            html.H2("Nieuwe publicatie", id=f"{P}-maak-heading"),
            html.P("De cijfers van de gekozen datum (stand op) zoals ze nu bekend zijn worden vastgelegd; latere aanleveringen veranderen ze niet meer.", className="hint"),
            html.Div(
                [
                    html.Label("Titel", htmlFor=f"{P}-titel"),
                    dcc.Input(id=f"{P}-titel", type="text", maxLength=publicaties.MAX_TITEL, className="text-input"),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Stand op (JJJJ-MM-DD, leeg: vandaag)", htmlFor=f"{P}-peildatum"),
                    dcc.Input(id=f"{P}-peildatum", type="text", className="text-input"),
                ],
                className="control",
            ),
            html.Button("Publiceren", id=f"{P}-maak", n_clicks=0, className="button"),
            html.Div(id=f"{P}-melding", **{"aria-live": "polite"}),
        ],
        **{"aria-labelledby": f"{P}-maak-heading"},
    )


def layout(**_):
    rt = current()
    user = security.current_user()
    parts = [html.H1("Publicaties"), html.P("Cijfers die je kunt citeren: de stand op een datum zoals die op één moment bekend was, voor altijd.", className="intro")]
    if user is not None and policy.can_publish(user):
        parts.append(_form())
    parts.append(html.Section([html.H2("Alle publicaties", id=f"{P}-lijst-heading"), html.Div(_list(rt.data.url), id=f"{P}-lijst")], **{"aria-labelledby": f"{P}-lijst-heading"}))
    return html.Div(parts)


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(f"{P}-melding", "children"),
        Output(f"{P}-lijst", "children"),
        Input(f"{P}-maak", "n_clicks"),
        State(f"{P}-titel", "value"),
        State(f"{P}-peildatum", "value"),
        prevent_initial_call=True,
    )
    def make(n_clicks, titel, peildatum):
        if not n_clicks:
            return no_update, no_update
        try:
            user = security.require(policy.can_publish, REFUSED)
        except security.Forbidden as exc:
            return ui.notice(str(exc), "error", id_=f"{P}-fout"), no_update
        url = current().data.url
        try:
            when = parse_date(peildatum.strip()) if peildatum and peildatum.strip() else None
            made = publicaties.make(titel, user.username, peildatum=when, url=url)
        except DateError as exc:
            return ui.notice(f"Stand op: {str(exc).rstrip('.')}. Schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-01.", "error", id_=f"{P}-fout"), no_update
        except PublicatieError as exc:
            return ui.notice(str(exc), "error", id_=f"{P}-fout"), no_update
        done = ui.notice(["Publicatie gemaakt: ", html.A(made.titel, href=f"/publicatie/{made.id}"), "."], "info", id_=f"{P}-gemaakt")
        return done, _list(url)

