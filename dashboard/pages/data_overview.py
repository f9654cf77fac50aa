"""``/data``: downloads (the chosen view as CSV, xlsx and ODS, the empty template), gemeenten that
never reported, reports older than a configurable age, and where data and boundaries come from.

Query: ``weergave``, ``peildatum``, ``onderdeel``, ``regiotype``, ``dagen`` (age in days above
which a report counts as old; default ETVI_STALE_DAYS).
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import Input, Output, dcc, html

from dashboard import components as ui
from dashboard import views
from dashboard.pages import common
from dashboard.runtime import current
from dashboard.state import choose, parse_peildatum, positive_int
from dashboard.texts import GEMELD_PER, fmt_date, fmt_date_short, level_title
from etvi.config import settings

PAGE = dict(path="/data", name="Data", title="Data en downloads – ETVI-monitor", order=5)
P = "dt"
PARAMS = [
    ("weergave", f"{P}-weergave", "value"),
    ("peildatum", f"{P}-peildatum", "value"),
    ("onderdeel", f"{P}-onderdeel", "value"),
    ("regiotype", f"{P}-regiotype", "value"),
    ("dagen", f"{P}-dagen", "value"),
]
WEERGAVEN = [
    ("gemeenten", "Status per gemeente, alle onderdelen"),
    ("aanleverformaat", "Status per gemeente in het aanleverformaat (zelfde kolommen als het aanleversjabloon)"),
    ("regios", "Aandeel gereed per provincie of regio"),
    ("mijlpalen", "Mijlpalen"),
    ("mijlpalen-voortgang", "Voortgang naar de mijlpalen per gebied"),
    ("verouderd", "Verouderde meldingen"),
    ("nooit-gemeld", "Gemeenten die nooit iets meldden"),
]


# Views whose table depends on onderdeel and regio-indeling; for the others these choices
# would do nothing, so they are hidden (issue 14, item 13). Peildatum and the age in days stay:
# they also set the "Volledigheid en actualiteit" section below.
REGIO_VIEWS = {"regios"}


def regio_controls_shown(weergave: str | None) -> bool:
    return weergave in REGIO_VIEWS


def _stale_default() -> int:
    return settings().stale_days


def layout(weergave=None, peildatum=None, onderdeel=None, regiotype=None, dagen=None, **_):
    rt = current()
    v = rt.data.version()
    ref = rt.data.reference(v)
    today = common.today()
    w = choose(weergave, [k for k, _ in WEERGAVEN], "gemeenten")
    pd_ = parse_peildatum(peildatum, today)
    ond = choose(onderdeel, ref.onderdelen, ref.onderdelen[0] if ref.onderdelen else "")
    rtype = choose(regiotype, ref.levels_available(), "provincie")
    days = positive_int(dagen, _stale_default())
    return html.Div(
        [
            html.H1("Data en downloads"),
            common.future_notice(peildatum),
            html.P(
                "Alle cijfers van de monitor zijn te downloaden. Kies een weergave en bij 'Stand op' een datum; de links hieronder geven "
                "precies die tabel met de stand zoals die op die datum bekend was. Het CSV-bestand opent direct in Excel (puntkomma's, decimale komma); "
                "het ODS-bestand (OpenDocument) opent in LibreOffice en andere open software.",
                className="intro",
            ),
            html.Section(
                [
                    html.H2("Download", id=f"{P}-dl-heading"),
                    html.Div(ui.radio_group(f"{P}-weergave", "Weergave", WEERGAVEN, w), className="controls"),
                    html.Div(
                        [
                            common.peildatum_dropdown(rt, v, f"{P}-peildatum", pd_),
                            html.Div(
                                [
                                    ui.radio_group(f"{P}-onderdeel", "Onderdeel", common.onderdeel_options(ref), ond),
                                    ui.radio_group(f"{P}-regiotype", "Regio-indeling", [(lvl, level_title(lvl)) for lvl in ref.levels_available()], rtype),
                                ],
                                id=f"{P}-regio-keuzes",
                                className="controls",
                                hidden=not regio_controls_shown(w),
                            ),
                            html.Div(
                                [
                                    html.Label("Een melding is verouderd na (dagen)", htmlFor=f"{P}-dagen", className="control-label"),
                                    dcc.Input(id=f"{P}-dagen", type="number", min=1, step=1, value=days, debounce=True, className="number-input"),
                                ],
                                className="control",
                            ),
                        ],
                        className="controls",
                    ),
                    ui.download_links(P, w, "?" + urlencode({"peildatum": pd_.isoformat(), "onderdeel": ond, "regiotype": rtype, "dagen": days})),
                    ui.share_link(P),
                    html.H3("Leeg aanleversjabloon"),
                    html.P(
                        [
                            "Het Excel-sjabloon dat gemeenten invullen, met keuzelijsten voor de statussen: ",
                            html.A("aanleversjabloon (xlsx)", href="/download/sjabloon.xlsx", download=""),
                            ".",
                        ]
                    ),
                ],
                **{"aria-labelledby": f"{P}-dl-heading"},
            ),
            html.Section(
                [html.H2("Volledigheid en actualiteit", id=f"{P}-q-heading"), html.Div(_quality(rt, v, pd_, days), id=f"{P}-quality")],
                **{"aria-labelledby": f"{P}-q-heading"},
            ),
            html.Section([html.H2("Herkomst van de gegevens", id=f"{P}-src-heading"), _sources(rt, v)], **{"aria-labelledby": f"{P}-src-heading"}),
            common.url_spec(P, PARAMS, w, view_key="weergave"),
        ]
    )


def _quality(rt, v, pd_, days: int) -> list:
    never = views.never_reported_table(rt.data, v, pd_)
    stale = views.stale_table(rt.data, pd_, days, v)
    links = {"Gemeente": lambda r: f"/gemeente/{r['Gemeentecode']}"}
    return [
        html.H3(f"Gemeenten zonder melding tot en met {fmt_date(pd_)} ({len(never)})"),
        ui.table(never[["Gemeente", "Gemeentecode", "Provincie"]], f"Gemeenten zonder enige melding tot en met {fmt_date(pd_)}", links=links, id_=f"{P}-never")
        if len(never)
        else html.P(f"Alle gemeenten hadden op {fmt_date(pd_)} minstens één melding gedaan."),
        html.H3(f"Meldingen ouder dan {days} dagen op {fmt_date(pd_)} ({len(stale)})"),
        html.P("De laatste melding per gemeente en onderdeel die op de datum bij 'stand op' bekend was, als die meer dagen oud is dan de grens.", className="hint"),
        ui.table(stale[["Gemeente", "Gemeentecode", "Provincie", "Onderdeel", "Status", GEMELD_PER, "Dagen oud"]], f"Meldingen ouder dan {days} dagen", links=links, numeric=["Dagen oud"], id_=f"{P}-stale")
        if len(stale)
        else html.P("Geen verouderde meldingen."),
    ]


def _sources(rt, v) -> html.Div:
    uploads = rt.data.uploads(v)
    first, last = rt.data.data_span(v)
    items = [
        html.Li(f"Meldingen: {len(uploads)} geladen aanleveringen" + (f", peildata van {fmt_date(first)} tot en met {fmt_date(last)}" if first else "") + "."),
    ]
    if len(uploads):
        latest = uploads.iloc[0]
        items.append(html.Li(f"Laatste aanlevering: {latest['file_name']} ({fmt_date_short(latest['created_at'])}, via {latest['channel']})."))
    if v.demo:
        items.append(html.Li(html.Strong("Er zijn demonstratiegegevens geladen: de cijfers zijn verzonnen.")))
    items += [
        html.Li(
            [
                f"Grenzen: {'jaar ' + str(v.geo_year) if v.geo_year else 'het nieuwste jaar in de grensbestanden'}; gemeente- en provinciegrenzen van CBS/PDOK, "
                "vereenvoudigd door cartomap/nl (",
                html.A("github.com/cartomap/nl", href="https://github.com/cartomap/nl", target="_blank", rel="noopener noreferrer", **{"aria-label": f"github.com/cartomap/nl {ui.NEW_TAB}"}),
                "). Regio's zonder eigen grensbestand zijn samengesteld uit hun gemeenten.",
            ]
        ),
        html.Li(
            [
                "Welke statussen er zijn en welke als gereed tellen, en de mijlpalen met datum, zekerheid en bron, worden door VNG "
                "beheerd in de monitor (zie de pagina ",
                dcc.Link("Mijlpalen", href="/mijlpalen"),
                ").",
            ]
        ),
        html.Li("Gemeentelijke herindelingen worden verwerkt: meldingen met de code of naam van een opgeheven gemeente tellen mee bij de huidige gemeente."),
    ]
    return html.Ul(items)


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(f"{P}-quality", "children"),
        Input(f"{P}-peildatum", "value"),
        Input(f"{P}-dagen", "value"),
        prevent_initial_call=True,
    )
    def update(peildatum, dagen):
        rt = current()
        v = rt.data.version()
        return _quality(rt, v, parse_peildatum(peildatum, common.today()), positive_int(dagen, _stale_default()))

    @app.callback(Output(f"{P}-regio-keuzes", "hidden"), Input(f"{P}-weergave", "value"), prevent_initial_call=True)
    def show_controls(weergave):
        return not regio_controls_shown(weergave)

    common.url_sync(app, P, PARAMS, "gegevens")
