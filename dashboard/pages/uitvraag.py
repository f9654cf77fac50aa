"""``/uitvraag/<id>``: one round's response (issue 12) — how many gemeenten answered ("211 van
342"), per provincie, who did not, and the status per gemeente as CSV (the same content as
``etvi uitvraag status ID --format csv``).

- The beheerder sees all gemeenten and, while the round is open, sends the reminder mail to the
  accounts of gemeenten that did not answer ("Herinnering sturen"; ``etvi.uitvraag.mail``).
  Without ETVI_SMTP_URL nothing is sent: the page says why and offers the recipients and the
  text as a download.
- A provincie account sees the same for its own gemeenten; a gemeente account for its own, and
  first its answer: per gemeente the status known at the peildatum of every onderdeel asked and
  "Niets veranderd" (``etvi.uitvraag.confirmation.confirm_unchanged``, channel formulier); the
  Dutch confirmation takes the focus (``assets/uitvraag.js``). Below it the form to pass on
  changes (``dashboard.uitvraag_form``). A gemeente account with an open
  round it has not answered lands here after logging in (``policy.home``).
- Everyone else gets "Geen toegang". Every callback checks role and scope on the server again.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dash
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, dcc, html, no_update

from dashboard import security, uitvraag_form
from dashboard.components import chart, data_table, graph, notice
from dashboard.figures import answer_map, maps
from dashboard.pages.common import no_access, round_scope, today, who_bar
from dashboard.peers import examples as peer_examples
from dashboard.runtime import current
from dashboard.texts import local_time, nl_date, onderdeel_title
from etvi.accounts import policy
from etvi.accounts.clock import aware
from etvi.uitvraag import confirmation, form_answer, mail, responses, rounds
from etvi.uitvraag.rounds import UitvraagError
from models.peers import at as peers_at

PAGE = dict(
    path_template="/uitvraag/<uitvraag_id>",
    name="Uitvraag",
    title="Uitvraag · ETVI-monitor",
    description="De respons op een uitvraag: wie antwoordde en wie nog niet.",
    order=94,
)
P = "uitvraag"
REMIND_REFUSED = "Alleen een beheerder mag herinneringen sturen."
NOTHING_CHOSEN = "Kies ten minste één gemeente die de herinnering krijgt; er is niets verstuurd."
MAP_LABEL = "Kaart: het antwoord van elke gemeente op deze uitvraag; dezelfde gegevens staan in de tabel eronder."
ANSWER_LABELS = answer_map.LABELS  # the words of the map legend, the table and the counts


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def provincie_table(counts: dict) -> html.Div:
    rows = [[name or "onbekend", str(c["geantwoord"]), str(c["totaal"]), _pct(c["geantwoord"], c["totaal"])] for name, c in counts["per_provincie"].items()]
    return data_table(["Provincie", "Geantwoord", "Gemeenten", "Respons"], rows, "Respons per provincie", id_=f"{P}-provincies", numeric={1, 2, 3})


def missing_table(answers: list[responses.Answer]) -> html.Div:
    missing = [a for a in answers if not a.answered]
    if not missing:
        return html.P("Alle gemeenten hebben geantwoord.", id=f"{P}-niet-geantwoord")
    rows = [[a.gemeente_code, dcc.Link(a.gemeente, href=f"/gemeente/{a.gemeente_code}"), a.provincie, ANSWER_LABELS[a.antwoord],
             local_time(a.wanneer) if a.wanneer else "—"] for a in missing]  # fmt: skip
    return data_table(
        ["Gemeentecode", "Gemeente", "Provincie", "Antwoord", "Laatste poging"], rows,
        f"Nog niet geantwoord ({len(missing)} gemeenten)", id_=f"{P}-niet-geantwoord",
    )  # fmt: skip


def answer_frame(answers: list[responses.Answer]) -> pd.DataFrame:
    return pd.DataFrame(
        [(a.gemeente_code, a.gemeente, a.provincie, a.antwoord) for a in answers], columns=["gemeentecode", "gemeente", "provincie", "antwoord"]
    )


def answer_legend(frame: pd.DataFrame) -> html.Ul:
    """Swatch, answer and number of gemeenten; "geen antwoord" has the thick outline it has on the map."""
    items = [
        html.Li([
            html.Span(className="swatch swatch-nodata" if a == answer_map.GEEN else "swatch", style={"backgroundColor": color}, **{"aria-hidden": "true"}),
            html.Span(label, className="legend-label"), html.Span(f" ({n})", className="legend-count"),
        ], **{"data-antwoord": a})
        for a, color, label, n in answer_map.counts(frame)
    ]  # fmt: skip
    return html.Ul(items, className="legend", id=f"{P}-legenda", **{"aria-label": "Legenda: antwoord en aantal gemeenten"})


def answers_table(answers: list[responses.Answer]) -> html.Div:
    """The table behind the map: the answer of every gemeente shown."""
    rows = [[a.gemeente_code, dcc.Link(a.gemeente, href=f"/gemeente/{a.gemeente_code}"), a.provincie, ANSWER_LABELS[a.antwoord],
             local_time(a.wanneer) if a.wanneer else "—", a.kanaal or "—"] for a in answers]  # fmt: skip
    return data_table(["Gemeentecode", "Gemeente", "Provincie", "Antwoord", "Wanneer", "Kanaal"], rows,
                      f"Antwoord per gemeente ({len(answers)} gemeenten)", id_=f"{P}-antwoorden")  # fmt: skip


def counted_until(round_) -> date:
    """The day the answers on the page are counted at: today while the round is open, the day it
    closed after that (later files no longer count, ``responses``); the date of the map's download."""
    closed = aware(round_.closed_at)
    if closed is None:
        return today()
    try:
        return closed.astimezone(ZoneInfo("Europe/Amsterdam")).date()
    except ZoneInfoNotFoundError:  # no tz database: the UTC day
        return closed.date()


def map_section(round_, answers: list[responses.Answer], url: str | None) -> html.Section:
    """Who answered, on the gemeente map of ``/`` and in a table; voorlopig until the round closes.
    The map is behind a login, so it has no server-rendered ``/kaart.svg``: it gets the downloads
    of every chart (``components.chart``), drawn in the browser from the map on screen."""
    word = rounds.stand_at(round_.peildatum, url)
    frame = answer_frame(answers)
    stand = f" ({word})" if word else ""
    heading = f"Wie antwoordde, per gemeente{stand}"
    rt = current()
    shape, error = rt.shape_or_none("gemeente", rt.data.version())
    if shape is None:  # a message, not a map: nothing to download
        shown = graph(f"{P}-kaart", maps.message_figure(f"De kaart is niet beschikbaar: {error} De antwoorden staan in de tabel."), MAP_LABEL, className="map")
    else:
        title = f"{round_.title}: wie antwoordde, per gemeente{stand}"
        shown = chart(f"{P}-kaart", answer_map.answer_map(frame, shape.url), MAP_LABEL, title, counted_until(round_), className="map")
    return html.Section(
        [
            html.H2(heading, id=f"{P}-kaart-kop"),
            html.P(f"Stand van de antwoorden met peildatum {nl_date(round_.peildatum)}: "
                   + ({"voorlopig": "voorlopig, de uitvraag is nog open.", "definitief": "definitief, de uitvraag is gesloten."}.get(word or "", f"de uitvraag is {round_.state}.")),
                   id=f"{P}-stand"),  # fmt: skip
            html.Div(
                [
                    shown,
                    html.Div(answer_legend(frame), className="legend-box"),
                ],
                className="map-row",
            ),
            answers_table(answers),
        ],
        **{"aria-labelledby": f"{P}-kaart-kop"},
    )


def reminder_choice(answers: list[responses.Answer]) -> html.Fieldset:
    """Which of the not-answered gemeenten get the reminder: native checkboxes, all ticked, one
    group per provincie (each under 100 options: Dash 4 virtualises a longer Checklist, which
    leaves most boxes out of the page for keyboard and screen reader). "Alles kiezen" and "Niets
    kiezen" tick or untick every group at once (``choose_all_or_none``); what they did is said
    in a live region, as a screen reader would not notice boxes changing elsewhere."""
    missing = [a for a in answers if not a.answered]
    by_provincie: dict[str, list[responses.Answer]] = {}
    for a in missing:
        by_provincie.setdefault(a.provincie or "onbekend", []).append(a)
    groups = [
        html.Fieldset(
            [
                html.Legend(f"{provincie} ({len(found)})"),
                dcc.Checklist(
                    id={"type": f"{P}-keuze", "provincie": provincie},
                    options=[{"label": f"{a.gemeente} ({a.gemeente_code})", "value": a.gemeente_code} for a in found],
                    value=[a.gemeente_code for a in found],
                    labelClassName="keuze check",
                ),
            ],
            className="keuze-provincie",
        )
        for provincie, found in sorted(by_provincie.items())
    ]
    return html.Fieldset(
        [
            html.Legend(f"Wie krijgt de herinnering? ({len(missing)} gemeenten zonder antwoord; standaard allemaal)"),
            html.Div(
                [
                    html.Button("Alles kiezen", id=f"{P}-alles", type="button", n_clicks=0, className="button secondary"),
                    html.Button("Niets kiezen", id=f"{P}-niets-kiezen", type="button", n_clicks=0, className="button secondary"),
                    html.Span(id=f"{P}-keuze-melding", role="status", className="keuze-melding"),
                ],
                className="keuze-knoppen",
            ),
            html.Div(groups, className="keuzelijst"),
        ],
        className="herinner-keuze",
        id=f"{P}-keuze",
    )


def _known_table(round_, code: str, name: str, known: dict[str, dict]) -> html.Div:
    asked = rounds.onderdelen_of(round_)
    rows = []
    for o in asked:
        r = known.get(o)
        if r is None:
            rows.append([onderdeel_title(o), "nog niet bekend", "—", "—", "—"])
            continue
        source = html.A(r["source_url"], href=r["source_url"], rel="noopener noreferrer", target="_blank") if r["source_url"] else "—"
        rows.append([onderdeel_title(o), r["status"], nl_date(r["adopted_on"]) if r["adopted_on"] else "—", source, r["comment"] or "—"])
    return data_table(
        ["Onderdeel", "Status", "Vastgesteld op", "Bron", "Toelichting"], rows,
        f"Stand van zaken van {name} op {nl_date(round_.peildatum)}", id_=f"{P}-stand-{code}",
    )  # fmt: skip


def answer_section(user, round_, answers: list[responses.Answer], url: str | None) -> html.Section:
    """The gemeente's own answer: per gemeente its known status and "Niets veranderd"."""
    by_code = {a.gemeente_code: a for a in answers}
    parts: list = [html.H2("Uw antwoord", id=f"{P}-antwoord-kop")]
    if round_.state == rounds.OPEN:
        parts.append(html.P([
            f"Is er niets veranderd? Bevestig dan met één klik dat de stand hieronder ook per "
            f"{nl_date(round_.peildatum)} geldt. Wel iets veranderd? Pas het formulier onder de stand aan, of lever een bestand aan via ",
            dcc.Link("Aanleveren", href="/aanleveren"), ".",
        ]))  # fmt: skip
    else:
        parts.append(html.P(f"Deze uitvraag is {round_.state}; antwoorden kan alleen in een open uitvraag."))
    examples = peers_at(round_.peildatum, sorted(user.gemeente_codes), rounds.onderdelen_of(round_), url)  # "Zo deden anderen het"
    words = form_answer.status_words(url) if round_.state == rounds.OPEN else {}
    for code in sorted(user.gemeente_codes):
        answer = by_code.get(code)
        name = answer.gemeente if answer else code
        state = responses.GEEN if answer is None else answer.antwoord
        said = f"Uw antwoord tot nu toe: {ANSWER_LABELS[state]}" + (f" ({local_time(answer.wanneer)})." if answer and answer.wanneer else ".")
        known = confirmation.known_statuses(round_.peildatum, rounds.onderdelen_of(round_), code, url)
        block = [html.H3(f"{name} ({code})"), html.P(said, id=f"{P}-antwoord-{code}"), _known_table(round_, code, name, known)]
        if round_.state == rounds.OPEN and not known:
            block.append(html.P(
                [f"Van {name} is nog geen stand van zaken bekend, dus er valt niets ongewijzigd te bevestigen. Vul de stand hieronder in "
                 "of lever die aan via ", dcc.Link("Aanleveren", href="/aanleveren"), "."], id=f"{P}-niets-bekend-{code}",
            ))  # fmt: skip
        elif round_.state == rounds.OPEN:
            block += [
                html.Button("Niets veranderd", id={"type": f"{P}-niets", "code": code}, n_clicks=0, className="button primary",
                            **{"aria-label": f"Niets veranderd voor {name}"}),  # fmt: skip
                html.Div(id={"type": f"{P}-bevestiging", "code": code}),
            ]
        if round_.state == rounds.OPEN:
            block.append(uitvraag_form.form(code, name, rounds.onderdelen_of(round_), words, known, round_.peildatum))
        block.append(peer_examples(examples[code], f"{P}-peers-{code}", okec=True, name_onderdelen=True))
        parts.append(html.Div(block, className="uitvraag-gemeente"))
    return html.Section(parts, **{"aria-labelledby": f"{P}-antwoord-kop"})


def _scope_name(user) -> str:
    if user.role == "provincie":
        return f" in uw provincie ({user.provincie_code})"
    if user.role == "gemeente":
        return " van uw gemeente(n)"
    return ""


def layout(uitvraag_id=None, **_query):
    user = security.current_user()
    path = f"/uitvraag/{uitvraag_id}"
    header = [html.H1("Uitvraag"), who_bar(user, path)]
    if user is None:
        return html.Div(header + [notice(["Log in om deze pagina te zien. ", html.A("Inloggen", href=f"/login?next={path}")], "info")])
    if not policy.may_open(user, path):
        return html.Div(header + [no_access(user, "deze uitvraag")])
    url = security.db_url()
    try:
        round_, answers = responses.answers(uitvraag_id, url, round_scope(user, url))
    except UitvraagError as exc:
        return html.Div(header + [notice([str(exc), " ", dcc.Link("Naar alle uitvragen", href="/uitvragen") if policy.can_see_rounds(user) else ""], "error", id_=f"{P}-fout")])
    counts = responses.summary(answers)
    facts = html.Dl(
        [
            html.Dt("Gemeld per"), html.Dd(nl_date(round_.peildatum)),
            html.Dt("Deadline"), html.Dd(nl_date(round_.deadline)),
            html.Dt("Status"), html.Dd(round_.state, id=f"{P}-status"),
            html.Dt("Gevraagd"), html.Dd(", ".join(rounds.onderdelen_of(round_))),
        ],  # fmt: skip
        className="facts",
    )
    body = [
        html.H1(f"Uitvraag: {round_.title}"),
        who_bar(user, path),
        facts,
        *([answer_section(user, round_, answers, url)] if user.role == "gemeente" else []),
        html.Section(
            [
                html.H2("Respons"),
                html.P(
                    [html.Strong(f"{counts['geantwoord']} van {counts['totaal']}", id=f"{P}-respons"), f" gemeenten{_scope_name(user)} hebben geantwoord."],
                    className="big-figure",
                ),
                html.P(
                    ", ".join(f"{ANSWER_LABELS[k]}: {n}" for k, n in counts["per_antwoord"].items()),
                    id=f"{P}-per-antwoord",
                ),
                html.Button("Status per gemeente downloaden (csv)", id=f"{P}-csv-knop", n_clicks=0, className="button secondary"),
                dcc.Download(id=f"{P}-csv"),
                dcc.Store(id=f"{P}-id", data=round_.id),
            ]
        ),
        html.Section([html.H2("Per provincie"), provincie_table(counts)]),
        map_section(round_, answers, url),
        html.Section([html.H2("Nog niet geantwoord"), missing_table(answers)]),
    ]
    if policy.can_manage_rounds(user):
        if round_.state == rounds.OPEN:
            remind = [
                html.P("Een herinnering gaat naar elk gemeenteaccount met een e-mailadres van de gekozen gemeenten die nog niet antwoordden. "
                       "Een adres dat vandaag al een herinnering kreeg, wordt overgeslagen."),  # fmt: skip
                reminder_choice(answers),
                html.Button("Herinnering sturen", id=f"{P}-herinner", n_clicks=0, className="button primary"),
            ]
        else:
            remind = [html.P(f"Herinneringen gaan alleen uit voor een open uitvraag; deze is {round_.state}.")]
        body.append(
            html.Section(
                [html.H2("Herinneren"), *remind, html.Div(id=f"{P}-herinner-uitkomst", **{"aria-live": "polite"}),
                 dcc.Store(id=f"{P}-mailtekst"), dcc.Download(id=f"{P}-mail-download")]  # fmt: skip
            )
        )
    return html.Div(body)


def _report(report: mail.MailReport) -> list:
    if not report.configured:
        return [
            notice(report.message, "warning", id_=f"{P}-niet-verstuurd"),
            html.P(f"{len(report.texts)} ontvanger(s)."),
            html.Button("Ontvangers en tekst downloaden (csv)", id=f"{P}-mail-download-knop", n_clicks=0, className="button secondary"),
        ]
    failed = [o for o in report.outcomes if o.status == mail.MISLUKT]
    skipped = report.count(mail.OVERGESLAGEN)
    text = (f"{report.sent} herinnering(en) verstuurd" + (f", {len(failed)} mislukt" if failed else "")
            + (f", {skipped} overgeslagen (vandaag al verstuurd)" if skipped else "") + ".")  # fmt: skip
    items = [html.Li(f"{o.email}: {o.reason}") for o in failed]
    return [notice([text] + ([html.Ul(items)] if items else []), "error" if failed else "success", id_=f"{P}-verstuurd")]


def register_callbacks(app: dash.Dash) -> None:
    uitvraag_form.register_callbacks(app)

    @app.callback(Output(f"{P}-csv", "data"), Input(f"{P}-csv-knop", "n_clicks"), State(f"{P}-id", "data"), prevent_initial_call=True)
    def download_csv(n_clicks, round_id):
        if not n_clicks:
            return no_update
        try:
            user = security.require(policy.can_see_round, "Uw account heeft geen toegang tot deze uitvraag.")
        except security.Forbidden:
            return no_update
        url = security.db_url()
        try:
            round_, answers = responses.answers(round_id, url, round_scope(user, url))
        except UitvraagError:
            return no_update
        return dcc.send_string(responses.csv_text(answers), f"uitvraag-{round_.id}-status.csv", type="text/csv")

    @app.callback(
        Output({"type": f"{P}-bevestiging", "code": MATCH}, "children"),
        Input({"type": f"{P}-niets", "code": MATCH}, "n_clicks"),
        State(f"{P}-id", "data"),
        prevent_initial_call=True,
    )
    def unchanged(n_clicks, round_id):
        if not n_clicks:
            return no_update
        code = dash.ctx.triggered_id["code"]
        try:
            user = security.require(policy.can_upload, "Uw account mag niet antwoorden op een uitvraag.")
            result = confirmation.confirm_unchanged(round_id, code, user, channel="formulier", url=security.db_url())
        except (security.Forbidden, UitvraagError) as exc:
            return notice(str(exc), "error", id_=f"{P}-bevestiging-fout-{code}")
        if result.outcome not in responses.ACCEPTED:
            problems = [html.Li(p.message) for p in (result.problems or [])]
            return notice(["Uw bevestiging is niet verwerkt.", html.Ul(problems)], "error", id_=f"{P}-bevestiging-fout-{code}")
        return html.Div(
            [html.Strong("Dank u, uw antwoord is ontvangen. "),
             f"U bevestigde dat voor {code} niets veranderd is. Het telt als antwoord 'ongewijzigd' op deze uitvraag."],  # fmt: skip
            className="notice notice-success uitvraag-bevestigd", role="status", tabIndex="-1", id=f"{P}-bevestigd-{code}",
        )

    @app.callback(
        Output({"type": f"{P}-keuze", "provincie": ALL}, "value"),
        Output(f"{P}-keuze-melding", "children"),
        Input(f"{P}-alles", "n_clicks"),
        Input(f"{P}-niets-kiezen", "n_clicks"),
        State({"type": f"{P}-keuze", "provincie": ALL}, "options"),
        prevent_initial_call=True,
    )
    def choose_all_or_none(_all, _none, per_provincie):
        """Every listed gemeente, or none; only the page's own options come back (no data read)."""
        groups = per_provincie or []
        try:
            security.require(policy.can_manage_rounds, REMIND_REFUSED)
        except security.Forbidden:
            return [no_update] * len(groups), no_update
        if dash.ctx.triggered_id == f"{P}-alles":
            n = sum(len(options or []) for options in groups)
            return [[o["value"] for o in (options or [])] for options in groups], f"Alle {n} gemeenten gekozen."
        return [[] for _ in groups], "Geen gemeente gekozen."

    @app.callback(
        Output(f"{P}-herinner-uitkomst", "children"),
        Output(f"{P}-mailtekst", "data"),
        Input(f"{P}-herinner", "n_clicks"),
        State(f"{P}-id", "data"),
        State({"type": f"{P}-keuze", "provincie": ALL}, "value"),
        prevent_initial_call=True,
    )
    def remind(n_clicks, round_id, per_provincie):
        if not n_clicks:
            return no_update, no_update
        try:
            user = security.require(policy.can_manage_rounds, REMIND_REFUSED)
        except security.Forbidden as exc:
            return notice(str(exc), "error"), no_update
        chosen = [code for group in (per_provincie or []) for code in (group or [])]
        if not chosen:  # an empty selection would mean "everyone" to send_reminders
            return notice(NOTHING_CHOSEN, "error", id_=f"{P}-herinner-fout"), no_update
        try:
            report = mail.send_reminders(round_id, user.username, gemeenten=chosen, url=security.db_url())
        except UitvraagError as exc:
            return notice(str(exc), "error", id_=f"{P}-herinner-fout"), no_update
        return _report(report), (mail.texts_csv(report) if not report.configured else None)

    @app.callback(
        Output(f"{P}-mail-download", "data"),
        Input(f"{P}-mail-download-knop", "n_clicks"),
        State(f"{P}-mailtekst", "data"),
        State(f"{P}-id", "data"),
        prevent_initial_call=True,
    )
    def download_texts(n_clicks, texts, round_id):
        if not n_clicks or not texts:
            return no_update
        try:
            security.require(policy.can_manage_rounds, REMIND_REFUSED)
        except security.Forbidden:
            return no_update
        return dcc.send_string(texts, f"uitvraag-{round_id}-herinnering-ontvangers.csv", type="text/csv")
