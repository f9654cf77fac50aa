"""Login, sessions, cookies, CSRF and the secret key, through HTTP against the real app."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from etvi.accounts import throttle, users
from models import db
from models.tables import AuditEvent
from tests.support.app import create_actors, csrf_headers, login, make_app


@pytest.fixture
def app(ref_db):
    return make_app(ref_db)


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


def test_secure_cookie_behind_https_proxy(ref_db, monkeypatch):
    monkeypatch.setenv("ETVI_TRUSTED_PROXIES", "1")
    app = make_app(ref_db)
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
    for _ in range(throttle.MAX_FAILED_LOGINS):
        resp = login(client, a.username, "fout-wachtwoord", expect_ok=False)
        assert resp.status_code == 401
    assert "tijdelijk (15 minuten) geblokkeerd" in resp.get_data(as_text=True)
    resp = login(client, a.username, a.password, expect_ok=False)
    assert resp.status_code == 401 and "geblokkeerd" in resp.get_data(as_text=True)
    assert not client.get("/api/v1/ik").get_json()["ingelogd"]


def test_csrf_required_for_state_changes(app, ref_db):
    actors = create_actors(ref_db)
    client = app.server.test_client()
    b = actors["beheerder"]
    login(client, b.username, b.password)
    body = {"naam": "leiden", "rol": "gemeente", "gemeenten": ["GM0546"], "email": "wonen@leiden.example"}
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
        assert "leiden" not in [u.username for u in users.list_users(s)]
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
        users.reset_password(s, a.username)
    assert not c1.get("/api/v1/ik").get_json()["ingelogd"]
    b = actors["gemeente_b"]
    login(c2, b.username, b.password)
    with db.session(ref_db) as s:
        users.disable_user(s, b.username)
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


def client_from(app, address: str):
    """A test client whose requests come from ``address`` (the connection's own address)."""
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _session_cookie(resp) -> str:
    return next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("etvi_sessie="))


def test_forwarded_headers_ignored_unless_proxies_configured(app, ref_db):
    """By default X-Forwarded-* are anyone's headers: they make no cookie Secure and no client
    address; the address in the audit trail is the connection's own."""
    client = client_from(app, "192.0.2.10")
    resp = client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.99"})
    assert "Secure" not in _session_cookie(resp)
    login(client, "niemand", "fout-wachtwoord-123", expect_ok=False)
    with db.session(ref_db) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "inloggen_mislukt")).one()
    detail = json.loads(event.detail)
    assert detail["adres"] == "192.0.2.10" and "203.0.113.99" not in event.detail


def _fail_logins(client, usernames, **kwargs):
    return [login(client, name, "fout-wachtwoord-123", expect_ok=False, **kwargs) for name in usernames]


def test_login_throttled_per_address_across_usernames(ref_db, monkeypatch):
    monkeypatch.setenv("ETVI_LOGIN_IP_MAX_FAILURES", "4")
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    attacker = client_from(app, "203.0.113.7")
    # Four wrong passwords, each for another username (no account reaches its own limit).
    names = ["amsterdam", "rotterdam", "noord-holland", "bestaat-niet"]
    assert [r.status_code for r in _fail_logins(attacker, names)] == [401] * 4
    # The fifth attempt from that address is refused, even with the right password, and a
    # forged X-Forwarded-For does not change the address (no proxy is trusted by default).
    b = actors["beheerder"]
    for headers in ({}, {"X-Forwarded-For": "198.51.100.1"}):
        resp = login(attacker, b.username, b.password, expect_ok=False, headers=headers)
        page = resp.get_data(as_text=True)
        assert resp.status_code == 429, page
        assert "Te veel mislukte inlogpogingen vanaf uw internetadres" in page and "minuten opnieuw" in page
        assert 0 < int(resp.headers["Retry-After"]) <= 15 * 60
    assert not attacker.get("/api/v1/ik").get_json()["ingelogd"]
    # The accounts themselves are not locked: the same account logs in from another address.
    other = client_from(app, "192.0.2.20")
    login(other, b.username, b.password)
    assert other.get("/api/v1/ik").get_json()["gebruiker"] == "vng"
    with db.session(ref_db) as s:
        by_name = {u.username: u for u in users.list_users(s)}
        refused = s.exec(select(AuditEvent).where(AuditEvent.action == "inloggen_geweigerd")).all()
    assert all(by_name[n].locked_until is None for n in names[:3])
    assert len(refused) == 2 and all(json.loads(e.detail)["adres"] == "203.0.113.7" for e in refused)
    assert "vanaf dit adres" in refused[0].detail


def test_login_limit_per_address_is_configurable(ref_db, monkeypatch):
    monkeypatch.setenv("ETVI_LOGIN_IP_MAX_FAILURES", "0")  # off: only the limit per account
    app = make_app(ref_db)
    create_actors(ref_db)
    client = app.server.test_client()
    names = [f"onbekend-{i}" for i in range(25)]
    assert {r.status_code for r in _fail_logins(client, names)} == {401}
    monkeypatch.setenv("ETVI_LOGIN_IP_MAX_FAILURES", "25")  # read at every login
    resp = login(client, "onbekend-x", "fout-wachtwoord-123", expect_ok=False)
    assert resp.status_code == 429


def test_forwarded_for_trusted_with_configured_proxy(ref_db, monkeypatch):
    """Behind one trusted proxy the client is the address in X-Forwarded-For: clients behind the
    proxy are limited each on their own, and the proxy's address is not blocked as a whole."""
    monkeypatch.setenv("ETVI_TRUSTED_PROXIES", "1")
    monkeypatch.setenv("ETVI_LOGIN_IP_MAX_FAILURES", "3")
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    proxy = client_from(app, "10.0.0.1")
    bad = {"X-Forwarded-For": "203.0.113.7"}
    assert [r.status_code for r in _fail_logins(proxy, ["a1", "a2", "a3"], headers=bad)] == [401] * 3
    assert login(proxy, "a4", "fout-wachtwoord-123", expect_ok=False, headers=bad).status_code == 429
    # A spoofed extra address on the left is the client's own claim: the proxy appends the real one.
    spoofed = {"X-Forwarded-For": "192.0.2.55, 203.0.113.7"}
    assert login(proxy, "a5", "fout-wachtwoord-123", expect_ok=False, headers=spoofed).status_code == 429
    a = actors["gemeente_a"]
    resp = login(proxy, a.username, a.password, expect_ok=False, headers={"X-Forwarded-For": "192.0.2.30"})
    assert resp.status_code == 302
    with db.session(ref_db) as s:
        ok = s.exec(select(AuditEvent).where(AuditEvent.action == "ingelogd")).one()
    assert json.loads(ok.detail)["adres"] == "192.0.2.30"
