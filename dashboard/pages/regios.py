"""``/regios`` Regio's vergelijken: regions ranked by share done against the relevant milestone,
progress over time with milestones as vertical lines, and the same numbers as tables.

Query: ``regiotype`` (provincie or a loaded region type), ``onderdeel``, ``peildatum``,
``regio`` (region code(s) to highlight in the time chart, comma separated).
"""

from __future__ import annotations

from datetime import date

import dash
import pandas as pd
from dash import Input, Output, html

from dashboard import aggregates as agg
from dashboard import components as ui
from dashboard import kennis, views
from dashboard.figures import charts
from dashboard.pages import common
from dashboard.runtime import current
from dashboard.state import choose, parse_peildatum, query
from dashboard.texts import (
    STAND_OP,
    change_column,
    fmt_date,
    fmt_milestone_date,
    fmt_pct,
    level_singular,
    level_title,
    onderdeel_title,
)
from etvi.config import settings

PAGE = dict(path="/regios", name="Regio's vergelijken", title="Regio's vergelijken – ETVI-monitor", order=1)
P = "rg"
CACHEABLE = True  # a function of the address, the data version and the day: dashboard.response_cache
PARAMS = [
    ("regiotype", f"{P}-regiotype", "value"),
    ("onderdeel", f"{P}-onderdeel", "value"),
    ("peildatum", f"{P}-peildatum", "value"),
    ("regio", f"{P}-regio", "value"),
]


def default_regiotype(ref, onderdeel: str) -> str:
    """Verdeling van de opgave is agreed per region type ETVI_VERDELING_REGIOTYPE; else provincie."""
    if onderdeel == "verdeling opgave":
        configured = settings().verdeling_regiotype
        if configured in ref.levels_available():
            return configured
    return "provincie"


def _state(ref, regiotype, onderdeel, peildatum, regio):
    ond = choose(onderdeel, ref.onderdelen, ref.onderdelen[0] if ref.onderdelen else "")
    rt_ = choose(regiotype, ref.levels_available(), default_regiotype(ref, ond))
    pd_ = parse_peildatum(peildatum, common.today())
    if isinstance(regio, str):
        regio = [r for r in regio.split(",") if r]
    codes = set(ref.groups(rt_)["group_code"])
    sel = [r for r in (regio or []) if r in codes]
    return rt_, ond, pd_, sel


def layout(regiotype=None, onderdeel=None, peildatum=None, regio=None, **_):
    rt = current()
    v = rt.data.version()
    ref = rt.data.reference(v)
    if ref.gemeenten.empty:
        return html.Div([html.H1("Regio's vergelijken"), ui.notice("Er staan nog geen gemeenten in de database. Voer eerst 'etvi init' uit.", "warning")])
    rtype, ond, pd_, sel = _state(ref, regiotype, onderdeel, peildatum, regio)
    groups = ref.groups(rtype)[["group_code", "group_name"]].drop_duplicates().sort_values("group_name")
    content = _content(rt, v, rtype, ond, pd_, sel)
    return html.Div(
        [
            html.H1("Regio's vergelijken"),
            common.future_notice(peildatum),
            html.P(
                "Kies een regio-indeling en een onderdeel: de gebieden staan op volgorde van het aandeel gemeenten dat gereed is, "
                "met de laagste bovenaan, afgezet tegen het doel van de mijlpaal die erbij hoort.",
                className="intro",
            ),
            html.Div(
                [
                    ui.radio_group(f"{P}-regiotype", "Regio-indeling", [(lvl, level_title(lvl)) for lvl in ref.levels_available()], rtype),
                    ui.radio_group(f"{P}-onderdeel", "Onderdeel", common.onderdeel_options(ref), ond),
                ],
                className="controls",
            ),
            html.Div([common.peildatum_dropdown(rt, v, f"{P}-peildatum", pd_), ui.share_link(P)], className="controls"),
            html.Div(content["ranking"], id=f"{P}-ranking"),
            html.Section(
                [
                    html.H2("Voortgang in de tijd", id=f"{P}-tijd-heading"),
                    html.P(
                        "Deze grafiek en tabel tellen volgens vaststellingsdatum, met de kennis van nu: een gemeente telt mee vanaf de "
                        "datum waarop de status is vastgesteld, als die bekend is, en anders vanaf de datum waarop de melding gemeld is "
                        "(gemeld per). Een later gemelde vaststelling telt dus ook terug in de tijd mee. De rangorde hierboven is de stand "
                        "zoals die op de datum bij 'stand op' bekend was; daarom kan het getal op die datum verschillen. Verticale lijnen zijn de mijlpalen "
                        "van dit onderdeel (gestippeld: onbevestigd); hun namen staan in de legenda.",
                        className="hint",
                    ),
                    html.Div(
                        ui.dropdown_control(
                            f"{P}-regio",
                            "Gebieden uitlichten",
                            list(zip(groups["group_code"], groups["group_name"])),
                            sel,
                            multi=True,
                            placeholder="Alle gebieden even sterk",
                        ),
                        className="controls",
                    ),
                    html.Div(content["time"], id=f"{P}-time"),
                ],
                **{"aria-labelledby": f"{P}-tijd-heading"},
            ),
            ui.download_links(P, "regios", query(regiotype=rtype, onderdeel=ond, peildatum=pd_.isoformat())),
            common.url_spec(P, PARAMS, "regios"),
        ]
    )


def _content(rt, v, rtype: str, ond: str, pd_: date, sel: list[str]) -> dict:
    return rt.data.cached(("regios", rtype, ond, pd_, tuple(sel)), lambda: _build(rt, v, rtype, ond, pd_, sel), v)


def _build(rt, v, rtype: str, ond: str, pd_: date, sel: list[str]) -> dict:
    ref = rt.data.reference(v)
    shares = rt.data.group_shares(pd_, ond, rtype, v)
    national = rt.data.group_shares(pd_, ond, "landelijk", v)
    nat_share = float(national["share"].iloc[0]) if len(national) else None
    m = agg.relevant_milestone(ref.milestones, ond, pd_)
    target_share = float(m["target_share"]) if m is not None else None
    if m is not None:
        target_text = (
            f"Mijlpaal: {m['title']} ({fmt_milestone_date(m['date'], m['date_precision'])}; uiterlijk {fmt_date(m['deadline'])}). "
            f"Doel: {fmt_pct(target_share)} van de gemeenten met minstens de status '{m['min_status']}'."
        )
        target_label = f"Doel {fmt_pct(target_share)} uiterlijk {fmt_date(m['deadline'])}"
    else:
        target_text = "Voor dit onderdeel is geen mijlpaal met een doel en een datum bekend."
        target_label = None
    behind = shares.sort_values(["share", "group_name"]).head(3)
    summary = (
        "Het verst achter: " + "; ".join(f"{r.group_name} ({fmt_pct(r.share)}, {r.n_done} van {r.n})" for r in behind.itertuples()) + "."
        if len(behind)
        else "Geen gebieden."
    )
    table = views.group_share_table(rt.data, pd_, ond, rtype, v)
    if target_share is not None:
        table["Nog te gaan tot doel"] = [max(0, int(round(target_share * n)) - d) for n, d in zip(table["Gemeenten"], table["Gereed"])]
    name_col = level_singular(rtype).capitalize()
    links = {name_col: (lambda r: kennis.keep(f"/provincie/{r['Code']}?peildatum={pd_.isoformat()}&onderdeel={ond}"))} if rtype == "provincie" else {}
    cols = [name_col, "Code", "Gemeenten", "Gereed", "Aandeel gereed (%)", change_column(agg.one_year_earlier(pd_))] + (["Nog te gaan tot doel"] if target_share is not None else []) + ["Gemeenten met melding"]
    ranking = html.Section(
        [
            html.H2(f"{onderdeel_title(ond)}: {level_title(rtype)} op {fmt_date(pd_)}", id=f"{P}-rank-heading"),
            html.P(target_text, id=f"{P}-target"),
            ui.explain(("gereed", "nog-te-gaan", "gemeenten-met-melding") if target_share is not None else ("gereed", "gemeenten-met-melding"), id_=f"{P}-uitleg"),
            html.P([f"Nederland: {fmt_pct(nat_share)} gereed. ", summary], id=f"{P}-summary", **{"aria-live": "polite"}),
            ui.chart(
                f"{P}-rank-graph",
                charts.ranking_bar(shares, nat_share, target_share, target_label),
                "Rangorde van de gebieden naar aandeel gereed; dezelfde cijfers staan in de tabel eronder.",
                title=f"{onderdeel_title(ond)}: aandeel gemeenten gereed per {level_singular(rtype)}",
                stand=pd_,
            ),
            ui.table(
                table[cols],
                f"{onderdeel_title(ond)}: aandeel gemeenten gereed per {level_singular(rtype)} op {fmt_date(pd_)}, laagste eerst",
                links=links,
                numeric=cols[2:],
                id_=f"{P}-rank-table",
            ),
        ],
        **{"aria-labelledby": f"{P}-rank-heading"},
    )
    series = rt.data.series(pd_, ond, rtype, version=v)
    # on a chart of the share *gereed* only milestones that ask for a done status belong
    done = set(agg.done_statuses(ref.levels, ond))
    ms = ref.milestones[(ref.milestones["onderdeel"] == ond) & ref.milestones["deadline"].notna() & ref.milestones["min_status"].isin(done)]
    fig = charts.progress_lines(series, ms[["deadline", "title", "confidence"]], pd_, highlight=sel)
    time_table = _series_table(series, pd_, pd.concat([shares, national], ignore_index=True))
    time = [
        ui.chart(
            f"{P}-time-graph",
            fig,
            "Voortgang in de tijd per gebied, volgens vaststellingsdatum, met de kennis van nu; de tabel eronder geeft de stand per jaareinde.",
            title=f"{onderdeel_title(ond)}: voortgang in de tijd per {level_singular(rtype)}",
            stand=pd_,
        ),
        ui.table(
            time_table,
            f"Aandeel gereed (%) per gebied aan het eind van elk jaar, volgens vaststellingsdatum, met de kennis van nu; de laatste "
            f"kolom is de stand zoals bekend op de datum bij 'stand op', als in de rangorde hierboven ({onderdeel_title(ond)})",
            numeric=list(time_table.columns[1:]),
            id_=f"{P}-time-table",
        ),
    ]
    return {"ranking": ranking, "time": time}


def _series_table(series: pd.DataFrame, end: date, asof_shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per group, values in percent: one column per year end and the peildatum counting
    from adoption dates with today's knowledge (as the chart), and -- from ``asof_shares``
    (group_code, share) -- the share as known on the peildatum, the number in the ranking."""
    if series.empty:
        return pd.DataFrame({"Gebied": []})
    first = _first_year_end(series)
    dates = sorted({d for d in series["date"] if (d.month == 12 and d.day == 31) and d >= first} | {pd.Timestamp(end)})
    s = series[series["date"].isin(dates)]
    wide = s.pivot_table(index=["group_code", "group_name"], columns="date", values="share", aggfunc="first", sort=False)
    wide = (wide * 100).round(1)
    wide.columns = [c.strftime("%d-%m-%Y") + (" volgens vaststellingsdatum" if c == pd.Timestamp(end) else "") for c in wide.columns]
    wide = wide.reset_index()
    if asof_shares is not None and len(asof_shares):
        known = dict(zip(asof_shares["group_code"], (asof_shares["share"] * 100).round(1)))
        wide[f"{STAND_OP} {end.strftime('%d-%m-%Y')}, zoals toen bekend"] = [known.get(c) for c in wide["group_code"]]
    wide = wide.assign(_nl=wide["group_code"] == agg.NATIONAL_CODE).sort_values(["_nl", "group_name"]).drop(columns=["_nl", "group_code"])
    return wide.rename(columns={"group_name": "Gebied"})


def _first_year_end(series: pd.DataFrame) -> pd.Timestamp:
    """The year end before the first progress in the data (earlier all-zero years are left out)."""
    moving = series.loc[series["share"].to_numpy() > 0, "date"]
    first = pd.Timestamp(moving.min()) if len(moving) else pd.Timestamp(series["date"].max())
    return pd.Timestamp(first.year - 1, 12, 31)


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(f"{P}-ranking", "children"),
        Output(f"{P}-time", "children"),
        Input(f"{P}-regiotype", "value"),
        Input(f"{P}-onderdeel", "value"),
        Input(f"{P}-peildatum", "value"),
        Input(f"{P}-regio", "value"),
        prevent_initial_call=True,
    )
    def update(regiotype, onderdeel, peildatum, regio):
        rt = current()
        v = rt.data.version()
        ref = rt.data.reference(v)
        rtype, ond, pd_, sel = _state(ref, regiotype, onderdeel, peildatum, regio)
        c = _content(rt, v, rtype, ond, pd_, sel)
        return c["ranking"], c["time"]

    @app.callback(
        Output(f"{P}-regio", "options"),
        Output(f"{P}-regio", "value"),
        Input(f"{P}-regiotype", "value"),
        prevent_initial_call=True,
    )
    def region_options(regiotype):
        ref = current().data.reference()
        rtype = choose(regiotype, ref.levels_available(), "provincie")
        groups = ref.groups(rtype)[["group_code", "group_name"]].drop_duplicates().sort_values("group_name")
        return [{"label": n, "value": c} for c, n in zip(groups["group_code"], groups["group_name"])], []

    common.url_sync(app, P, PARAMS, "regios")
