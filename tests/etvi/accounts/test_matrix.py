"""The authorization matrix through HTTP against the real app:
{anonymous, gemeente A, gemeente B, provincie, beheerder, disabled user, bad token}
× {view, upload UI, upload API, status API, audit log, user management},
with the upload log checked for every upload attempt, refused ones included."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from etvi.accounts import users
from models import db
from models.tables import AuditEvent, StatusRecord, Upload
from tests.support.app import create_actors, csrf_headers, csv_file, login, make_app, multipart

ACTORS = ["anoniem", "gemeente_a", "gemeente_b", "provincie", "beheerder", "uitgeschakeld", "ongeldig_token"]

# Expected HTTP status per action and actor.
EXPECTED = {
    "view": dict(anoniem=200, gemeente_a=200, gemeente_b=200, provincie=200, beheerder=200, uitgeschakeld=200, ongeldig_token=200),
    "view_private": dict(anoniem=302, gemeente_a=200, gemeente_b=200, provincie=200, beheerder=200, uitgeschakeld=302, ongeldig_token=302),
    "upload_ui": dict(anoniem=302, gemeente_a=200, gemeente_b=200, provincie=403, beheerder=200, uitgeschakeld=302, ongeldig_token=302),
    # The file is for Amsterdam (GM0363): gemeente B (Rotterdam) is refused by the ETL, whole.
    "upload_api": dict(anoniem=401, gemeente_a=201, gemeente_b=422, provincie=403, beheerder=201, uitgeschakeld=401, ongeldig_token=401),
    "status_api": dict(anoniem=200, gemeente_a=200, gemeente_b=200, provincie=200, beheerder=200, uitgeschakeld=401, ongeldig_token=401),
    "status_api_private": dict(anoniem=401, gemeente_a=200, gemeente_b=200, provincie=200, beheerder=200, uitgeschakeld=401, ongeldig_token=401),
    "audit_log": dict(anoniem=401, gemeente_a=403, gemeente_b=403, provincie=403, beheerder=200, uitgeschakeld=401, ongeldig_token=401),
    "audit_log_page": dict(anoniem=302, gemeente_a=403, gemeente_b=403, provincie=403, beheerder=200, uitgeschakeld=302, ongeldig_token=302),
    "user_management": dict(anoniem=401, gemeente_a=403, gemeente_b=403, provincie=403, beheerder=200, uitgeschakeld=401, ongeldig_token=401),
    "user_management_ui": dict(anoniem=401, gemeente_a=403, gemeente_b=403, provincie=403, beheerder=201, uitgeschakeld=401, ongeldig_token=401),
}


def _clients(app, url, actors):
    """Per actor: a browser-like client (session where the actor has a password) and API headers."""
    clients, api_headers = {}, {}
    for key in ACTORS:
        actor = actors[key]
        client = app.server.test_client()
        if actor.password:
            login(client, actor.username, actor.password)
        clients[key] = client
        api_headers[key] = {"Authorization": f"Bearer {actor.token}"} if actor.token else {}
    # The disabled user had a session and a token; disabling must end both.
    with db.session(url) as s:
        users.disable_user(s, actors["uitgeschakeld"].username, actor="test")
    # A bad token on a browser request does not log anybody in.
    clients["ongeldig_token"].environ_base["HTTP_AUTHORIZATION"] = api_headers["ongeldig_token"]["Authorization"]
    return clients, api_headers


def _counts(url):
    with db.session(url) as s:
        uploads = s.exec(select(func.count()).select_from(Upload)).one()
        events = s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "upload_geweigerd")).one()
        records = s.exec(select(func.count()).select_from(StatusRecord)).one()
    return uploads, events, records


@pytest.fixture
def world(ref_db):
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    clients, headers = _clients(app, ref_db, actors)
    return app, actors, clients, headers


def test_matrix_view_and_pages(world):
    app, actors, clients, headers = world
    for actor in ACTORS:
        c = clients[actor]
        assert c.get("/").status_code == EXPECTED["view"][actor], actor
        resp = c.get("/aanleveren")
        assert resp.status_code == EXPECTED["upload_ui"][actor], actor
        if resp.status_code == 302:
            assert resp.headers["Location"].startswith("/login")
        resp = c.get("/auditlog")
        assert resp.status_code == EXPECTED["audit_log_page"][actor], actor


def test_matrix_private_view(ref_db):
    app = make_app(ref_db, public=False)
    actors = create_actors(ref_db)
    clients, headers = _clients(app, ref_db, actors)
    for actor in ACTORS:
        resp = clients[actor].get("/")
        assert resp.status_code == EXPECTED["view_private"][actor], actor
        resp = clients[actor].get("/api/v1/status", headers=headers[actor])
        assert resp.status_code == EXPECTED["status_api_private"][actor], (actor, resp.get_data(as_text=True))


def test_matrix_upload_api_with_audit_entry_for_every_attempt(world, ref_db):
    app, actors, clients, headers = world
    for i, actor in enumerate(ACTORS):
        content = csv_file([("GM0363", "vastgesteld", f"poging {i} door {actor}")])
        before = _counts(ref_db)
        client = app.server.test_client()
        resp = client.post("/api/v1/uploads", data=multipart(content), headers=headers[actor])
        expected = EXPECTED["upload_api"][actor]
        assert resp.status_code == expected, (actor, resp.get_data(as_text=True))
        body = resp.get_json()
        uploads, events, records = _counts(ref_db)
        if expected in (401,):
            assert "fout" in body and resp.headers.get("WWW-Authenticate", "").startswith("Bearer")
            assert uploads == before[0] and records == before[2]
            assert events == before[1] + 1, actor
            with db.session(ref_db) as s:
                event = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
            assert event.action == "upload_geweigerd"
            label = {"anoniem": "anoniem", "ongeldig_token": "ongeldig-token", "uitgeschakeld": "oud-amsterdam (uitgeschakeld)"}[actor]
            assert event.username == label
            continue
        assert uploads == before[0] + 1, actor  # one upload-log row per attempt
        with db.session(ref_db) as s:
            row = s.exec(select(Upload).order_by(Upload.id.desc())).first()
        assert row.username == actors[actor].username and row.channel == "api"
        if expected == 201:
            assert body["outcome"] == "geladen" and body["upload_id"] == row.id and row.outcome == "geladen"
            assert records == before[2] + 1
        else:
            assert row.outcome == "geweigerd" and row.error_report
            assert records == before[2]  # nothing written
            assert "fout" in body or body.get("outcome") == "geweigerd"
            if actor == "gemeente_b":
                assert body["outcome"] == "geweigerd"
                assert any("u mag alleen gegevens aanleveren" in p["text"] for p in body["problems"])
                assert any(p["row"] == 2 for p in body["problems"])


def test_matrix_audit_log_and_user_management(world, ref_db):
    app, actors, clients, headers = world
    for actor in ACTORS:
        client = app.server.test_client()
        resp = client.get("/api/v1/uploads", headers=headers[actor])
        assert resp.status_code == EXPECTED["audit_log"][actor], actor
        resp = client.get("/api/v1/gebruikers", headers=headers[actor])
        assert resp.status_code == EXPECTED["user_management"][actor], actor
        # The same through the browser session (with CSRF token) for creating a user.
        c = clients[actor]
        body = {"naam": f"nieuw-{actor.replace('_', '-')}", "rol": "gemeente", "gemeenten": ["GM0546"], "email": "wonen@leiden.example"}
        resp = c.post("/api/v1/gebruikers", json=body, headers=csrf_headers(c))
        expected = EXPECTED["user_management_ui"][actor]
        if actor == "ongeldig_token":
            expected = 401  # the browser client sends the bad token along
        assert resp.status_code == expected, (actor, resp.get_data(as_text=True))
    with db.session(ref_db) as s:
        names = {u.username for u in users.list_users(s)}
    assert "nieuw-beheerder" in names and not {n for n in names if n.startswith("nieuw-") and n != "nieuw-beheerder"}


def test_matrix_status_api(world, ref_db):
    app, actors, clients, headers = world
    for actor in ACTORS:
        client = app.server.test_client()
        resp = client.get("/api/v1/status?format=json", headers=headers[actor])
        assert resp.status_code == EXPECTED["status_api"][actor], (actor, resp.get_data(as_text=True))
        if resp.status_code == 200:
            assert len(resp.get_json()["gemeenten"]) == 342


def test_gemeente_file_with_other_gemeente_refused_whole(world, ref_db):
    app, actors, clients, headers = world
    content = csv_file([("GM0363", "vastgesteld", "eigen"), ("GM0599", "vastgesteld", "van een ander")])
    before = _counts(ref_db)
    resp = app.server.test_client().post("/api/v1/uploads", data=multipart(content), headers=headers["gemeente_a"])
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["outcome"] == "geweigerd" and body["records_written"] == 0
    assert [p["row"] for p in body["problems"]] == [3]
    uploads, events, records = _counts(ref_db)
    assert records == before[2] and uploads == before[0] + 1
    with db.session(ref_db) as s:
        row = s.get(Upload, body["upload_id"])
        assert row.outcome == "geweigerd" and "Rotterdam" in row.error_report
        assert s.exec(select(StatusRecord).where(StatusRecord.gemeente_code == "GM0363")).all() == []
    # The beheerder may deliver the same file.
    resp = app.server.test_client().post("/api/v1/uploads", data=multipart(content), headers=headers["beheerder"])
    assert resp.status_code == 201 and resp.get_json()["records_written"] == 2
