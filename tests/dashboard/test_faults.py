"""Items 7 and 9 of issue 9: faults answered in Dutch, never with Werkzeug's English 500 page.

* A live ``etvi serve`` (gunicorn, 2 workers) on PostgreSQL whose database stops accepting
  connections while it is being used: pages, the API and Dash callbacks answer 503 in Dutch with
  ``Retry-After``, the browser shows a Dutch notice, the log has one line per failed request and
  no traceback, and the server recovers by itself when the database is back.
* Any other unexpected error: a Dutch 500 (HTML or JSON), not Werkzeug's page.
* An unknown ``/_dash-component-suites/...`` path: 404 in Dutch, not a 500 with a traceback.
* An unsupported database URL scheme: a Dutch message naming the supported schemes, for every
  CLI command and ``etvi serve``, exit code 2, no traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import dashcall
from tests.support.app import create_actors
from tests.support.browser import wait_for_dash
from tests.support.database import PG_URL, filled_database
from tests.support.faults import add_failing_routes

DOWNLOAD = "/download/gemeenten.csv?peildatum=2024-12-31"


def _database_access(db_url: str, allowed: bool) -> None:
    """Let the database accept connections again, or refuse new ones and end the open ones."""
    name = make_url(db_url).database
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}'))
            if not allowed:
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
                    {"n": name},
                )
    finally:
        admin.dispose()


def _login(session: requests.Session, base: str, username: str, password: str) -> None:
    session.get(base + "/login", timeout=30)
    data = {"gebruikersnaam": username, "wachtwoord": password, "csrf_token": session.cookies["_csrf_token"], "next": "/"}
    resp = session.post(base + "/login", data=data, allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text[:500]


def _requests(base: str, anon: requests.Session, user: requests.Session, callback: dict) -> dict:
    """One round through every kind of answer; name -> response."""
    html = {"Accept": "text/html"}
    return {
        "download": anon.get(base + DOWNLOAD, headers=html, timeout=30),
        "page (ingelogd)": user.get(base + "/aanleveren", headers=html, timeout=30),
        "api": anon.get(base + "/api/v1/status", timeout=30),
        "api (ingelogd)": user.get(base + "/api/v1/ik", timeout=30),
        "callback": anon.post(
            base + "/_dash-update-component",
            json=callback,
            headers={"X-CSRFToken": anon.cookies.get("_csrf_token", ""), "Origin": base},
            timeout=30,
        ),
    }


@pytest.mark.skipif(not PG_URL, reason="ETVI_TEST_POSTGRES_URL is niet gezet")
def test_database_down_while_browsing_answers_503_in_dutch_and_recovers(tmp_path, new_page, live_server):
    from dashboard.app import create_app

    url, drop = filled_database("postgres", tmp_path)
    actors = create_actors(url)
    log = tmp_path / "serve.log"
    callback = dashcall.payload(create_app("sqlite://"), "ov-cards", "children", {"ov-peildatum.value": "2025-12-31"}, ["ov-peildatum.value"])
    server = live_server(url, "serve", log=log)
    base = server.url
    seen_503 = 0
    try:
        anon, user = requests.Session(), requests.Session()
        anon.get(base + "/", timeout=30)
        _login(user, base, actors["beheerder"].username, actors["beheerder"].password)
        before = _requests(base, anon, user, callback)
        assert {k: r.status_code for k, r in before.items()} == dict.fromkeys(before, 200)

        _database_access(url, allowed=False)
        try:
            for _ in range(3):  # several rounds, so both workers meet the outage
                during = _requests(base, anon, user, callback)
                for name, resp in during.items():
                    assert resp.status_code == 503, (name, resp.status_code, resp.text[:300])
                    assert resp.headers.get("Retry-After", "").isdigit(), name
                    assert "database is even niet bereikbaar" in resp.text, (name, resp.text[:300])
                    assert "The server encountered" not in resp.text and "Internal Server Error" not in resp.text
                    if name.startswith(("api", "callback")):
                        assert resp.json()["status"] == 503 and "niet bereikbaar" in resp.json()["fout"]
                    else:
                        assert resp.headers["Content-Type"].startswith("text/html") and "<html lang='nl'>" in resp.text
                    seen_503 += 1

            # in the browser: the page's callbacks fail, and the page says so in Dutch
            page = new_page()
            browser_503 = []
            page.on("response", lambda r: browser_503.append(r.url) if r.status == 503 else None)
            page.goto(base + "/")
            notice = page.locator("#etvi-storing")
            notice.wait_for(state="visible", timeout=30_000)
            assert "database is even niet bereikbaar" in notice.inner_text()
        finally:
            _database_access(url, allowed=True)

        # recovery by itself: the next requests reconnect
        deadline = time.time() + 30
        while True:
            after = _requests(base, anon, user, callback)
            codes = {k: r.status_code for k, r in after.items()}
            seen_503 += sum(1 for c in codes.values() if c == 503)
            if set(codes.values()) == {200} or time.time() > deadline:
                break
            time.sleep(0.5)
        assert codes == dict.fromkeys(after, 200)
        assert after["download"].content == before["download"].content
        page.reload()
        wait_for_dash(page)  # the page renders again, its callbacks answered
        assert not notice.is_visible()
        seen_503 += len(browser_503)
    finally:
        server.stop()
        drop()
    output = log.read_text()
    assert "Traceback" not in output, output[-3000:]
    failure_lines = [line for line in output.splitlines() if "database niet bereikbaar" in line and "-> 503" in line]
    assert len(failure_lines) == seen_503, (len(failure_lines), seen_503, output[-3000:])


# --- through the Flask test client, on SQLite and PostgreSQL ----------------------------------------


def _unreachable(backend: str, url: str, tmp_path, down: bool) -> None:
    """PostgreSQL: refuse connections. SQLite: the database file replaced by a directory, which
    SQLite cannot open (and back). Pooled connections are dropped either way."""
    from models import db

    if backend == "postgres":
        _database_access(url, allowed=not down)
    else:
        path = make_url(url).database
        if down:
            os.rename(path, tmp_path / "weg.sqlite")
            os.mkdir(path)
        else:
            os.rmdir(path)
            os.rename(tmp_path / "weg.sqlite", path)
    db.dispose_all()


def test_database_unreachable_answers_503_in_dutch_and_recovers(backend, dash_db, dash_app, client, tmp_path, caplog):
    callback = dashcall.payload(dash_app, "ov-cards", "children", {"ov-peildatum.value": "2025-12-31"}, ["ov-peildatum.value"])

    def answers():
        return {
            "download": client.get(DOWNLOAD, headers={"Accept": "text/html"}),
            "api": client.get("/api/v1/status"),
            "callback": client.post("/_dash-update-component", json=callback),
        }

    assert {k: r.status_code for k, r in answers().items()} == {"download": 200, "api": 200, "callback": 200}
    _unreachable(backend, dash_db, tmp_path, down=True)
    caplog.clear()
    try:
        during = answers()
    finally:
        _unreachable(backend, dash_db, tmp_path, down=False)
    for name, resp in during.items():
        assert resp.status_code == 503, (name, resp.get_data(as_text=True)[:300])
        assert resp.headers["Retry-After"] == "5"
        assert "database is even niet bereikbaar" in resp.get_data(as_text=True)
    assert during["api"].json["status"] == 503 and during["callback"].json["status"] == 503
    assert during["download"].mimetype == "text/html"
    records = [r for r in caplog.records if r.name == "dashboard.faults"]
    assert len(records) == 3 and all(r.exc_info is None for r in records), [r.getMessage() for r in records]
    assert {k: r.status_code for k, r in answers().items()} == {"download": 200, "api": 200, "callback": 200}


def test_an_unexpected_error_gives_a_dutch_500_page_and_json(dash_app):
    add_failing_routes(dash_app, RuntimeError("kapot"))
    client = dash_app.server.test_client()
    page = client.get("/kapot", headers={"Accept": "text/html"})
    assert page.status_code == 500 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "Er ging iets mis op de server" in body and "Internal Server Error" not in body and "RuntimeError" not in body
    api = client.get("/api/v1/kapot")
    assert api.status_code == 500 and api.json["status"] == 500 and "Er ging iets mis" in api.json["fout"]


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/bestaat_niet/bundle.js",
        "/_dash-component-suites/dash/bestaat-niet.v4_0_0m1.js",
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/os/__init__.py",
    ],
)
def test_an_unknown_component_suite_path_is_a_dutch_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404, resp.get_data(as_text=True)[:300]
    assert resp.json == {"fout": "Dit bestand bestaat niet.", "status": 404}


def test_the_component_suites_of_the_page_are_served(client):
    html = client.get("/").get_data(as_text=True)
    paths = re.findall(r'src="(/_dash-component-suites/[^"]+)"', html)
    assert paths
    for path in paths:
        assert client.get(path).status_code == 200, path


# --- unsupported database URL schemes, through the CLI ----------------------------------------------

COMMANDS = [
    ["serve", "--port", "9"],
    ["init"],
    ["db", "upgrade"],
    ["db", "status"],
    ["export", "-o", "{tmp}/export.csv"],
    ["template", "-o", "{tmp}/sjabloon.xlsx"],
    ["load", "{tmp}/status.csv"],
    ["demo-data"],
    ["gebruiker", "list"],
    ["gebruiker", "add", "piet", "--rol", "beheerder"],
    ["regio", "list"],
    ["geo", "info"],
]


def _refused(tmp_path, url: str, commands: list[list[str]]) -> None:
    (tmp_path / "status.csv").write_text("gemeentecode;peildatum;verordening\nGM0363;2026-01-01;vastgesteld\n")
    env = dict(os.environ, ETVI_DATABASE_URL=url, ETVI_GEO_URL="http://127.0.0.1:9/")
    for command in commands:
        args = [a.replace("{tmp}", str(tmp_path)) for a in command]
        proc = subprocess.run(
            [sys.executable, "-c", "from etvi.cli import main; main()", *args], env=env, capture_output=True, text=True, timeout=120
        )
        out = proc.stdout + proc.stderr
        assert proc.returncode == 2, (command, proc.returncode, out[-2000:])
        assert "Traceback" not in out and "ModuleNotFoundError" not in out, (command, out[-2000:])
        flat = " ".join(out.split())
        what = "geen geldige database-URL" if "://" not in url else "databasetype dat niet wordt ondersteund"
        assert what in flat and "Ondersteund zijn sqlite en postgresql+psycopg" in flat, (command, out)


def test_an_unsupported_database_url_is_refused_in_dutch_by_every_command(tmp_path):
    _refused(tmp_path, "mysql://etvi:geheim@localhost/etvi", COMMANDS)


@pytest.mark.parametrize("url", ["postgresql://etvi@localhost/etvi", "oracle+cx_oracle://x", "/pad/zonder/schema.sqlite", "mysql+pymysql://x/y"])
def test_other_unsupported_database_urls_are_refused_in_dutch(tmp_path, url):
    _refused(tmp_path, url, [["db", "status"]])
