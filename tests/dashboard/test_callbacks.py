"""Callbacks and routes through the Flask test client, on SQLite and PostgreSQL (``dash_db``).

The map callback must send a Patch with values only when the browser already has the map,
and the values must be what the database says for the chosen date.
"""

from __future__ import annotations

import gzip
import io
import json
from datetime import date

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.figures import maps
from models import db, queries
from models.tables import StatusRecord, Upload
from tests.support.components import find_component
from tests.support.dashcall import page_layout, post

PEIL = date(2025, 6, 30)


def test_every_page_layout_renders(dash_app):
    from dashboard.pages import data_overview, gemeente, home, mijlpalen, not_found_404, provincie, regios

    for module, kwargs in [
        (home, {}),
        (home, {"niveau": "woningmarktregio", "onderdeel": "verordening", "tabel": "1", "peildatum": "2025-06-30"}),
        (regios, {"regiotype": "koploperregio", "onderdeel": "verdeling opgave", "regio": "KR01"}),
        (provincie, {"code": "PV27", "sorteer": "Woonzorgvisie", "volgorde": "af"}),
        (provincie, {"code": "PV99"}),
        (gemeente, {"code": "GM0363", "peildatum": "2025-06-30"}),
        (gemeente, {"code": "GM9999"}),
        (mijlpalen, {"niveau": "provincie"}),
        (data_overview, {"weergave": "verouderd", "dagen": "30"}),
        (not_found_404, {}),
    ]:
        layout = page_layout(dash_app, module, **kwargs)
        assert json.dumps(layout.to_plotly_json(), default=str)


def test_garbage_in_the_query_string_falls_back_to_defaults(dash_app):
    from dashboard.pages import home

    layout = json.dumps(page_layout(dash_app, home, peildatum="gisteren", onderdeel="<script>", niveau="x").to_plotly_json(), default=str)
    assert date.today().isoformat() in layout and "<script>" not in layout


def test_peildatum_change_sends_only_values_matching_the_database(dash_app, client, dash_db):
    from dashboard.pages import home

    layout = page_layout(dash_app, home, peildatum="2025-01-01", onderdeel="verordening")
    key = find_component(layout, "ov-map-key").data
    values = {"ov-peildatum.value": PEIL.isoformat(), "ov-onderdeel.value": "verordening", "ov-niveau.value": "gemeente", "ov-map-key.data": key}
    data, resp = post(client, dash_app, "ov-map", "figure", values, ["ov-peildatum.value"])
    assert resp.headers.get("Content-Encoding") == "gzip"
    assert "ov-map" not in data["response"]  # the figure is not resent ...
    update = data["response"]["ov-map-update"]["data"]  # ... only its values, applied in the browser
    assert "geojson" not in json.dumps(update) and len(json.dumps(update)) < 2048
    expanded = maps.expand_update(update)
    z, labels = expanded["z"], expanded["customdata"]
    # what the database says for that date
    gemeenten = queries.gemeenten(dash_db)
    sql = queries.status_asof(PEIL, dash_db)
    sql = sql[sql["onderdeel"] == "verordening"].set_index("gemeente_code")["status"]
    levels = queries.status_levels(dash_db)
    lv = levels[levels["onderdeel"] == "verordening"].sort_values("rank").reset_index(drop=True)
    expected = [int(lv.index[lv["status"] == sql[c]][0]) + 1 if c in sql.index else 0 for c in gemeenten["code"]]
    assert z == expected
    assert labels[expected.index(max(expected))] == "Vastgesteld"
    summary = data["response"]["ov-map-summary"]["children"]
    assert summary.startswith(f"{sum(1 for c in gemeenten['code'] if sql.get(c) == 'vastgesteld')} van 342 gemeenten gereed")


def test_level_change_sends_a_full_figure_with_geometry_by_url(dash_app, client):
    values = {"ov-peildatum.value": PEIL.isoformat(), "ov-onderdeel.value": "verordening", "ov-niveau.value": "provincie", "ov-map-key.data": "oud"}
    data, _ = post(client, dash_app, "ov-map", "figure", values, ["ov-niveau.value"])
    fig = data["response"]["ov-map"]["figure"]
    trace = fig["data"][0]
    assert trace["type"] == "choropleth" and isinstance(trace["geojson"], str) and trace["geojson"].startswith("/kaartvormen/provincie.geojson?v=")
    assert len(trace["locations"]) == 12 and max(trace["z"]) <= 100
    new_key = data["response"]["ov-map-key"]["data"]
    # the next change at the same level sends values only
    values.update({"ov-map-key.data": new_key, "ov-peildatum.value": "2026-01-01"})
    data2, _ = post(client, dash_app, "ov-map", "figure", values, ["ov-peildatum.value"])
    assert "ov-map" not in data2["response"] and len(data2["response"]["ov-map-update"]["data"]["z"]) == 12


def test_cache_follows_the_data_version(dash_app, client, dash_db):
    values = {"ov-peildatum.value": "2026-11-01"}
    before, _ = post(client, dash_app, "ov-cards", "children", values, ["ov-peildatum.value"])
    with db.session(dash_db) as s:
        up = Upload(file_name="extra.xlsx", sha256="e" * 64, outcome="geladen", peildatum=date(2026, 10, 31))
        s.add(up)
        s.flush()
        done = set(queries.status_asof(date(2026, 11, 1), dash_db).query("onderdeel == 'koploper' and status == 'ja'")["gemeente_code"])
        todo = [c for c in queries.gemeenten(dash_db)["code"] if c not in done][:5]
        for c in todo:
            s.add(StatusRecord(gemeente_code=c, onderdeel="koploper", status="ja", peildatum=date(2026, 10, 31), upload_id=up.id))
        db.bump_data_version(s)
    after, _ = post(client, dash_app, "ov-cards", "children", values, ["ov-peildatum.value"])
    text_before, text_after = json.dumps(before), json.dumps(after)
    n_before = len(done)
    assert f"{n_before} van 342 gemeenten" in text_before
    assert f"{n_before + 5} van 342 gemeenten" in text_after


def test_click_on_map_opens_the_profile(dash_app, client):
    click = {"points": [{"location": "GM0363", "curveNumber": 0, "pointNumber": 5}]}
    values = {"ov-map.clickData": click, "ov-niveau.value": "gemeente", "ov-peildatum.value": "2025-06-30", "ov-onderdeel.value": "verordening"}
    data, _ = post(client, dash_app, "etvi-nav", "href", values, ["ov-map.clickData"])
    assert list(data["response"]["etvi-nav"].values()) == ["/gemeente/GM0363?peildatum=2025-06-30"]
    values["ov-niveau.value"] = "provincie"
    values["ov-map.clickData"] = {"points": [{"location": "PV27"}]}
    data, _ = post(client, dash_app, "etvi-nav", "href", values, ["ov-map.clickData"])
    assert list(data["response"]["etvi-nav"].values())[0].startswith("/provincie/PV27?peildatum=2025-06-30")


def test_table_callback(dash_app, client):
    """The table is asked for with the view of a shown table (``etvi.tableView`` sends none while it is hidden)."""
    values = {"ov-table-view.data": {"peildatum": "2025-06-30", "onderdeel": "verordening", "niveau": "gemeente"}}
    data, _ = post(client, dash_app, "ov-table", "children", values, ["ov-table-view.data"])
    payload = json.loads(data["response"]["ov-table"]["children"]["props"]["data-table"])  # drawn by assets/tables.js
    assert len(payload["rows"]) == 342 and payload["sortable"]
    data, _ = post(client, dash_app, "ov-table", "children", {"ov-table-view.data": None}, ["ov-table-view.data"])
    assert data["response"]["ov-table"]["children"] is None


@pytest.mark.parametrize("view", ["x", 5, [1], True, {"peildatum": 5, "onderdeel": [], "niveau": {}}, {"peildatum": "9999-99-99", "niveau": "gemeente"}])
def test_a_forged_table_view_gets_no_table_or_the_default_view_never_an_error(dash_app, client, view):
    """The view comes from the browser (``etvi.tableView``): any JSON may arrive."""
    data, resp = post(client, dash_app, "ov-table", "children", {"ov-table-view.data": view}, ["ov-table-view.data"])
    assert resp.status_code == 200
    table = data["response"]["ov-table"]["children"]
    if isinstance(view, dict):  # odd values fall back to the page's defaults, as in the address
        assert len(json.loads(table["props"]["data-table"])["rows"]) == 342
    else:
        assert table is None


def test_cards_and_voorlopig_answer_in_one_callback(dash_app, client):
    data, _ = post(client, dash_app, "ov-cards", "children", {"ov-peildatum.value": "2025-06-30"}, ["ov-peildatum.value"])
    assert set(data["response"]) == {"ov-cards", "ov-voorlopig"}
    assert "van 342 gemeenten" in json.dumps(data["response"]["ov-cards"])


def test_regios_provincie_gemeente_mijlpalen_callbacks(dash_app, client):
    v = {"rg-regiotype.value": "woningmarktregio", "rg-onderdeel.value": "verdeling opgave", "rg-peildatum.value": "2025-06-30", "rg-regio.value": ["WR271"]}
    data, _ = post(client, dash_app, "rg-ranking", "children", v, ["rg-regiotype.value"])
    assert "Woningmarktregio Noord-Holland Noord" in json.dumps(data)
    v = {"pv-peildatum.value": "2025-06-30", "pv-sort.data": "Verordening met urgentieregeling", "pv-order.data": "af", "pv-code.data": "PV27"}
    data, _ = post(client, dash_app, "pv-table", "children", v, ["pv-peildatum.value"])
    payload = json.loads(data["response"]["pv-table"]["children"]["props"]["data-table"])
    assert payload["sort"] == {"col": "Verordening met urgentieregeling", "asc": False} and payload["stores"] == ["pv-sort", "pv-order"]
    data, _ = post(client, dash_app, "gm-body", "children", {"gm-peildatum.value": "2024-06-30", "gm-code.data": "GM0014"}, ["gm-peildatum.value"])
    assert "Stand op 30 juni 2024" in json.dumps(data)
    data, _ = post(client, dash_app, "mp-regions", "children", {"mp-niveau.value": "provincie"}, ["mp-niveau.value"])
    assert "Noord-Holland" in json.dumps(data)


def test_downloads_are_the_view(client, dash_db):
    r = client.get("/download/overzicht.csv?peildatum=2025-06-30&onderdeel=verordening&niveau=gemeente")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith('etvi-overzicht-2025-06-30.csv"')
    assert r.data.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(r.data), encoding="utf-8-sig", sep=";")
    assert len(frame) == 342 and {"Gemeentecode", "Status", "Gereed"} <= set(frame.columns)
    sql = queries.status_asof(PEIL, dash_db)
    n_done = int((sql[sql["onderdeel"] == "verordening"]["status"] == "vastgesteld").sum())
    assert int((frame["Gereed"] == "ja").sum()) == n_done
    r = client.get("/download/regios.xlsx?regiotype=provincie&onderdeel=verordening&peildatum=2025-06-30")
    assert r.status_code == 200
    xl = pd.read_excel(io.BytesIO(r.data), engine="openpyxl")
    assert len(xl) == 12 and "Aandeel gereed (%)" in xl.columns
    assert xl["Aandeel gereed (%)"].is_monotonic_increasing  # furthest behind first, as on the page
    for view in ["provincie-PV27", "gemeente-GM0363", "mijlpalen", "mijlpalen-voortgang", "gemeenten", "verouderd", "nooit-gemeld", "aanleverformaat"]:
        assert client.get(f"/download/{view}.csv").status_code == 200, view
    assert client.get("/download/gemeente-GM9999.csv").status_code == 404
    assert client.get("/download/bestaatniet.csv").status_code == 404
    assert client.get("/download/overzicht.pdf").status_code == 404


def test_template_download(client):
    pytest.importorskip("etl.template")
    r = client.get("/download/sjabloon.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"


def test_csv_neutralises_formulas():
    from dashboard.downloads import to_csv

    assert b"'=HYPERLINK" in to_csv(pd.DataFrame({"a": ["=HYPERLINK(1)"]}))


def test_shapes_route_is_compressed_and_immutable(dash_app, client):
    data, _ = post(client, dash_app, "ov-map", "figure", {"ov-peildatum.value": "2025-06-30", "ov-onderdeel.value": "verordening", "ov-niveau.value": "gemeente", "ov-map-key.data": None}, ["ov-niveau.value"])
    url = data["response"]["ov-map"]["figure"]["data"][0]["geojson"]
    r = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert r.headers["Content-Encoding"] == "gzip" and "immutable" in r.headers["Cache-Control"]
    geo = json.loads(gzip.decompress(r.data))
    assert len(geo["features"]) == 342
    assert client.get(url, headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    assert client.get("/kaartvormen/bestaatniet.geojson").status_code == 404
    topo = client.get("/kaartvormen/topojson/world_110m.json")
    assert topo.status_code == 200 and json.loads(topo.data)["type"] == "Topology"


def test_plotly_geo_bundle_is_served_precompressed(dash_app, client):
    from dashboard import static

    assert static.plotly_bundle() is not None, "vendored bundle must match plotly.js of the installed plotly"
    index = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in index and "/etvi-static/plotly-geo-" in index
    src = index.split('src="/etvi-static/plotly-geo-')[1].split('"')[0]
    r = client.get("/etvi-static/plotly-geo-" + src, headers={"Accept-Encoding": "br, gzip"})
    assert r.headers["Content-Encoding"] == "br" and 100_000 < len(r.data) < 500_000
    assert "immutable" in r.headers["Cache-Control"]


def test_core_js_polyfill_is_replaced_by_regenerator_runtime(dash_app, client):
    """Dash's @babel/polyfill is swapped for the one part its renderer needs (static.py)."""
    index = client.get("/").get_data(as_text=True)
    assert "/deps/polyfill@" not in index
    scripts = [part.split('"')[0] for part in index.split('<script src="')[1:]]
    runtime = next(i for i, src in enumerate(scripts) if src.startswith("/etvi-static/regenerator-runtime-"))
    renderer = next(i for i, src in enumerate(scripts) if "dash_renderer" in src)
    assert runtime < renderer
    for encoding in ("br", "gzip", "identity"):
        r = client.get(scripts[runtime], headers={"Accept-Encoding": encoding})
        assert r.status_code == 200 and r.mimetype == "application/javascript"
        assert r.headers.get("Content-Encoding", "identity") == encoding
    body = client.get(scripts[runtime], headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert "regeneratorRuntime = runtime" in body
    from dashboard.static import replace_polyfill

    assert replace_polyfill('<script src="/x.js"></script>') == '<script src="/x.js"></script>'


def test_demo_banner_follows_meta(dash_app, client, dash_db):
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "demo-banner" not in layout
    with db.session(dash_db) as s:
        db.set_meta(s, "demo_data", "ja")
    layout = client.get("/_dash-layout", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert "demo-banner" in layout and "Demonstratiegegevens" in layout


def test_serve_refuses_without_gemeenten(db_url, monkeypatch):
    from etvi.cli import _register_all, app

    _register_all()
    monkeypatch.setenv("ETVI_DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "etvi init" in result.output and "geen gemeenten" in result.output


def test_reference_edits_invalidate_the_cache_without_a_version_bump(dash_db):
    from dashboard.data import DataSource
    from models.tables import Milestone

    ds = DataSource(dash_db)
    before = ds.reference()
    assert ds.reference() is before  # cached
    with db.session(dash_db) as s:
        s.get(Milestone, "verordening-2026").title = "Urgentieregeling overal"
    after = ds.reference()
    assert after is not before
    assert "Urgentieregeling overal" in set(after.milestones["title"])
