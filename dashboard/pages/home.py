"""``/`` Landelijk overzicht: cards per onderdeel, the map, the milestone strip.

Query: ``peildatum`` (JJJJ-MM-DD, default today), ``onderdeel``, ``niveau`` (gemeente,
provincie or a loaded region type), ``tabel=1`` (show the table under the map).
"""

from __future__ import annotations

from datetime import date

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import aggregates as agg
from dashboard import components as ui
from dashboard import kennis, views
from dashboard.figures import charts
from dashboard.pages import common
from dashboard.runtime import current
from dashboard.state import choose, flag, parse_peildatum, query
from dashboard.texts import (
    GEMELD_PER,
    KIND_LABELS,
    ONDERDEEL_TERMS,
    STAND_OP,
    change_column,
    confidence_text,
    fmt_date,
    fmt_milestone_date,
    level_singular,
    onderdeel_title,
)

PAGE = dict(path="/", name="Landelijk overzicht", title="Landelijk overzicht – ETVI-monitor", order=0)
P = "ov"
CACHEABLE = True  # a function of the address, the data version and the day: dashboard.response_cache
PARAMS = [
    ("peildatum", f"{P}-peildatum", "value"),
    ("onderdeel", f"{P}-onderdeel", "value"),
    ("niveau", f"{P}-niveau", "value"),
    ("tabel", f"{P}-tabel", "data"),
]


def _state(rt, v, peildatum=None, onderdeel=None, niveau=None):
    ref = rt.data.reference(v)
    pd_ = parse_peildatum(peildatum, common.today())
    ond = choose(onderdeel, ref.onderdelen, ref.onderdelen[0] if ref.onderdelen else "")
    niv = choose(niveau, ["gemeente"] + ref.levels_available(), "gemeente")
    return ref, pd_, ond, niv


def layout(peildatum=None, onderdeel=None, niveau=None, tabel=None, **_):
    rt = current()
    v = rt.data.version()
    ref, pd_, ond, niv = _state(rt, v, peildatum, onderdeel, niveau)
    if ref.gemeenten.empty:
        return html.Div([html.H1("Landelijk overzicht"), ui.notice("Er staan nog geen gemeenten in de database. Voer eerst 'etvi init' uit.", "warning")])
    show = flag(tabel)
    # the site's address is in the page (the iframe code): one cached page per address
    page = rt.data.cached(("layout-home", pd_, ond, niv, show, common.today(), common.base_url()), lambda: _layout(rt, v, ref, pd_, ond, niv, show), v)
    notice = common.future_notice(peildatum)
    return html.Div([notice, page]) if notice else page


def _layout(rt, v, ref, pd_: date, ond: str, niv: str, show: bool):
    mc = common.map_content(rt, v, pd_, ond, niv)
    gemeente_opts = [{"label": n, "value": c} for c, n in zip(ref.gemeenten["code"], ref.gemeenten["name"])]
    return html.Div(
        [
            html.H1("Landelijk overzicht"),
            html.P(
                "Waar staat elke gemeente bij de woonzorgvisie, de verordening met urgentieregeling, de verdeling "
                "van de opgave en de koploperstatus? Kies bij 'Stand op' een datum om de stand te zien zoals die toen bekend was.",
                className="intro",
            ),
            ui.explain(ONDERDEEL_TERMS + ("stand-op", "gemeld-per"), "Wat betekenen deze begrippen?", id_=f"{P}-uitleg"),
            html.Div(
                [
                    common.peildatum_dropdown(rt, v, f"{P}-peildatum", pd_),
                    ui.share_link(P),
                ],
                className="controls",
            ),
            common.voorlopig_slot(P, common.voorlopig_notice(rt.data.stand(pd_, v))),
            html.Section(
                [html.H2("Stand per onderdeel", id=f"{P}-cards-heading"), html.Div(_cards(rt, v, pd_), id=f"{P}-cards", **{"aria-live": "polite"})],
                **{"aria-labelledby": f"{P}-cards-heading"},
            ),
            html.Section(
                [
                    html.H2("Kaart", id=f"{P}-kaart-heading"),
                    html.Div(
                        [
                            ui.radio_group(f"{P}-onderdeel", "Onderdeel", common.onderdeel_options(ref), ond),
                            ui.radio_group(f"{P}-niveau", "Toon", common.level_options(ref), niv),
                        ],
                        className="controls",
                    ),
                    *common.map_components(P, mc, "Kaart van Nederland; dezelfde gegevens staan in de tabel onder de kaart."),
                    html.P(
                        "Klik op een gebied om de details te openen, of gebruik de tabel of de keuzelijst hieronder (ook met het toetsenbord).",
                        className="hint",
                    ),
                    html.Div(
                        ui.dropdown_control(f"{P}-goto", "Ga naar gemeente", [], None, placeholder="De gemeenten worden geladen…"),
                        className="controls",
                    ),
                    ui.toggle(f"{P}-tabel-toggle", show, f"{P}-table"),
                    html.P("Klik op een kolomkop om te sorteren (ook met Enter of spatie).", className="hint"),
                    dcc.Loading(
                        html.Div(_table(rt, v, pd_, ond, niv) if show else None, id=f"{P}-table"),
                        custom_spinner=html.P("De tabel wordt geladen…", className="hint table-loading", role="status"),
                        delay_show=100,
                    ),
                    ui.download_links(P, "overzicht", query(peildatum=pd_.isoformat(), onderdeel=ond, niveau=niv)),
                ],
                **{"aria-labelledby": f"{P}-kaart-heading"},
            ),
            html.Section(
                [
                    html.H2("Mijlpalen", id=f"{P}-mijlpalen-heading"),
                    html.P(
                        [
                            "Programmadoelen en de tijdlijn van de Wet versterking regie volkshuisvesting. Een mijlpaal met alleen een jaartal "
                            "loopt tot en met 31 december van dat jaar. ",
                            dcc.Link("Alle mijlpalen en de voortgang ernaartoe", href="/mijlpalen"),
                            ".",
                        ]
                    ),
                    html.Div(html.P("De tijdlijn wordt geladen…", className="hint"), id=f"{P}-mijlpalen-body"),
                ],
                **{"aria-labelledby": f"{P}-mijlpalen-heading"},
            ),
            *common.map_stores(P, mc),
            _after_map(rt, v, ref, pd_, gemeente_opts),
            dcc.Store(id=f"{P}-after-map-stale"),
            dcc.Store(id=f"{P}-tabel", data=show),
            dcc.Store(id=f"{P}-table-view", data={"peildatum": pd_.isoformat(), "onderdeel": ond, "niveau": niv} if show else None),
            dcc.Store(id=f"{P}-mstrip-texts", data=charts.strip_texts(f"{STAND_OP.lower()} ({{datum}})")),
            common.url_spec(P, PARAMS, "overzicht"),
        ]
    )


def _after_map(rt, v, ref, pd_: date, gemeente_opts: list[dict]) -> dcc.Store:
    """What is drawn only once the map is: the milestone strip and list, and the 342 options of
    "Ga naar gemeente" (building the Dropdown's search index takes a noticeable moment). They
    travel with the page and the browser adds them (``etvi.afterMap``), so the first map is not
    kept waiting and no extra request is made."""
    today = common.today()
    body = [
        ui.chart(
            f"{P}-mstrip", _strip(rt, v, ref, today, pd_), "Tijdlijn van de mijlpalen; de lijst eronder bevat dezelfde gegevens.",
            title="Tijdlijn van de mijlpalen", stand=pd_,
        ),
        rt.data.cached(("home-mlist", today), lambda: _milestone_list(ref.milestones, today), v),  # the same at every peildatum
    ]
    outputs = [body, gemeente_opts, "Typ een gemeentenaam"]
    return dcc.Store(id=f"{P}-after-map", data={"map": f"{P}-map", "peildatum": pd_.isoformat(), "outputs": outputs})


def _cards(rt, v, pd_: date):
    def build():
        facts = rt.data.stand(pd_, v)
        return ui.cards(rt.data.cards(pd_, v), facts.stand if facts else None)

    return rt.data.cached(("cards-ui", pd_), build, v)


def _strip(rt, v, ref, today: date, pd_: date) -> dict:
    """The milestone strip at ``pd_``: the strip of today (built once per data version and day)
    with its peildatum line moved, as the strip's callback does in the browser."""
    base = rt.data.cached(("mstrip-base", today), lambda: charts.milestone_strip(ref.milestones, today, today).to_plotly_json(), v)
    label = f"{STAND_OP.lower()} ({fmt_date(pd_)})"  # as etvi.stripPeildatum writes it
    return charts.strip_at(base, pd_, label) or charts.milestone_strip(ref.milestones, today, pd_).to_plotly_json()


def _milestone_list(m: pd.DataFrame, today: date) -> html.Div:
    frame = pd.DataFrame(
        {
            "Mijlpaal": m["title"],
            "Datum": [fmt_milestone_date(d, p) for d, p in zip(m["date"], m["date_precision"])],
            "Soort": [KIND_LABELS.get(k, k) for k in m["kind"]],
            "Zekerheid": [confidence_text(c, d, today) for c, d in zip(m["confidence"], m["deadline"])],
            "Toelichting": m["note"].fillna(""),
            "Bron": m["source_url"].fillna(""),
        }
    )
    return ui.table(frame, "Mijlpalen met datum, zekerheid, toelichting en bron", external=["Bron"], link_label=lambda r: f"bron: {r['Mijlpaal']}", id_=f"{P}-mlist")


def _table(rt, v, peildatum: date, onderdeel: str, niveau: str):
    if niveau == "gemeente":
        t = views.gemeente_status_table(rt.data, peildatum, onderdeel, v)
        t = t[["Gemeente", "Gemeentecode", "Provincie", "Status", "Gereed", "Vastgesteld op", GEMELD_PER, "Bron"]]
        q = f"?peildatum={peildatum.isoformat()}"
        return ui.table(
            t,
            f"{onderdeel_title(onderdeel)} per gemeente op {fmt_date(peildatum)}",
            links={"Gemeente": lambda r: kennis.keep(f"/gemeente/{r['Gemeentecode']}{q}")},
            external=["Bron"],
            sortable=True,
        )
    t = views.group_share_table(rt.data, peildatum, onderdeel, niveau, v)
    name_col = level_singular(niveau).capitalize()
    cols = [name_col, "Gemeenten", "Gereed", "Aandeel gereed (%)", change_column(agg.one_year_earlier(peildatum)), "Gemeenten met melding"]
    links = {}
    if niveau == "provincie":
        links[name_col] = lambda r: kennis.keep(f"/provincie/{r['Code']}?peildatum={peildatum.isoformat()}&onderdeel={onderdeel}")
    codes = t["Code"]
    t = t[cols]
    t.insert(0, "Code", codes)
    t = t[[name_col, "Code"] + cols[1:]]
    return html.Div(
        [
            ui.explain(("gereed", "gemeenten-met-melding")),
            ui.table(
                t,
                f"{onderdeel_title(onderdeel)}: aandeel gereed per {level_singular(niveau)} op {fmt_date(peildatum)}, laagste eerst",
                links=links,
                numeric=cols[1:],
                sortable=True,
            ),
        ]
    )


def _map(rt, v, peildatum, onderdeel, niveau, previous_key) -> common.MapContent:
    _, pd_, ond, niv = _state(rt, v, peildatum, onderdeel, niveau)
    return common.map_content(rt, v, pd_, ond, niv, previous_key=previous_key)


def register_callbacks(app: dash.Dash) -> None:
    common.map_callback(app, P, [Input(f"{P}-peildatum", "value"), Input(f"{P}-onderdeel", "value"), Input(f"{P}-niveau", "value")], _map)

    # one request for what follows the peildatum alone: the cards and whether they are voorlopig
    @app.callback(Output(f"{P}-cards", "children"), Output(f"{P}-voorlopig", "children"), Input(f"{P}-peildatum", "value"), prevent_initial_call=True)
    def update_cards(peildatum):
        rt = current()
        v = rt.data.version()
        pd_ = parse_peildatum(peildatum, common.today())
        return _cards(rt, v, pd_), common.voorlopig_notice(rt.data.stand(pd_, v))

    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="afterMap"),
        Output(f"{P}-mijlpalen-body", "children"),
        Output(f"{P}-goto", "options"),
        Output(f"{P}-goto", "placeholder"),
        Output(f"{P}-after-map-stale", "data"),
        Input(f"{P}-after-map", "data"),
    )

    # the strip's peildatum line moves in the browser; ``-after-map-stale`` is set only when the
    # peildatum changed before the strip appeared
    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="stripPeildatum"),
        Output(f"{P}-mstrip", "figure"),
        Input(f"{P}-peildatum", "value"),
        Input(f"{P}-after-map-stale", "data"),
        State(f"{P}-mstrip-texts", "data"),
        prevent_initial_call=True,
    )

    # the table is asked for only while it is shown (``etvi.tableView`` passes the view on)
    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="tableView"),
        Output(f"{P}-table-view", "data"),
        Input(f"{P}-peildatum", "value"),
        Input(f"{P}-onderdeel", "value"),
        Input(f"{P}-niveau", "value"),
        Input(f"{P}-tabel", "data"),
        State(f"{P}-table-view", "data"),
        prevent_initial_call=True,
    )

    @app.callback(Output(f"{P}-table", "children"), Input(f"{P}-table-view", "data"), prevent_initial_call=True)
    def update_table(view):
        if not isinstance(view, dict) or not view:  # hidden, or a forged value: no table
            return None
        rt = current()
        v = rt.data.version()
        _, pd_, ond, niv = _state(rt, v, view.get("peildatum"), view.get("onderdeel"), view.get("niveau"))
        return _table(rt, v, pd_, ond, niv)

    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="toggle"),
        Output(f"{P}-tabel", "data"),
        Output(f"{P}-tabel-toggle", "children"),
        Output(f"{P}-tabel-toggle", "aria-expanded"),
        Input(f"{P}-tabel-toggle", "n_clicks"),
        State(f"{P}-tabel", "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("etvi-nav", "href", allow_duplicate=True),
        Input(f"{P}-map", "clickData"),
        State(f"{P}-niveau", "value"),
        State(f"{P}-peildatum", "value"),
        State(f"{P}-onderdeel", "value"),
        prevent_initial_call=True,
    )
    def open_clicked(click, niveau, peildatum, onderdeel):
        return common.click_target(click, niveau or "gemeente", peildatum, onderdeel) or no_update

    @app.callback(
        Output("etvi-nav", "href", allow_duplicate=True),
        Input(f"{P}-goto", "value"),
        State(f"{P}-peildatum", "value"),
        prevent_initial_call=True,
    )
    def goto_gemeente(code, peildatum):
        if not code:
            return no_update
        return kennis.keep(f"/gemeente/{code}?peildatum={peildatum}" if peildatum else f"/gemeente/{code}")

    common.map_update_callback(app, f"{P}-map", f"{P}-map-update")
    common.url_sync(app, P, PARAMS, "overzicht")
