"""The HTTP API in detail: dry runs, limits, bad input, the audit log and stored originals."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from models import db
from models.tables import AuditEvent, StatusRecord, Upload
from tests.support.app import create_actors, csv_file, login, make_app, multipart


@pytest.fixture
def setup(ref_db):
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    auth = {k: {"Authorization": f"Bearer {a.token}"} for k, a in actors.items() if a.token}
    return app, actors, auth


def test_dry_run_previews_and_writes_nothing(setup, ref_db):
    app, actors, auth = setup
    client = app.server.test_client()
    content = csv_file([("GM0363", "vastgesteld", "proef")])
    resp = client.post("/api/v1/uploads?dryRun=1", data=multipart(content), headers=auth["gemeente_a"])
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["outcome"] == "proef" and body["upload_id"] is None and body["problems"] == []
    assert body["changes"] == [
        {
            "gemeente_code": "GM0363",
            "gemeente": "Amsterdam",
            "onderdeel": "verordening",
            "peildatum": "2026-03-01",
            "huidige_status": None,
            "nieuwe_status": "vastgesteld",
            "wat": "nieuw",
            "details": "",
            "huidige_peildatum": None,
        }
    ]
    with db.session(ref_db) as s:
        assert s.exec(select(StatusRecord)).all() == []
        assert s.exec(select(Upload)).all() == []
    # Then for real, then the same file again: unchanged.
    resp = client.post("/api/v1/uploads", data=multipart(content), headers=auth["gemeente_a"])
    assert resp.status_code == 201 and resp.get_json()["records_written"] == 1
    resp = client.post("/api/v1/uploads", data=multipart(content), headers=auth["gemeente_a"])
    assert resp.status_code == 200 and resp.get_json()["outcome"] == "ongewijzigd"


def test_wrong_status_word_reports_row_and_allowed_words(setup, ref_db):
    app, actors, auth = setup
    content = csv_file([("GM0363", "vastgesteld", "goed"), ("GM0363", "klaar", "fout woord")])
    resp = app.server.test_client().post("/api/v1/uploads", data=multipart(content), headers=auth["beheerder"])
    assert resp.status_code == 422
    problems = resp.get_json()["problems"]
    assert len(problems) == 1
    p = problems[0]
    assert p["row"] == 3 and p["value"] == "klaar" and "vastgesteld" in p["allowed"]
    assert "rij 3" in p["text"]


def test_peildatum_field_and_bad_input(setup, ref_db):
    app, actors, auth = setup
    client = app.server.test_client()
    content = b"gemeentecode;woonzorgvisie\nGM0363;in concept\n"
    # No peildatum anywhere: refused by the ETL with its message; logged.
    resp = client.post("/api/v1/uploads", data=multipart(content), headers=auth["gemeente_a"])
    assert resp.status_code == 422 and "peildatum" in resp.get_data(as_text=True).lower()
    resp = client.post("/api/v1/uploads", data=multipart(content, peildatum="1-3-2026"), headers=auth["gemeente_a"])
    assert resp.status_code == 400 and "JJJJ-MM-DD" in resp.get_json()["fout"]
    resp = client.post("/api/v1/uploads", data=multipart(content, peildatum="2026-02-30"), headers=auth["gemeente_a"])
    assert resp.status_code == 400
    resp = client.post("/api/v1/uploads", data={}, headers=auth["gemeente_a"])
    assert resp.status_code == 400 and "Geen bestand" in resp.get_json()["fout"]
    resp = client.post("/api/v1/uploads", data=multipart(content, peildatum="2026-03-01"), headers=auth["gemeente_a"])
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.get_json()["records_written"] == 1
    with db.session(ref_db) as s:
        outcomes = [u.outcome for u in s.exec(select(Upload).order_by(Upload.id)).all()]
    assert outcomes == ["geweigerd", "geweigerd", "geweigerd", "geweigerd", "geladen"]
    resp = client.post("/api/v1/uploads", data=multipart(content), headers={"Authorization": "Basic abc"})
    assert resp.status_code == 401 and "Bearer" in resp.get_json()["fout"]


def test_too_large_is_413_and_logged(setup, ref_db, monkeypatch):
    app, actors, auth = setup
    monkeypatch.setenv("ETVI_MAX_FILE_MB", "1")
    big = csv_file([("GM0363", "vastgesteld", "x" * 1000)] * 1200)
    assert len(big) > 1024 * 1024
    resp = app.server.test_client().post("/api/v1/uploads", data=multipart(big), headers=auth["gemeente_a"])
    assert resp.status_code == 413 and "1 MB" in resp.get_json()["fout"]
    with db.session(ref_db) as s:
        row = s.exec(select(Upload)).one()
    assert row.outcome == "geweigerd" and row.username == "amsterdam" and "te groot" in row.error_report


def test_audit_log_lists_attempts_and_serves_originals(setup, ref_db):
    app, actors, auth = setup
    client = app.server.test_client()
    good = csv_file([("GM0363", "in voorbereiding", "eerste")])
    bad = csv_file([("GM0599", "vastgesteld", "niet van mij")])
    assert client.post("/api/v1/uploads", data=multipart(good, "Amsterdam maart.csv"), headers=auth["gemeente_a"]).status_code == 201
    assert client.post("/api/v1/uploads", data=multipart(bad), headers=auth["gemeente_a"]).status_code == 422
    resp = client.get("/api/v1/uploads", headers=auth["beheerder"])
    assert resp.status_code == 200
    uploads = resp.get_json()["uploads"]
    assert [u["uitkomst"] for u in uploads] == ["geweigerd", "geladen"]
    loaded = uploads[1]
    assert loaded["bestand"] == "Amsterdam maart.csv" and loaded["sha256"] == hashlib.sha256(good).hexdigest()
    assert loaded["gebruiker"] == "amsterdam" and loaded["records_geschreven"] == 1 and loaded["kanaal"] == "api"
    assert uploads[0]["fouten"] and uploads[0]["origineel"] is None
    resp = client.get(loaded["origineel"], headers=auth["beheerder"])
    assert resp.status_code == 200 and resp.data == good
    assert "Amsterdam" in resp.headers["Content-Disposition"]
    assert client.get(loaded["origineel"], headers=auth["gemeente_a"]).data == good  # Amsterdam's own delivery
    assert client.get(loaded["origineel"], headers=auth["gemeente_b"]).status_code == 404  # not Rotterdam's
    assert client.get(loaded["origineel"], headers=auth["provincie"]).status_code == 403
    assert client.get(loaded["origineel"]).status_code == 401
    # One attempt with its report.
    one = client.get(f"/api/v1/uploads/{uploads[0]['id']}", headers=auth["beheerder"])
    assert one.status_code == 200 and one.get_json() == uploads[0] and one.get_json()["fouten"]
    assert client.get(f"/api/v1/uploads/{uploads[0]['id']}", headers=auth["gemeente_a"]).status_code == 403
    assert client.get("/api/v1/uploads/99999", headers=auth["beheerder"]).status_code == 404
    assert client.get(f"/api/v1/uploads/{uploads[0]['id']}/bestand", headers=auth["beheerder"]).status_code == 404
    assert client.get("/api/v1/uploads/99999/bestand", headers=auth["beheerder"]).status_code == 404
    # Filters.
    resp = client.get("/api/v1/uploads?uitkomst=geladen", headers=auth["beheerder"])
    assert [u["id"] for u in resp.get_json()["uploads"]] == [loaded["id"]]
    assert client.get("/api/v1/uploads?limit=x", headers=auth["beheerder"]).status_code == 400
    # A beheerder in the browser downloads through the session (the audit-log page links there).
    browser = app.server.test_client()
    login(browser, actors["beheerder"].username, actors["beheerder"].password)
    assert browser.get(loaded["origineel"]).data == good
    with db.session(ref_db) as s:
        downloads = s.exec(select(AuditEvent).where(AuditEvent.action == "origineel_gedownload").order_by(AuditEvent.id)).all()
    assert [e.username for e in downloads] == ["vng", "amsterdam", "vng"]  # every download, Amsterdam's of its own too


def test_delivery_view_scoped_to_provincie(setup, ref_db):
    app, actors, auth = setup
    client = app.server.test_client()
    content = csv_file([("GM0363", "vastgesteld", "")])
    assert client.post("/api/v1/uploads", data=multipart(content), headers=auth["gemeente_a"]).status_code == 201
    resp = client.get("/api/v1/aanlevering", headers=auth["provincie"])
    assert resp.status_code == 200
    rows = {r["gemeente_code"]: r for r in resp.get_json()["gemeenten"]}
    assert all(r["provincie_code"] == "PV27" for r in rows.values())
    assert rows["GM0363"]["door"] == "amsterdam" and rows["GM0363"]["laatste_peildatum"] == "2026-03-01"
    assert rows["GM0361"]["door"] is None  # Alkmaar never delivered
    assert client.get("/api/v1/aanlevering?provincie=PV28", headers=auth["provincie"]).status_code == 403
    assert client.get("/api/v1/aanlevering", headers=auth["gemeente_a"]).status_code == 403
    assert client.get("/api/v1/aanlevering?provincie=PV28", headers=auth["beheerder"]).status_code == 200
    assert client.get("/api/v1/aanlevering").status_code == 401


def test_errors_are_json_in_dutch(setup):
    app, actors, auth = setup
    client = app.server.test_client()
    resp = client.get("/api/v1/uploads/1/bestand", headers={"Authorization": "Bearer fout"})
    assert resp.status_code == 401 and resp.is_json and "token" in resp.get_json()["fout"]
    resp = client.delete("/api/v1/uploads", headers=auth["beheerder"])
    assert resp.status_code == 405 and resp.is_json and resp.get_json()["fout"]
    resp = client.get("/api/v1/status?format=xml")
    assert resp.status_code == 400 and "json of csv" in resp.get_json()["fout"]


def test_status_matches_export(setup, ref_db, tmp_path):
    from etl import export

    app, actors, auth = setup
    client = app.server.test_client()
    content = csv_file([("GM0363", "vastgesteld", "=1+1"), ("GM0599", "in voorbereiding", "")], peildatum="2026-02-01")
    assert client.post("/api/v1/uploads", data=multipart(content), headers=auth["beheerder"]).status_code == 201
    body = client.get("/api/v1/status?peildatum=2026-03-01").get_json()
    assert body["peildatum"] == "2026-03-01" and body["aantal"] == 342
    rows = {r["gemeentecode"]: r for r in body["gemeenten"]}
    assert rows["GM0363"]["verordening"] == "vastgesteld" and rows["GM0363"]["verordening peildatum"] == "2026-02-01"
    assert rows["GM0599"]["verordening"] == "in voorbereiding"
    assert rows["GM0344"]["verordening"] is None
    assert client.get("/api/v1/status?peildatum=2026-01-01").get_json()["gemeenten"][0]["verordening"] is None
    # CSV: byte for byte what `etvi export` writes.
    resp = client.get("/api/v1/status?peildatum=2026-03-01&format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    out = export.write_export(tmp_path / "export.csv", fmt="csv", peildatum=__import__("datetime").date(2026, 3, 1), url=ref_db)
    assert resp.data == out.read_bytes()
    assert client.get("/api/v1/status?peildatum=2026-13-01").status_code == 400


def _upload_rows(url):
    with db.session(url) as s:
        return [(u.file_name, u.outcome) for u in s.exec(select(Upload).order_by(Upload.id)).all()]


def test_hostile_files_are_422_with_problems_and_logged(setup, ref_db):
    from tests.support import hostile
    from tests.support.etl import FX

    app, actors, auth = setup
    client = app.server.test_client()
    unterminated = b'gemeentecode;peildatum;verordening;toelichting\nGM0363;2026-03-01;geen;"open\nGM0363;2026-03-01;geen;x\n'
    long_cell = b"gemeentecode;peildatum;verordening;toelichting\nGM0363;2026-03-01;geen;" + b"x" * 200_000 + b"\n"
    cases = [
        ("open.csv", unterminated, 'open.csv, rij 2: aanhalingsteken (") niet afgesloten'),
        ("lang.csv", long_cell, "lang.csv, rij 2: een cel is langer dan 131.072 tekens"),
        ("rommel.xlsx", (FX / "xml_rommel_na_einde.xlsx").read_bytes(), "rommel.xlsx: het bestand is beschadigd"),
        ("bom.xlsx", (FX / "xml_entiteitenbom.xlsx").read_bytes(), "bom.xlsx: het bestand bevat een DTD of entiteitsdefinitie"),
        ("fout.ods", (FX / "foutwaarden_libreoffice.ods").read_bytes(), "rij 3, kolom 'woonzorgvisie': de cel bevat een foutwaarde (#REF!)"),
        # one stray cell far away: the reader used to abort the worker process (issue 9, item 3)
        ("ver.xlsx", hostile.xlsx_bytes(hostile.status_rows() + '<row r="150000"><c r="XFD150000"><v>1</v></c></row>'), "ver.xlsx, blad Status: cel XFD150000 ligt buiten het bereik"),
        ("ver.ods", hostile.ods_bytes(hostile.ods_status_rows() + "<table:table-row>" + hostile.ods_cell("x", ' table:number-columns-repeated="16384"') + "</table:table-row>"), "ver.ods, blad Status: cel XFD4 ligt buiten het bereik"),
        ("ver.xls", hostile.xls_with(FX / "template_ingevuld_libreoffice.xls", cell=(5, 0xFFFF)), "cel CRXP6 ligt buiten het bereik"),
    ]
    for name, content, fragment in cases:
        resp = client.post("/api/v1/uploads", data=multipart(content, name=name), headers=auth["beheerder"])
        assert resp.status_code == 422, (name, resp.get_data(as_text=True))
        body = resp.get_json()
        assert body["outcome"] == "geweigerd" and body["upload_id"]
        assert any(fragment in p["text"] for p in body["problems"]), (name, body["problems"])
    assert _upload_rows(ref_db) == [(name, "geweigerd") for name, _, _ in cases]
    with db.session(ref_db) as s:
        assert s.exec(select(StatusRecord)).all() == []


def test_dry_run_values_and_refused_dry_runs_are_not_logged(setup, ref_db):
    app, actors, auth = setup
    client = app.server.test_client()
    content = csv_file([("GM0363", "vastgesteld", "proef")])
    for value in ("2", "misschien", "tru"):
        resp = client.post(f"/api/v1/uploads?dryRun={value}", data=multipart(content), headers=auth["gemeente_a"])
        assert resp.status_code == 400 and "Toegestaan: 1, 0, true, false, ja, nee" in resp.get_json()["fout"]
    assert [o for _, o in _upload_rows(ref_db)] == ["geweigerd"] * 3  # not known to be a dry run: logged
    before = _upload_rows(ref_db)
    bad_peildatum = client.post("/api/v1/uploads?dryRun=ja", data=multipart(content, peildatum="1-3-2026"), headers=auth["gemeente_a"])
    assert bad_peildatum.status_code == 400
    no_file = client.post("/api/v1/uploads", data={"dryRun": "true"}, headers=auth["gemeente_a"])
    assert no_file.status_code == 400
    broken = client.post("/api/v1/uploads?dryRun=1", data=multipart(b"PK\x03\x04 kapot", name="x.xlsx"), headers=auth["gemeente_a"])
    assert broken.status_code == 422 and broken.get_json()["upload_id"] is None
    not_allowed = client.post("/api/v1/uploads?dryRun=1", data=multipart(content), headers=auth["provincie"])
    assert not_allowed.status_code == 403
    assert _upload_rows(ref_db) == before  # a dry run writes nothing, not even a refusal
    for value, status in (("0", 201), ("nee", 200), ("false", 200)):
        resp = client.post(f"/api/v1/uploads?dryRun={value}", data=multipart(content), headers=auth["gemeente_a"])
        assert resp.status_code == status, resp.get_data(as_text=True)
    assert _upload_rows(ref_db)[-3:] == [("status.csv", "geladen"), ("status.csv", "ongewijzigd"), ("status.csv", "ongewijzigd")]
