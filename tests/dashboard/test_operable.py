"""Item 8 of issue 10 (operable): health checks, a request id, one log line per request.

* ``/health/live`` and ``/health/ready`` answer without a login (also with ``ETVI_PUBLIC=false``)
  and set no cookie; ``ready`` is 503 with a Dutch reason for a database at an older schema
  revision or one that cannot be reached, on SQLite and PostgreSQL.
* Every response carries ``X-Request-ID`` (a safe incoming id is kept, anything else replaced);
  the Dutch 500 page and JSON name it; logins, logouts and refused CSRF checks are logged (no secrets); the request's log line holds id, method, path, status,
  duration and user id, never a query string.
* Anonymous GETs (pages, Dash's JSON, scripts, assets) set no cookie; an anonymous callback is
  checked by its origin only, a logged-in one still needs the CSRF token.
* A live ``etvi serve`` writes those lines to stderr as text, or as JSON with ``ETVI_LOG_FORMAT=json``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys

import pytest
import requests
from sqlalchemy.exc import OperationalError

from dashboard.app import create_app
from etvi.accounts import users
from models import db
from tests.support import dashcall
from tests.support.app import login
from tests.support.database import create_database, filled_database
from tests.support.faults import add_failing_routes
from tests.support.shapes import synthetic_loader

SECRET = "geheim-token-123"


def _closed_app(url: str):
    app = create_app(url, shape_loader=synthetic_loader)
    app.server.config["ETVI_PUBLIC"] = False  # the login wall is up
    return app


def test_health_checks_answer_without_login_or_cookie(ref_db):
    client = _closed_app(ref_db).server.test_client()
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 302  # the wall is up
    live = client.get("/health/live")
    ready = client.get("/health/ready")
    assert live.status_code == 200 and live.json == {"status": "actief"}
    assert ready.status_code == 200 and ready.json["status"] == "gereed"
    assert ready.json["schema"] == db.current_revision(ref_db)
    for resp in (live, ready):
        assert "Set-Cookie" not in resp.headers and resp.headers["Cache-Control"] == "no-store"
    assert client.head("/health/ready").status_code == 200
    refused = client.post("/health/live")
    assert refused.status_code == 405 and "Set-Cookie" not in refused.headers


def test_ready_is_503_for_a_database_at_an_older_revision(backend, tmp_path):
    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url, "0004")
        client = _closed_app(url).server.test_client()
        assert client.get("/health/live").status_code == 200
        resp = client.get("/health/ready")
        assert resp.status_code == 503 and resp.json["status"] == "niet gereed"
        assert "versie 0004" in resp.json["fout"] and "etvi db upgrade" in resp.json["fout"]
        db.upgrade(url)
        assert client.get("/health/ready").status_code == 200
    finally:
        db.dispose_all()
        drop()


def test_ready_is_503_for_an_empty_database(backend, tmp_path):
    url, drop = create_database(backend, tmp_path)
    try:
        resp = _closed_app(url).server.test_client().get("/health/ready")
        assert resp.status_code == 503 and "nog geen tabellen" in resp.json["fout"] and "etvi init" in resp.json["fout"]
    finally:
        db.dispose_all()
        drop()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_ready_is_503_when_the_database_cannot_be_reached(kind, tmp_path):
    (tmp_path / "map.sqlite").mkdir()  # a folder where the database file should be
    url = (
        f"sqlite:///{tmp_path / 'map.sqlite'}"
        if kind == "sqlite"
        else "postgresql+psycopg://etvi:x@127.0.0.1:9/etvi?connect_timeout=2"
    )
    client = _closed_app(url).server.test_client()
    assert client.get("/health/live").status_code == 200
    resp = client.get("/health/ready")
    assert resp.status_code == 503 and resp.json == {"status": "niet gereed", "fout": "De database is niet bereikbaar."}
    db.dispose_all()


def _request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "etvi.request"]


def test_every_response_has_a_request_id_and_one_log_line(accounts_app, caplog):
    app, actors, client_for = accounts_app
    anon = client_for(None)
    caplog.set_level(logging.INFO, logger="etvi.request")
    caplog.clear()
    kept = anon.get(f"/api/v1/status?token={SECRET}", headers={"X-Request-ID": "lb-1234.abc"})
    assert kept.headers["X-Request-ID"] == "lb-1234.abc"
    for unsafe in ("<script>", "a" * 65, "x y", ""):
        rid = anon.get("/health-niet", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert rid != unsafe and len(rid) == 16
    lines = _request_lines(caplog)
    assert len(lines) == 5
    first = lines[0]
    assert (first.request_id, first.method, first.path, first.status, first.user_id) == ("lb-1234.abc", "GET", "/api/v1/status", 200, "-")
    assert first.duration_ms >= 0 and first.getMessage().startswith("lb-1234.abc GET /api/v1/status 200 ")
    assert SECRET not in caplog.text
    user = client_for("beheerder")
    caplog.clear()
    user.get("/api/v1/ik")
    (line,) = _request_lines(caplog)
    with db.session(app.server.config["ETVI_DATABASE_URL"]) as s:
        uid = users.get_user(s, actors["beheerder"].username).id
    assert line.user_id == str(uid) and line.getMessage().endswith(f"gebruiker={uid}")
    assert "etvi_sessie" not in caplog.text and user.get_cookie("etvi_sessie").value not in caplog.text


def test_the_dutch_500_names_the_request_id(dash_app):
    add_failing_routes(dash_app, RuntimeError("kapot"))
    client = dash_app.server.test_client()
    page = client.get("/kapot", headers={"Accept": "text/html", "X-Request-ID": "storing-42"})
    assert page.status_code == 500 and page.headers["X-Request-ID"] == "storing-42"
    assert "Kenmerk van dit verzoek: storing-42" in page.get_data(as_text=True)
    api = client.get("/api/v1/kapot")
    assert api.status_code == 500 and f"Kenmerk van dit verzoek: {api.headers['X-Request-ID']}." in api.json["fout"]


def test_the_dutch_503_names_the_request_id(dash_app):
    add_failing_routes(dash_app, OperationalError("SELECT 1", {}, ConnectionRefusedError("verbinding geweigerd")), page=None, api="/api/v1/weg")
    resp = dash_app.server.test_client().get("/api/v1/weg", headers={"X-Request-ID": "db-weg-1"})
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
    assert resp.json["fout"].endswith("Kenmerk van dit verzoek: db-weg-1.")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_live_server_logs_each_request_to_stderr(log_format, tmp_path, live_server):
    url, drop = filled_database("sqlite", tmp_path)
    log = tmp_path / "serve.log"
    server = live_server(url, "serve", workers=1, log=log, env={"ETVI_LOG_FORMAT": log_format})
    base = server.url
    try:
        resp = requests.get(f"{base}/data?token={SECRET}", headers={"X-Request-ID": "live-77"}, timeout=30)
        assert resp.status_code == 200 and resp.headers["X-Request-ID"] == "live-77"
        assert requests.get(base + "/health/ready", timeout=30).json()["status"] == "gereed"
    finally:
        server.stop()
        db.dispose_all()
        drop()
    text = log.read_text()
    assert SECRET not in text
    lines = [line for line in text.splitlines() if "live-77" in line]
    assert len(lines) == 1, text[-2000:]
    if log_format == "json":
        records = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is JSON
        (entry,) = [r for r in records if r.get("request_id") == "live-77"]
        assert entry["logger"] == "etvi.request" and entry["level"] == "INFO"
        assert (entry["method"], entry["path"], entry["status"], entry["user_id"]) == ("GET", "/data", 200, "-")
        assert isinstance(entry["duration_ms"], float)
        assert any(r["logger"] == "gunicorn.error" for r in records)  # gunicorn's own lines too
    else:
        assert "etvi.request: live-77 GET /data 200 " in lines[0] and lines[0].endswith("gebruiker=-")
        assert "[INFO]" in lines[0]


def _callback(dash_app) -> dict:
    return dashcall.payload(dash_app, "ov-cards", "children", {"ov-peildatum.value": "2025-12-31"}, ["ov-peildatum.value"])


def test_anonymous_gets_set_no_cookie_and_callbacks_stay_csrf_safe(dash_app):
    client = dash_app.server.test_client()
    index = client.get("/")
    assert index.status_code == 200
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', index.get_data(as_text=True))
    assets = re.findall(r'href="(/assets/[^"]+)"', index.get_data(as_text=True))
    assert scripts and assets
    paths = ["/", "/regios", "/mijlpalen", "/data", "/_dash-layout", "/_dash-dependencies", scripts[0], assets[0], "/bestaat-niet"]
    for path in paths:
        resp = client.get(path)
        assert resp.status_code in (200, 404) and "Set-Cookie" not in resp.headers, (path, resp.headers.get("Set-Cookie"))
    assert client.get_cookie("_csrf_token") is None and client.get_cookie("etvi_sessie") is None
    # an anonymous viewer changes the peildatum without any cookie; another website cannot
    same = client.post("/_dash-update-component", json=_callback(dash_app), headers={"Origin": "http://localhost"})
    assert same.status_code == 200 and "Set-Cookie" not in same.headers
    for forged in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}, {"Referer": "https://evil.example/x"}):
        resp = client.post("/_dash-update-component", json=_callback(dash_app), headers=forged)
        assert resp.status_code == 403 and "Beveiligingscontrole" in resp.json["fout"], forged


def test_a_logged_in_callback_still_needs_the_csrf_token(accounts_app):
    app, actors, client_for = accounts_app
    user = client_for("beheerder")
    token = user.get_cookie("_csrf_token").value
    body = _callback(app)
    assert user.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"}).status_code == 403
    assert user.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token, "Origin": "http://localhost"}).status_code == 200


def test_security_events_are_logged_without_secrets(accounts_app, caplog):
    app, actors, client_for = accounts_app
    a = actors["gemeente_a"]
    client = client_for(None)
    caplog.set_level(logging.INFO, logger="etvi.security")
    login(client, a.username, "fout-" + a.password, expect_ok=False)
    login(client, a.username, a.password)
    client.post("/logout", headers={"Origin": "https://evil.example"})
    messages = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "etvi.security"]
    kinds = [(level, message.split(":")[0].split(" vanaf")[0]) for level, message in messages]
    assert kinds == [("WARNING", "inloggen mislukt"), ("INFO", "ingelogd"), ("WARNING", "beveiligingscontrole mislukt")], messages
    assert all(re.search(r"\[[0-9a-f]{16}\]$", message) for _, message in messages)
    assert a.password not in caplog.text and a.username not in caplog.text


def test_an_unknown_log_format_is_refused_in_dutch(tmp_path):
    env = {**os.environ, "ETVI_LOG_FORMAT": "xml", "ETVI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run(
        [sys.executable, "-c", "from etvi.cli import main; main()", "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "ETVI_LOG_FORMAT moet text of json zijn, niet 'xml'" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
