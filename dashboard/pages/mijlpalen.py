"""``/mijlpalen``: the whole timeline; for each milestone with a target the share of gemeenten
meeting it at its date and now, per region, and the projected date at the current pace.

Query: ``niveau`` (landelijk, provincie or a loaded region type) for the per-region table.
Milestone dates keep their precision; a year means up to and including 31 December of that
year, a month up to its last day. The projection fits a straight line through the monthly
share of the last twelve months (see ``dashboard.aggregates.projection``).
"""

from __future__ import annotations

from datetime import timedelta

import dash
import pandas as pd
from dash import Input, Output, html

from dashboard import aggregates as agg
from dashboard import components as ui
from dashboard import views
from dashboard.figures import charts
from dashboard.pages import common
from dashboard.runtime import current
from dashboard.state import choose, query
from dashboard.texts import (
    KIND_LABELS,
    LEVEL_OF_MILESTONE,
    assessment,
    confidence_text,
    fmt_date,
    fmt_milestone_date,
    fmt_pct,
    fmt_pp,
    level_title,
    onderdeel_title,
    unconfirmed_suffix,
)

PAGE = dict(path="/mijlpalen", name="Mijlpalen", title="Mijlpalen – ETVI-monitor", order=4)
P = "mp"
CACHEABLE = True  # a function of the address, the data version and the day: dashboard.response_cache
PARAMS = [("niveau", f"{P}-niveau", "value")]


def layout(niveau=None, **_):
    rt = current()
    v = rt.data.version()
    ref = rt.data.reference(v)
    today = common.today()
    niv = choose(niveau, ["landelijk"] + ref.levels_available(), "landelijk")
    m = ref.milestones
    table = pd.DataFrame(
        {
            "Mijlpaal": m["title"],
            "Datum": [fmt_milestone_date(d, p) for d, p in zip(m["date"], m["date_precision"])],
            "Uiterlijk": [fmt_date(d) if d is not None else "—" for d in m["deadline"]],
            "Soort": [KIND_LABELS.get(k, k) for k in m["kind"]],
            "Niveau": [LEVEL_OF_MILESTONE.get(lv, lv) for lv in m["level"]],
            "Onderdeel en minimale status": [f"{onderdeel_title(o)}: {s}" if isinstance(o, str) and o and isinstance(s, str) and s else "—" for o, s in zip(m["onderdeel"], m["min_status"])],
            "Zekerheid": [confidence_text(c, d, today) for c, d in zip(m["confidence"], m["deadline"])],
            "Toelichting": m["note"].fillna(""),
            "Bron": m["source_url"].fillna(""),
        }
    )
    return html.Div(
        [
            html.H1("Mijlpalen"),
            html.P(
                "De tijdlijn van het programma Een thuis voor iedereen en de Wet versterking regie volkshuisvesting (Wvrv). "
                "Data die alleen een jaar noemen lopen tot en met 31 december van dat jaar; data met alleen een maand tot de laatste dag "
                "van die maand. Data met de zekerheid 'onbevestigd', 'onbekend' of 'beoogd' zijn nog geen vaststaande feiten en kunnen "
                "veranderen; in de grafieken staan onbevestigde mijlpalen gestippeld en met '(onbevestigd)' erbij.",
                className="intro",
            ),
            ui.explain(("woonzorgvisie", "volkshuisvestingsprogramma", "urgentieregeling", "verdeling-opgave"), id_=f"{P}-uitleg"),
            ui.share_link(P),
            html.Section(
                [
                    html.H2("Tijdlijn", id=f"{P}-tl-heading"),
                    ui.chart(
                        f"{P}-strip", charts.milestone_strip(m, today, today), "Tijdlijn van alle mijlpalen; de tabel eronder bevat dezelfde gegevens.",
                        title="Tijdlijn van alle mijlpalen", stand=today,
                    ),
                    ui.table(table, "Alle mijlpalen, met zekerheid en bron", external=["Bron"], id_=f"{P}-all", link_label=lambda r: f"bron: {r['Mijlpaal']}"),
                    ui.download_links(f"{P}-lijst", "mijlpalen"),
                ],
                **{"aria-labelledby": f"{P}-tl-heading"},
            ),
            html.Section(
                [
                    html.H2("Voortgang naar de mijlpalen met een doel", id=f"{P}-vg-heading"),
                    html.P(
                        "Per mijlpaal met een onderdeel, een minimale status en een datum: het aandeel gemeenten dat de minimale status had "
                        "op de uiterste datum (als die voorbij is; geteld vanaf de vaststellingsdatum, met de kennis van nu) en vandaag "
                        "(de stand zoals die nu bekend is, net als op het overzicht en bij Regio's vergelijken), de verandering ten opzichte "
                        "van een jaar eerder, en de datum waarop bij dat tempo alle gemeenten eraan voldoen. Ligt die datum meer dan tien "
                        "jaar na vandaag, dan staat er 'niet binnen 10 jaar'.",
                        className="hint",
                    ),
                    html.Div(_national(rt, v, today), id=f"{P}-national"),
                    html.H3("Per gebied"),
                    html.Div(ui.radio_group(f"{P}-niveau", "Gebieden", [("landelijk", "Nederland")] + [(lvl, level_title(lvl)) for lvl in ref.levels_available()], niv), className="controls"),
                    html.Div(_per_region(rt, v, today, niv), id=f"{P}-regions"),
                    ui.download_links(P, "mijlpalen-voortgang", query(niveau=niv)),
                ],
                **{"aria-labelledby": f"{P}-vg-heading"},
            ),
            common.url_spec(P, PARAMS, "mijlpalen-voortgang"),
        ]
    )


def _national(rt, v, today) -> list:
    return rt.data.cached(("mijlpalen-nl", today), lambda: _build_national(rt, v, today), v)


def _build_national(rt, v, today) -> list:
    ref = rt.data.reference(v)
    prog = rt.data.milestone_progress(today, "landelijk", v)
    if prog.empty:
        return [html.P("Er zijn geen mijlpalen met een doel en een datum.")]
    out = []
    charts_row = []
    for r in prog.itertuples():
        m = ref.milestones[ref.milestones["id"] == r.milestone_id].iloc[0]
        series = rt.data.series(today, r.onderdeel, "landelijk", threshold=int(m["threshold"]), version=v)
        nat = series[series["group_code"] == agg.NATIONAL_CODE]
        title = r.title + unconfirmed_suffix(r.confidence)
        charts_row.append(
            html.Div(
                [
                    ui.chart(
                        f"{P}-proj-{r.milestone_id}",
                        charts.projection_chart(
                            nat[["date", "share"]], r.deadline, _drawn_projection(r, today), r.target_share, today,
                            title=title, confidence=r.confidence, share_now=r.share_now,
                        ),
                        f"{title}: voortgang en verwachting; zie de tabel.",
                        title=f"{title}: voortgang en verwachting", stand=today,
                    ),
                    html.P(_verdict(r, today), className="hint"),
                ],
                className="projection",
            )
        )
    table = views.milestone_progress_table(rt.data, today, "landelijk", v).drop(columns=["Gebied", "Gemeenten"])
    out.append(ui.table(table, "Voortgang van Nederland naar elke mijlpaal met een doel", numeric=_numeric(table), id_=f"{P}-national-table"))
    out.extend(charts_row)
    return out


def _drawn_projection(r, today):
    """The projected date to draw: only at a rising pace; past the horizon any date beyond it will do."""
    if r.state == "op_tempo":
        return r.projected
    if r.state == "na_horizon":
        return r.projected or agg.horizon(today) + timedelta(days=1)
    return None


def _numeric(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c.endswith("(%)") or c.endswith("(procentpunt)") or c == "Gemeenten"]


def _verdict(r, today) -> str:
    deadline = fmt_date(r.deadline)
    word = assessment(r.state, r.deadline, today, r.projected, r.share_at_deadline, r.share_now, r.target_share)
    pace = ""
    if r.state not in ("bereikt", "te_weinig_gegevens") and r.delta_pp == r.delta_pp:
        pace = f" Nu {fmt_pct(r.share_now)}; {fmt_pp(r.delta_pp)} sinds {fmt_date(r.prev_date)}."
    return f"{word[:1].upper()}{word[1:]} (uiterste datum {deadline}; zekerheid: {confidence_text(r.confidence, r.deadline, today).lower()}).{pace}"


def _per_region(rt, v, today, niveau: str) -> html.Div:
    return rt.data.cached(("mijlpalen-regio", today, niveau), lambda: _build_per_region(rt, v, today, niveau), v)


def _build_per_region(rt, v, today, niveau: str) -> html.Div:
    t = views.milestone_progress_table(rt.data, today, niveau, v)
    now_col = next(c for c in t.columns if c.startswith("Aandeel op ") and c != "Aandeel op uiterste datum (%)")
    t = t.drop(columns=["Onderdeel", "Minimale status", "Doel (%)"])
    t = t[["Gebied"] + [c for c in t.columns if c != "Gebied"]]
    t = t.sort_values(["Mijlpaal", now_col, "Gebied"], kind="stable")
    return ui.table(t, f"Voortgang per mijlpaal: {level_title(niveau)}", numeric=_numeric(t))


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(Output(f"{P}-regions", "children"), Input(f"{P}-niveau", "value"), prevent_initial_call=True)
    def update(niveau):
        rt = current()
        v = rt.data.version()
        ref = rt.data.reference(v)
        return _per_region(rt, v, common.today(), choose(niveau, ["landelijk"] + ref.levels_available(), "landelijk"))

    common.url_sync(app, P, PARAMS, "mijlpalen-voortgang")
