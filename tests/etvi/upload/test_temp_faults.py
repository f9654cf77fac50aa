"""POST /api/v1/uploads and the check on /aanleveren when the server's own temporary folders
cannot take the upload (a plain file where the folder should be): 503 with Dutch problem JSON, a
Dutch notice on the page, nothing loaded, the attempt logged. On SQLite and PostgreSQL. (The
originals themselves are kept in the database; a failing database write is dashboard.faults'
503, tested in tests/dashboard/test_faults.py.)"""

from __future__ import annotations

import tempfile

from sqlmodel import select

from models import db
from models.tables import PendingUpload, StatusRecord, Upload
from tests.support.app import csv_file, multipart
from tests.support.upload import Dash, data_url, text_of


def _state(url):
    with db.session(url) as s:
        uploads = [(u.outcome, u.stored_path, u.channel) for u in s.exec(select(Upload).order_by(Upload.id))]
        return uploads, len(s.exec(select(StatusRecord)).all())


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


def test_page_check_with_an_unusable_temporary_folder_says_so(accounts_app, ref_db, tmp_path, monkeypatch):
    """The checked file is read from a private temporary file; when that cannot be written the
    page says so, in Dutch, and nothing waits for a confirm."""
    app, actors, client_for = accounts_app
    page = Dash(app, client_for("gemeente_a"))
    plain = tmp_path / "tmp-is-een-bestand"
    plain.write_text("geen map")
    monkeypatch.setattr(tempfile, "tempdir", str(plain))
    out = page.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "")])), {"aanl-upload.filename": "a.csv"})
    shown = text_of(out["aanl-rapport.children"])
    assert "niet tijdelijk bewaren" in shown and "geen map" in shown and str(plain) in shown
    assert out["aanl-wacht.data"] is None
    uploads, records = _state(ref_db)
    assert uploads == [("geweigerd", None, "web")] and records == 0
    with db.session(ref_db) as s:
        assert s.exec(select(PendingUpload)).all() == []
