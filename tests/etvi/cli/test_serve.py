"""``etvi serve``: gunicorn with several workers, on SQLite and (when ETVI_TEST_POSTGRES_URL is set)
PostgreSQL, giving the same answers."""

from __future__ import annotations

import json

import pytest
import requests

from tests.support import dashcall
from tests.support.database import PG_URL, filled_database

CHECKS = [
    "/download/overzicht.csv?peildatum=2025-06-30&onderdeel=verordening&niveau=gemeente",
    "/download/regios.csv?regiotype=woningmarktregio&onderdeel=verdeling+opgave&peildatum=2026-01-01",
    "/download/gemeenten.csv?peildatum=2024-12-31",
    "/download/mijlpalen-voortgang.csv?niveau=provincie",
    "/download/verouderd.csv?peildatum=2026-09-30&dagen=100",
]


def answers(base: str) -> dict:
    from dashboard.app import create_app

    out = {}
    # a forwarded-https header from an untrusted client (ETVI_TRUSTED_PROXIES unset) is ignored,
    # by gunicorn as well as by the app: the session cookies do not claim HTTPS
    # (the login page: anonymous pages set no cookie at all)
    spoofed = requests.get(base + "/login", headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert spoofed.status_code == 200 and spoofed.headers.get("Set-Cookie")
    assert "secure" not in spoofed.headers["Set-Cookie"].lower()
    s = requests.Session()
    for path in CHECKS:
        r = s.get(base + path, timeout=30)
        assert r.status_code == 200, (path, r.text[:300])
        out[path] = r.content
    # a callback, as the browser sends it (payload built from an app with the same callbacks)
    app = create_app("sqlite://")
    body = dashcall.payload(app, "ov-cards", "children", {"ov-peildatum.value": "2025-12-31"}, ["ov-peildatum.value"])
    cards = set()
    for _ in range(6):  # several requests: both workers answer
        headers = {"Accept-Encoding": "gzip", "X-CSRFToken": s.cookies.get("_csrf_token", "")}
        r = s.post(base + "/_dash-update-component", json=body, headers=headers, timeout=30)
        assert r.status_code == 200 and r.headers.get("Content-Encoding") == "gzip"
        cards.add(json.dumps(r.json(), sort_keys=True))
    assert len(cards) == 1
    out["cards"] = cards.pop()
    return out


def test_serve_with_workers_gives_the_same_answers_on_sqlite_and_postgres(tmp_path, live_server):
    sqlite_url, drop_sqlite = filled_database("sqlite", tmp_path)
    server = live_server(sqlite_url, "serve")
    try:
        expected = answers(server.url)
        assert b"Gemeentecode" in expected[CHECKS[0]]
    finally:
        server.stop()
        drop_sqlite()
    if not PG_URL:
        pytest.skip(reason="ETVI_TEST_POSTGRES_URL is niet gezet: alleen SQLite getest")
    pg_url, drop_pg = filled_database("postgres", tmp_path)
    server = live_server(pg_url, "serve")
    try:
        got = answers(server.url)
    finally:
        server.stop()
        drop_pg()
    for key in expected:
        assert got[key] == expected[key], key
