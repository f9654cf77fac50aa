"""Fixes from the UX review: one basis for "op de peildatum" and "verandering", tables that show
their rows, sensible projections, unconfirmed milestones marked as such, Dutch-Excel CSV, downloads
that honour the peildatum, a future peildatum clamped to today, and smaller label fixes."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
from dash import html
from typer.testing import CliRunner

from dashboard import aggregates as agg
from dashboard import components as ui
from dashboard import texts
from dashboard.state import FUTURE_NOTICE, parse_peildatum
from tests.support.aggregate_frames import GEMEENTEN, LEVELS, history
from tests.support.components import find_component
from tests.support.dashcall import page_layout, post
from tests.support.tables import payload, payload_rows

PEIL = date(2025, 6, 30)


# --- helpers -------------------------------------------------------------------------------


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def table_rows(wrap) -> tuple[list[str], list[list[str]]]:
    """(header texts, body rows as texts) of a ``components.table``."""
    if payload(wrap) is not None:
        return payload_rows(wrap)
    tbl = wrap.children
    thead = next(c for c in tbl.children if type(c).__name__ == "Thead")
    tbody = next(c for c in tbl.children if type(c).__name__ == "Tbody")
    heads = [_text(th) for th in thead.children.children]
    rows = [[_text(cell) for cell in tr.children] for tr in tbody.children]
    return heads, rows


def _num(text: str) -> float | None:
    return None if text in ("—", "") else float(text.replace(".", "").replace(",", "."))


# --- 1. one basis per number ---------------------------------------------------------------


def test_projection_pace_is_the_change_against_a_year_earlier():
    now = date(2026, 1, 1)
    s = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-06-01", "2026-01-01"]), "share": [0.2, 0.1, 0.3]})
    p = agg.projection(s, now)
    # a dip in between does not matter: +10 points in the year is progress, as on /regios
    assert p["state"] == "op_tempo" and p["share_then"] == 0.2
    assert p["slope_per_year"] == pytest.approx(0.1, rel=0.01)


def test_milestone_progress_uses_the_known_status_like_the_regios_change():
    """A report in the last year that a verordening was adopted long ago: with adoption dates the
    last year shows no progress, as known it shows +50 points. Both pages must say the latter."""
    h = agg.prepare_history(
        history(
            [
                ("GM0001", "verordening", "in voorbereiding", date(2024, 6, 30), 1, None),
                ("GM0002", "verordening", "in voorbereiding", date(2024, 6, 30), 1, None),
                ("GM0001", "verordening", "vastgesteld", date(2025, 3, 31), 2, date(2020, 1, 1)),
            ]
        )
    )
    mframe = agg.milestone_frame(
        pd.DataFrame(
            [{"id": "v", "title": "V", "date": date(2026, 1, 1), "date_precision": "jaar", "kind": "programmadoel", "onderdeel": "verordening",
              "min_status": "vastgesteld", "level": "gemeente", "confidence": "bevestigd", "source_url": None, "note": None}]
        ),
        LEVELS,
    )
    groups = agg.provincie_groups(GEMEENTEN)
    p = agg.milestone_progress(h, GEMEENTEN, LEVELS, mframe, groups, PEIL).set_index("group_code")
    change = agg.share_with_change(h, GEMEENTEN, LEVELS, "verordening", groups, PEIL).set_index("group_code")
    assert p.loc["PV20", "delta_pp"] == pytest.approx(change.loc["PV20", "delta_pp"]) == pytest.approx(50.0)
    assert p.loc["PV20", "state"] != "geen_voortgang"
    assert p.loc["PV20", "prev_date"] == date(2024, 6, 30)
    # the same group counting from adoption dates had nothing new in the last year
    eff = agg.progress_series(h, GEMEENTEN, LEVELS, "verordening", groups, [date(2024, 6, 30), PEIL])
    assert list(eff[eff["group_code"] == "PV20"]["share"]) == [0.5, 0.5]


def test_regios_time_table_says_what_it_counts_and_agrees_with_the_ranking(dash_app):
    from dashboard.pages import regios

    layout = page_layout(dash_app, regios, regiotype="provincie", onderdeel="verordening", peildatum=PEIL.isoformat())
    heads, rows = table_rows(find_component(layout, "rg-time-table"))
    asof_col = f"Stand op {PEIL:%d-%m-%Y}, zoals toen bekend"
    assert asof_col in heads and f"{PEIL:%d-%m-%Y} volgens vaststellingsdatum" in heads
    assert not any(h.startswith("Stand op") and h != asof_col for h in heads)
    assert "volgens vaststellingsdatum, met de kennis van nu" in getattr(find_component(layout, "rg-time-table"), "aria-label")
    assert rows[-1][0] == "Nederland"  # all rows, Nederland last
    rheads, rrows = table_rows(find_component(layout, "rg-rank-table"))
    ranking = {r[0]: _num(r[rheads.index("Aandeel gereed (%)")]) for r in rrows}
    for r in rows[:-1]:
        assert _num(r[heads.index(asof_col)]) == ranking[r[0]], r[0]
    # the change column says against which date
    assert f"Verandering t.o.v. {date(2024, 6, 30):%d-%m-%Y} (procentpunt)" in rheads


def test_mijlpalen_and_regios_agree_on_the_last_twelve_months(dash_app):
    from dashboard import views
    from dashboard.runtime import current

    with dash_app.server.test_request_context("/"):
        ds = current().data
        prog = views.milestone_progress_table(ds, PEIL, "provincie")
        rank = views.group_share_table(ds, PEIL, "verordening", "provincie")
    col = texts.change_column(date(2024, 6, 30))
    urg = prog[prog["Mijlpaal"] == "Urgentieregeling in alle gemeenten"].set_index("Gebied")[col]
    reg = rank.set_index("Provincie")[col]
    assert len(urg) == 12
    for name, delta in urg.items():
        assert delta == pytest.approx(reg[name]), name
    moved = prog[prog[col] > 0]
    assert not moved["Beoordeling"].str.contains("geen voortgang").any()


# --- 2. tables show their rows -------------------------------------------------------------


def test_tables_show_all_rows_and_scroll_sideways_in_a_labelled_focusable_region():
    small = ui.table(pd.DataFrame({"a": range(20)}), "Twintig rijen")
    assert small.className == "table-wrap" and small.tabIndex == "0" and small.role == "region" and getattr(small, "aria-label") == "Twintig rijen"
    big = ui.table(pd.DataFrame({"a": range(342)}), "Alle gemeenten")
    assert "table-long" in big.className
    from pathlib import Path

    css = (Path(agg.__file__).parent / "assets" / "style.css").read_text()
    rule = css.split(".table-wrap {", 1)[1].split("}", 1)[0]
    assert "max-height" not in rule and "overflow-x: auto" in rule


# --- 3. projections and wording ------------------------------------------------------------


def test_absurd_projections_are_capped_at_ten_years():
    now = date(2026, 1, 1)
    s = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2026-01-01"]), "share": [0.10, 0.105]})
    p = agg.projection(s, now)
    assert p["state"] == "na_horizon" and p["projected"] > agg.horizon(now)
    assert texts.fmt_projected(p["projected"], p["state"], now) == "niet vóór 2036"
    assert texts.assessment(p["state"], date(2027, 7, 1), now, p["projected"], None, 0.105) == "te laat bij huidig tempo (bij dit tempo niet binnen 10 jaar)"


def test_assessment_wording_is_unambiguous():
    today = date(2026, 1, 1)
    assert texts.assessment("op_tempo", date(2026, 12, 31), today, date(2028, 9, 8), None, 0.5) == "te laat bij huidig tempo (verwacht 8 september 2028)"
    assert texts.assessment("op_tempo", date(2026, 12, 31), today, date(2026, 6, 1), None, 0.5) == "op tijd bij huidig tempo (verwacht 1 juni 2026)"
    assert texts.assessment("bereikt", date(2026, 12, 31), today, date(2025, 6, 1), None, 1.0) == "gehaald"
    assert texts.assessment("bereikt", date(2024, 12, 31), today, date(2025, 6, 1), 0.9, 1.0) == "gehaald, maar na de uiterste datum"
    assert texts.assessment("op_tempo", date(2023, 12, 31), today, date(2035, 7, 3), 0.4, 0.89) == "te laat: uiterste datum verstreken (verwacht 3 juli 2035)"
    assert texts.assessment("geen_voortgang", date(2026, 12, 31), today, None, None, 0.2) == "te laat bij huidig tempo (geen voortgang in de laatste 12 maanden)"


def test_mijlpalen_page_has_no_absurd_dates_and_plain_wording(dash_app):
    from dashboard.pages import mijlpalen

    layout = page_layout(dash_app, mijlpalen, niveau="provincie")
    text = json.dumps(layout.to_plotly_json(), default=str)
    assert "verwacht bij huidig tempo" not in text
    assert not any(f"-{year}" in text for year in range(date.today().year + 11, 2300))
    heads, rows = table_rows(find_component(layout, "mp-national-table"))
    assert "Zekerheid" in heads and "Beoordeling" in heads
    beoordeling = [r[heads.index("Beoordeling")] for r in rows]
    assert all(b.startswith(("gehaald", "op tijd", "te laat", "te weinig")) for b in beoordeling), beoordeling
    heads, _ = table_rows(find_component(layout, "mp-regions").children)
    assert "Zekerheid" in heads


# --- 4. unverified milestones ----------------------------------------------------------------


def test_confidence_words_and_passed_target_dates():
    assert texts.confidence_text("doel", date(2026, 7, 1), date(2026, 11, 21)) == "Beoogd (doel); beoogde datum verstreken, werkelijke datum onbevestigd"
    assert texts.confidence_text("doel", date(2026, 7, 1), date(2026, 1, 1)) == "Beoogd (doel)"
    assert texts.unconfirmed_suffix("onbevestigd") == " (onbevestigd)" and texts.unconfirmed_suffix("bevestigd") == ""


def test_source_links_have_unique_names_and_missing_sources_say_so(dash_app):
    from dashboard.pages import home, mijlpalen

    for module, table_id in [(home, "ov-mlist"), (mijlpalen, "mp-all")]:
        layout = page_layout(dash_app, module)
        if module is home:  # the list is added below the map once the map is drawn
            layout = html.Div(find_component(layout, "ov-after-map").data["outputs"][0])
        wrap = find_component(layout, table_id)
        heads, rows = table_rows(wrap)
        assert "Zekerheid" in heads and "Toelichting" in heads
        names = []
        for tr in wrap.children.children[2].children:
            for cell in tr.children:
                link = cell.children
                if type(link).__name__ == "A":
                    names.append(getattr(link, "aria-label"))
        assert names and len(names) == len(set(names)) and all(n.startswith("bron: ") for n in names)
        assert any(r[heads.index("Bron")] == "geen bron" for r in rows)


# --- 5. CSV for Dutch Excel ------------------------------------------------------------------


def test_csv_is_what_dutch_excel_opens():
    from dashboard.downloads import to_csv

    body = to_csv(pd.DataFrame({"Gebied": ["Drenthe", "=SOM(1)"], "Aandeel (%)": [36.4, 100.0], "Verandering": [-3.5, 0.0], "Gemeenten": [12, 30], "Datum": [date(2025, 6, 30), None]}))
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "Gebied;Aandeel (%);Verandering;Gemeenten;Datum"
    assert lines[1] == "Drenthe;36,4;-3,5;12;2025-06-30"  # a negative number is not treated as a formula
    assert lines[2] == "'=SOM(1);100;0;30;"


def test_aanleverformaat_is_byte_identical_to_etvi_export(client, dash_db, tmp_path, monkeypatch):
    from etvi.cli import _register_all, app

    _register_all()
    monkeypatch.setenv("ETVI_DATABASE_URL", dash_db)
    out = tmp_path / "export.csv"
    result = CliRunner().invoke(app, ["export", "-o", str(out), "--peildatum", PEIL.isoformat()])
    assert result.exit_code == 0, result.output
    r = client.get(f"/download/aanleverformaat.csv?peildatum={PEIL.isoformat()}")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith(f'etvi-aanleverformaat-{PEIL.isoformat()}.csv"')
    assert r.data == out.read_bytes()
    assert client.get(f"/download/aanleverformaat.xlsx?peildatum={PEIL.isoformat()}").data[:2] == b"PK"


def test_download_pages_speak_plain_dutch(dash_app):
    from dashboard.pages import data_overview, mijlpalen

    for module in (data_overview, mijlpalen):
        text = json.dumps(page_layout(dash_app, module).to_plotly_json(), default=str)
        for jargon in ("etvi export", "data/mijlpalen.csv", "data/statussen.csv", "data/fusies.csv"):
            assert jargon not in text, (module.__name__, jargon)


# --- 6. downloads honour the peildatum ---------------------------------------------------------


def test_downloads_honour_the_peildatum(client, dash_db):
    early = "2022-01-31"
    never_then = pd.read_csv(io.BytesIO(client.get(f"/download/nooit-gemeld.csv?peildatum={early}").data), sep=";", encoding="utf-8-sig")
    never_now = pd.read_csv(io.BytesIO(client.get("/download/nooit-gemeld.csv").data), sep=";", encoding="utf-8-sig")
    assert len(never_then) > len(never_now)
    r = client.get(f"/download/mijlpalen-voortgang.csv?niveau=landelijk&peildatum={PEIL.isoformat()}")
    assert f"Aandeel op {PEIL:%d-%m-%Y} (%)" in r.data.decode("utf-8-sig").splitlines()[0]
    assert r.headers["Content-Disposition"].endswith(f'etvi-mijlpalen-voortgang-{PEIL.isoformat()}.csv"')
    r = client.get(f"/download/mijlpalen.csv?peildatum={PEIL.isoformat()}")
    assert r.headers["Content-Disposition"].endswith('etvi-mijlpalen.csv"')  # not a view at a date
    hist = pd.read_csv(io.BytesIO(client.get(f"/download/gemeente-GM0363.csv?peildatum={early}").data), sep=";", encoding="utf-8-sig")
    assert all(d <= early for d in hist["Gemeld per"].dropna())


# --- 7. a future peildatum ---------------------------------------------------------------------


def test_future_peildatum_is_clamped_to_today_with_a_notice(dash_app, client):
    from dashboard.pages import gemeente, home, regios

    today = date.today()
    assert parse_peildatum("2030-01-01", today) == today and parse_peildatum("2024-01-01", today) == date(2024, 1, 1)
    for module, kw in [(home, {}), (regios, {}), (gemeente, {"code": "GM0363"})]:
        text = json.dumps(page_layout(dash_app, module, peildatum="2030-01-01", **kw).to_plotly_json(), default=str)
        assert FUTURE_NOTICE in text and "2030-01-01" not in text and "januari 2030" not in text, module.__name__
        assert today.isoformat() in text
    text = json.dumps(page_layout(dash_app, home, peildatum="2024-01-01").to_plotly_json(), default=str)
    assert FUTURE_NOTICE not in text
    r = client.get("/download/gemeenten.csv?peildatum=2030-01-01")
    assert r.headers["Content-Disposition"].endswith(f'etvi-gemeenten-{today.isoformat()}.csv"')


# --- 8. smaller fixes --------------------------------------------------------------------------


def test_status_labels_and_history_caption(dash_app, client):
    data, _ = post(client, dash_app, "gm-body", "children", {"gm-peildatum.value": "2026-09-30", "gm-code.data": "GM0014"}, ["gm-peildatum.value"])
    text = json.dumps(data)
    assert "alleen de meldingen waarin iets veranderde" in text and "elke melding staat in de download" in text
    r = client.get("/download/verouderd.csv?peildatum=2025-08-15&dagen=1")
    frame = pd.read_csv(io.BytesIO(r.data), sep=";", encoding="utf-8-sig")
    raw = {"geen", "ja", "nee", "geen afspraken", "vastgesteld"}
    assert len(frame) and not set(frame["Status"]) & raw  # labels, not raw status codes


def test_regios_chart_shows_only_milestones_for_a_done_status(dash_app):
    from dashboard.pages import regios

    layout = page_layout(dash_app, regios, regiotype="provincie", onderdeel="woonzorgvisie", peildatum=PEIL.isoformat())
    fig = find_component(layout, "rg-time-graph").figure
    names = [t.name for t in fig.data if (t.name or "").startswith("Mijlpaal:")]
    assert names and not any("werken aan een woonzorgvisie" in n for n in names)  # min_status 'in voorbereiding'
    assert any("(onbevestigd)" in n for n in names)
    assert pd.Timestamp(fig.layout.xaxis.range[0]).year >= 2021
