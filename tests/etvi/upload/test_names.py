"""Upload file names are data: any name a client sends (too long, NUL and control characters,
path separators and '..', right-to-left overrides, invalid UTF-8) is stored and shown cleaned,
keeps its exact bytes in the upload log, and is never used as a path. Through the API (HTTP),
the /aanleveren callbacks, on SQLite and PostgreSQL; ``etl.names`` on its own for the class."""

from __future__ import annotations

import json
import unicodedata

import pytest
from sqlmodel import select

from etl import names
from etl.names import MAX_CHARS
from models import db
from models.tables import PendingUpload, Upload
from tests.support.app import csv_file, multipart
from tests.support.upload import Dash, data_url, text_of

HOSTILE = [
    "x" * 300 + ".csv",  # over 255 bytes: 'File name too long' as a path
    "é" * 200 + ".csv",  # 400 bytes in UTF-8, 200 characters
    "a\x00b.csv",
    "tab\tescape\x1b[31mrood\x7f.csv",
    "../../etc/passwd.csv",
    "..\\..\\windows\\system32.csv",
    "..",
    "\x00.csv",  # nothing but the extension left
    "factuur\u202evsc.exe.csv",  # right-to-left override
    "zero\u200bwidth\u2066isolate\u2069.csv",
    "regel\u2028scheiding.csv",
    "caf\udce9.csv",  # invalid UTF-8 from a file system (surrogateescape)
    "\ud800alleen.csv",  # a lone surrogate from JSON
]


def _is_clean(name: str) -> bool:
    return (
        0 < len(name) <= MAX_CHARS
        and "/" not in name and "\\" not in name and name not in (".", "..")
        and all(unicodedata.category(c) not in names.DROPPED for c in name)
    )  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE)
def test_clean_gives_a_safe_name_and_keeps_the_extension(name):
    cleaned = names.clean(name)
    assert _is_clean(cleaned), repr(cleaned)
    cleaned.encode("utf-8")  # storable and printable everywhere
    if name != "..":
        assert names.suffix(cleaned) == ".csv"
    note = names.note(name)
    assert note is not None and names.original_bytes(name) in note.message


def test_ordinary_names_are_left_alone():
    for name in ("Aanlevering maart 2026.xlsx", "gemeente-Súdwest-Fryslân.ods", "ä b.csv", "x" * 116 + ".csv"):
        assert names.clean(name) == name and names.note(name) is None


def _uploads(url):
    with db.session(url) as s:
        return s.exec(select(Upload).order_by(Upload.id)).all()


def test_api_stores_hostile_names_cleaned_and_serves_the_original(accounts_app, ref_db, tmp_path):
    app, actors, _ = accounts_app
    token = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    admin = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    client = app.server.test_client()
    sendable = [n for n in HOSTILE if not any(0xD800 <= ord(c) <= 0xDFFF for c in n)]  # HTTP carries no surrogates
    for i, name in enumerate(sendable):
        content = csv_file([("GM0363", "vastgesteld", f"naam {i}")])
        resp = client.post("/api/v1/uploads", data=multipart(content, name), headers=token)
        assert resp.status_code in (201, 422), (name, resp.status_code, resp.get_data(as_text=True))
        body = resp.get_json()
        upload = _uploads(ref_db)[-1]
        received = name.replace("\\", "")  # multipart quoting: a backslash escapes the next character
        assert upload.file_name == names.clean(received) and _is_clean(upload.file_name), repr(upload.file_name)
        warnings = json.loads(upload.warnings or "[]")
        if received != names.clean(received):
            assert any(names.original_bytes(received) in w["message"] for w in warnings), (name, upload.warnings)
        if name == "..":
            assert body["outcome"] == "geweigerd"  # no extension left: refused in Dutch, logged
            continue
        assert body["outcome"] == "geladen", body
        assert any("bestandsnaam" in w["text"] for w in body["warnings"]) == (received != names.clean(received))
        original = client.get(f"/api/v1/uploads/{upload.id}/bestand", headers=admin)
        assert original.status_code == 200 and original.data == content
        disposition = original.headers["Content-Disposition"]
        assert "\x00" not in disposition and "/" not in disposition.split("filename", 1)[1]
    assert not list(tmp_path.glob("**/*passwd*")) and not list(tmp_path.glob("**/*system32*"))


def test_api_refusal_before_the_loader_also_cleans_the_name(accounts_app, ref_db):
    app, actors, _ = accounts_app
    token = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    name = "n\x00ul" + "y" * 300 + ".csv"
    resp = app.server.test_client().post(
        "/api/v1/uploads", data=multipart(b"x", name, peildatum="morgen"), headers=token
    )  # a bad peildatum: logged before the file is read
    assert resp.status_code == 400
    upload = _uploads(ref_db)[-1]
    assert upload.outcome == "geweigerd" and upload.file_name == names.clean(name)
    assert any(names.original_bytes(name) in w["message"] for w in json.loads(upload.warnings))


def test_page_check_and_confirm_with_a_hostile_name(accounts_app, ref_db, tmp_path):
    app, actors, client_for = accounts_app
    page = Dash(app, client_for("gemeente_a"))
    name = "..\\..\\" + "lang" * 100 + "\u202e\x00.csv"
    shown = names.clean(name)
    out = page.call("aanl-upload", "contents", data_url(csv_file([("GM0363", "vastgesteld", "")])), {"aanl-upload.filename": name})
    report = text_of(out["aanl-rapport.children"])
    assert "goedgekeurd" in report and json.dumps(shown, ensure_ascii=False)[1:-1] in report
    waiting = out["aanl-wacht.data"]
    assert waiting["bestand"] == shown
    with db.session(ref_db) as s:
        waiting_rows = s.exec(select(PendingUpload)).all()
    assert [json.loads(p.meta)["original_name"] for p in waiting_rows] == [name]  # kept as given, as data
    assert not (tmp_path / "cache" / "aanleveren").exists()  # never a path, not even a folder
    out = page.call("aanl-bevestig", "n_clicks", 1, {"aanl-wacht.data": waiting})
    assert "is opgeslagen" in text_of(out["aanl-resultaat.children"])
    upload = _uploads(ref_db)[-1]
    assert (upload.outcome, upload.file_name) == ("geladen", shown)
    assert any(names.original_bytes(name) in w["message"] for w in json.loads(upload.warnings))
    assert shown in text_of(out["aanl-geschiedenis.children"])
