"""Sessions can be ended: after logout, a password reset, disabling the account or a beheerder's
"log out everywhere", a copy of the session cookie is worth nothing, also on another app server
on the same database. Through HTTP (Flask test client), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from etvi.accounts import clock, sessions, users
from models import db
from models.tables import AuditEvent, StatusRecord, Upload, UserSession
from tests.support import dashcall
from tests.support.app import csrf_headers, csv_file, make_app, multipart

SESSION_COOKIE = "etvi_sessie"
ETVI = str(Path(sys.executable).with_name("etvi"))


def copy_of(client, app):
    """A client of ``app`` holding copies of ``client``'s cookies, as someone who copied them out
    of the browser would."""
    other = app.server.test_client()
    for name in (SESSION_COOKIE, "_csrf_token"):
        other.set_cookie(name, client.get_cookie(name).value)
    return other


def logged_in(client) -> bool:
    return client.get("/api/v1/ik").get_json()["ingelogd"]


def upload(client, note: str):
    """An upload for Amsterdam through the API with the browser session (no token)."""
    content = csv_file([("GM0363", "vastgesteld", note)])
    return client.post("/api/v1/uploads", data=multipart(content, "sessie.csv"), headers=csrf_headers(client))


def page_upload(client, app) -> dict:
    """Upload a file on /aanleveren as the browser does (the check callback); its answer."""
    content = "data:text/csv;base64," + base64.b64encode(csv_file([("GM0363", "vastgesteld", "via de pagina")])).decode()
    values = {"aanl-upload.contents": content, "aanl-upload.filename": "pagina.csv"}
    body = dashcall.payload(app, "aanl-rapport", "children", values, ["aanl-upload.contents"])
    resp = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["response"]


def counts(url) -> tuple[int, int]:
    with db.session(url) as s:
        return (
            s.exec(select(func.count()).select_from(Upload)).one(),
            s.exec(select(func.count()).select_from(StatusRecord)).one(),
        )


def assert_session_ended(copies: list, url: str, app) -> None:
    """Each copy was made before the session ended; each is used once (a refused request
    replaces the cookie, so a second use would prove nothing)."""
    ik, up, page, dash_upload = copies
    me = ik.get("/api/v1/ik")
    assert me.status_code == 200 and me.get_json()["ingelogd"] is False
    before = counts(url)
    resp = up.post("/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "na einde")]), "x.csv"), headers=csrf_headers(up))
    assert resp.status_code == 401, resp.get_data(as_text=True)
    assert "Inloggen is vereist" in resp.get_json()["fout"]
    assert counts(url) == before  # nothing loaded, no upload row
    resp = page.get("/aanleveren")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    # The upload on the page (a Dash callback, as the browser sends it) is refused too.
    answer = page_upload(dash_upload, app)
    assert "niet (meer) ingelogd" in json.dumps(answer["aanl-rapport"], ensure_ascii=False)
    assert answer["aanl-wacht"]["data"] is None
    assert counts(url) == before


def _end_by(how: str, app, client, actors, username: str) -> None:
    beheerder = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    api = app.server.test_client()
    if how == "logout":
        resp = client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value})
        assert resp.status_code == 302
    elif how == "reset":
        with db.session(app.server.config["ETVI_DATABASE_URL"]) as s:
            users.reset_password(s, username, actor="test")
    elif how == "disable":
        resp = api.patch(f"/api/v1/gebruikers/{username}", json={"actief": False}, headers=beheerder)
        assert resp.status_code == 200, resp.get_data(as_text=True)
    elif how == "everywhere":
        resp = api.delete(f"/api/v1/gebruikers/{username}/sessies", headers=beheerder)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.get_json()["sessies_beeindigd"] >= 1
    else:  # pragma: no cover
        raise AssertionError(how)


@pytest.mark.parametrize("how", ["logout", "reset", "disable", "everywhere"])
def test_every_copy_of_the_cookie_ends(accounts_app, ref_db, how):
    app, actors, client_for = accounts_app
    a = actors["gemeente_a"]
    client = client_for("gemeente_a")
    # The copy works while the session lives: it reads /ik and it uploads.
    first = copy_of(client, app)
    assert logged_in(first)
    resp = upload(copy_of(client, app), "voor het einde")
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert page_upload(copy_of(client, app), app)["aanl-wacht"]["data"]["token"]  # checked, waiting for confirmation
    copies = [copy_of(client, app) for _ in range(4)]
    _end_by(how, app, client, actors, a.username)
    assert_session_ended(copies, ref_db, app)
    assert not logged_in(client)
    with db.session(ref_db) as s:
        assert sessions.count(s, users.get_user(s, a.username).id) == 0


def test_logout_ends_only_its_own_session(accounts_app, ref_db):
    """Two browsers (or two people sharing an account): logging out in one leaves the other."""
    app, actors, client_for = accounts_app
    one, two = client_for("gemeente_a"), client_for("gemeente_a")
    one.post("/logout", data={"csrf_token": one.get_cookie("_csrf_token").value})
    assert not logged_in(one) and logged_in(two)


def test_two_app_servers_on_one_database(accounts_app, ref_db):
    """A logout on one server ends the session on the other (each has its own workers and memory;
    only the database is shared)."""
    app, actors, client_for = accounts_app
    other_app = make_app(ref_db)
    client = client_for("gemeente_a")
    elsewhere = [copy_of(client, other_app) for _ in range(5)]
    assert logged_in(elsewhere.pop())
    client.post("/logout", data={"csrf_token": client.get_cookie("_csrf_token").value})
    assert_session_ended(elsewhere, ref_db, other_app)
    # And the other way round: "log out everywhere" through the second server's API ends a
    # session made on the first.
    b = actors["gemeente_b"]
    client = client_for("gemeente_b")
    copies = [copy_of(client, app) for _ in range(3)]
    beheerder = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    assert other_app.server.test_client().delete(f"/api/v1/gebruikers/{b.username}/sessies", headers=beheerder).status_code == 200
    assert not logged_in(copies.pop())
    assert not logged_in(client)


def test_tokens_stop_with_disable_not_with_logout_everywhere(accounts_app, ref_db):
    app, actors, client_for = accounts_app
    a = actors["gemeente_a"]
    token = {"Authorization": f"Bearer {a.token}"}
    beheerder = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    api = app.server.test_client()
    assert api.delete(f"/api/v1/gebruikers/{a.username}/sessies", headers=beheerder).status_code == 200
    content = csv_file([("GM0363", "vastgesteld", "met token")])
    assert api.post("/api/v1/uploads", data=multipart(content), headers=token).status_code == 201
    assert api.patch(f"/api/v1/gebruikers/{a.username}", json={"actief": False}, headers=beheerder).status_code == 200
    before = counts(ref_db)
    resp = api.post("/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "na uitschakelen")])), headers=token)
    assert resp.status_code == 401 and counts(ref_db) == before
    assert api.get("/api/v1/status", headers=token).status_code == 401


def test_logout_everywhere_needs_a_beheerder(accounts_app, ref_db):
    app, actors, client_for = accounts_app
    target = actors["gemeente_b"].username
    victim = client_for("gemeente_b")
    api = app.server.test_client()
    for key, expected in [("gemeente_a", 403), ("provincie", 403), ("ongeldig_token", 401)]:
        resp = api.delete(f"/api/v1/gebruikers/{target}/sessies", headers={"Authorization": f"Bearer {actors[key].token}"})
        assert resp.status_code == expected, key
    assert api.delete(f"/api/v1/gebruikers/{target}/sessies").status_code == 401
    assert logged_in(victim)
    beheerder = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    resp = api.delete("/api/v1/gebruikers/niemand/sessies", headers=beheerder)
    assert resp.status_code == 404 and "bestaat niet" in resp.get_json()["fout"]


def test_expired_sessions_are_refused_and_cleaned_up(accounts_app, ref_db):
    app, actors, client_for = accounts_app
    client = client_for("gemeente_a")
    with db.session(ref_db) as s:
        row = s.exec(select(UserSession)).one()
        row.expires_at = clock.utcnow()
        s.add(row)
    assert not logged_in(client)
    b = client_for("gemeente_b")  # a new login removes the expired row
    with db.session(ref_db) as s:
        rows = s.exec(select(UserSession)).all()
        assert [r.user_id for r in rows] == [users.get_user(s, "rotterdam").id]
    # The cookie holds the session id, the database only its SHA-256.
    cookie = app.server.session_interface.get_signing_serializer(app.server).loads(b.get_cookie(SESSION_COOKIE).value)
    assert rows[0].id_hash == hashlib.sha256(cookie["sid"].encode()).hexdigest() != cookie["sid"]


def test_cli_logout_everywhere(accounts_app, ref_db):
    """``etvi gebruiker logout NAAM`` (the real command, in a subprocess) ends the browser sessions."""
    app, actors, client_for = accounts_app
    a = actors["gemeente_a"]
    client = client_for("gemeente_a")
    copies = [copy_of(client, app) for _ in range(4)]
    other = client_for("gemeente_b")
    assert live_sessions(ref_db, "amsterdam") == 1
    res = etvi_cli(ref_db, "gebruiker", "logout", a.username.upper())
    assert res.returncode == 0, res.stderr
    assert "amsterdam" in res.stdout and "overal uitgelogd" in res.stdout and "1 sessie beëindigd" in res.stdout
    assert_session_ended(copies, ref_db, app)
    assert logged_in(other)
    assert live_sessions(ref_db, "amsterdam") == 0
    with db.session(ref_db) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "sessies_beeindigd")).one()
    assert event.username.startswith("cli:") and '"gebruiker": "amsterdam"' in event.detail
    res = etvi_cli(ref_db, "gebruiker", "logout", "niemand")
    assert res.returncode == 2 and "bestaat niet" in res.stderr and "Traceback" not in res.stderr


def etvi_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_")}
    env.update(ETVI_DATABASE_URL=url, COLUMNS="200")
    return subprocess.run([ETVI, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60)


def live_sessions(url: str, username: str) -> int:
    """The ``sessies`` column of ``etvi gebruiker list`` for one user."""
    res = etvi_cli(url, "gebruiker", "list")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    header = next(line for line in lines if "naam" in line and "sessies" in line)
    columns = [c.strip() for c in header.split("┃")]
    row = next(line for line in lines if line.split("│")[1:2] and line.split("│")[1].strip() == username)
    return int(row.split("│")[columns.index("sessies")].strip())
