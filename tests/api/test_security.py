"""Login, sessions, cookies, CSRF and the secret key, through HTTP against the real app."""

from __future__ import annotations

import os
import stat

import pytest
from sqlmodel import select

from dashboard import security
from etvi import accounts
from models import db
from models.tables import AuditEvent
from tests.api.support import create_actors, csrf_headers, login, make_app


@pytest.fixture
def app(ref_db):
    return make_app(ref_db)


def test_secret_key_generated_once_outside_repo(tmp_path, monkeypatch):
    monkeypatch.setenv("ETVI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ETVI_SECRET_KEY", raising=False)
    first = security.secret_key()
    path = tmp_path / "data" / "secret_key"
    assert path.is_file() and len(first) >= 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert security.secret_key() == first
    monkeypatch.setenv("ETVI_SECRET_KEY", "uit-de-configuratie")
    assert security.secret_key() == "uit-de-configuratie"


def test_login_sets_safe_cookies_and_logout(app, ref_db):
    actors = create_actors(ref_db)
    client = app.server.test_client()
    resp = client.get("/login")
    assert resp.status_code == 200 and "Inloggen" in resp.get_data(as_text=True)
    assert 'lang=\'nl\'' in resp.get_data(as_text=True)
    a = actors["gemeente_a"]
    resp = login(client, a.username, a.password)
    cookies = resp.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("etvi_sessie="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # plain http in the test
    me = client.get("/api/v1/ik").get_json()
    assert me["ingelogd"] and me["gebruiker"] == "amsterdam" and me["gemeenten"] == ["GM0363"]

    # Logout needs the CSRF token too.
    assert client.post("/logout").status_code == 403
    assert client.get("/api/v1/ik").get_json()["ingelogd"]
    resp = client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value})
    assert resp.status_code == 302
    assert not client.get("/api/v1/ik").get_json()["ingelogd"]
    with db.session(ref_db) as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert "ingelogd" in actions and "uitgelogd" in actions


def test_secure_cookie_behind_https_proxy(app, ref_db):
    actors = create_actors(ref_db)
    client = app.server.test_client()
    a = actors["beheerder"]
    client.get("/login", headers={"X-Forwarded-Proto": "https"})
    csrf = client.get_cookie("_csrf_token").value
    resp = client.post(
        "/login",
        data={"gebruikersnaam": a.username, "wachtwoord": a.password, "csrf_token": csrf},
        headers={"X-Forwarded-Proto": "https", "Origin": "https://localhost"},
    )
    assert resp.status_code == 302
    session_cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("etvi_sessie="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie


def test_wrong_password_throttled_through_the_form(app, ref_db):
    actors = create_actors(ref_db)
    client = app.server.test_client()
    a = actors["gemeente_b"]
    for _ in range(accounts.MAX_FAILED_LOGINS):
        resp = login(client, a.username, "fout-wachtwoord", expect_ok=False)
        assert resp.status_code == 401
    assert "geblokkeerd" in resp.get_data(as_text=True)
    resp = login(client, a.username, a.password, expect_ok=False)
    assert resp.status_code == 401 and "geblokkeerd" in resp.get_data(as_text=True)
    assert not client.get("/api/v1/ik").get_json()["ingelogd"]


def test_csrf_required_for_state_changes(app, ref_db):
    actors = create_actors(ref_db)
    client = app.server.test_client()
    b = actors["beheerder"]
    login(client, b.username, b.password)
    body = {"naam": "leiden", "rol": "gemeente", "gemeenten": ["GM0546"]}
    # No token: refused. Token from another session: refused. Foreign origin: refused.
    assert client.post("/api/v1/gebruikers", json=body).status_code == 403
    assert client.post("/api/v1/gebruikers", json=body, headers={"X-CSRFToken": "verzonnen"}).status_code == 403
    headers = csrf_headers(client)
    assert client.post("/api/v1/gebruikers", json=body, headers={**headers, "Origin": "https://evil.example"}).status_code == 403
    assert client.post("/api/v1/gebruikers", json=body, headers={**headers, "Sec-Fetch-Site": "cross-site"}).status_code == 403
    # Dash's callback endpoint is protected the same way.
    resp = client.post("/_dash-update-component", json={"output": "x.children", "inputs": [], "changedPropIds": []})
    assert resp.status_code == 403 and "Beveiligingscontrole" in resp.get_json()["fout"]
    with db.session(ref_db) as s:
        assert "leiden" not in [u.username for u in accounts.list_users(s)]
    # With the token and our own origin it works.
    resp = client.post("/api/v1/gebruikers", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["wachtwoord"]


def test_login_redirect_only_local(app, ref_db):
    actors = create_actors(ref_db)
    client = app.server.test_client()
    a = actors["gemeente_a"]
    client.get("/login")
    csrf = client.get_cookie("_csrf_token").value
    for target, expected in [("https://evil.example/", "/"), ("//evil.example", "/"), ("/aanleveren", "/aanleveren")]:
        resp = client.post(
            "/login", data={"gebruikersnaam": a.username, "wachtwoord": a.password, "csrf_token": csrf, "next": target}
        )
        assert resp.status_code == 302 and resp.headers["Location"] == expected
        csrf = client.get_cookie("_csrf_token").value


def test_password_reset_and_disable_end_sessions(app, ref_db):
    actors = create_actors(ref_db)
    c1, c2 = app.server.test_client(), app.server.test_client()
    a = actors["gemeente_a"]
    login(c1, a.username, a.password)
    login(c2, a.username, a.password)
    with db.session(ref_db) as s:
        accounts.reset_password(s, a.username)
    assert not c1.get("/api/v1/ik").get_json()["ingelogd"]
    b = actors["gemeente_b"]
    login(c2, b.username, b.password)
    with db.session(ref_db) as s:
        accounts.disable_user(s, b.username)
    assert not c2.get("/api/v1/ik").get_json()["ingelogd"]


def test_private_mode_requires_login_for_everything(ref_db):
    app = make_app(ref_db, public=False)
    actors = create_actors(ref_db)
    client = app.server.test_client()
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert client.get(path).status_code in (302, 401)
    assert client.get("/api/v1/status").status_code == 401
    assert client.get("/login").status_code == 200
    p = actors["provincie"]
    login(client, p.username, p.password)
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
