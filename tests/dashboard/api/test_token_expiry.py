"""API tokens expire (issue: a national service expects credentials that expire). A new token
gets a date (``verloopt``): by default today + ETVI_TOKEN_DAYS, or a chosen one after today and
at most ETVI_TOKEN_MAX_DAYS away, through both create endpoints and ``etvi gebruiker token
--verloopt``; a bad date is refused in Dutch and nothing is written; from that date the token is
no credential (401 naming the date) and the list shows it as not working. Over HTTP and the CLI,
on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import requests
from sqlmodel import select

from models import db
from models.tables import ApiToken, AuditEvent, User
from tests.support.app import create_actors, make_app
from tests.support.cli import run_cli


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _kenmerk(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def _today() -> date:
    """Today in the Netherlands, as the monitor counts a token's date."""
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def _state(url: str, username: str) -> tuple[list[tuple[str, object]], int]:
    """The user's token rows (hash, expiry) and the number of token_aangemaakt rows: what a
    refused request must leave as it was."""
    with db.session(url) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        rows = s.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()
        made = s.exec(select(AuditEvent).where(AuditEvent.action == "token_aangemaakt")).all()
        return [(t.token_hash, t.expires_at) for t in rows], len(made)


def _expire(url: str, token: str, ago: timedelta = timedelta(minutes=1)) -> None:
    """Move the token's end into the past (the clock of the database, not of the test)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    with db.session(url) as s:
        row = s.exec(select(ApiToken).where(ApiToken.token_hash == digest)).one()
        row.expires_at = datetime.now(timezone.utc) - ago
        s.add(row)
        s.commit()


def test_a_new_token_expires_by_default_or_on_the_chosen_date(ref_db, live_server, monkeypatch):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    today = _today()

    default = requests.post(api + "/gebruikers/amsterdam/tokens", json={"label": "standaard"}, headers=beheer, timeout=30)
    assert default.status_code == 201, default.text
    assert default.json()["verloopt"] == (today + timedelta(days=365)).isoformat() and default.json()["actief"] is True

    chosen_day = today + timedelta(days=30)
    chosen = requests.post(api + "/gebruikers/amsterdam/tokens", json={"label": "kort", "verloopt": chosen_day.isoformat()}, headers=beheer, timeout=30)
    assert chosen.status_code == 201, chosen.text
    assert chosen.json()["verloopt"] == chosen_day.isoformat()
    assert requests.get(api + "/ik/tokens", headers=_bearer(chosen.json()["token"]), timeout=30).status_code == 200

    longest = today + timedelta(days=730)
    own = requests.post(
        api + "/ik/tokens",
        json={"label": "eigen", "verloopt": longest.isoformat(), "wachtwoord": actors["gemeente_a"].password},
        headers=_bearer(actors["gemeente_a"].token),
        timeout=30,
    )
    assert own.status_code == 201, own.text
    assert own.json()["verloopt"] == longest.isoformat()

    monkeypatch.setenv("ETVI_TOKEN_DAYS", "90")  # read per request
    shorter = requests.post(api + "/gebruikers/amsterdam/tokens", json={}, headers=beheer, timeout=30)
    assert shorter.status_code == 201 and shorter.json()["verloopt"] == (today + timedelta(days=90)).isoformat(), shorter.text

    listed = requests.get(api + "/gebruikers/amsterdam/tokens", headers=beheer, timeout=30).json()["tokens"]
    shown = {t["kenmerk"]: t["verloopt"] for t in listed}
    assert shown[_kenmerk(default.json()["token"])] == (today + timedelta(days=365)).isoformat()
    assert shown[_kenmerk(chosen.json()["token"])] == chosen_day.isoformat()
    assert shown[_kenmerk(own.json()["token"])] == longest.isoformat()
    assert shown[_kenmerk(actors["gemeente_a"].token)] == (today + timedelta(days=365)).isoformat()
    assert all(t["actief"] for t in listed)


def test_a_bad_date_for_a_new_token_is_refused_in_dutch_and_changes_nothing(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    today = _today()
    before = _state(ref_db, "amsterdam")
    cases = [
        ((today - timedelta(days=1)).isoformat(), "niet in de toekomst"),
        (today.isoformat(), "niet in de toekomst"),
        ((today + timedelta(days=731)).isoformat(), "te ver weg"),
        ("2030-02-30", "die datum bestaat niet"),
        ("6-12-2027", "JJJJ-MM-DD"),
        (20271206, "JJJJ-MM-DD"),
    ]
    for value, reason in cases:
        for url, body, headers in (
            (api + "/gebruikers/amsterdam/tokens", {"verloopt": value}, beheer),
            (api + "/ik/tokens", {"verloopt": value, "wachtwoord": actors["gemeente_a"].password}, _bearer(actors["gemeente_a"].token)),
        ):
            resp = requests.post(url, json=body, headers=headers, timeout=30)
            assert resp.status_code == 400 and resp.headers["Content-Type"].startswith("application/problem+json"), (value, resp.text)
            problem = resp.json()
            assert reason in problem["detail"] and [p["name"] for p in problem["invalidParams"]] == ["verloopt"], (value, problem)
    too_far = requests.post(api + "/gebruikers/amsterdam/tokens", json={"verloopt": (today + timedelta(days=731)).isoformat()}, headers=beheer, timeout=30)
    assert (today + timedelta(days=730)).isoformat() in too_far.json()["detail"] and "ETVI_TOKEN_MAX_DAYS" in too_far.json()["detail"]
    assert _state(ref_db, "amsterdam") == before


def test_an_expired_token_is_no_credential_and_says_when_it_expired(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    made = requests.post(api + "/gebruikers/amsterdam/tokens", json={"label": "oud"}, headers=beheer, timeout=30).json()
    old, other = made["token"], actors["gemeente_a"].token
    assert requests.get(api + "/ik/tokens", headers=_bearer(old), timeout=30).status_code == 200

    _expire(ref_db, old)
    ended = (datetime.now(timezone.utc) - timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Amsterdam")).date()
    refused = requests.get(api + "/ik/tokens", headers=_bearer(old), timeout=30)
    assert refused.status_code == 401 and refused.headers["Content-Type"].startswith("application/problem+json")
    assert f"verlopen op {ended.isoformat()}" in refused.json()["detail"], refused.text
    public = requests.get(api + "/ik/tokens", headers=_bearer("etvi_" + "x" * 43), timeout=30)
    assert set(refused.json()) == set(public.json())  # the same answer shape as any bad token
    upload = requests.post(api + "/uploads", headers=_bearer(old), files={"file": ("a.csv", b"x")}, timeout=30)
    assert upload.status_code == 401 and "verlopen op" in upload.json()["detail"]
    with db.session(ref_db) as s:
        event = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "upload_geweigerd" and event.username == "amsterdam (token verlopen)"  # the refusal log names why
    assert requests.get(api + "/ik/tokens", headers=_bearer(other), timeout=30).status_code == 200  # the others keep working

    listed = {t["kenmerk"]: t for t in requests.get(api + "/gebruikers/amsterdam/tokens", headers=beheer, timeout=30).json()["tokens"]}
    assert listed[_kenmerk(old)]["actief"] is False and listed[_kenmerk(old)]["verloopt"] == ended.isoformat()
    assert listed[_kenmerk(other)]["actief"] is True


def test_the_cli_gives_a_token_a_date_and_refuses_a_bad_one(ref_db, tmp_path):
    create_actors(ref_db)
    today = _today()
    default = run_cli("gebruiker", "token", "noord-holland", "--label", "standaard", url=ref_db, tmp_path=tmp_path)
    assert default.returncode == 0, default.stderr
    assert f"geldig tot {(today + timedelta(days=365)).isoformat()}" in default.stdout
    chosen_day = today + timedelta(days=60)
    chosen = run_cli("gebruiker", "token", "noord-holland", "--verloopt", chosen_day.isoformat(), url=ref_db, tmp_path=tmp_path)
    assert chosen.returncode == 0, chosen.stderr
    short_token = chosen.stdout.strip().splitlines()[-1]
    assert f"geldig tot {chosen_day.isoformat()}" in chosen.stdout

    before = _state(ref_db, "noord-holland")
    for value, reason in (
        (today.isoformat(), "niet in de toekomst"),
        ((today - timedelta(days=3)).isoformat(), "niet in de toekomst"),
        ((today + timedelta(days=731)).isoformat(), "te ver weg"),
        ("morgen", "JJJJ-MM-DD"),
    ):
        bad = run_cli("gebruiker", "token", "noord-holland", "--verloopt", value, url=ref_db, tmp_path=tmp_path)
        assert bad.returncode == 2 and reason in bad.stdout + bad.stderr, (value, bad.stdout, bad.stderr)
        assert "Traceback" not in bad.stderr
    assert _state(ref_db, "noord-holland") == before

    _expire(ref_db, short_token, ago=timedelta(days=2))
    shown = run_cli("gebruiker", "tokens", "noord-holland", url=ref_db, tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    line = next(row for row in shown.stdout.splitlines() if _kenmerk(short_token) in row)
    assert "nee (verlopen)" in line and (datetime.now(timezone.utc) - timedelta(days=2)).astimezone(ZoneInfo("Europe/Amsterdam")).date().isoformat() in line
    assert (today + timedelta(days=365)).isoformat() in shown.stdout


def test_the_openapi_document_describes_verloopt_as_a_date(db_url):
    """Both create endpoints take ``verloopt`` and every token answer gives it, as ``format: date``."""
    doc = make_app(db_url).server.test_client().get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]

    def date_field(name: str) -> dict:
        field = schemas[name]["properties"]["verloopt"]
        return next((f for f in field.get("anyOf", [field]) if f.get("type") == "string"), {})

    for name in ("NieuwToken", "NieuwEigenToken", "ApiToken", "NieuwTokenAntwoord"):
        assert date_field(name).get("format") == "date", (name, schemas[name]["properties"]["verloopt"])
    for path in ("/gebruikers/{naam}/tokens", "/ik/tokens"):
        body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.rsplit("/", 1)[-1] in ("NieuwToken", "NieuwEigenToken")
    assert doc["info"]["version"] == "1.6.0"
