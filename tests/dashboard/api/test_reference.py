"""Issue 11, item 4 (part): the reference data for the systems that integrate — provincies,
gemeenten with their regions, region types, milestones and status words — and one gemeente's
history, in pages; public like the status (a login when the dashboard is not public), on SQLite and PostgreSQL."""

from __future__ import annotations

from dashboard.api_models import API_VERSION
from etl import referencedata
from models import db, queries
from tests.support.app import create_actors, csv_file, make_app, multipart
from tests.support.sample_data import synthetic_memberships


def test_reference_data_as_the_database_holds_it(ref_db):
    with db.session(ref_db) as s:  # woningmarktregio per half provincie, koploperregio
        referencedata.load_region_memberships(s, synthetic_memberships(queries.gemeenten(ref_db)))
    client = make_app(ref_db).server.test_client()
    answers = {name: client.get(f"/api/v1/{name}") for name in ("provincies", "gemeenten", "regiotypen", "mijlpalen", "statussen")}
    for name, resp in answers.items():
        assert resp.status_code == 200 and resp.headers["API-Version"] == API_VERSION, name
    provincies = {p["code"]: p["naam"] for p in answers["provincies"].get_json()["provincies"]}
    assert len(provincies) == 12 and provincies["PV27"] == "Noord-Holland"
    gemeenten = {g["code"]: g for g in answers["gemeenten"].get_json()["gemeenten"]}
    assert len(gemeenten) == 342
    amsterdam = gemeenten["GM0363"]
    assert amsterdam["naam"] == "Amsterdam" and amsterdam["provincie_code"] == "PV27" and amsterdam["provincie"] == "Noord-Holland"
    members = queries.region_memberships(url=ref_db)
    expected = {(r.region_type, r.region_code) for r in members.itertuples() if r.gemeente_code == "GM0363"}
    assert {t for t, _ in expected} == {"woningmarktregio", "koploperregio"}
    assert {(r["type"], r["code"]) for r in amsterdam["regios"]} == expected
    assert {"type": "koploperregio", "code": "KR02", "naam": "Metropoolregio Amsterdam"} in amsterdam["regios"]
    types = answers["regiotypen"].get_json()["regiotypen"]
    assert types == sorted(set(members["region_type"])) and {r["type"] for g in gemeenten.values() for r in g["regios"]} <= set(types)
    mijlpalen = {m["id"]: m for m in answers["mijlpalen"].get_json()["mijlpalen"]}
    start = mijlpalen["programma-start"]
    assert start["datum"] == "2022-05-11" and start["precisie"] == "dag" and start["zekerheid"] == "bevestigd"
    assert start["bron"].startswith("https://")
    words = [(w["onderdeel"], w["status"], w["gereed"]) for w in answers["statussen"].get_json()["statussen"]]
    assert ("verordening", "vastgesteld", True) in words and ("woonzorgvisie", "geen", False) in words


def test_reference_data_needs_a_login_when_the_dashboard_is_not_public(ref_db):
    app = make_app(ref_db, public=False)
    actors = create_actors(ref_db)
    client = app.server.test_client()
    resp = client.get("/api/v1/gemeenten")
    assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    token = {"Authorization": f"Bearer {actors['provincie'].token}"}
    assert client.get("/api/v1/gemeenten", headers=token).status_code == 200


def test_one_gemeentes_history_in_pages(ref_db):
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    client = app.server.test_client()
    token = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    for peildatum, status in (("2026-01-01", "in voorbereiding"), ("2026-02-01", "vastgesteld")):
        resp = client.post("/api/v1/uploads", data=multipart(csv_file([("GM0363", status, "")], peildatum=peildatum)), headers=token)
        assert resp.status_code == 201, resp.get_data(as_text=True)
    body = client.get("/api/v1/gemeenten/gm0363/historie").get_json()
    assert body["gemeente_code"] == "GM0363" and body["gemeente"] == "Amsterdam" and body["totaal"] == 2
    assert [(r["peildatum"], r["onderdeel"], r["status"]) for r in body["records"]] == [
        ("2026-01-01", "verordening", "in voorbereiding"),
        ("2026-02-01", "verordening", "vastgesteld"),
    ]
    assert all(isinstance(r["upload_id"], int) for r in body["records"])
    second = client.get("/api/v1/gemeenten/GM0363/historie?limit=1&offset=1").get_json()
    assert second["totaal"] == 2 and second["offset"] == 1 and [r["status"] for r in second["records"]] == ["vastgesteld"]
    assert client.get("/api/v1/gemeenten/GM0344/historie").get_json()["records"] == []
    missing = client.get("/api/v1/gemeenten/GM9999/historie")
    assert missing.status_code == 404 and "GM9999" in missing.get_json()["detail"] and missing.mimetype == "application/problem+json"
    assert client.get("/api/v1/gemeenten/GM0363/historie?limit=0").status_code == 400
