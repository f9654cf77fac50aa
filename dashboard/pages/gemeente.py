"""``/gemeente/<code>``: per onderdeel the status at the peildatum, adoption date, source and
history; the gemeente's regions and how it compares with their other members; for each
onderdeel not yet done the next step with a link to OKEC ETVI or a support team.

Query: ``peildatum``. Next steps come from ``dashboard/volgende_stappen.csv`` (editable).
"""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from pathlib import Path

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboard import aggregates as agg
from dashboard import components as ui
from dashboard import kennis, peers, views
from dashboard.pages import common
from dashboard.runtime import current
from dashboard.state import parse_peildatum, query
from dashboard.texts import (
    GEMELD_PER,
    OKEC_URL,
    ONDERDEEL_TERMS,
    STAND_OP,
    fmt_date,
    fmt_date_short,
    fmt_pct,
    level_title,
    onderdeel_title,
)
from models.peers import select as select_peers


def title(code=None, **_) -> str:
    try:
        name = current().data.reference().gemeente_name((code or "").upper())
    except Exception:  # noqa: BLE001 - a title must never break the page
        return "Gemeente – ETVI-monitor"
    return f"{name} – ETVI-monitor" if name else "Gemeente niet gevonden – ETVI-monitor"  # an unknown code: HTTP 404


PAGE = dict(path_template="/gemeente/<code>", name="Gemeente", title=title, order=3)
P = "gm"
CACHEABLE = True  # a function of the address, the data version and the day: dashboard.response_cache
PARAMS = [("peildatum", f"{P}-peildatum", "value")]
NEXT_STEPS = Path(__file__).resolve().parent.parent / "volgende_stappen.csv"


@lru_cache(maxsize=1)
def next_steps() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(onderdeel, status or '*') -> (step text, link text, link)."""
    with NEXT_STEPS.open(encoding="utf-8") as f:
        return {(r["onderdeel"], r["status"]): (r["stap"], r["link_tekst"], r["link"]) for r in csv.DictReader(f)}


def next_step(onderdeel: str, status: str | None) -> tuple[str, str, str]:
    steps = next_steps()
    return steps.get((onderdeel, status or "geen")) or steps.get((onderdeel, "*")) or (
        "Zie het OKEC ETVI voor kennis en ondersteuning bij dit onderdeel.",
        "OKEC ETVI",
        OKEC_URL,
    )


def layout(code=None, peildatum=None, **_):
    rt = current()
    v = rt.data.version()
    ref = rt.data.reference(v)
    code = (code or "").upper()
    name = ref.gemeente_name(code)
    if name is None:
        return html.Div(
            [
                html.H1("Gemeente niet gevonden"),
                html.P(["Er is geen huidige gemeente met code ", html.Code(code or "—"), ". ", dcc.Link("Terug naar het overzicht", href="/"), "."]),
            ]
        )
    pd_ = parse_peildatum(peildatum, common.today())
    row = ref.gemeenten[ref.gemeenten["code"] == code].iloc[0]
    return html.Div(
        [
            html.H1(name, id=f"{P}-title"),
            common.future_notice(peildatum),
            html.P(
                [
                    f"Gemeentecode {code}",
                    " · Provincie: ",
                    dcc.Link(str(row["provincie_name"]), href=kennis.keep(f"/provincie/{row['provincie_code']}?peildatum={pd_.isoformat()}")) if row["provincie_code"] else "onbekend",
                    " · ",
                    dcc.Link("Landelijk overzicht", href=f"/?peildatum={pd_.isoformat()}"),
                ]
            ),
            html.Div([common.peildatum_dropdown(rt, v, f"{P}-peildatum", pd_), ui.share_link(P)], className="controls"),
            html.Div(_body(rt, v, code, pd_), id=f"{P}-body"),
            ui.download_links(P, f"gemeente-{code}", query(peildatum=pd_.isoformat())),
            dcc.Store(id=f"{P}-code", data=code),
            common.url_spec(P, PARAMS, None),
        ]
    )


def _body(rt, v, code: str, pd_: date) -> list:
    return rt.data.cached(("gemeente", code, pd_), lambda: _build(rt, v, code, pd_), v)


def _build(rt, v, code: str, pd_: date) -> list:
    ref = rt.data.reference(v)
    hist = views.gemeente_history_table(rt.data, code, v, until=pd_)
    sections = []
    statuses = {}
    examples = select_peers(rt.data.status_at(pd_, v), ref.gemeenten, ref.memberships, ref.levels, code, ref.onderdelen)
    for ond in ref.onderdelen:
        g = rt.data.gemeente_status(pd_, ond, v)
        r = g[g["code"] == code].iloc[0]
        statuses[ond] = r
        lv = agg.levels_for(ref.levels, ond)
        step_no = f"stap {int(r['index']) + 1} van {len(lv)}" if r["index"] >= 0 else "nog niets gemeld"
        facts = [
            html.Dt("Vastgesteld op"),
            html.Dd(fmt_date(r["adopted_on"]) if pd.notna(r["adopted_on"]) else "—"),
            html.Dt(GEMELD_PER),
            html.Dd(fmt_date(r["peildatum"]) if pd.notna(r["peildatum"]) else "—"),
            html.Dt("Bron"),
            html.Dd(
                html.A("document van de gemeente", href=r["source_url"], target="_blank", rel="noopener noreferrer", **{"aria-label": f"document van de gemeente: {onderdeel_title(ond).lower()} {ui.NEW_TAB}"})
                if isinstance(r["source_url"], str) and r["source_url"]
                else "geen bron"
            ),
        ]
        if isinstance(r["comment"], str) and r["comment"]:
            facts += [html.Dt("Toelichting"), html.Dd(r["comment"])]
        parts = [
            html.H3(onderdeel_title(ond)),
            html.P(
                [
                    html.Span(r["label"], className="status-badge done" if r["is_done"] else "status-badge"),
                    " ",
                    html.Strong("✓ gereed") if r["is_done"] else html.Span("nog niet gereed"),
                    f" ({step_no})",
                ]
            ),
            html.Dl(facts, className="facts"),
        ]
        if not r["is_done"]:
            text, link_text, link = next_step(ond, r["status"])
            parts.append(html.P([html.Strong("Volgende stap: "), text, " ", html.A(link_text, href=link, target="_blank", rel="noopener noreferrer", **{"aria-label": f"{link_text} {ui.NEW_TAB}"}), "."]))
            parts.append(peers.examples(examples[examples["onderdeel"] == ond], f"{P}-peers-{ref.onderdelen.index(ond)}"))
        h = hist[hist["Onderdeel"] == onderdeel_title(ond)].drop(columns=["Onderdeel"])
        if len(h):
            changes = views.status_changes(h)
            parts.append(
                ui.table(
                    changes,
                    f"Geschiedenis van {onderdeel_title(ond).lower()}: alleen de meldingen waarin iets veranderde (status, vaststellingsdatum of bron), "
                    f"nieuwste eerst ({len(changes)} van {len(h)} meldingen; elke melding staat in de download)",
                    external=["Bron"],
                    link_label=lambda row, o=ond: f"bron: {onderdeel_title(o).lower()}, {GEMELD_PER.lower()} {_cell_date(row)}",
                )
            )
        else:
            parts.append(html.P("Nog geen meldingen over dit onderdeel.", className="hint"))
        sections.append(html.Section(parts, className="onderdeel", **{"aria-label": onderdeel_title(ond)}))
    return [
        html.H2(f"{STAND_OP} {fmt_date(pd_)}", id=f"{P}-stand"),
        ui.explain(ONDERDEEL_TERMS + ("gereed", "vastgesteld-op", "gemeld-per"), "Wat betekenen deze begrippen?", id_=f"{P}-uitleg"),
        *sections,
        html.H2("Regio's van deze gemeente"),
        html.P("Per regio waartoe de gemeente behoort: het aandeel gemeenten dat gereed is, naast de status van deze gemeente.", className="hint"),
        _regions_table(rt, v, code, pd_, statuses),
    ]


def _cell_date(row) -> str:
    return fmt_date_short(row.iloc[0])


def _regions_table(rt, v, code: str, pd_: date, statuses: dict) -> html.Div:
    ref = rt.data.reference(v)
    memberships = []
    row = ref.gemeenten[ref.gemeenten["code"] == code].iloc[0]
    if row["provincie_code"]:
        memberships.append(("provincie", row["provincie_code"], row["provincie_name"]))
    m = ref.memberships[ref.memberships["gemeente_code"] == code]
    memberships += [(r.region_type, r.region_code, r.region_name) for r in m.itertuples()]
    records = [{"Gebied": "Deze gemeente", "Indeling": "", **{onderdeel_title(o): ("✓ " if s["is_done"] else "") + str(s["label"]) for o, s in statuses.items()}}]
    for level, rcode, rname in memberships:
        rec = {"Gebied": rname, "Indeling": level_title(level)}
        for o in ref.onderdelen:
            s = rt.data.group_shares(pd_, o, level, v)
            hit = s[s["group_code"] == rcode]
            if len(hit):
                h = hit.iloc[0]
                rec[onderdeel_title(o)] = f"{fmt_pct(h['share'])} gereed ({h['n_done']} van {h['n']})"
            else:
                rec[onderdeel_title(o)] = "—"
        records.append(rec)
    nat = {"Gebied": "Nederland", "Indeling": "Landelijk"}
    for o in ref.onderdelen:
        s = rt.data.group_shares(pd_, o, "landelijk", v).iloc[0]
        nat[onderdeel_title(o)] = f"{fmt_pct(s['share'])} gereed ({s['n_done']} van {s['n']})"
    records.append(nat)
    frame = pd.DataFrame(records)
    links = {}
    if row["provincie_code"]:
        links["Gebied"] = lambda r: kennis.keep(f"/provincie/{row['provincie_code']}?peildatum={pd_.isoformat()}") if r["Indeling"] == "Provincies" else None
    return ui.table(frame, f"De gemeente naast haar regio's op {fmt_date(pd_)}", links=links)


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(f"{P}-body", "children"),
        Input(f"{P}-peildatum", "value"),
        State(f"{P}-code", "data"),
        prevent_initial_call=True,
    )
    def update(peildatum, code):
        rt = current()
        v = rt.data.version()
        return _body(rt, v, code, parse_peildatum(peildatum, common.today()))

    common.url_sync(app, P, PARAMS, None)
