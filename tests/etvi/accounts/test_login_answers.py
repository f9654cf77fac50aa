"""Account names cannot be discovered through the login form: an unknown name, a wrong password,
a locked account (even with the right password) and a disabled one get the same status, the same
page and take about the same time (one Argon2 verification each). Through HTTP, both backends."""

from __future__ import annotations

import html
import json
import statistics
import time

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from etvi.accounts import passwords, throttle, users
from models import db
from models.tables import AuditEvent
from tests.support.app import create_actors, login, make_app

ROUNDS = 7


@pytest.fixture
def world(ref_db, monkeypatch):
    """The app with the standard accounts, hashed with parameters costly enough (tens of ms) that
    a missing or extra Argon2 verification shows in the time; no limit per address, so only
    the limit per account is at work."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=3, memory_cost=32768, parallelism=1))
    monkeypatch.setenv("ETVI_LOGIN_IP_MAX_FAILURES", "0")
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    with db.session(ref_db) as s:
        users.disable_user(s, actors["uitgeschakeld"].username, actor="test")
    return app, actors


def _answer(resp, username: str) -> tuple:
    """What a client sees, with its own typed name (echoed in the form) taken out."""
    body = resp.get_data(as_text=True).replace(f"value='{html.escape(username)}'", "value='NAAM'")
    return resp.status_code, resp.mimetype, body, sorted(h for h, _ in resp.headers if h.lower() != "content-length")


def test_unknown_wrong_locked_and_disabled_answer_alike(world, ref_db):
    app, actors = world
    client = app.server.test_client()
    locked, wrong, disabled = actors["gemeente_a"], actors["gemeente_b"], actors["uitgeschakeld"]
    # Lock gemeente A: five wrong passwords in a row. Every answer on the way is the same.
    first = [_answer(login(client, locked.username, "fout-wachtwoord-1", expect_ok=False), locked.username)
             for _ in range(throttle.MAX_FAILED_LOGINS)]
    assert len(set(map(repr, first))) == 1 and first[0][0] == 401
    with db.session(ref_db) as s:
        assert users.get_user(s, locked.username).locked_until is not None  # the lock is real

    cases = {
        "onbekend": ("bestaat-niet-hier", "wat-dan-ook-123"),
        "onjuist wachtwoord": (wrong.username, "fout-wachtwoord-1"),
        "geblokkeerd, juist wachtwoord": (locked.username, locked.password),
        "uitgeschakeld, juist wachtwoord": (disabled.username, disabled.password),
    }
    answers = {k: _answer(login(client, name, pw, expect_ok=False), name) for k, (name, pw) in cases.items()}
    assert answers["onbekend"] == first[0]
    for key, answer in answers.items():
        assert answer == answers["onbekend"], key
    status, _, body, _ = answers["onbekend"]
    assert status == 401 and html.escape(throttle.LOGIN_FAILED_MESSAGE) in body
    # Five more failures for an unknown name answer exactly as a real account being locked did.
    unknown = [_answer(login(client, "nog-een-onbekende", "fout-wachtwoord-1", expect_ok=False), "nog-een-onbekende")
               for _ in range(throttle.MAX_FAILED_LOGINS + 1)]
    assert set(map(repr, unknown)) == {repr(first[0])}
    assert not client.get("/api/v1/ik").get_json()["ingelogd"]
    # The beheerder still sees why each login was refused.
    with db.session(ref_db) as s:
        reasons = {json.loads(e.detail).get("reden") for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("%inloggen%"))).all()}
    assert {"onbekende gebruiker", "onjuist wachtwoord", "geblokkeerd", "uitgeschakeld"} <= reasons


def test_refusals_take_the_same_time(world, ref_db):
    """One Argon2 verification on every path: each kind of refusal takes at least most of one
    verification, and the slowest kind is within a loose factor of the fastest (medians over
    interleaved rounds, so a busy machine slows every kind alike)."""
    app, actors = world
    client = app.server.test_client()
    locked = actors["gemeente_a"]
    for _ in range(throttle.MAX_FAILED_LOGINS):
        login(client, locked.username, "fout-wachtwoord-1", expect_ok=False)
    cases = {
        "onbekend": ("bestaat-niet-hier", "wat-dan-ook-123"),
        "onjuist": (actors["gemeente_b"].username, "fout-wachtwoord-1"),
        "geblokkeerd": (locked.username, locked.password),
        "uitgeschakeld": (actors["uitgeschakeld"].username, actors["uitgeschakeld"].password),
    }
    client.get("/login")
    csrf = client.get_cookie("_csrf_token").value
    some_hash = passwords.hash_password("een-wachtwoord-voor-de-meting")
    times: dict[str, list[float]] = {k: [] for k in cases}
    verify: list[float] = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        passwords.verify_password(some_hash, "niet-dit-wachtwoord")
        verify.append(time.perf_counter() - start)
        for key, (name, password) in cases.items():
            data = {"gebruikersnaam": name, "wachtwoord": password, "csrf_token": csrf, "next": "/"}
            start = time.perf_counter()
            resp = client.post("/login", data=data)
            times[key].append(time.perf_counter() - start)
            assert resp.status_code == 401, key
    one_verify = statistics.median(verify)
    medians = {k: statistics.median(v) for k, v in times.items()}
    for key, median in medians.items():
        assert median >= 0.7 * one_verify, (key, medians, one_verify)
    assert max(medians.values()) <= 2.0 * min(medians.values()), (medians, one_verify)


def test_limit_per_address_counts_every_name_alike(ref_db, monkeypatch):
    """The limit per client address cannot be used to tell names apart either: attempts on a
    locked account count exactly like attempts on a name that does not exist."""
    monkeypatch.setenv("ETVI_LOGIN_IP_MAX_FAILURES", str(throttle.MAX_FAILED_LOGINS + 3))
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    statuses = {}
    for name, address in ((actors["gemeente_a"].username, "203.0.113.10"), ("bestaat-niet-hier", "203.0.113.11")):
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        statuses[name] = [login(client, name, "fout-wachtwoord-1", expect_ok=False).status_code for _ in range(throttle.MAX_FAILED_LOGINS + 5)]
    locked, unknown = statuses.values()
    assert locked == unknown == [401] * (throttle.MAX_FAILED_LOGINS + 3) + [429] * 2
