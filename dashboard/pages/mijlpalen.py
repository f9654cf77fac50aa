"""``/mijlpalen``: the whole timeline; for each milestone with a target the share of gemeenten
meeting it at its date and now, per region, and the projected date at the current pace.

Query: ``niveau`` (landelijk, provincie or a loaded region type) for the per-region table.
Milestone dates keep their precision; a year means up to and including 31 December of that
year, a month up to its last day. The projection fits a straight line through the monthly
share of the last twelve months (see ``dashboard.aggregates.projection``).
"""

from __future__ import annotations

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
    CONFIDENCE_LABELS,
    KIND_LABELS,
    LEVEL_OF_MILESTONE,
    fmt_date,
    fmt_milestone_date,
    fmt_pct,
    level_title,
    onderdeel_title,
)

PAGE = dict(path="/mijlpalen", name="Mijlpalen", title="Mijlpalen – ETVI-monitor", order=4)
P = "mp"
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
            "Zekerheid": [CONFIDENCE_LABELS.get(c, c) for c in m["confidence"]],
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
                "van die maand. Onbekende of onbevestigde data zijn gegevens die kunnen veranderen (data/mijlpalen.csv).",
                className="intro",
            ),
            ui.share_link(P),
            html.Section(
                [
                    html.H2("Tijdlijn", id=f"{P}-tl-heading"),
                    ui.graph(f"{P}-strip", charts.milestone_strip(m, today, today), "Tijdlijn van alle mijlpalen; de tabel eronder bevat dezelfde gegevens."),
                    ui.table(table, "Alle mijlpalen, met zekerheid en bron", external=["Bron"], id_=f"{P}-all"),
                    ui.download_links(f"{P}-lijst", "mijlpalen"),
                ],
                **{"aria-labelledby": f"{P}-tl-heading"},
            ),
            html.Section(
                [
                    html.H2("Voortgang naar de mijlpalen met een doel", id=f"{P}-vg-heading"),
                    html.P(
                        "Per mijlpaal met een onderdeel, een minimale status en een datum: het aandeel gemeenten dat de minimale status had "
                        "op de uiterste datum (als die voorbij is) en nu, en de datum waarop bij het tempo van de laatste twaalf maanden "
                        "alle gemeenten eraan voldoen. Een gemeente telt mee vanaf de vaststellingsdatum als die bekend is.",
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
        verdict = _verdict(r)
        charts_row.append(
            html.Div(
                [
                    ui.graph(
                        f"{P}-proj-{r.milestone_id}",
                        charts.projection_chart(nat[["date", "share"]], r.deadline, r.projected, r.target_share, today, title=r.title),
                        f"{r.title}: voortgang en verwachting; zie de tabel.",
                    ),
                    html.P(verdict, className="hint"),
                ],
                className="projection",
            )
        )
    table = views.milestone_progress_table(rt.data, today, "landelijk", v).drop(columns=["Gebied", "Gemeenten"])
    out.append(ui.table(table, "Voortgang van Nederland naar elke mijlpaal met een doel", numeric=["Aandeel op uiterste datum (%)", "Aandeel nu (%)", "Doel (%)"], id_=f"{P}-national-table"))
    out.extend(charts_row)
    return out


def _verdict(r) -> str:
    deadline = fmt_date(r.deadline)
    if r.state == "bereikt":
        return f"Bereikt: alle gemeenten voldoen (doel {fmt_pct(r.target_share)}, uiterlijk {deadline})."
    if r.state == "op_tempo":
        when = fmt_date(r.projected)
        return f"Bij het huidige tempo voldoen alle gemeenten op {when}; de uiterste datum is {deadline} ({'op tijd' if r.on_time else 'te laat'})."
    if r.state == "geen_voortgang":
        return f"Nu {fmt_pct(r.share_now)}; in de laatste twaalf maanden geen voortgang, dus geen verwachte datum (uiterlijk {deadline})."
    return f"Te weinig gegevens voor een verwachting (uiterlijk {deadline})."


def _per_region(rt, v, today, niveau: str) -> html.Div:
    return rt.data.cached(("mijlpalen-regio", today, niveau), lambda: _build_per_region(rt, v, today, niveau), v)


def _build_per_region(rt, v, today, niveau: str) -> html.Div:
    t = views.milestone_progress_table(rt.data, today, niveau, v)
    t = t[["Gebied", "Mijlpaal", "Uiterste datum", "Gemeenten", "Aandeel op uiterste datum (%)", "Aandeel nu (%)", "Verwachte datum bij huidig tempo", "Beoordeling", "Op tijd"]]
    t = t.sort_values(["Mijlpaal", "Aandeel nu (%)", "Gebied"], kind="stable")
    return ui.table(t, f"Voortgang per mijlpaal: {level_title(niveau)}", numeric=["Gemeenten", "Aandeel op uiterste datum (%)", "Aandeel nu (%)"])


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(Output(f"{P}-regions", "children"), Input(f"{P}-niveau", "value"), prevent_initial_call=True)
    def update(niveau):
        rt = current()
        v = rt.data.version()
        ref = rt.data.reference(v)
        return _per_region(rt, v, common.today(), choose(niveau, ["landelijk"] + ref.levels_available(), "landelijk"))

    common.url_sync(app, P, PARAMS, "mijlpalen-voortgang")
