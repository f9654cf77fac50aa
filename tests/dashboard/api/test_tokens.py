"""Issue 11, item 5: API tokens listed and revoked per user — by the beheerder for anyone
(/gebruikers/{naam}/tokens), by every account for its own (/ik/tokens) and with the CLI — shown
only by a kenmerk, never the token; and a token never appears in a line of the request log of the
real ``etvi serve``. Over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import requests
from sqlmodel import select

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
