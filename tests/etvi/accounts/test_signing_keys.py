"""The session key lives in the database: two app servers with their own data folders (no shared
disk) on one database accept each other's sessions and CSRF tokens, a rotation keeps old cookies
valid for the grace period only, workers starting at once agree on one key. Through HTTP (Flask
test client) and the ``etvi`` command in a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlmodel import select

from etvi import signing_keys
from models import db
from models.tables import Meta
from tests.support.app import create_actors, csrf_headers, csv_file, login, make_app, multipart

SESSION_COOKIE = "etvi_sessie"


@pytest.fixture(autouse=True)
def _key_from_database(monkeypatch):
    """These tests are about the key in the database: no ETVI_SECRET_KEY, and workers look
    at the database on every request."""
    monkeypatch.delenv("ETVI_SECRET_KEY", raising=False)
    monkeypatch.setenv("ETVI_SECRET_KEY_REFRESH_SECONDS", "0")


def server_with_own_folder(url: str, folder: Path, monkeypatch):
    """An app server whose data and cache folders are its own."""
    monkeypatch.setenv("ETVI_DATA_DIR", str(folder))
    monkeypatch.setenv("ETVI_CACHE_DIR", str(folder / "cache"))
    folder.mkdir(parents=True, exist_ok=True)
    return make_app(url)


@pytest.fixture
def two_servers(ref_db, tmp_path, monkeypatch):
    a = server_with_own_folder(ref_db, tmp_path / "server-a", monkeypatch)
    b = server_with_own_folder(ref_db, tmp_path / "server-b", monkeypatch)
    return a, b, create_actors(ref_db)


def with_cookies(app, session_cookie: str, csrf_cookie: str):
    """A fresh client of ``app`` holding exactly these cookie values (as copied from a browser)."""
    client = app.server.test_client()
    client.set_cookie(SESSION_COOKIE, session_cookie)
    client.set_cookie("_csrf_token", csrf_cookie)
    return client


def logged_in(client) -> bool:
    return client.get("/api/v1/ik").get_json()["ingelogd"]


def login_cookies(app, actor) -> tuple[str, str]:
    client = app.server.test_client()
    login(client, actor.username, actor.password)
    return client.get_cookie(SESSION_COOKIE).value, client.get_cookie("_csrf_token").value


def signed_with(key: str, cookie: str) -> bool:
    """Whether ``cookie`` is a session cookie signed with ``key`` (and only that key)."""
    probe = Flask("probe")
    probe.secret_key = key
    try:
        SecureCookieSessionInterface().get_signing_serializer(probe).loads(cookie)
    except Exception:  # noqa: BLE001 - itsdangerous.BadSignature and friends
        return False
    return True


def stored_keys(url: str) -> dict:
    return json.loads(db.get_meta(signing_keys.META_KEY, url=url))


def etvi(url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The real ``etvi`` command in a fresh interpreter, with only the given ETVI_ settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_")}
    clean.update(ETVI_DATABASE_URL=url, COLUMNS="200", **env)
    code = "from etvi.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=clean, timeout=120
    )


def test_session_and_csrf_from_one_server_valid_on_the_other(two_servers, ref_db, tmp_path):
    a, b, actors = two_servers
    session_cookie, csrf = login_cookies(a, actors["gemeente_a"])
    on_b = with_cookies(b, session_cookie, csrf)
    assert logged_in(on_b)
    # A state-changing request on B with A's CSRF token passes the check and acts as the user...
    resp = on_b.post("/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "via B")])), headers=csrf_headers(on_b))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    # ...and without the token it is refused, so the check above was a real one.
    resp = with_cookies(b, session_cookie, csrf).post(
        "/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "zonder code")])), headers={"Origin": "http://localhost"}
    )
    assert resp.status_code == 403 and "Beveiligingscontrole" in resp.get_json()["fout"]
    # The key is in the database, on neither server's disk.
    assert signed_with(stored_keys(ref_db)["current"], session_cookie)
    assert not list(tmp_path.rglob(signing_keys.LEGACY_FILE))


def test_rotation_keeps_old_cookies_for_the_grace_period(two_servers, ref_db, monkeypatch):
    a, b, actors = two_servers
    old_key = stored_keys(ref_db)["current"]
    old = login_cookies(a, actors["gemeente_a"])
    res = etvi(ref_db, "sessiesleutel", "vernieuw", ETVI_SECRET_KEY_GRACE_HOURS="5")
    assert res.returncode == 0, res.stderr
    assert "Nieuwe sessiesleutel gemaakt (versie 2)" in res.stdout and "blijft geldig tot" in res.stdout
    keys = stored_keys(ref_db)
    assert keys["current"] != old_key and [p["key"] for p in keys["previous"]] == [old_key]
    until = datetime.fromisoformat(keys["previous"][0]["until"])
    assert timedelta(hours=4, minutes=59) < until - datetime.now(timezone.utc) <= timedelta(hours=5)
    # Both servers picked up the rotation without a restart: the old cookie still works on both...
    assert logged_in(with_cookies(a, *old)) and logged_in(with_cookies(b, *old))
    # ...a new login on either is signed with the new key and works on the other.
    new_b = login_cookies(b, actors["gemeente_b"])
    new_a = login_cookies(a, actors["beheerder"])
    assert signed_with(keys["current"], new_b[0]) and not signed_with(old_key, new_b[0])
    assert logged_in(with_cookies(a, *new_b)) and logged_in(with_cookies(b, *new_a))
    # An active user's cookie is re-signed with the new key on the next request.
    client = with_cookies(b, *old)
    assert logged_in(client) and signed_with(keys["current"], client.get_cookie(SESSION_COOKIE).value)
    # After the grace period the old key is dropped: the old cookie is refused on both servers.
    with db.session(ref_db) as s:
        row = s.get(Meta, signing_keys.META_KEY)
        doc = json.loads(row.value)
        doc["previous"][0]["until"] = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
        row.value = json.dumps(doc)
        s.add(row)
    assert not logged_in(with_cookies(a, *old)) and not logged_in(with_cookies(b, *old))
    assert logged_in(with_cookies(a, *new_b)) and logged_in(with_cookies(b, *new_a))
    # The next rotation removes the expired key from the database too.
    res = etvi(ref_db, "sessiesleutel", "vernieuw")
    assert res.returncode == 0, res.stderr
    assert old_key not in json.dumps(stored_keys(ref_db))


def test_rotation_without_grace_ends_every_session(two_servers, ref_db):
    a, b, actors = two_servers
    old = login_cookies(a, actors["gemeente_a"])
    res = etvi(ref_db, "sessiesleutel", "vernieuw", ETVI_SECRET_KEY_GRACE_HOURS="0")
    assert res.returncode == 0, res.stderr
    assert "opnieuw inloggen" in res.stdout
    assert not logged_in(with_cookies(a, *old)) and not logged_in(with_cookies(b, *old))


def test_rotate_command_refuses_clearly(db_url, tmp_path):
    res = etvi(db_url, "sessiesleutel", "vernieuw", ETVI_SECRET_KEY="uit-de-configuratie")
    assert res.returncode == 2 and "ETVI_SECRET_KEY is ingesteld" in res.stderr and "Traceback" not in res.stderr
    assert db.get_meta(signing_keys.META_KEY, url=db_url) is None  # database unchanged
    res = etvi(db_url, "sessiesleutel", "vernieuw", ETVI_DB_POOL_SIZE="veel")
    assert res.returncode == 2 and "ETVI_DB_POOL_SIZE moet een geheel getal zijn" in res.stderr
    assert db.get_meta(signing_keys.META_KEY, url=db_url) is None
    empty = f"sqlite:///{tmp_path / 'leeg.sqlite'}"
    res = etvi(empty, "sessiesleutel", "vernieuw")
    assert res.returncode == 2 and "etvi init" in res.stderr and "Traceback" not in res.stderr


def test_concurrent_first_start_yields_one_key(db_url):
    workers = 8
    barrier = threading.Barrier(workers)
    results: list = []

    def start():
        barrier.wait()
        try:
            results.append(signing_keys.load(db_url).current)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == workers and len(set(results)) == 1, results
    assert isinstance(results[0], str) and len(results[0]) == 64
    with db.session(db_url) as s:
        rows = s.exec(select(Meta).where(Meta.key == signing_keys.META_KEY)).all()
    assert len(rows) == 1 and json.loads(rows[0].value)["current"] == results[0]


def test_existing_key_file_is_taken_over_once(ref_db, tmp_path, monkeypatch):
    """Sessions signed with the ``secret_key`` file of an older version survive the upgrade;
    after that the file no longer matters."""
    legacy = "a" * 64
    monkeypatch.setenv("ETVI_SECRET_KEY", legacy)  # the old version's key (as the file held it)
    before = make_app(ref_db)
    actors = create_actors(ref_db)
    old = login_cookies(before, actors["gemeente_a"])
    monkeypatch.delenv("ETVI_SECRET_KEY")
    folder = tmp_path / "oud"
    folder.mkdir()
    (folder / signing_keys.LEGACY_FILE).write_text(legacy + "\n")
    upgraded = server_with_own_folder(ref_db, folder, monkeypatch)
    assert stored_keys(ref_db)["current"] == legacy
    assert logged_in(with_cookies(upgraded, *old))
    (folder / signing_keys.LEGACY_FILE).write_text("b" * 64 + "\n")
    other = server_with_own_folder(ref_db, tmp_path / "nieuw", monkeypatch)
    assert stored_keys(ref_db)["current"] == legacy
    assert logged_in(with_cookies(other, *old))


def test_pool_settings_reach_the_engine(db_url, monkeypatch):
    db.dispose_all()
    assert db.engine(db_url).pool.size() == 5  # the defaults
    db.dispose_all()
    monkeypatch.setenv("ETVI_DB_POOL_SIZE", "7")
    monkeypatch.setenv("ETVI_DB_MAX_OVERFLOW", "3")
    engine = db.engine(db_url)
    assert engine.pool.size() == 7
    assert engine.pool._max_overflow == 3  # no public reader; a test may look
    with engine.connect():
        assert engine.pool.checkedout() == 1


def test_a_server_started_before_the_schema_takes_the_database_key_later(tmp_path):
    """``etvi serve`` refuses a database without tables, but an app built on one (a test, a
    script) still answers anonymous pages with a key of its own, and takes the database's key
    as soon as there is one."""
    url = f"sqlite:///{tmp_path / 'later.sqlite'}"
    app = make_app(url)
    client = app.server.test_client()
    assert client.get("/login").status_code == 200 and client.get_cookie("_csrf_token")
    db.upgrade(url)
    assert client.get("/login").status_code == 200
    assert app.server.secret_key == stored_keys(url)["current"]


def test_a_cookie_with_a_newer_key_makes_a_worker_look_at_once(ref_db, tmp_path, monkeypatch):
    """A worker that has not yet read the key after a rotation (long refresh interval) still
    accepts a cookie signed with the new key: it reads the keys again when a cookie fails."""
    monkeypatch.setenv("ETVI_SECRET_KEY_REFRESH_SECONDS", "3600")
    behind = server_with_own_folder(ref_db, tmp_path / "achter", monkeypatch)
    old_key = behind.server.secret_key
    signing_keys.rotate(ref_db)
    time.sleep(1.1)  # a failing cookie makes a worker look at most once a second
    ahead = server_with_own_folder(ref_db, tmp_path / "voor", monkeypatch)
    assert ahead.server.secret_key != old_key == behind.server.secret_key
    new = login_cookies(ahead, create_actors(ref_db)["gemeente_a"])
    assert logged_in(with_cookies(behind, *new))
    assert behind.server.secret_key == ahead.server.secret_key


def start_in(live_server, url: str, folder: Path):
    """``etvi serve`` with its own data and cache folders and no ETVI_SECRET_KEY, not yet ready."""
    folder.mkdir(parents=True, exist_ok=True)
    return live_server(url, "serve", wait=False, env={"ETVI_DATA_DIR": str(folder), "ETVI_CACHE_DIR": str(folder / "cache")})


def amsterdam_row(resp: requests.Response) -> str:
    assert resp.status_code == 200, resp.text[:300]
    return next(line for line in resp.content.decode("utf-8-sig").splitlines() if "GM0363" in line).lower()


def test_two_etvi_serve_share_sessions_without_configuration(ref_db, tmp_path, live_server):
    """Two real servers (each two workers, its own folders) on one fresh database: both start
    at once, agree on the key, and a login on A is valid, CSRF included, on every worker of B; a
    change uploaded through A is on B's map view at once; a logout on B ends the session on A."""
    actors = create_actors(ref_db)
    servers = [start_in(live_server, ref_db, tmp_path / name) for name in ("a", "b")]
    try:
        for server in servers:
            server.wait_ready()
        a, b = (server.url for server in servers)
        browser = requests.Session()
        browser.get(a + "/login", timeout=30)
        form = {"gebruikersnaam": actors["gemeente_a"].username, "wachtwoord": actors["gemeente_a"].password, "next": "/"}
        resp = browser.post(a + "/login", data={**form, "csrf_token": browser.cookies["_csrf_token"]}, allow_redirects=False, timeout=30)
        assert resp.status_code == 302, resp.text[:500]
        cookies = {SESSION_COOKIE: browser.cookies[SESSION_COOKIE], "_csrf_token": browser.cookies["_csrf_token"]}
        header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        for _ in range(6):  # spread over B's workers
            assert requests.get(b + "/api/v1/ik", headers=header, timeout=30).json()["ingelogd"] is True
        view = "/download/overzicht.csv?peildatum=2026-03-01&onderdeel=verordening"
        before = [amsterdam_row(requests.get(b + view, timeout=30)) for _ in range(4)]  # B's workers cache the view
        assert not any("vastgesteld" in row for row in before), before
        files = {"file": ("a.csv", csv_file([("GM0363", "vastgesteld", "live via A")]))}
        resp = requests.post(a + "/api/v1/uploads", files=files, headers={**header, "X-CSRFToken": cookies["_csrf_token"], "Origin": a}, timeout=60)
        assert resp.status_code == 201, resp.text[:500]
        for _ in range(4):  # every worker of B shows the change made through A at once
            assert "vastgesteld" in amsterdam_row(requests.get(b + view, timeout=30))
        files = {"file": ("b.csv", csv_file([("GM0363", "vastgesteld", "live via B")]))}
        csrf = {**header, "X-CSRFToken": cookies["_csrf_token"], "Origin": b}
        resp = requests.post(b + "/api/v1/uploads", files=files, headers=csrf, timeout=60)
        assert resp.status_code == 201, resp.text[:500]
        assert not list(tmp_path.rglob(signing_keys.LEGACY_FILE))
        # A logout on B ends the session on every worker of A.
        resp = requests.post(b + "/logout", data={"csrf_token": cookies["_csrf_token"]}, headers={**header, "Origin": b}, allow_redirects=False, timeout=30)
        assert resp.status_code in (302, 303), resp.text[:500]
        for _ in range(6):
            assert requests.get(a + "/api/v1/ik", headers=header, timeout=30).json()["ingelogd"] is False
    finally:
        for server in servers:
            server.stop()
