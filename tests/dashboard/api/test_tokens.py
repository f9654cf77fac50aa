"""Issue 11, item 5: API tokens listed and revoked per user — by the beheerder for anyone
(/gebruikers/{naam}/tokens), by every account for its own (/ik/tokens) and with the CLI — shown
only by a kenmerk, never the token; and a token never appears in a line of the request log of the
real ``etvi serve``. Over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import requests
from sqlmodel import select

from etvi.accounts import audit, tokens, users
from models import db
from models.tables import AuditEvent, User
from tests.support.app import create_actors
from tests.support.cli import run_cli


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _kenmerk(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def test_tokens_are_listed_and_revoked_per_user(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    amsterdam, rotterdam = actors["gemeente_a"].token, actors["gemeente_b"].token

    listed = requests.get(api + "/gebruikers/amsterdam/tokens", headers=beheer, timeout=30)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["gebruiker"] == "amsterdam" and [t["kenmerk"] for t in body["tokens"]] == [_kenmerk(amsterdam)]
    assert body["tokens"][0]["aangemaakt"].endswith("+00:00") and body["tokens"][0]["actief"] is True
    assert amsterdam not in listed.text
    own = requests.get(api + "/ik/tokens", headers=_bearer(amsterdam), timeout=30).json()
    assert own == body
    assert requests.get(api + "/ik/tokens", timeout=30).status_code == 401
    assert requests.get(api + "/gebruikers/amsterdam/tokens", headers=_bearer(amsterdam), timeout=30).status_code == 403
    refused = requests.delete(api + f"/gebruikers/rotterdam/tokens/{_kenmerk(rotterdam)}", headers=_bearer(amsterdam), timeout=30)
    assert refused.status_code == 403 and requests.get(api + "/ik/tokens", headers=_bearer(rotterdam), timeout=30).status_code == 200
    missing = requests.get(api + "/gebruikers/niemand/tokens", headers=beheer, timeout=30)
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("application/problem+json")

    wrong = requests.delete(api + "/gebruikers/rotterdam/tokens/abc123", headers=beheer, timeout=30)
    assert wrong.status_code == 404 and "abc123" in wrong.json()["detail"] and "rotterdam" in wrong.json()["detail"]
    revoked = requests.delete(api + f"/gebruikers/rotterdam/tokens/{_kenmerk(rotterdam)}", headers=beheer, timeout=30)
    assert revoked.status_code == 200 and revoked.json() == {"gebruiker": "rotterdam", "tokens": []}
    assert requests.get(api + "/ik/tokens", headers=_bearer(rotterdam), timeout=30).status_code == 401

    mine = requests.delete(api + f"/ik/tokens/{_kenmerk(amsterdam)}", headers=_bearer(amsterdam), timeout=30)
    assert mine.status_code == 200 and mine.json()["tokens"] == []
    assert requests.get(api + "/ik/tokens", headers=_bearer(amsterdam), timeout=30).status_code == 401
    with db.session(ref_db) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "token_ingetrokken")).all()
        assert sorted(e.username for e in events) == ["api:amsterdam", "api:vng"]


def test_the_cli_lists_and_revokes_tokens(ref_db, tmp_path):
    actors = create_actors(ref_db)
    token = actors["provincie"].token
    shown = run_cli("gebruiker", "tokens", "noord-holland", url=ref_db, tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert _kenmerk(token) in shown.stdout and "werkt" in shown.stdout and token not in shown.stdout
    wrong = run_cli("gebruiker", "token-intrekken", "noord-holland", "fout", url=ref_db, tmp_path=tmp_path)
    assert wrong.returncode == 2 and "geen API-token met kenmerk" in wrong.stdout + wrong.stderr
    done = run_cli("gebruiker", "token-intrekken", "noord-holland", _kenmerk(token), url=ref_db, tmp_path=tmp_path)
    assert done.returncode == 0 and "ingetrokken" in done.stdout, done.stderr
    after = run_cli("gebruiker", "tokens", "noord-holland", url=ref_db, tmp_path=tmp_path)
    assert "geen API-token" in after.stdout


def test_a_token_never_appears_in_the_request_log(ref_db, live_server):
    actors = create_actors(ref_db)
    server = live_server(ref_db, "serve", workers=1)
    api = server.url + "/api/v1"
    token = actors["beheerder"].token
    calls = [
        requests.get(api + "/ik/tokens", headers=_bearer(token), timeout=30),
        requests.get(api + "/status", params={"provincie": "PV99"}, headers=_bearer(token), timeout=30),
        requests.get(api + "/gebruikers/amsterdam/tokens", headers={"Authorization": f"Token {token}"}, timeout=30),
        requests.post(api + "/uploads", files={"file": ("a.csv", b"x")}, headers=_bearer(token + "x"), timeout=30),
        requests.delete(api + f"/gebruikers/amsterdam/tokens/{_kenmerk(actors['gemeente_a'].token)}", headers=_bearer(token), timeout=30),
    ]
    assert [c.status_code for c in calls] == [200, 400, 401, 401, 200]
    server.stop()
    log = server.log.read_text(errors="replace")
    assert "/api/v1/ik/tokens" in log and "/api/v1/uploads 401" in log  # the request lines are there
    for secret in (token, actors["gemeente_a"].token, token[len("etvi_"):][:20]):
        assert secret not in log


def test_an_account_has_several_tokens_each_with_a_label(ref_db, live_server):
    """One more token (POST, beheerder) leaves the others working; the list shows every token by
    kenmerk and label, never the token; revoking one stops only that one. Bad input: a Dutch
    problem and nothing written."""
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    first = actors["gemeente_a"].token

    made = requests.post(api + "/gebruikers/amsterdam/tokens", json={"label": "Zaaksysteem  Amsterdam"}, headers=beheer, timeout=30)
    assert made.status_code == 201, made.text
    body = made.json()
    second = body["token"]
    assert second.startswith("etvi_") and body["kenmerk"] == _kenmerk(second) and body["label"] == "Zaaksysteem Amsterdam"
    assert body["gebruiker"] == "amsterdam" and body["aangemaakt"].endswith("+00:00") and body["aangemaakt_door"] == "api:vng"
    assert made.headers["Cache-Control"] == "no-store"
    no_body = requests.post(api + "/gebruikers/amsterdam/tokens", headers=beheer, timeout=30)
    assert no_body.status_code == 400 and "JSON-object" in no_body.json()["detail"]
    no_label = requests.post(api + "/gebruikers/amsterdam/tokens", json={}, headers=beheer, timeout=30)
    assert no_label.status_code == 201 and no_label.json()["label"] == "token", no_label.text
    third = no_label.json()["token"]

    for token in (first, second, third):  # all three work
        assert requests.get(api + "/ik/tokens", headers=_bearer(token), timeout=30).status_code == 200
    listed = requests.get(api + "/gebruikers/amsterdam/tokens", headers=beheer, timeout=30)
    assert [t["kenmerk"] for t in listed.json()["tokens"]] == [_kenmerk(first), _kenmerk(second), _kenmerk(third)]
    assert [t["label"] for t in listed.json()["tokens"]] == ["token", "Zaaksysteem Amsterdam", "token"]
    assert not any(token in listed.text for token in (first, second, third))
    users_list = requests.get(api + "/gebruikers", headers=beheer, timeout=30).json()["gebruikers"]
    assert next(u for u in users_list if u["naam"] == "amsterdam")["api_tokens"] == 3

    revoked = requests.delete(api + f"/ik/tokens/{_kenmerk(first)}", headers=_bearer(second), timeout=30)
    assert revoked.status_code == 200 and [t["kenmerk"] for t in revoked.json()["tokens"]] == [_kenmerk(second), _kenmerk(third)]
    assert requests.get(api + "/ik/tokens", headers=_bearer(first), timeout=30).status_code == 401
    assert requests.get(api + "/ik/tokens", headers=_bearer(second), timeout=30).status_code == 200

    too_long = requests.post(api + "/gebruikers/amsterdam/tokens", json={"label": "x" * 101}, headers=beheer, timeout=30)
    assert too_long.status_code == 400 and too_long.headers["Content-Type"].startswith("application/problem+json")
    assert "label" in too_long.json()["detail"]
    refused = requests.post(api + "/gebruikers/amsterdam/tokens", json={"label": "eigen"}, headers=_bearer(second), timeout=30)
    assert refused.status_code == 403 and "beheerder" in refused.json()["detail"]
    missing = requests.post(api + "/gebruikers/niemand/tokens", json={}, headers=beheer, timeout=30)
    assert missing.status_code == 404 and "niemand" in missing.json()["detail"]
    assert requests.patch(api + "/gebruikers/oud-amsterdam", json={"actief": False}, headers=beheer, timeout=30).status_code == 200
    disabled = requests.post(api + "/gebruikers/oud-amsterdam/tokens", json={}, headers=beheer, timeout=30)
    assert disabled.status_code == 409 and "uitgeschakeld" in disabled.json()["detail"]
    with db.session(ref_db) as s:
        made_events = s.exec(select(AuditEvent).where(AuditEvent.action == "token_aangemaakt", AuditEvent.username == "api:vng")).all()
        assert len(made_events) == 2 and all(second not in (e.detail or "") for e in made_events)
    assert len(requests.get(api + "/ik/tokens", headers=_bearer(second), timeout=30).json()["tokens"]) == 2


def test_the_cli_makes_one_more_token_with_a_label(ref_db, tmp_path):
    actors = create_actors(ref_db)
    first = actors["provincie"].token
    made = run_cli("gebruiker", "token", "noord-holland", "--label", "GIS-koppeling", url=ref_db, tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    second = made.stdout.strip().splitlines()[-1]
    assert second.startswith("etvi_") and _kenmerk(second) in made.stdout and "1 andere token(s) blijven werken" in made.stdout
    shown = run_cli("gebruiker", "tokens", "noord-holland", url=ref_db, tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert _kenmerk(first) in shown.stdout and _kenmerk(second) in shown.stdout and "GIS-koppeling" in shown.stdout
    assert first not in shown.stdout and second not in shown.stdout
    too_long = run_cli("gebruiker", "token", "noord-holland", "--label", "x" * 101, url=ref_db, tmp_path=tmp_path)
    assert too_long.returncode == 2 and "hoogstens 100 tekens" in too_long.stdout + too_long.stderr
    done = run_cli("gebruiker", "token-intrekken", "noord-holland", _kenmerk(first), url=ref_db, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    with db.session(ref_db) as s:
        assert tokens.user_for_token(s, first) is None and tokens.user_for_token(s, second).username == "noord-holland"
        assert len(tokens.of_user(s, tokens.user_for_token(s, second))) == 1


# --------------------------------------------------------------------------------------------
# POST /ik/tokens: an account makes a token for itself (self-rotation)
# --------------------------------------------------------------------------------------------


def _made_state(url: str, username: str) -> tuple[list[str], int]:
    """The kenmerken of the user's tokens and the number of token_aangemaakt rows: what a refused
    request must leave as it was."""
    with db.session(url) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        made = s.exec(select(AuditEvent).where(AuditEvent.action == "token_aangemaakt")).all()
        return [tokens.kenmerk(t.token_hash) for t in tokens.of_user(s, user)], len(made)


def _log_in(base: str, actor) -> requests.Session:
    """A browser session through the login form (its CSRF cookie renewed by the login)."""
    browser = requests.Session()
    browser.get(base + "/login", timeout=30)
    data = {"gebruikersnaam": actor.username, "wachtwoord": actor.password, "csrf_token": browser.cookies["_csrf_token"]}
    assert browser.post(base + "/login", data=data, timeout=30, allow_redirects=False).status_code == 302
    return browser


def test_an_account_makes_its_own_token_with_its_token(ref_db, live_server):
    """With its token a gemeente account makes a second one: 201, the token once (no-store), the
    same rights as the account, the audit row of the beheerder's creation; the new token revokes
    the old one and itself with the existing DELETE; a disabled account can make none."""
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    old = actors["gemeente_a"].token

    made = requests.post(api + "/ik/tokens", json={"label": "Zaaksysteem  2027", "wachtwoord": actors["gemeente_a"].password}, headers=_bearer(old), timeout=30)
    assert made.status_code == 201, made.text
    body = made.json()
    new = body["token"]
    assert made.headers["Cache-Control"] == "no-store" and made.headers["API-Version"]
    assert new.startswith("etvi_") and body["kenmerk"] == _kenmerk(new) and body["label"] == "Zaaksysteem 2027"
    assert body["gebruiker"] == "amsterdam" and body["aangemaakt_door"] == "api:amsterdam" and body["actief"] is True
    listed = requests.get(api + "/ik/tokens", headers=_bearer(new), timeout=30)
    assert listed.status_code == 200 and [t["kenmerk"] for t in listed.json()["tokens"]] == [_kenmerk(old), _kenmerk(new)]
    assert new not in listed.text
    # the account's rights, no more: a gemeente may upload for its own gemeente, not manage users
    assert requests.get(api + "/gebruikers", headers=_bearer(new), timeout=30).status_code == 403
    assert requests.post(api + "/ik/tokens", json={}, timeout=30).status_code == 401
    with db.session(ref_db) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "token_aangemaakt", AuditEvent.username == "api:amsterdam")).one()
        assert audit.detail_of(event) == {"gebruiker": "amsterdam", "kenmerk": _kenmerk(new), "label": "Zaaksysteem 2027", "verloopt": body["verloopt"]}
        assert new not in event.detail

    rotated = requests.delete(api + f"/ik/tokens/{_kenmerk(old)}", headers=_bearer(new), timeout=30)
    assert rotated.status_code == 200 and [t["kenmerk"] for t in rotated.json()["tokens"]] == [_kenmerk(new)]
    assert requests.get(api + "/ik/tokens", headers=_bearer(old), timeout=30).status_code == 401
    gone = requests.delete(api + f"/ik/tokens/{_kenmerk(new)}", headers=_bearer(new), timeout=30)
    assert gone.status_code == 200 and gone.json()["tokens"] == []
    assert requests.post(api + "/ik/tokens", json={}, headers=_bearer(new), timeout=30).status_code == 401

    # A disabled account: its token is no credential, so it makes nothing.
    before = _made_state(ref_db, "oud-amsterdam")
    requests.patch(api + "/gebruikers/oud-amsterdam", json={"actief": False}, headers=_bearer(actors["beheerder"].token), timeout=30)
    refused = requests.post(api + "/ik/tokens", json={"label": "nog eentje"}, headers=_bearer(actors["uitgeschakeld"].token), timeout=30)
    assert refused.status_code == 401 and refused.headers["Content-Type"].startswith("application/problem+json")
    assert "token" in refused.json()["detail"]
    assert _made_state(ref_db, "oud-amsterdam") == before


def test_an_account_makes_its_own_token_in_its_browser_session(ref_db, live_server):
    """A session write: only with the session's CSRF code from our own origin (403 otherwise, and
    nothing made); the new token works; after the account is disabled its session makes none."""
    server = live_server(ref_db)
    base, api = server.url, server.url + "/api/v1"
    actors = create_actors(ref_db)
    browser = _log_in(base, actors["provincie"])
    before = _made_state(ref_db, "noord-holland")

    for headers in ({}, {"X-CSRFToken": "fout"}, {"X-CSRFToken": browser.cookies["_csrf_token"], "Origin": "https://elders.example"}):
        forged = browser.post(api + "/ik/tokens", json={"label": "vervalst", "wachtwoord": actors["provincie"].password}, headers=headers, timeout=30)
        assert forged.status_code == 403 and "Beveiligingscontrole mislukt" in forged.json()["detail"], forged.text
    assert _made_state(ref_db, "noord-holland") == before

    made = browser.post(api + "/ik/tokens", json={"label": "GIS", "wachtwoord": actors["provincie"].password}, headers={"X-CSRFToken": browser.cookies["_csrf_token"], "Origin": base}, timeout=30)
    assert made.status_code == 201, made.text
    assert made.json()["gebruiker"] == "noord-holland" and made.json()["aangemaakt_door"] == "api:noord-holland"
    new = made.json()["token"]
    assert requests.get(api + "/aanlevering", headers=_bearer(new), timeout=30).status_code == 200  # a provincie's right
    kenmerken, audited = _made_state(ref_db, "noord-holland")
    assert kenmerken == [*before[0], _kenmerk(new)] and audited == before[1] + 1

    with db.session(ref_db) as s:
        users.disable_user(s, "noord-holland", actor="test")
    ended = browser.post(api + "/ik/tokens", json={"label": "na uitschakelen", "wachtwoord": actors["provincie"].password}, headers={"X-CSRFToken": browser.cookies["_csrf_token"]}, timeout=30)
    assert ended.status_code == 401 and ended.headers["Content-Type"].startswith("application/problem+json")
    assert requests.get(api + "/ik/tokens", headers=_bearer(new), timeout=30).status_code == 401  # never outlives the account
    assert _made_state(ref_db, "noord-holland") == (kenmerken, audited)


def test_an_account_has_at_most_the_configured_number_of_tokens(ref_db, live_server, monkeypatch, tmp_path):
    """ETVI_MAX_TOKENS_PER_USER (default 10) holds for the account itself and for the beheerder
    (one rule, in users.create_token): 409 in Dutch, nothing made; revoking one makes room."""
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    own, password = _bearer(actors["gemeente_b"].token), actors["gemeente_b"].password
    for n in range(2, 11):
        assert requests.post(api + "/ik/tokens", json={"label": f"systeem {n}", "wachtwoord": password}, headers=own, timeout=30).status_code == 201
    before = _made_state(ref_db, "rotterdam")
    assert len(before[0]) == 10

    full = requests.post(api + "/ik/tokens", json={"label": "elfde", "wachtwoord": password}, headers=own, timeout=30)
    assert full.status_code == 409 and full.headers["Content-Type"].startswith("application/problem+json"), full.text
    assert "al 10 API-tokens" in full.json()["detail"] and "ETVI_MAX_TOKENS_PER_USER" in full.json()["detail"]
    assert "Trek eerst een token in" in full.json()["detail"]
    by_beheer = requests.post(api + "/gebruikers/rotterdam/tokens", json={}, headers=_bearer(actors["beheerder"].token), timeout=30)
    assert by_beheer.status_code == 409 and "al 10 API-tokens" in by_beheer.json()["detail"]
    by_cli = run_cli("gebruiker", "token", "rotterdam", "--label", "elfde", url=ref_db, tmp_path=tmp_path)
    assert by_cli.returncode == 2 and "al 10 API-tokens" in by_cli.stdout + by_cli.stderr
    assert _made_state(ref_db, "rotterdam") == before

    requests.delete(api + f"/ik/tokens/{before[0][-1]}", headers=own, timeout=30).raise_for_status()
    assert requests.post(api + "/ik/tokens", json={"label": "vervanger", "wachtwoord": password}, headers=own, timeout=30).status_code == 201
    monkeypatch.setenv("ETVI_MAX_TOKENS_PER_USER", "2")  # read per request: the next one counts against 2
    provincie = {"json": {"wachtwoord": actors["provincie"].password}, "headers": _bearer(actors["provincie"].token), "timeout": 30}
    lower = requests.post(api + "/ik/tokens", **provincie)
    assert lower.status_code == 201 and requests.post(api + "/ik/tokens", **provincie).status_code == 409


def test_bad_input_for_an_own_token_is_refused_in_dutch_and_changes_nothing(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    own, password = _bearer(actors["gemeente_a"].token), actors["gemeente_a"].password
    before = _made_state(ref_db, "amsterdam")
    cases = [
        ({}, "body", "JSON-object"),  # no body
        ({"data": "{label", "headers": {"Content-Type": "application/json"}}, "body", "JSON-object"),  # not JSON
        ({"json": ["label"]}, "body", "JSON-object"),
        ({"json": "label"}, "body", "JSON"),  # a JSON string, not an object
        ({"data": "label=x", "headers": {"Content-Type": "text/plain"}}, "body", "JSON-object"),
        ({"json": {"label": 5, "wachtwoord": password}}, "label", "dit moet tekst zijn"),
        ({"json": {"label": ["a"], "wachtwoord": password}}, "label", "dit moet tekst zijn"),
        ({"json": {"label": "x" * 101, "wachtwoord": password}}, "label", "dit is te lang"),
        ({"json": {"label": "zonder wachtwoord"}}, "wachtwoord", ""),
        ({"json": {"wachtwoord": ""}}, "wachtwoord", ""),
        ({"json": {"wachtwoord": 123456}}, "wachtwoord", "dit moet tekst zijn"),
    ]
    for kwargs, name, reason in cases:
        headers = {**own, **kwargs.pop("headers", {})}
        resp = requests.post(api + "/ik/tokens", headers=headers, timeout=30, **kwargs)
        assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("application/problem+json"), (kwargs, resp.text)
        problem = resp.json()
        assert problem["title"] == "Ongeldig verzoek" and reason in problem["detail"], (kwargs, problem)
        assert [p["name"] for p in problem["invalidParams"]] == [name], (kwargs, problem)
    assert _made_state(ref_db, "amsterdam") == before


def test_an_own_token_needs_the_account_password_which_counts_as_a_login_attempt(ref_db, live_server):
    """Neither a token nor a session alone makes a lasting token: a wrong password is a 403 in
    Dutch, nothing made, and one more failed login for the account (the login's own lock)."""
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    own = _bearer(actors["gemeente_a"].token)
    before = _made_state(ref_db, "amsterdam")
    wrong = requests.post(api + "/ik/tokens", json={"label": "x", "wachtwoord": "geraden"}, headers=own, timeout=30)
    assert wrong.status_code == 403 and wrong.headers["Content-Type"].startswith("application/problem+json"), wrong.text
    assert "wachtwoord is niet bevestigd" in wrong.json()["detail"] and "geen token gemaakt" in wrong.json()["detail"]
    assert "geraden" not in wrong.text
    assert _made_state(ref_db, "amsterdam") == before
    with db.session(ref_db) as s:
        assert s.exec(select(User).where(User.username == "amsterdam")).one().failed_logins == 1
        refused = s.exec(select(AuditEvent).where(AuditEvent.action == "inloggen_mislukt", AuditEvent.username == "amsterdam")).all()
        assert [audit.detail_of(e)["bron"] for e in refused] == ["api: eigen token"]
    # another account's password does not confirm this one
    other = requests.post(api + "/ik/tokens", json={"wachtwoord": actors["gemeente_b"].password}, headers=own, timeout=30)
    assert other.status_code == 403 and _made_state(ref_db, "amsterdam") == before
    right = requests.post(api + "/ik/tokens", json={"wachtwoord": actors["gemeente_a"].password}, headers=own, timeout=30)
    assert right.status_code == 201, right.text
    with db.session(ref_db) as s:
        assert s.exec(select(User).where(User.username == "amsterdam")).one().failed_logins == 0


def test_ik_names_the_account_of_the_token_else_the_session(ref_db, live_server):
    """GET /ik answers for the caller as every endpoint sees it: the token's account when one is
    sent (also over a session of another account), a bad token a 401, else the session or nobody."""
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    by_token = requests.get(api + "/ik", headers=_bearer(actors["gemeente_a"].token), timeout=30)
    assert by_token.status_code == 200, by_token.text
    assert by_token.json()["ingelogd"] is True and by_token.json()["gebruiker"] == "amsterdam" and by_token.json()["rol"] == "gemeente"
    assert by_token.json()["gemeenten"] == ["GM0363"]
    bad = requests.get(api + "/ik", headers=_bearer("etvi_geraden"), timeout=30)
    assert bad.status_code == 401 and bad.headers["Content-Type"].startswith("application/problem+json")
    assert requests.get(api + "/ik", timeout=30).json()["ingelogd"] is False
    session = requests.Session()
    session.get(server.url + "/login", timeout=30)
    data = {"gebruikersnaam": actors["provincie"].username, "wachtwoord": actors["provincie"].password, "csrf_token": session.cookies["_csrf_token"]}
    assert session.post(server.url + "/login", data=data, timeout=30, allow_redirects=False).status_code == 302
    assert session.get(api + "/ik", timeout=30).json()["gebruiker"] == "noord-holland"
    assert session.get(api + "/ik", headers=_bearer(actors["gemeente_a"].token), timeout=30).json()["gebruiker"] == "amsterdam"
