"""Ready answers for anonymous viewers (``dashboard.response_cache``), through HTTP: kept per data
version, never for a logged-in user or a token, shared by two ``etvi serve`` through the database,
bounded, and a broken cache table costs nothing but speed."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timezone

import requests
from sqlalchemy import text

from dashboard import response_cache
from dashboard.app import create_app
from dashboard.shapes import ShapesUnavailable
from models import db
from tests.support import sample_data
from tests.support.app import make_app
from tests.support.dashcall import payload
from tests.support.etl import record_upload

HTML = {"Accept": "text/html", "Accept-Encoding": "gzip"}
PAGE = "/?peildatum=2026-06-30&onderdeel=verordening"


def rows(url: str) -> int:
    with db.engine(url).connect() as conn:
        return conn.execute(text("SELECT count(*) FROM cachedanswer")).scalar_one()


def body(response) -> bytes:
    raw = response.get_data() if hasattr(response, "get_data") else response.content
    return gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw


def cards_body(app, peildatum: str = "2026-06-30") -> str:
    return json.dumps(payload(app, "ov-cards", "children", {"ov-peildatum.value": peildatum}, ["ov-peildatum.value"]))


def requests_of_a_viewer(app) -> dict[str, dict]:
    """What a browser sends for one view of /: the page, its layout, the dependencies, a callback, a download."""
    return {
        "pagina": dict(method="GET", path=PAGE, headers=HTML),
        "layout": dict(method="GET", path="/_dash-layout", headers={"Accept-Encoding": "gzip", "X-Etvi-Page": PAGE}),
        "afhankelijkheden": dict(method="GET", path="/_dash-dependencies", headers={"Accept-Encoding": "gzip"}),
        "callback": dict(
            method="POST",
            path="/_dash-update-component",
            headers={"Accept-Encoding": "gzip", "Content-Type": "application/json", "Referer": "http://localhost" + PAGE},
            data=cards_body(app),
        ),
        "download": dict(
            method="GET",
            path="/download/overzicht.csv?peildatum=2026-06-30&onderdeel=verordening",
            headers={"Accept-Encoding": "gzip"},
        ),
    }


def amsterdam(csv: bytes) -> list[str]:
    return next(line for line in csv.decode("utf-8-sig").splitlines() if line.startswith("GM0363;")).split(";")


def send(client, spec: dict):
    return client.open(spec["path"], method=spec["method"], headers=spec["headers"], data=spec.get("data"))


def test_each_view_is_computed_once_per_data_version(ref_db, backend):
    app = make_app(ref_db)
    client = app.server.test_client()
    specs = requests_of_a_viewer(app)
    first = {name: send(client, spec) for name, spec in specs.items()}
    for name, r in first.items():
        assert r.status_code == 200 and r.headers.get(response_cache.HIT_HEADER) == "miss", (name, r.status_code, r.headers)
    again = {name: send(client, spec) for name, spec in specs.items()}
    for name, r in again.items():
        assert r.headers.get(response_cache.HIT_HEADER) == "hit", name
        assert r.get_data() == first[name].get_data(), name
        assert r.headers["Content-Type"] == first[name].headers["Content-Type"] and r.headers.get("Content-Encoding") == first[
            name
        ].headers.get("Content-Encoding")
        assert "Set-Cookie" not in r.headers and r.headers["X-Request-ID"] != first[name].headers["X-Request-ID"]
        assert r.headers["Content-Security-Policy"] and r.headers["X-Content-Type-Options"] == "nosniff"
    # SQLite (one machine) keeps answers in each worker's memory only; PostgreSQL also in the database
    assert (rows(ref_db) > 0) == (backend == "postgres")

    # another encoding, another address or another kennis is another answer
    plain = client.get(PAGE, headers={"Accept": "text/html"})
    assert plain.headers[response_cache.HIT_HEADER] == "miss" and "Content-Encoding" not in plain.headers
    assert plain.get_data().startswith(b"<!DOCTYPE html>")
    elsewhere = client.get(PAGE, headers={**HTML, "Host": "ergens-anders.example"})  # the iframe code names the site
    assert elsewhere.headers[response_cache.HIT_HEADER] == "miss"
    other = dict(specs["callback"], headers={**specs["callback"]["headers"], "Referer": "http://localhost/?kennis=2026-01-01"})
    assert send(client, other).headers[response_cache.HIT_HEADER] == "miss"

    # new data: every view is computed anew, and shows it
    assert amsterdam(body(first["download"])) == [
        "GM0363",
        "Amsterdam",
        "Noord-Holland",
        "Verordening met urgentieregeling",
        "Geen gegevens",
        "nee",
        "",
        "",
        "",
    ]
    record_upload(ref_db, datetime(2026, 6, 1, tzinfo=timezone.utc), [("GM0363", "vastgesteld", date(2026, 5, 1))])
    after = {name: send(client, spec) for name, spec in specs.items()}
    for name, r in after.items():
        assert r.headers.get(response_cache.HIT_HEADER) == "miss", name
    assert amsterdam(body(after["download"]))[5] == "ja"
    sample_data.set_demo(ref_db, True)  # the frame's demo banner is part of every page
    assert b"Demonstratiegegevens" in body(send(client, specs["layout"]))
    if backend == "postgres":  # the rows of the older version are gone
        with db.engine(ref_db).connect() as conn:
            assert conn.execute(text("SELECT count(DISTINCT version) FROM cachedanswer")).scalar_one() == 1


def test_logged_in_users_and_tokens_get_their_own_answers(accounts_app):
    app, actors, client_for = accounts_app
    beheerder = actors["beheerder"]
    anonymous = app.server.test_client()
    assert anonymous.get(PAGE, headers=HTML).headers[response_cache.HIT_HEADER] == "miss"
    assert anonymous.get(PAGE, headers=HTML).headers[response_cache.HIT_HEADER] == "hit"

    logged_in = client_for("beheerder")
    for _ in range(2):
        r = logged_in.get(PAGE, headers=HTML)
        assert r.status_code == 200 and response_cache.HIT_HEADER not in r.headers
        layout = logged_in.get("/_dash-layout", headers={"X-Etvi-Page": PAGE})
        assert response_cache.HIT_HEADER not in layout.headers and b"Uitloggen" in layout.get_data()  # the menu is the user's
    assert anonymous.get(PAGE, headers=HTML).headers[response_cache.HIT_HEADER] == "hit"
    for _ in range(2):
        layout = anonymous.get("/_dash-layout", headers={"X-Etvi-Page": PAGE})
        assert layout.headers[response_cache.HIT_HEADER] in ("miss", "hit") and b"Uitloggen" not in layout.get_data()

    bearer = app.server.test_client().get(PAGE, headers={**HTML, "Authorization": f"Bearer {beheerder.token}"})
    assert bearer.status_code == 200 and response_cache.HIT_HEADER not in bearer.headers


def test_only_the_declared_pages_callbacks_and_downloads_are_kept(ref_db, backend):
    app = make_app(ref_db)
    client = app.server.test_client()
    for path in (
        "/data",
        "/begrippen",
        "/aanleveren",
        "/download/aanleverformaat.csv",
        "/kaart.svg",
        "/api/v1/gemeenten",
        "/gemeente/GM9999",
    ):
        for _ in range(2):
            r = client.get(path, headers=HTML)
            assert response_cache.HIT_HEADER not in r.headers, (path, r.status_code)
    # a callback of a page that is not declared, and bodies that are no callback at all
    data_page = json.dumps(payload(app, "dt-regio-keuzes", "hidden", {"dt-weergave.value": "regios"}, ["dt-weergave.value"]))
    for data in (data_page, "geen json", "[]", '{"output": 5}', '{"output": "ov-cards.children"}' + " " * 10):
        r = client.post("/_dash-update-component", data=data, headers={"Content-Type": "application/json"})
        assert response_cache.HIT_HEADER not in r.headers, data[:40]
        assert r.status_code != 500 or "fout" in r.get_json(), data[:40]
    assert rows(ref_db) == 0


def test_two_servers_share_the_answers_and_see_a_change_at_once(postgres_ref_db, tmp_path, live_server):
    servers = []
    for name in ("a", "b"):
        folder = tmp_path / f"server-{name}"
        folder.mkdir()
        env = {"ETVI_DATA_DIR": str(folder / "data"), "ETVI_CACHE_DIR": str(folder / "cache")}
        servers.append(live_server(postgres_ref_db, "serve", workers=1, env=env, log=folder / "serve.log").url)
    a, b = servers
    csv = "/download/overzicht.csv?peildatum=2026-06-30&onderdeel=verordening"
    proxied = {"Host": "monitor.example"}  # as the load balancer sends it to each server

    def get(server):
        return requests.get(server + csv, headers=proxied, timeout=60)

    on_a, on_b = get(a), get(b)
    assert on_a.headers[response_cache.HIT_HEADER] == "miss" and on_b.headers[response_cache.HIT_HEADER] == "hit"
    assert on_a.content == on_b.content and amsterdam(on_b.content)[5] == "nee"

    record_upload(postgres_ref_db, datetime(2026, 6, 1, tzinfo=timezone.utc), [("GM0363", "vastgesteld", date(2026, 5, 1))])
    changed = get(b)
    assert changed.headers[response_cache.HIT_HEADER] == "miss" and amsterdam(changed.content)[5] == "ja"
    also_a = get(a)
    assert also_a.headers[response_cache.HIT_HEADER] == "hit" and also_a.content == changed.content


def test_the_database_keeps_at_most_the_configured_rows(postgres_ref_db, monkeypatch):
    monkeypatch.setenv("ETVI_ANSWER_CACHE_ROWS", "5")
    monkeypatch.setenv("ETVI_ANSWER_CACHE_MB", "0")  # every answer from the database
    monkeypatch.setattr(response_cache, "PRUNE_EVERY", 1)
    app = create_app(postgres_ref_db)
    client = app.server.test_client()
    for day in range(1, 21):  # twenty addresses, as someone trying many would send
        assert client.get(f"/download/overzicht.csv?peildatum=2026-01-{day:02d}").headers[response_cache.HIT_HEADER] == "miss"
        assert rows(postgres_ref_db) <= 5
    assert client.get("/download/overzicht.csv?peildatum=2026-01-20").headers[response_cache.HIT_HEADER] == "hit"
    assert client.get("/download/overzicht.csv?peildatum=2026-01-01").headers[response_cache.HIT_HEADER] == "miss"


def test_a_broken_cache_table_only_costs_speed(postgres_ref_db, caplog):
    csv = "/download/overzicht.csv?peildatum=2026-06-30&onderdeel=verordening"
    expected = create_app(postgres_ref_db).server.test_client().get(csv)
    with db.engine(postgres_ref_db).begin() as conn:
        conn.execute(text("DROP TABLE cachedanswer"))
    fresh = create_app(postgres_ref_db).server.test_client()  # a worker whose memory is empty
    for _ in range(2):
        r = fresh.get(csv)
        assert r.status_code == 200 and r.get_data() == expected.get_data()
    assert fresh.get(PAGE, headers=HTML).status_code == 200
    assert "antwoordcache in de database is niet bruikbaar" in caplog.text and "Traceback" not in caplog.text


def test_memory_drops_the_oldest_answers_beyond_its_limit():
    memory = response_cache.Memory(limit=2500)
    answer = response_cache.Answer(200, (("Content-Type", "text/plain"),), b"x" * 1000)
    assert memory.sees("v1") and not memory.sees("v1")
    for key in ("a", "b", "c"):
        memory.put("v1", key, answer)
    assert memory.get("a") is None and memory.get("b") is answer and memory.get("c") is answer
    assert memory.size <= 2500
    memory.put("v0", "d", answer)  # computed at a version this worker has left behind
    assert memory.get("d") is None
    assert memory.sees("v2") and memory.get("b") is None and memory.size == 0
    memory.put("v2", "big", response_cache.Answer(200, (), b"x" * 3000))
    assert memory.get("big") is None


def test_no_callback_runs_in_the_background(ref_db):
    """A kept first HTML carries Dash's per-load ``end_id`` to every viewer of that page. It only
    binds background-callback jobs to a page load; with none in the app, sharing it gives nothing away."""
    app = make_app(ref_db)
    assert app.callback_map and not [key for key, cb in app.callback_map.items() if cb.get("background")]


def test_an_answer_without_its_boundaries_is_not_kept(ref_db):
    """Boundaries that cannot be had now (no download, no ETVI_GEO_DIR) may come back: a map page
    drawn without them must not be handed out again once they are there."""

    def no_boundaries(level, year, memberships):
        raise ShapesUnavailable("Geen grenzen in deze test.")

    app = create_app(ref_db, shape_loader=no_boundaries)
    client = app.server.test_client()
    for _ in range(2):
        r = client.get(PAGE, headers=HTML)
        assert r.status_code == 200 and response_cache.HIT_HEADER not in r.headers
    assert rows(ref_db) == 0
