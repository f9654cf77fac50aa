"""Issue 11, item 5: API tokens listed and revoked per user — by the beheerder for anyone
(/gebruikers/{naam}/tokens), by every account for its own (/ik/tokens) and with the CLI — shown
only by a kenmerk, never the token; and a token never appears in a line of the request log of the
real ``etvi serve``. Over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import requests
from sqlmodel import select

from etvi.accounts import tokens
from models import db
from models.tables import AuditEvent
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
