"""``/provincie/<code>``: the map zoomed to the provincie, its gemeenten in a sortable table, and
the provincie against the national figure.

Query: ``peildatum``, ``onderdeel`` (map), ``sorteer`` (column of the table), ``volgorde``
(``op`` or ``af``).
"""

from __future__ import annotations

from datetime import date

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import kennis, views
from dashboard.figures import charts
from dashboard.pages import common
from dashboard.runtime import current
from dashboard.state import choose, parse_peildatum, query
from dashboard.texts import GEMELD_PER, ONDERDEEL_TERMS, fmt_date, fmt_pct, fmt_pp, onderdeel_title


def title(code=None, **_) -> str:
    try:
        name = current().data.reference().provincie_name((code or "").upper())
    except Exception:  # noqa: BLE001 - a title must never break the page
        return "Provincie – ETVI-monitor"
    return f"Provincie {name} – ETVI-monitor" if name else "Provincie niet gevonden – ETVI-monitor"  # an unknown code: HTTP 404


PAGE = dict(path_template="/provincie/<code>", name="Provincie", title=title, order=2)
P = "pv"
CACHEABLE = True  # a function of the address, the data version and the day: dashboard.response_cache
PARAMS = [
    ("peildatum", f"{P}-peildatum", "value"),
    ("onderdeel", f"{P}-onderdeel", "value"),
    ("sorteer", f"{P}-sort", "data"),
    ("volgorde", f"{P}-order", "data"),
]
MAP_HEIGHT = 520


def layout(code=None, peildatum=None, onderdeel=None, sorteer=None, volgorde=None, **_):
    rt = current()
    v = rt.data.version()
    ref = rt.data.reference(v)
    code = (code or "").upper()
    name = ref.provincie_name(code)
    if name is None:
        return html.Div([html.H1("Provincie niet gevonden"), html.P(["Er is geen provincie met code ", html.Code(code or "—"), ". ", dcc.Link("Terug naar het overzicht", href="/"), "."])])
    pd_ = parse_peildatum(peildatum, common.today())
    ond = choose(onderdeel, ref.onderdelen, ref.onderdelen[0])
    table = views.gemeenten_wide(rt.data, pd_, v, provincie=code)
    sort_col = choose(sorteer, list(_display(table).columns), "Gemeente")
    order = choose(volgorde, ["op", "af"], "op")
    mc = common.map_content(rt, v, pd_, ond, "gemeente", provincie=code, height=MAP_HEIGHT)
    return html.Div(
        [
            html.H1(f"Provincie {name}"),
            common.future_notice(peildatum),
            html.P([f"Provinciecode {code} · ", dcc.Link("Landelijk overzicht", href=kennis.keep(f"/?peildatum={pd_.isoformat()}&niveau=provincie")), " · ",
                    dcc.Link("Provincies vergelijken", href=kennis.keep(f"/regios?regiotype=provincie&onderdeel={ond}&peildatum={pd_.isoformat()}"))]),
            html.Div([common.peildatum_dropdown(rt, v, f"{P}-peildatum", pd_), ui.share_link(P)], className="controls"),
            common.voorlopig_slot(P),
            ui.explain(ONDERDEEL_TERMS + ("gereed", "stand-op", "gemeld-per"), "Wat betekenen deze begrippen?", id_=f"{P}-uitleg"),
            html.Section(
                [
                    html.H2("Kaart", id=f"{P}-kaart-heading"),
                    html.Div(ui.radio_group(f"{P}-onderdeel", "Onderdeel", common.onderdeel_options(ref), ond), className="controls"),
                    *common.map_components(P, mc, f"Kaart van {name}; dezelfde gegevens staan in de tabel eronder."),
                    html.P("Klik op een gemeente om het profiel te openen, of gebruik de tabel.", className="hint"),
                ],
                **{"aria-labelledby": f"{P}-kaart-heading"},
            ),
            html.Section(
                [
                    html.H2("Gemeenten", id=f"{P}-gem-heading"),
                    html.P("Klik op een kolomkop om te sorteren (ook met Enter of spatie).", className="hint"),
                    html.Div(_table(table, code, name, pd_, sort_col, order), id=f"{P}-table"),
                    ui.download_links(P, f"provincie-{code}", query(peildatum=pd_.isoformat())),
                ],
                **{"aria-labelledby": f"{P}-gem-heading"},
            ),
            html.Section(
                [
                    html.H2("Provincie en Nederland", id=f"{P}-vgl-heading"),
                    html.Div(_comparison(rt, v, code, name, pd_), id=f"{P}-comparison"),
                ],
                **{"aria-labelledby": f"{P}-vgl-heading"},
            ),
            dcc.Store(id=f"{P}-code", data=code),
            *common.map_stores(P, mc),
            dcc.Store(id=f"{P}-sort", data=sort_col),
            dcc.Store(id=f"{P}-order", data=order),
            common.url_spec(P, PARAMS, f"provincie-{code}"),
        ]
    )


def _comparison(rt, v, code: str, name: str, pd_: date) -> list:
    facts = rt.data.stand(pd_, v)
    return rt.data.cached(("provincie-vgl", code, pd_), lambda: _build_comparison(rt, v, code, name, pd_, facts.stand if facts else None), v)


def _build_comparison(rt, v, code: str, name: str, pd_: date, stand: str | None = None) -> list:
    ref = rt.data.reference(v)
    rows = []
    for o in ref.onderdelen:
        p = rt.data.group_shares(pd_, o, "provincie", v)
        p = p[p["group_code"] == code].iloc[0]
        n = rt.data.group_shares(pd_, o, "landelijk", v).iloc[0]
        rows.append({"onderdeel_title": onderdeel_title(o), "share_a": float(p["share"]), "share_b": float(n["share"]), "n_done": int(p["n_done"]), "n": int(p["n"]), "delta": float(p["delta_pp"])})
    f = pd.DataFrame(rows)
    t = pd.DataFrame(
        {
            "Onderdeel": f["onderdeel_title"],
            name: [f"{fmt_pct(s)} ({d} van {n})" for s, d, n in zip(f["share_a"], f["n_done"], f["n"])],
            "Nederland": [fmt_pct(s) for s in f["share_b"]],
            "Verschil": [fmt_pp((a - b) * 100) for a, b in zip(f["share_a"], f["share_b"])],
            f"{name}: verandering in een jaar": [fmt_pp(d) for d in f["delta"]],
        }
    )
    return [
        *ui.stand_mark(stand, f"{P}-stand"),
        ui.chart(
            f"{P}-cmp-graph", charts.comparison_dots(f, name, "Nederland"), f"{name} naast Nederland per onderdeel; de tabel eronder heeft dezelfde cijfers.",
            title=f"Aandeel gemeenten gereed: {name} naast Nederland", stand=pd_,
        ),
        ui.table(t, f"Aandeel gemeenten gereed op {fmt_date(pd_)}{f' ({stand})' if stand else ''}: {name} en Nederland"),
    ]


def _display(table: pd.DataFrame) -> pd.DataFrame:
    keep = ["Gemeente"] + [c for c in table.columns if c not in ("Gemeentecode", "Gemeente", "Provincie") and not c.endswith(": gereed") and not c.endswith(f": {GEMELD_PER.lower()}")]
    return table[keep + ["Gemeentecode"]]


def _table(table: pd.DataFrame, code: str, name: str, pd_: date, sort_col: str, order: str) -> html.Div:
    t = _display(table)
    if sort_col in t.columns:
        t = t.sort_values([sort_col, "Gemeente"], ascending=[order == "op", True], kind="stable", key=lambda s: s.str.lower() if s.dtype == object else s)
    return ui.table(
        t,
        f"Gemeenten in {name} op {fmt_date(pd_)}, gesorteerd op {sort_col.lower()} ({'oplopend' if order == 'op' else 'aflopend'})",
        links={"Gemeente": lambda r: kennis.keep(f"/gemeente/{r['Gemeentecode']}?peildatum={pd_.isoformat()}")},
        sort=(sort_col, order == "op"),
        sortable=True,
        sort_stores=(f"{P}-sort", f"{P}-order"),
    )


def _map(rt, v, peildatum, onderdeel, code, previous_key) -> common.MapContent:
    ref = rt.data.reference(v)
    pd_ = parse_peildatum(peildatum, common.today())
    ond = choose(onderdeel, ref.onderdelen, ref.onderdelen[0])
    return common.map_content(rt, v, pd_, ond, "gemeente", previous_key=previous_key, provincie=code, height=MAP_HEIGHT)


def register_callbacks(app: dash.Dash) -> None:
    common.map_callback(app, P, [Input(f"{P}-peildatum", "value"), Input(f"{P}-onderdeel", "value"), State(f"{P}-code", "data")], _map)
    common.voorlopig_callback(app, P)

    @app.callback(
        Output(f"{P}-table", "children"),
        Output(f"{P}-comparison", "children"),
        Input(f"{P}-peildatum", "value"),
        State(f"{P}-sort", "data"),
        State(f"{P}-order", "data"),
        State(f"{P}-code", "data"),
        prevent_initial_call=True,
    )
    def update_table(peildatum, sort_col, order, code):
        rt = current()
        v = rt.data.version()
        ref = rt.data.reference(v)
        pd_ = parse_peildatum(peildatum, common.today())
        name = ref.provincie_name(code) or code
        table = views.gemeenten_wide(rt.data, pd_, v, provincie=code)
        return _table(table, code, name, pd_, sort_col or "Gemeente", order or "op"), _comparison(rt, v, code, name, pd_)

    @app.callback(
        Output("etvi-nav", "href", allow_duplicate=True),
        Input(f"{P}-map", "clickData"),
        State(f"{P}-peildatum", "value"),
        prevent_initial_call=True,
    )
    def open_clicked(click, peildatum):
        return common.click_target(click, "gemeente", peildatum, None) or no_update

    common.map_update_callback(app, f"{P}-map", f"{P}-map-update")
    common.url_sync(app, P, PARAMS, "provincie")
