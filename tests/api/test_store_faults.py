"""POST /api/v1/uploads and the confirm on /aanleveren when the upload store cannot take the
original (full, read-only, a plain file): 503 with Dutch problem JSON, a Dutch notice on the page,
nothing loaded, the attempt logged. On SQLite and PostgreSQL."""

from __future__ import annotations

import tempfile

import pytest
from sqlmodel import select

from models import db
from models.tables import StatusRecord, Upload
from tests.api.support import csv_file, multipart
from tests.store_faults import FAULTS, inject, store_path
from tests.upload.support import Dash, data_url, text_of


def _state(url):
    with db.session(url) as s:
        uploads = [(u.outcome, u.stored_path, u.channel) for u in s.exec(select(Upload).order_by(Upload.id))]
        return uploads, len(s.exec(select(StatusRecord)).all())


@pytest.mark.parametrize("fault", list(FAULTS))
def test_api_answers_503_in_dutch(accounts_app, ref_db, tmp_path, monkeypatch, fault):
    app, actors, _ = accounts_app
    store = store_path(fault, tmp_path)
    headers = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    content = csv_file([("GM0363", "vastgesteld", "")])
    with monkeypatch.context() as m:
        m.setenv("ETVI_STORE_DIR", str(store))
        inject(fault, store, m)
        resp = app.server.test_client().post("/api/v1/uploads", data=multipart(content, "a.csv"), headers=headers)
    assert resp.status_code == 503, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["status"] == 503 and body["fout"].startswith(f"Het origineel kon niet worden bewaard in {store}")
    assert FAULTS[fault] in body["fout"] and "database" not in body["fout"]
    uploads, records = _state(ref_db)
    assert uploads == [("geweigerd", None, "api")] and records == 0
    assert body["upload_id"] is not None
    # the store works again: the same file now loads
    again = app.server.test_client().post("/api/v1/uploads", data=multipart(content, "a.csv"), headers=headers)
    assert again.status_code == 201 and again.get_json()["outcome"] == "geladen"


@pytest.mark.parametrize("fault", ["store_is_a_file", "disk_full"])
def test_confirm_on_the_page_says_what_failed(accounts_app, ref_db, tmp_path, monkeypatch, fault):
    app, actors, client_for = accounts_app
    page = Dash(app, client_for("gemeente_a"))
    out = page.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "")])), {"aanl-upload.filename": "a.csv"})
    waiting = out["aanl-wacht.data"]
    assert waiting
    store = store_path(fault, tmp_path)
    monkeypatch.setenv("ETVI_STORE_DIR", str(store))
    inject(fault, store, monkeypatch)
    out = page.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    shown = text_of(out["aanl-resultaat.children"])
    assert "Het origineel kon niet worden bewaard" in shown and FAULTS[fault] in shown and "notice-error" in shown
    uploads, records = _state(ref_db)
    assert uploads == [("geweigerd", None, "web")] and records == 0


def test_api_temporary_folder_unusable_is_503_in_dutch(accounts_app, ref_db, tmp_path, monkeypatch):
    """The upload is written to a private temporary file first; a temporary folder that is a
    plain file (or full) is a 503 in Dutch too, logged."""
    app, actors, _ = accounts_app
    plain = tmp_path / "tmp-is-een-bestand"
    plain.write_text("geen map")
    monkeypatch.setattr(tempfile, "tempdir", str(plain))
    headers = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    resp = app.server.test_client().post("/api/v1/uploads", data=multipart(csv_file([("GM0363", "vastgesteld", "")]), "a.csv"), headers=headers)
    assert resp.status_code == 503, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["fout"].startswith(f"De server kon het bestand niet tijdelijk bewaren in {plain}") and "geen map" in body["fout"]
    uploads, records = _state(ref_db)
    assert uploads == [("geweigerd", None, "api")] and records == 0


def test_page_check_with_an_unusable_cache_folder_says_so(accounts_app, ref_db, tmp_path, monkeypatch):
    """The checked file waits in ETVI_CACHE_DIR; when that cannot be written the page says so."""
    app, actors, client_for = accounts_app
    page = Dash(app, client_for("gemeente_a"))
    plain = tmp_path / "cache-is-een-bestand"
    plain.write_text("geen map")
    monkeypatch.setenv("ETVI_CACHE_DIR", str(plain))
    out = page.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "")])), {"aanl-upload.filename": "a.csv"})
    shown = text_of(out["aanl-rapport.children"])
    assert "kon niet tijdelijk worden bewaard" in shown and "geen map" in shown and "ETVI_CACHE_DIR" in shown
    assert out["aanl-wacht.data"] is None
    uploads, records = _state(ref_db)
    assert uploads == [("geweigerd", None, "web")] and records == 0
