"""Issue 11, item 6 (targeted, next to schemathesis): the scope of a token is respected over HTTP —
a gemeente token cannot upload for, or read the restricted data of, another gemeente; a provincie
token sees only its own provincie and uploads nothing. Also item 4: an upload's original and its
report are each reachable through the API, and users get an e-mail address (required for gemeente
and provincie accounts, as in the CLI). Live app, SQLite and PostgreSQL."""

from __future__ import annotations

import requests
from sqlmodel import select

from etvi.uitvraag import rounds
from models import db
from models.tables import StatusRecord, Upload, User
from tests.support.app import create_actors, csv_file

PEIL = "2026-03-01"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _post_file(api: str, token: str, content: bytes, name: str = "stand.csv", dry_run: bool = False) -> requests.Response:
    url = api + "/uploads" + ("?dryRun=1" if dry_run else "")
    return requests.post(url, files={"file": (name, content)}, headers=_bearer(token), timeout=30)


def test_a_gemeente_and_a_provincie_token_stay_within_their_scope(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    amsterdam, rotterdam, noord_holland = actors["gemeente_a"].token, actors["gemeente_b"].token, actors["provincie"].token
    beheer = _bearer(actors["beheerder"].token)
    assert _post_file(api, rotterdam, csv_file([("GM0599", "vastgesteld", "van Rotterdam")])).status_code == 201
    with db.session(ref_db) as s:
        rotterdam_upload = s.exec(select(Upload).where(Upload.username == "rotterdam")).one().id
        made = rounds.create_round(s, "Voorjaar", PEIL, "2026-04-01", actor="test", url=ref_db)
        rounds.open_round(s, made.id, actor="test")
        rid = made.id

    # Gemeente A: a file with another gemeente in it is refused whole (also as a dry run), nothing written.
    for dry_run in (True, False):
        mixed = _post_file(api, amsterdam, csv_file([("GM0363", "vastgesteld", "eigen"), ("GM0599", "in voorbereiding", "niet van mij")]), dry_run=dry_run)
        assert mixed.status_code == 422 and mixed.headers["Content-Type"].startswith("application/problem+json"), mixed.text
        assert any("GM0599" in p["tekst"] for p in mixed.json()["problemen"])
    with db.session(ref_db) as s:
        assert {r.gemeente_code for r in s.exec(select(StatusRecord)).all()} == {"GM0599"}
    # ... nor read another gemeente's restricted data: Rotterdam's upload, its original, the audit log, the delivery status.
    for path in (f"/uploads/{rotterdam_upload}", f"/uploads/{rotterdam_upload}/bestand", "/uploads", "/aanlevering", "/aanlevering?provincie=PV28", "/gebruikers"):
        refused = requests.get(api + path, headers=_bearer(amsterdam), timeout=30)
        expected = 404 if path.endswith("/bestand") else 403  # another gemeente's original: as if there were none
        assert refused.status_code == expected and "GM0599" not in refused.text and "van Rotterdam" not in refused.text, path
    answers = requests.get(api + f"/uitvragen/{rid}/antwoorden", headers=_bearer(amsterdam), timeout=30).json()["antwoorden"]
    assert [a["gemeentecode"] for a in answers] == ["GM0363"]
    confirm = requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "GM0599"}, headers=_bearer(amsterdam), timeout=30)
    assert confirm.status_code == 403

    # The provincie: its own delivery status only, no other provincie, no audit log, no uploads.
    own = requests.get(api + "/aanlevering", headers=_bearer(noord_holland), timeout=30)
    assert own.status_code == 200 and own.json()["provincie"] == "PV27"
    codes = {g["gemeente_code"] for g in own.json()["gemeenten"]}
    assert "GM0363" in codes and "GM0599" not in codes
    for path in ("/aanlevering?provincie=PV28", f"/uploads/{rotterdam_upload}", f"/uploads/{rotterdam_upload}/bestand", "/uploads"):
        assert requests.get(api + path, headers=_bearer(noord_holland), timeout=30).status_code == 403, path
    assert _post_file(api, noord_holland, csv_file([("GM0363", "vastgesteld", "")])).status_code == 403
    answers = requests.get(api + f"/uitvragen/{rid}/antwoorden", params={"pageSize": 1000}, headers=_bearer(noord_holland), timeout=30).json()["antwoorden"]
    assert "GM0363" in {a["gemeentecode"] for a in answers} and "GM0599" not in {a["gemeentecode"] for a in answers}
    assert requests.patch(api + f"/uitvragen/{rid}", json={"staat": "gesloten"}, headers=_bearer(noord_holland), timeout=30).status_code == 403
    # The beheerder sees it all.
    assert requests.get(api + f"/uploads/{rotterdam_upload}", headers=beheer, timeout=30).status_code == 200


def test_an_upload_has_its_original_and_its_report(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    good = csv_file([("GM0363", "vastgesteld", "goed")])
    bad = csv_file([("GM0363", "klaar", "fout woord")])
    loaded = _post_file(api, actors["gemeente_a"].token, good, "Amsterdam.csv")
    refused = _post_file(api, actors["gemeente_a"].token, bad, "fout.csv")
    assert loaded.status_code == 201 and refused.status_code == 422
    listed = requests.get(api + "/uploads", headers=beheer, timeout=30).json()["uploads"]
    assert [u["uitkomst"] for u in listed] == ["geweigerd", "geladen"]
    # The original of the accepted upload, byte for byte, linked from the list.
    original = requests.get(server.url + listed[1]["origineel"], headers=beheer, timeout=30)
    assert original.status_code == 200 and original.content == good and "Amsterdam.csv" in original.headers["Content-Disposition"]
    # The report of the refused one: where and what, with the allowed words.
    report = requests.get(api + f"/uploads/{listed[0]['id']}", headers=beheer, timeout=30)
    assert report.status_code == 200
    fouten = report.json()["fouten"]
    assert len(fouten) == 1 and fouten[0]["row"] == 2 and fouten[0]["value"] == "klaar" and "vastgesteld" in fouten[0]["allowed"]
    # ... and as CSV, linked from the list, for the beheerder only.
    assert listed[0]["rapport"] == f"/api/v1/uploads/{listed[0]['id']}/rapport"
    csv_report = requests.get(server.url + listed[0]["rapport"], headers=beheer, timeout=30)
    assert csv_report.status_code == 200 and csv_report.headers["Content-Type"].startswith("text/csv")
    lines = csv_report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Soort;Blad;Rij;Kolom;Waarde;Melding" and len(lines) == 2
    assert lines[1].startswith("fout;") and ";2;verordening;klaar;" in lines[1]
    empty = requests.get(server.url + listed[1]["rapport"], headers=beheer, timeout=30).content.decode("utf-8-sig").splitlines()
    assert empty == ["Soort;Blad;Rij;Kolom;Waarde;Melding"]
    assert requests.get(server.url + listed[0]["rapport"], headers=_bearer(actors["gemeente_a"].token), timeout=30).status_code == 403
    assert requests.get(api + "/uploads/99999/rapport", headers=beheer, timeout=30).status_code == 404


def test_users_have_an_email_address(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    beheer = _bearer(create_actors(ref_db)["beheerder"].token)
    missing = requests.post(api + "/gebruikers", json={"naam": "utrecht", "rol": "gemeente", "gemeenten": ["GM0344"]}, headers=beheer, timeout=30)
    assert missing.status_code == 400 and "e-mailadres" in missing.json()["detail"] and "--email" not in missing.json()["detail"]
    wrong = requests.post(api + "/gebruikers", json={"naam": "utrecht", "rol": "gemeente", "gemeenten": ["GM0344"], "email": "geen adres"}, headers=beheer, timeout=30)
    assert wrong.status_code == 400 and "Ongeldig e-mailadres" in wrong.json()["detail"]
    with db.session(ref_db) as s:
        assert s.exec(select(User).where(User.username == "utrecht")).first() is None
    made = requests.post(api + "/gebruikers", json={"naam": "utrecht", "rol": "gemeente", "gemeenten": ["GM0344"], "email": " wonen@utrecht.example "}, headers=beheer, timeout=30)
    assert made.status_code == 201 and made.json()["email"] == "wonen@utrecht.example"
    beheerder = requests.post(api + "/gebruikers", json={"naam": "vng2", "rol": "beheerder"}, headers=beheer, timeout=30)
    assert beheerder.status_code == 201 and beheerder.json()["email"] is None  # not required for a beheerder
    changed = requests.patch(api + "/gebruikers/utrecht", json={"email": "vh@utrecht.example", "actief": False}, headers=beheer, timeout=30)
    assert changed.status_code == 200 and changed.json()["email"] == "vh@utrecht.example" and changed.json()["actief"] is False
    assert any(u["email"] == "vh@utrecht.example" for u in requests.get(api + "/gebruikers", headers=beheer, timeout=30).json()["gebruikers"])
    removed = requests.patch(api + "/gebruikers/utrecht", json={"email": None}, headers=beheer, timeout=30)
    assert removed.status_code == 400 and removed.json()["invalidParams"][0]["name"] == "email"
    empty = requests.patch(api + "/gebruikers/utrecht", json={}, headers=beheer, timeout=30)
    assert empty.status_code == 400 and "actief" in empty.json()["detail"]
    assert requests.patch(api + "/gebruikers/niemand", json={"email": "a@b.example"}, headers=beheer, timeout=30).status_code == 404
    with db.session(ref_db) as s:
        user = s.exec(select(User).where(User.username == "utrecht")).one()
        assert user.email == "vh@utrecht.example" and not user.active
