"""``/uitvragen``: the reporting rounds (issue 12) and their response at a glance.

- The beheerder sees every round with its response ("N van 342"), makes a new one (titel,
  peildatum, deadline, onderdelen; optionally opened at once with an announcement mail) and
  opens or closes one with the button in its row.
- A provincie account sees the same list, the response counted over its own gemeenten; it
  cannot change anything.
- Everyone else gets "Geen toegang" (HTTP 403 from the server hook, inside the normal shell).

The work is done by ``etvi.uitvraag`` (the same functions as ``etvi uitvraag``); its Dutch
messages are shown as they are. Every callback checks the role on the server again.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from dashboard import security
from dashboard.components import data_table, notice
from dashboard.pages.common import no_access, round_scope, who_bar
from dashboard.texts import nl_date, onderdeel_title
from etvi import publicatie as publicaties
from etvi.accounts import policy
from etvi.errors import UserError
from etvi.uitvraag import mail, responses, rounds
from etvi.uitvraag.rounds import UitvraagError
from models import db

PAGE = dict(
    path="/uitvragen",
    name="Uitvragen",
    title="Uitvragen · ETVI-monitor",
    description="De uitvragen aan gemeenten en hoeveel gemeenten antwoordden.",
    order=93,
)
P = "uitvragen"
MANAGE_REFUSED = "Alleen een beheerder mag uitvragen maken, openen en sluiten."
STATE_LABELS = {rounds.CONCEPT: "concept", rounds.OPEN: "open", rounds.GESLOTEN: "gesloten"}
OPEN_NOW, ANNOUNCE = "openen", "aankondigen"


def _action(round_) -> html.Button | str:
    """The button of a row: open a concept, close an open round."""
    if round_.state == rounds.CONCEPT:
        kind, text = "open", "Openen"
    elif round_.state == rounds.OPEN:
        kind, text = "sluit", "Sluiten"
    else:
        return "—"
    button = html.Button(
        text,
        id={"type": f"{P}-{kind}", "uitvraag": round_.id},
        n_clicks=0,
        className="button secondary",
        **{"aria-label": f"Uitvraag {round_.id} ({round_.title}) {text.lower()}"},
    )
    if kind != "sluit":
        return button
    publish = dcc.Checklist(
        id={"type": f"{P}-publiceer", "uitvraag": round_.id},
        options=[{"label": "bij het sluiten publiceren", "value": "ja"}],
        value=[],
        className="checklist",
    )
    return html.Div([publish, button])


def rounds_table(user) -> html.Div:
    """Every round, newest first, with its response over the gemeenten ``user`` sees."""
    url = security.db_url()
    with db.session(url) as s:
        found = rounds.list_rounds(s)
        for r in found:
            s.expunge(r)
    if not found:
        return html.P("Er zijn nog geen uitvragen.", id=f"{P}-leeg")
    codes = round_scope(user, url)
    manage = policy.can_manage_rounds(user)
    rows = []
    for r in found:
        _, answers = responses.answers(r.id, url, codes)
        counts = responses.summary(answers)
        row = [
            str(r.id),
            dcc.Link(r.title, href=f"/uitvraag/{r.id}"),
            nl_date(r.peildatum),
            nl_date(r.deadline),
            STATE_LABELS.get(r.state, r.state),
            f"{counts['geantwoord']} van {counts['totaal']}",
        ]
        if manage:
            row.append(_action(r))
        rows.append(row)
    headers = ["Nr.", "Titel", "Gemeld per", "Deadline", "Status", "Geantwoord"] + (["Actie"] if manage else [])
    return data_table(headers, rows, "Uitvragen, nieuwste eerst", id_=f"{P}-lijst", numeric={5})


def _field(id_: str, label: str, hint: str) -> html.Div:
    """A labelled text input; the hint is part of the label, so a screen reader reads it with the field
    (dcc.Input takes no aria-describedby). Dates as JJJJ-MM-DD, as in the CLI: no browser date picker
    with its own order of day and month."""
    return html.Div(
        [
            html.Label([label, " ", html.Span(hint, className="hint")], htmlFor=id_, className="control-label"),
            dcc.Input(id=id_, type="text", autoComplete="off", className="text-input"),
        ],
        className="control",
    )


def new_round_form() -> html.Section:
    onderdelen = rounds.all_onderdelen(security.db_url())
    return html.Section(
        [
            html.H2("Nieuwe uitvraag", id=f"{P}-nieuw-kop"),
            html.Div(
                [
                    _field(f"{P}-titel", "Titel", "(bijvoorbeeld: Uitvraag najaar 2026)"),
                    _field(f"{P}-peildatum", "Gemeld per", "(JJJJ-MM-DD: de datum waarop gemeenten hun stand geven)"),
                    _field(f"{P}-deadline", "Deadline", "(JJJJ-MM-DD: de laatste dag om te antwoorden)"),
                    html.Fieldset(
                        [
                            html.Legend("Gevraagde onderdelen"),
                            dcc.Checklist(
                                id=f"{P}-onderdelen",
                                options=[{"label": onderdeel_title(o), "value": o} for o in onderdelen],
                                value=list(onderdelen),
                                labelClassName="check",
                            ),
                        ],
                        className="control",
                    ),
                    html.Fieldset(
                        [
                            html.Legend("Na het maken"),
                            dcc.Checklist(
                                id=f"{P}-opties",
                                options=[
                                    {"label": "Meteen openen", "value": OPEN_NOW},
                                    {"label": "Aankondiging mailen aan alle gemeenteaccounts (bij openen)", "value": ANNOUNCE},
                                ],
                                value=[],
                                labelClassName="check",
                            ),
                        ],
                        className="control",
                    ),
                    html.Button("Uitvraag maken", id=f"{P}-maak", n_clicks=0, className="button primary"),
                ],
                className="form",
            ),
        ],
        **{"aria-labelledby": f"{P}-nieuw-kop"},
    )


def layout(**_query):
    user = security.current_user()
    header = [html.H1("Uitvragen"), who_bar(user, PAGE["path"])]
    if user is None:
        return html.Div(header + [notice(["Log in om deze pagina te zien. ", html.A("Inloggen", href=f"/login?next={PAGE['path']}")], "info")])
    if not policy.may_open(user, PAGE["path"]):
        return html.Div(header + [no_access(user, "de uitvragen")])
    intro = html.P(
        "VNG vraagt alle gemeenten in rondes (uitvragen) naar hun stand op één datum (gemeld per). Elke aanlevering "
        "gemeld per die datum telt als antwoord. Kies een uitvraag voor de respons per provincie en wie nog niet antwoordde.",
        className="intro",
    )
    body = [intro, html.Div(id=f"{P}-melding", **{"aria-live": "polite"}), html.Section([html.H2("Alle uitvragen"), html.Div(rounds_table(user), id=f"{P}-wrap")])]
    if policy.can_manage_rounds(user):
        body += [new_round_form(), dcc.Store(id=f"{P}-mailtekst"), dcc.Download(id=f"{P}-download")]
    return html.Div(header + body)


def _mail_notice(report: mail.MailReport) -> list:
    """What the announcement did; without SMTP the reason and a download of recipients and text."""
    if not report.configured:
        return [
            notice(report.message, "warning", id_=f"{P}-niet-verstuurd"),
            html.Button("Ontvangers en tekst downloaden (csv)", id=f"{P}-download-knop", n_clicks=0, className="button secondary"),
        ]
    failed = [o for o in report.outcomes if o.status == mail.MISLUKT]
    text = f"{report.sent} aankondiging(en) verstuurd" + (f", {len(failed)} mislukt" if failed else "") + "."
    items = [html.Li(f"{o.email}: {o.reason}") for o in failed]
    return [notice([text] + ([html.Ul(items)] if items else []), "error" if failed else "success", id_=f"{P}-mail")]


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(f"{P}-melding", "children"),
        Output(f"{P}-wrap", "children"),
        Output(f"{P}-mailtekst", "data"),
        Input(f"{P}-maak", "n_clicks"),
        State(f"{P}-titel", "value"),
        State(f"{P}-peildatum", "value"),
        State(f"{P}-deadline", "value"),
        State(f"{P}-onderdelen", "value"),
        State(f"{P}-opties", "value"),
        prevent_initial_call=True,
    )
    def create(n_clicks, titel, peildatum, deadline, onderdelen, opties):
        if not n_clicks:
            return no_update, no_update, no_update
        try:
            user = security.require(policy.can_manage_rounds, MANAGE_REFUSED)
        except security.Forbidden as exc:
            return notice(str(exc), "error"), no_update, no_update
        opties = opties or []
        if ANNOUNCE in opties and OPEN_NOW not in opties:
            return notice("Een aankondiging gaat uit bij het openen: vink ook ‘Meteen openen’ aan, of open de uitvraag later.", "error"), no_update, no_update
        if not onderdelen:
            return notice("Kies ten minste één onderdeel om naar te vragen.", "error"), no_update, no_update
        try:
            with db.session(security.db_url()) as s:
                made = rounds.create_round(s, titel or "", peildatum or "", deadline or "", onderdelen, actor=user.username, url=security.db_url())
                if OPEN_NOW in opties:
                    rounds.open_round(s, made.id, actor=user.username)
                made_id, title, state = made.id, made.title, made.state
        except UitvraagError as exc:
            return notice(str(exc), "error", id_=f"{P}-fout"), no_update, no_update
        done = notice(f"Uitvraag {made_id} ‘{title}’ is gemaakt ({STATE_LABELS[state]}).", "success", id_=f"{P}-gemaakt")
        texts = no_update
        parts = [done]
        if ANNOUNCE in opties:
            try:
                report = mail.send_announcement(made_id, user.username, url=security.db_url())
            except UitvraagError as exc:
                parts.append(notice(str(exc), "error"))
            else:
                parts += _mail_notice(report)
                texts = mail.texts_csv(report) if not report.configured else None
        return parts, rounds_table(user), texts

    @app.callback(
        Output(f"{P}-melding", "children", allow_duplicate=True),
        Output(f"{P}-wrap", "children", allow_duplicate=True),
        Input({"type": f"{P}-open", "uitvraag": ALL}, "n_clicks"),
        Input({"type": f"{P}-sluit", "uitvraag": ALL}, "n_clicks"),
        State({"type": f"{P}-publiceer", "uitvraag": ALL}, "value"),
        prevent_initial_call=True,
    )
    def open_or_close(_open_clicks, _close_clicks, publish_values):
        trigger = ctx.triggered_id
        if not trigger or not any(t.get("value") for t in ctx.triggered):  # a new row's button, not a click
            return no_update, no_update
        try:
            user = security.require(policy.can_manage_rounds, MANAGE_REFUSED)
        except security.Forbidden as exc:
            return notice(str(exc), "error"), no_update
        closing = trigger["type"].endswith("-sluit")
        publish = closing and _publish_asked(trigger["uitvraag"], publish_values) and policy.can_publish(user)
        try:
            with db.session(security.db_url()) as s:
                change = rounds.close_round if closing else rounds.open_round
                changed = change(s, trigger["uitvraag"], actor=user.username)
                text = [f"Uitvraag {changed.id} ‘{changed.title}’ is {'gesloten' if closing else 'geopend'}."]
                if publish:
                    made = publicaties.for_round(s, changed, user.username)
                    text += [" Gepubliceerd als ", dcc.Link(f"publicatie {made.id}", href=f"/publicatie/{made.id}"), "."]
        except UserError as exc:  # UitvraagError, PublicatieError: nothing changed (one session)
            return notice(str(exc), "error", id_=f"{P}-fout"), rounds_table(user)
        return notice(text, "success", id_=f"{P}-gewijzigd"), rounds_table(user)

    def _publish_asked(round_id, values) -> bool:
        """Whether the "publiceren" box of the round whose Sluiten was clicked is ticked."""
        ids = [item["id"]["uitvraag"] for item in ctx.states_list[0]]
        return any(i == round_id and "ja" in (v or []) for i, v in zip(ids, values))

    @app.callback(
        Output(f"{P}-download", "data"),
        Input(f"{P}-download-knop", "n_clicks"),
        State(f"{P}-mailtekst", "data"),
        prevent_initial_call=True,
    )
    def download_texts(n_clicks, texts):
        if not n_clicks or not texts:
            return no_update
        try:
            security.require(policy.can_manage_rounds, MANAGE_REFUSED)
        except security.Forbidden:
            return no_update
        return dcc.send_string(texts, "aankondiging-ontvangers.csv", type="text/csv")
