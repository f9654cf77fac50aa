"""Issue 11, item 3: every answer of /api/v1 carries API-Version; every error is problem details
(RFC 9457, application/problem+json) with Dutch title and detail; a refused file lists its
problems in ``problemen``; ADR names (dryRun, PATCH for enabling and disabling a user), and the
old names answer with a problem that says what to call instead; date-times carry a time zone."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from dashboard.api_models import API_VERSION
from models import db
from models.tables import StatusRecord, Upload
from tests.support.app import create_actors, csrf_headers, csv_file, login, make_app, multipart
from tests.support.faults import add_failing_routes


@pytest.fixture
def setup(ref_db):
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    auth = {k: {"Authorization": f"Bearer {a.token}"} for k, a in actors.items() if a.token}
    return app, actors, auth


def assert_problem(resp, status: int, *fragments: str) -> dict:
    """A problem details answer with ``status``, Dutch title and detail containing ``fragments``."""
    text = resp.get_data(as_text=True)
    assert resp.status_code == status, text
    assert resp.mimetype == "application/problem+json", (resp.mimetype, text)
    assert resp.headers["API-Version"] == API_VERSION
    body = resp.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"] == "about:blank"
    assert body["fout"] == body["detail"]  # the deprecated member older clients read
    for fragment in fragments:
        assert fragment in body["detail"], (fragment, body["detail"])
    return body


def test_every_error_is_problem_details_with_the_version(setup, monkeypatch):
    app, actors, auth = setup
    add_failing_routes(app, RuntimeError("kapot"), page=None, api="/api/v1/kapot")
    client = app.server.test_client()
    body = assert_problem(client.get("/api/v1/uploads"), 401, "Inloggen is vereist")
    assert body["title"] == "Niet ingelogd"
    assert client.get("/api/v1/uploads").headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.get("/api/v1/uploads", headers={"Authorization": "Bearer fout"}), 401, "token")
    assert_problem(client.get("/api/v1/uploads", headers=auth["gemeente_a"]), 403, "beheerder")
    assert assert_problem(client.get("/api/v1/bestaat-niet"), 404, "/api/v1/docs")["title"] == "Niet gevonden"
    resp = client.delete("/api/v1/uploads", headers=auth["beheerder"])
    assert_problem(resp, 405)
    assert "GET" in resp.headers["Allow"]
    assert_problem(client.get("/api/v1/uploads/999999/bestand", headers=auth["beheerder"]), 404, "999999")
    failed = assert_problem(client.get("/api/v1/kapot"), 500, "Kenmerk van dit verzoek")
    assert failed["title"] == "Interne fout"
    # The CSRF check of a browser session (dashboard.security) answers in the same shape.
    browser = app.server.test_client()
    login(browser, actors["beheerder"].username, actors["beheerder"].password)
    assert_problem(browser.post("/api/v1/gebruikers", json={}, headers={"Origin": "https://evil.example"}), 403, "Beveiligingscontrole")
    # Successful answers carry the version too; pages do not.
    assert client.get("/api/v1/status").headers["API-Version"] == API_VERSION
    assert client.get("/api/v1/ik").headers["API-Version"] == API_VERSION
    assert "API-Version" not in client.get("/login").headers
    monkeypatch.setenv("ETVI_MAX_FILE_MB", "1")
    big = csv_file([("GM0363", "vastgesteld", "x" * 1000)] * 1200)
    assert_problem(client.post("/api/v1/uploads", data=multipart(big), headers=auth["gemeente_a"]), 413, "1 MB")


def test_invalid_parameters_are_named_in_dutch(setup):
    app, actors, auth = setup
    client = app.server.test_client()
    body = assert_problem(client.get("/api/v1/status?peildatum=1-3-2026"), 400, "peildatum", "'1-3-2026'", "JJJJ-MM-DD")
    assert body["invalidParams"] == [{"name": "peildatum", "reason": "ongeldige waarde '1-3-2026': gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01"}]
    assert_problem(client.get("/api/v1/status?peildatum=2026-02-30"), 400, "die datum bestaat niet")
    assert_problem(client.get("/api/v1/status?peildatum=1700000000"), 400, "JJJJ-MM-DD")  # not seconds since 1970
    assert_problem(client.get("/api/v1/status?format=xml"), 400, "json of csv")
    body = assert_problem(client.get("/api/v1/uploads?limit=x&offset=-1", headers=auth["beheerder"]), 400, "geheel getal", "minstens 0")
    assert {p["name"] for p in body["invalidParams"]} == {"limit", "offset"}
    assert_problem(client.get("/api/v1/uploads?uitkomst=misschien", headers=auth["beheerder"]), 400, "geladen")
    assert_problem(client.post("/api/v1/gebruikers", data="geen json", headers=auth["beheerder"]), 400, "JSON-object")
    assert_problem(client.post("/api/v1/gebruikers", json={"naam": "x", "rol": "koning"}, headers=auth["beheerder"]), 400, "rol", "beheerder")
    # The rights come first: an anonymous caller learns it must log in, not what its body lacks.
    assert_problem(client.post("/api/v1/gebruikers", json={}), 401)
    assert_problem(client.patch("/api/v1/gebruikers/amsterdam", json={}), 401)
    assert_problem(client.get("/api/v1/uploads?limit=x"), 401)


def test_refused_file_lists_its_problems(setup, ref_db):
    app, actors, auth = setup
    content = csv_file([("GM0363", "vastgesteld", "goed"), ("GM0363", "klaar", "fout woord")])
    resp = app.server.test_client().post("/api/v1/uploads", data=multipart(content, "maart.csv"), headers=auth["beheerder"])
    body = assert_problem(resp, 422, "geweigerd")
    assert body["title"] == "Bestand geweigerd" and body["outcome"] == "geweigerd" and body["upload_id"]
    [problem] = body["problemen"]
    assert problem["bestand"] == "maart.csv" and problem["rij"] == 3 and problem["kolom"] == "verordening"
    assert problem["waarde"] == "klaar" and "vastgesteld" in problem["toegestaan"] and "rij 3" in problem["tekst"]
    assert set(problem) == {"bestand", "blad", "rij", "kolom", "waarde", "toegestaan", "tekst"}
    with db.session(ref_db) as s:
        assert s.exec(select(StatusRecord)).all() == []


def test_old_names_say_what_to_call_instead(setup, ref_db):
    app, actors, auth = setup
    client = app.server.test_client()
    content = csv_file([("GM0363", "vastgesteld", "proef")])
    for how in ("query", "form"):
        if how == "query":
            resp = client.post("/api/v1/uploads?dry_run=1", data=multipart(content), headers=auth["gemeente_a"])
        else:
            resp = client.post("/api/v1/uploads", data=multipart(content, dry_run="1"), headers=auth["gemeente_a"])
        assert_problem(resp, 400, "dry_run heet nu dryRun", "?dryRun=1")
    resp = client.post("/api/v1/gebruikers/amsterdam/uitschakelen", headers=auth["beheerder"])
    assert_problem(resp, 410, "PATCH /api/v1/gebruikers/amsterdam", '{"actief": false}')
    resp = client.post("/api/v1/gebruikers/amsterdam/uitloggen", headers=auth["beheerder"])
    assert_problem(resp, 410, "DELETE /api/v1/gebruikers/amsterdam/sessies")
    with db.session(ref_db) as s:
        assert s.exec(select(Upload)).all() == [] and s.exec(select(StatusRecord)).all() == []
    # The new names work.
    resp = client.post("/api/v1/uploads?dryRun=1", data=multipart(content), headers=auth["gemeente_a"])
    assert resp.status_code == 200 and resp.get_json()["outcome"] == "proef" and resp.headers["API-Version"] == API_VERSION
    resp = client.post("/api/v1/uploads", data=multipart(content, dryRun="ja"), headers=auth["gemeente_a"])
    assert resp.status_code == 200 and resp.get_json()["outcome"] == "proef"


def test_patch_disables_and_enables_a_user(setup):
    app, actors, auth = setup
    client = app.server.test_client()
    amsterdam = actors["gemeente_a"].username
    assert client.get("/api/v1/ik", headers=auth["gemeente_a"]).status_code == 200
    resp = client.patch(f"/api/v1/gebruikers/{amsterdam}", json={"actief": False}, headers=auth["beheerder"])
    assert resp.status_code == 200 and resp.get_json()["actief"] is False
    assert_problem(client.post("/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "")])), headers=auth["gemeente_a"]), 401)
    resp = client.patch(f"/api/v1/gebruikers/{amsterdam}", json={"actief": True}, headers=auth["beheerder"])
    assert resp.status_code == 200 and resp.get_json()["actief"] is True
    resp = client.post("/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "weer aan")])), headers=auth["gemeente_a"])
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert_problem(client.patch("/api/v1/gebruikers/niemand", json={"actief": False}, headers=auth["beheerder"]), 404, "bestaat niet")
    assert_problem(client.patch(f"/api/v1/gebruikers/{amsterdam}", json={"actief": "soms"}, headers=auth["beheerder"]), 400, "actief")
    assert_problem(client.patch(f"/api/v1/gebruikers/{amsterdam}", json={"actief": False}, headers=auth["provincie"]), 403)
    # From the browser: a beheerder's session with its CSRF token.
    browser = app.server.test_client()
    login(browser, actors["beheerder"].username, actors["beheerder"].password)
    resp = browser.patch(f"/api/v1/gebruikers/{amsterdam}", json={"actief": False}, headers=csrf_headers(browser))
    assert resp.status_code == 200 and resp.get_json()["actief"] is False


def test_dates_are_iso_and_moments_carry_a_time_zone(setup):
    app, actors, auth = setup
    client = app.server.test_client()
    assert client.post("/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "")])), headers=auth["gemeente_a"]).status_code == 201
    [upload] = client.get("/api/v1/uploads", headers=auth["beheerder"]).get_json()["uploads"]
    assert upload["peildatum"] == "2026-03-01"
    users = client.get("/api/v1/gebruikers", headers=auth["beheerder"]).get_json()["gebruikers"]
    delivered = {r["gemeente_code"]: r for r in client.get("/api/v1/aanlevering", headers=auth["beheerder"]).get_json()["gemeenten"]}
    moments = [upload["tijdstip"], delivered["GM0363"]["laatst_aangeleverd"], delivered["GM0363"]["laatste_poging"]]
    moments += [u["aangemaakt"] for u in users]
    for moment in moments:
        assert datetime.fromisoformat(moment).utcoffset() is not None, moment
