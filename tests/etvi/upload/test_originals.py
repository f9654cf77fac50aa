"""Several app servers, one database and nothing else shared: an original uploaded through one
server is handed out by another with its own data folder, a file checked on one server is
confirmed on another, and the migration to 0006 moves the originals of the former file store
(ETVI_STORE_DIR) into the database. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import logging
import shutil
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from etl import referencedata
from etvi.upload import originals, pending
from models import db
from models.tables import PendingUpload, StoredFile, Upload, utcnow
from tests.support.app import create_actors, csv_file, login, make_app, multipart
from tests.support.database import create_database, sample_geography
from tests.support.paths import REPO
from tests.support.upload import Dash, data_url, text_of


def _data_folder(tmp_path, name):
    folder = tmp_path / name
    shutil.copytree(REPO / "data", folder)
    return folder


def test_an_original_uploaded_on_one_server_downloads_from_another(accounts_app, ref_db, tmp_path, monkeypatch):
    app_a, actors, _ = accounts_app
    content = csv_file([("GM0363", "vastgesteld", "van server A")])
    gemeente = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    admin = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    folder_a = _data_folder(tmp_path, "server-a")
    monkeypatch.setenv("ETVI_DATA_DIR", str(folder_a))
    monkeypatch.setenv("ETVI_CACHE_DIR", str(folder_a / "cache"))
    resp = app_a.server.test_client().post("/api/v1/uploads", data=multipart(content, "Amsterdam.csv"), headers=gemeente)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    upload_id = resp.get_json()["upload_id"]
    again = app_a.server.test_client().post("/api/v1/uploads", data=multipart(content, "nogmaals.csv"), headers=gemeente)
    assert again.get_json()["outcome"] == "ongewijzigd"

    folder_b = _data_folder(tmp_path, "server-b")  # another machine: nothing of A's disk
    monkeypatch.setenv("ETVI_DATA_DIR", str(folder_b))
    monkeypatch.setenv("ETVI_CACHE_DIR", str(folder_b / "cache"))
    app_b = make_app(ref_db)
    client_b = app_b.server.test_client()
    listed = client_b.get("/api/v1/uploads", headers=admin).get_json()["uploads"]
    assert [u["uitkomst"] for u in listed] == ["ongewijzigd", "geladen"]
    for row in listed:
        resp = client_b.get(row["origineel"], headers=admin)
        assert resp.status_code == 200 and resp.data == content
    assert listed[1]["origineel"] == f"/api/v1/uploads/{upload_id}/bestand"
    assert "Amsterdam.csv" in client_b.get(listed[1]["origineel"], headers=admin).headers["Content-Disposition"]
    assert client_b.get(listed[1]["origineel"], headers=gemeente).data == content  # Amsterdam's own
    other = {"Authorization": f"Bearer {actors['gemeente_b'].token}"}
    assert client_b.get(listed[1]["origineel"], headers=other).status_code == 404  # not Rotterdam's
    with db.session(ref_db) as s:
        kept = s.exec(select(StoredFile)).all()
    assert [(f.sha256, f.size) for f in kept] == [(hashlib.sha256(content).hexdigest(), len(content))]  # once
    assert not [p for p in (folder_a, folder_b) if (p / "uploads").exists()]  # nothing on disk


def _logged_in(app, actor):
    client = app.server.test_client()
    client.get("/")
    login(client, actor.username, actor.password)
    return client


def _upload_row(conn, sha, stored_path, name):
    conn.execute(
        text(
            "INSERT INTO upload (file_name, sha256, stored_path, username, channel, created_at, rows_read, records_written, outcome, is_demo) "
            "VALUES (:name, :sha, :path, 'cli', 'cli', :t, 1, 1, 'geladen', :demo)"
        ),
        {"name": name, "sha": sha, "path": stored_path, "t": "2026-03-01 10:00:00", "demo": False},
    )


def test_upgrade_from_0005_moves_the_store_folder_into_the_database(backend, tmp_path, monkeypatch, caplog):
    """Files the upload log refers to move into ``storedfile`` (once per hash); a missing file
    is skipped with a warning and its upload loses the download; the API then serves the moved
    original without the folder; downgrading writes the originals back."""
    store = tmp_path / "oude-opslag"
    first, second = b"gemeentecode;peildatum\nGM0363;2026-03-01\n", b"ander bestand\n"
    sha1, sha2, sha_missing = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest(), "ab" * 32
    for sha, data, suffix in ((sha1, first, ".csv"), (sha2, second, ".xlsx")):
        (store / sha[:2]).mkdir(parents=True, exist_ok=True)
        (store / sha[:2] / f"{sha}{suffix}").write_bytes(data)
    monkeypatch.setenv("ETVI_STORE_DIR", str(store))
    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url, "0005")
        with db.engine(url).begin() as conn:
            _upload_row(conn, sha1, f"{sha1[:2]}/{sha1}.csv", "eerste.csv")
            _upload_row(conn, sha1, f"{sha1[:2]}/{sha1}.csv", "eerste opnieuw.csv")
            _upload_row(conn, sha2, f"{sha2[:2]}/{sha2}.xlsx", "tweede.xlsx")
            _upload_row(conn, sha_missing, f"{sha_missing[:2]}/{sha_missing}.csv", "kwijt.csv")
            _upload_row(conn, "", None, "geweigerd.csv")
        with caplog.at_level(logging.WARNING):
            db.upgrade(url)
        assert any(sha_missing in r.getMessage() and str(store) in r.getMessage() for r in caplog.records)
        with db.engine(url).connect() as conn:
            kept = {r[0]: (r[1], bytes(r[2])) for r in conn.execute(text("SELECT sha256, size, content FROM storedfile"))}
            marks = [tuple(r) for r in conn.execute(text("SELECT file_name, stored_path IS NOT NULL FROM upload ORDER BY id"))]
        assert kept == {sha1: (len(first), first), sha2: (len(second), second)}
        assert marks == [("eerste.csv", True), ("eerste opnieuw.csv", True), ("tweede.xlsx", True), ("kwijt.csv", False), ("geweigerd.csv", False)]

        shutil.rmtree(store)  # the folder is no longer needed: the API serves from the database
        with db.session(url) as s:
            referencedata.load_geography(s, *sample_geography())
        actors = create_actors(url)
        client = make_app(url).server.test_client()
        admin = {"Authorization": f"Bearer {actors['beheerder'].token}"}
        listed = {u["bestand"]: u for u in client.get("/api/v1/uploads", headers=admin).get_json()["uploads"]}
        assert client.get(listed["eerste opnieuw.csv"]["origineel"], headers=admin).data == first
        assert client.get(listed["tweede.xlsx"]["origineel"], headers=admin).data == second
        assert listed["kwijt.csv"]["origineel"] is None

        db.dispose_all()
        from alembic import command

        command.downgrade(db.alembic_config(url), "0005")
        assert (store / sha1[:2] / f"{sha1}.csv").read_bytes() == first
        assert (store / sha2[:2] / f"{sha2}.xlsx").read_bytes() == second
    finally:
        db.dispose_all()
        drop()


def test_a_check_on_one_server_is_confirmed_on_another(accounts_app, ref_db, tmp_path, monkeypatch):
    """The checked file waits in the database: server B (another data and cache folder) confirms
    what server A checked, exactly once; another user cannot take it."""
    app_a, actors, client_for = accounts_app
    content = csv_file([("GM0363", "vastgesteld", "gecontroleerd op A")])
    folder_a = _data_folder(tmp_path, "server-a")
    monkeypatch.setenv("ETVI_DATA_DIR", str(folder_a))
    monkeypatch.setenv("ETVI_CACHE_DIR", str(folder_a / "cache"))
    on_a = Dash(app_a, client_for("gemeente_a"))
    out = on_a.call("aanl-upload", "contents", data_url(content), {"aanl-upload.filename": "Amsterdam.csv"})
    waiting = out["aanl-wacht.data"]
    assert waiting and waiting["bestand"] == "Amsterdam.csv"

    folder_b = _data_folder(tmp_path, "server-b")
    monkeypatch.setenv("ETVI_DATA_DIR", str(folder_b))
    monkeypatch.setenv("ETVI_CACHE_DIR", str(folder_b / "cache"))
    app_b = make_app(ref_db)
    on_b = Dash(app_b, _logged_in(app_b, actors["gemeente_a"]))
    other = Dash(app_b, _logged_in(app_b, actors["gemeente_b"]))
    out = other.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    assert "geen gecontroleerd bestand" in text_of(out["aanl-resultaat.children"])  # not theirs
    out = on_b.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    assert "is opgeslagen" in text_of(out["aanl-resultaat.children"])
    again = on_b.call("aanl-bevestig", "n_clicks", 2, {"aanl-wacht.data": waiting})
    assert "geen gecontroleerd bestand" in text_of(again["aanl-resultaat.children"])
    with db.session(ref_db) as s:
        loaded = [(u.outcome, u.channel, u.username) for u in s.exec(select(Upload).order_by(Upload.id))]
        assert s.exec(select(PendingUpload)).all() == []
        assert originals.read(s, hashlib.sha256(content).hexdigest()) == content
    assert loaded == [("geladen", "web", actors["gemeente_a"].username)]
    assert not [p for p in (folder_a, folder_b) if (p / "cache" / "aanleveren").exists()]


def test_a_waiting_file_expires(accounts_app, ref_db, monkeypatch):
    app, actors, client_for = accounts_app
    page = Dash(app, client_for("gemeente_a"))
    out = page.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "")])), {"aanl-upload.filename": "a.csv"})
    waiting = out["aanl-wacht.data"]
    with db.session(ref_db) as s:
        s.execute(text("UPDATE pendingupload SET created_at = :t"), {"t": utcnow() - timedelta(hours=pending.PENDING_HOURS, minutes=1)})
    out = page.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    assert "verlopen" in text_of(out["aanl-resultaat.children"])
    with db.session(ref_db) as s:
        assert s.exec(select(Upload.outcome)).all() == []
