"""A gemeente downloads what it delivered: the stored original of an upload about its own
gemeente(n) (its own, a colleague's, the beheerder's for it), never another gemeente's — also not
by guessing ids or hashes, which answer like an upload that does not exist (404) — and a file
about several gemeenten only when it sent that file itself. The upload log on /aanleveren links
exactly those; the beheerder downloads every one; a provincie none (403); anonymous must log in
(401). Every download is in the audit log. Through HTTP against a live server, SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
import re

import requests

from etvi.accounts import users
from models import db
from tests.support.app import create_actors, csv_file, page_content

AMS, RDAM, DH = "GM0363", "GM0599", "GM0518"
NOT_FOUND = "Upload {} bestaat niet."


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _account(url: str, username: str, codes: list[str]) -> tuple[str, str]:
    """Another gemeente account: its password and API token."""
    password = f"wachtwoord-{username}-123"
    with db.session(url) as s:
        users.create_user(s, username, "gemeente", codes, password=password, actor="test")
        return password, users.create_token(s, username, actor="test")


class Browser:
    """A logged-in ``requests`` session against the live server, shaped like Flask's test client
    where ``page_content`` uses it, so the page is asked exactly as the browser asks it."""

    def __init__(self, base: str, username: str, password: str):
        self.base, self.session = base, requests.Session()
        self.session.get(base + "/login", timeout=30)
        data = {"gebruikersnaam": username, "wachtwoord": password, "csrf_token": self.session.cookies["_csrf_token"]}
        resp = self.session.post(base + "/login", data=data, timeout=30, allow_redirects=False)
        assert resp.status_code == 302 and "/login" not in resp.headers["Location"], resp.text[:300]

    def get(self, path: str) -> requests.Response:
        return _flask_like(self.session.get(self.base + path, timeout=30))

    def post(self, path: str, json: dict, headers: dict) -> requests.Response:
        headers = {**headers, "Origin": self.base}  # our own origin, as the browser sends it
        return _flask_like(self.session.post(self.base + path, json=json, headers=headers, timeout=60))

    def get_cookie(self, name: str):
        value = self.session.cookies.get(name)
        return None if value is None else type("Cookie", (), {"value": value})()


def _flask_like(resp: requests.Response) -> requests.Response:
    resp.get_json = resp.json
    resp.get_data = lambda as_text=False: resp.text if as_text else resp.content
    return resp


def _linked(browser: Browser) -> set[int]:
    """The uploads whose original the upload log on /aanleveren offers this user."""
    return {int(n) for n in re.findall(r"/api/v1/uploads/(\d+)/bestand", page_content(browser, "/aanleveren"))}


def test_a_gemeente_downloads_what_it_delivered_and_nothing_else(ref_db, live_server):
    server = live_server(ref_db)
    base, api = server.url, server.url + "/api/v1"
    actors = create_actors(ref_db)
    ams, rdam, prov, admin = (actors[k] for k in ("gemeente_a", "gemeente_b", "provincie", "beheerder"))
    _, colleague = _account(ref_db, "amsterdam-collega", [AMS])
    samen_password, samen = _account(ref_db, "samenwerking", [AMS, RDAM])
    _, partner = _account(ref_db, "samenwerking-partner", [AMS, RDAM])  # the same scope, but did not send the region's file

    sent: dict[str, tuple[int, bytes]] = {}
    for name, token, rows in [
        ("eigen.csv", ams.token, [(AMS, "vastgesteld", "van Amsterdam zelf")]),
        ("collega.csv", colleague, [(AMS, "in voorbereiding", "van een collega")]),
        ("beheer-voor-ams.csv", admin.token, [(AMS, "vastgesteld", "de beheerder voor Amsterdam")]),
        ("rotterdam.csv", rdam.token, [(RDAM, "vastgesteld", "geheim van Rotterdam")]),
        ("regio.csv", samen, [(AMS, "in voorbereiding", "regio"), (RDAM, "in voorbereiding", "regio")]),
        ("landelijk.csv", admin.token, [(AMS, "vastgesteld", "land"), (RDAM, "vastgesteld", "land"), (DH, "vastgesteld", "land")]),
    ]:
        content = csv_file(rows)
        resp = requests.post(api + "/uploads", files={"file": (name, content)}, headers=_bearer(token), timeout=60)
        assert resp.status_code == 201, resp.text[:300]
        sent[name] = (resp.json()["upload_id"], content)
    refused = requests.post(api + "/uploads", files={"file": ("kapot.csv", b"\x00\x01")}, headers=_bearer(ams.token), timeout=60)
    assert refused.status_code == 422  # logged, but no original kept
    ids = {name: upload_id for name, (upload_id, _) in sent.items()}
    everything = set(ids.values())
    mine = {ids["eigen.csv"], ids["collega.csv"], ids["beheer-voor-ams.csv"]}

    rotterdam = Browser(base, rdam.username, rdam.password)

    def rotterdam_sees(upload_id: int) -> str:
        return rotterdam.session.get(f"{api}/uploads/{upload_id}/bestand", timeout=30).json()["fout"]

    # Amsterdam, logged in as in the browser: the upload log links exactly its own gemeente's originals ...
    amsterdam = Browser(base, ams.username, ams.password)
    assert _linked(amsterdam) == mine
    for name in ("eigen.csv", "collega.csv", "beheer-voor-ams.csv"):
        upload_id, content = sent[name]
        resp = amsterdam.session.get(f"{api}/uploads/{upload_id}/bestand", timeout=30)
        assert resp.status_code == 200 and resp.content == content, (name, resp.text[:300])
        assert name in resp.headers["Content-Disposition"] and resp.headers["Content-Type"] == "application/octet-stream"
    # ... and with its API token too.
    own = requests.get(f"{api}/uploads/{ids['eigen.csv']}/bestand", headers=_bearer(ams.token), timeout=30)
    assert own.status_code == 200 and own.content == sent["eigen.csv"][1]

    # Every other id, and ids past the end, answer as an upload that does not exist: the same Dutch 404.
    last = refused.json()["upload_id"]
    hidden = sorted((everything - mine) | {last + 1, last + 50})
    for upload_id in hidden:
        for resp in (
            amsterdam.session.get(f"{api}/uploads/{upload_id}/bestand", timeout=30),
            requests.get(f"{api}/uploads/{upload_id}/bestand", headers=_bearer(ams.token), timeout=30),
        ):
            assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("application/problem+json"), upload_id
            assert resp.json()["fout"] == NOT_FOUND.format(upload_id), resp.text
            assert b"Rotterdam" not in resp.content and b"regio" not in resp.content and b"land" not in resp.content
    # Its own refused attempt: it exists for Amsterdam, but kept no original.
    upload_id = refused.json()["upload_id"]
    resp = amsterdam.session.get(f"{api}/uploads/{upload_id}/bestand", timeout=30)
    assert resp.status_code == 404 and resp.json()["fout"] == f"Van upload {upload_id} is geen origineel bewaard (bijvoorbeeld omdat het geweigerd is)."
    assert rotterdam_sees(upload_id) == NOT_FOUND.format(upload_id)  # to anyone else it does not exist
    # Hashes name no original: there is no address with one.
    for content in (sent["rotterdam.csv"][1], sent["regio.csv"][1]):
        sha = hashlib.sha256(content).hexdigest()
        for path in (f"/uploads/{sha}/bestand", f"/uploads/{sha[:12]}/bestand", f"/bestanden/{sha}"):
            resp = amsterdam.session.get(api + path, timeout=30)
            assert resp.status_code == 404 and content not in resp.content, path

    # Rotterdam gets its own, not Amsterdam's, nor the region's file it shares but did not send.
    assert _linked(rotterdam) == {ids["rotterdam.csv"]}
    for name in ("eigen.csv", "regio.csv", "landelijk.csv"):
        assert rotterdam.session.get(f"{api}/uploads/{ids[name]}/bestand", timeout=30).status_code == 404, name
    # The region's file: only the account that sent it (and the beheerder).
    regio = Browser(base, "samenwerking", samen_password)
    assert ids["regio.csv"] in _linked(regio) and ids["landelijk.csv"] not in _linked(regio)
    resp = regio.session.get(f"{api}/uploads/{ids['regio.csv']}/bestand", timeout=30)
    assert resp.status_code == 200 and resp.content == sent["regio.csv"][1]
    assert requests.get(f"{api}/uploads/{ids['landelijk.csv']}/bestand", headers=_bearer(samen), timeout=30).status_code == 404
    for name, status in (("regio.csv", 404), ("landelijk.csv", 404), ("eigen.csv", 200), ("rotterdam.csv", 200)):
        assert requests.get(f"{api}/uploads/{ids[name]}/bestand", headers=_bearer(partner), timeout=30).status_code == status, name

    # The beheerder: every original, on the page and through the API.
    beheer = Browser(base, admin.username, admin.password)
    assert _linked(beheer) == everything
    for name, (upload_id, content) in sent.items():
        assert requests.get(f"{api}/uploads/{upload_id}/bestand", headers=_bearer(admin.token), timeout=30).content == content, name
    # A provincie: none (it has the delivery status, not the upload log); anonymous and a bad token: log in first.
    resp = requests.get(f"{api}/uploads/{ids['eigen.csv']}/bestand", headers=_bearer(prov.token), timeout=30)
    assert resp.status_code == 403 and "gemeenteaccounts" in resp.json()["fout"] and resp.content != sent["eigen.csv"][1]
    for headers in ({}, _bearer(actors["ongeldig_token"].token)):
        resp = requests.get(f"{api}/uploads/{ids['eigen.csv']}/bestand", headers=headers, timeout=30)
        assert resp.status_code == 401 and resp.json()["fout"] and b"Amsterdam zelf" not in resp.content
    anonymous = requests.get(base + "/aanleveren", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")

    # Every download is in the audit log, with who and which upload; refusals download nothing.
    events = requests.get(api + "/audit", params={"actie": "origineel_gedownload", "pageSize": 1000}, headers=_bearer(admin.token), timeout=30)
    assert events.status_code == 200, events.text[:300]
    logged = [(e["door"], e["details"]["upload_id"]) for e in events.json()["gebeurtenissen"]]
    assert sorted(u for who, u in logged if who == ams.username) == sorted([*mine, ids["eigen.csv"]])
    assert [u for who, u in logged if who == rdam.username] == []
    assert [u for who, u in logged if who == "samenwerking"] == [ids["regio.csv"]]
