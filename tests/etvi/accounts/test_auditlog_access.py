"""/auditlog is the beheerder's only (README, Accounts): the page, each of its callbacks, the
download of stored originals (the beheerder's, and a gemeente's own) and the upload log of the API, per role, through HTTP on SQLite
and PostgreSQL. A provincie has its delivery status on /aanlevering instead."""

from __future__ import annotations

import json

import pytest

from tests.support.app import csrf_headers, csv_file, multipart, page_content
from tests.support.dashcall import payload

ROLES = ["anoniem", "gemeente_a", "provincie", "beheerder", "uitgeschakeld"]
MAY = {"beheerder"}  # who sees the audit log's data
PAGE = {"anoniem": 302, "gemeente_a": 403, "provincie": 403, "beheerder": 200, "uitgeschakeld": 302}
API = {"anoniem": 401, "gemeente_a": 403, "provincie": 403, "beheerder": 200, "uitgeschakeld": 401}
# The original of Amsterdam's own upload: the beheerder, and Amsterdam itself (its proof of what it sent).
ORIGINAL = {**API, "gemeente_a": 200}

CALLBACKS = [
    ("audit-uploads-wrap", "children", {"audit-gebruiker.value": None, "audit-uitkomst.value": "geladen"}, ["audit-uitkomst.value"]),
    ("audit-uploads-wrap", "children", {"audit-gebruiker.value": "amsterdam", "audit-uitkomst.value": None}, ["audit-gebruiker.value"]),
    ("audit-levering-wrap", "children", {"audit-provincie.value": "PV27"}, ["audit-provincie.value"]),
    ("audit-levering-wrap", "children", {"audit-provincie.value": None}, ["audit-provincie.value"]),
]


@pytest.fixture
def world(accounts_app, ref_db):
    """One loaded upload (with its stored original) by Amsterdam; clients per role, the disabled
    account logged in before it was disabled."""
    app, actors, client_for = accounts_app
    token = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    resp = app.server.test_client().post(
        "/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "geheim-van-de-auditlog")]), "audit.csv"), headers=token
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)
    clients = {role: client_for(None if role == "anoniem" else role) for role in ROLES}
    for role in ROLES[1:]:  # really logged in, or every refusal below would pass for nothing
        assert clients[role].get("/api/v1/ik").get_json()["gebruiker"] == actors[role].username
    beheerder = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    assert app.server.test_client().patch(f"/api/v1/gebruikers/{actors['uitgeschakeld'].username}", json={"actief": False}, headers=beheerder).status_code == 200
    return app, actors, clients, resp.get_json()["upload_id"]


@pytest.mark.parametrize("role", ROLES)
def test_auditlog_page_and_callbacks_per_role(world, role):
    app, actors, clients, upload_id = world
    client = clients[role]
    resp = client.get("/auditlog")
    assert resp.status_code == PAGE[role], resp.get_data(as_text=True)[:300]
    if resp.status_code == 302:
        assert resp.headers["Location"].startswith("/login")
    content = page_content(client, "/auditlog")
    assert ("audit.csv" in content) == (role in MAY)
    if role in ("gemeente_a", "provincie"):
        assert "Geen toegang" in content and "het auditlog" in content
    if role == "provincie":
        assert "/aanlevering" in content  # where its delivery status is
        assert "Amsterdam (GM0363)" not in content
    for output, prop, values, changed in CALLBACKS:
        body = payload(app, output, prop, values, changed)
        resp = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
        assert resp.status_code == 200, resp.get_data(as_text=True)
        text = json.dumps(resp.get_json(), ensure_ascii=False)
        shows_data = "audit.csv" in text or "Amsterdam (GM0363)" in text
        assert shows_data == (role in MAY), (role, output, values)
        if role not in MAY:
            assert "beheerder" in text or "ingelogd" in text


@pytest.mark.parametrize("role", ROLES)
def test_originals_and_upload_log_per_role(world, role):
    app, actors, clients, upload_id = world
    client = clients[role]
    original = f"/api/v1/uploads/{upload_id}/bestand"
    # With the browser session.
    resp = client.get(original)
    assert resp.status_code == ORIGINAL[role], resp.get_data(as_text=True)[:300]
    assert (b"geheim-van-de-auditlog" in resp.get_data()) == (ORIGINAL[role] == 200)
    resp = client.get("/api/v1/uploads")
    assert resp.status_code == API[role]
    assert ("audit.csv" in resp.get_data(as_text=True)) == (role in MAY)
    # With the account's API token.
    token = actors[role].token
    if token:
        headers = {"Authorization": f"Bearer {token}"}
        api = app.server.test_client()
        assert api.get(original, headers=headers).status_code == ORIGINAL[role]
        assert api.get("/api/v1/uploads", headers=headers).status_code == API[role]


def test_provincie_lands_on_its_delivery_status_not_the_auditlog(world):
    app, actors, clients, upload_id = world
    client = app.server.test_client()
    client.get("/login")
    p = actors["provincie"]
    data = {"gebruikersnaam": p.username, "wachtwoord": p.password, "csrf_token": client.get_cookie("_csrf_token").value, "next": "/auditlog"}
    resp = client.post("/login", data=data)
    assert resp.status_code == 302 and resp.headers["Location"] == "/aanlevering"
    assert client.get("/aanlevering").status_code == 200
    assert "Amsterdam (GM0363)" in page_content(client, "/aanlevering")
    # The menu offers it Aanleverstatus, not Auditlog.
    menu = json.dumps(client.get("/_dash-layout").get_json())
    assert "/aanlevering" in menu and "/auditlog" not in menu

