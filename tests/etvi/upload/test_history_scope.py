"""The upload history on /aanleveren shows a gemeente account only attempts for its own
gemeenten: its own, and those of accounts sharing a gemeente when they were only about gemeenten
it covers; never an attempt that touched another gemeente. Through HTTP (the page as the browser
gets it), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlmodel import select

from etvi.accounts import policy, users
from etvi.upload import log
from models import db
from models.tables import Upload
from tests.support.app import csv_file, login, multipart, page_content

AMS, RDAM, DH = "GM0363", "GM0599", "GM0518"


def _add(url, username: str, codes: list[str]) -> tuple[str, str, str]:
    password = f"wachtwoord-{username}-123"
    with db.session(url) as s:
        users.create_user(s, username, "gemeente", codes, password=password, actor="test")
        token = users.create_token(s, username, actor="test")
    return username, password, token


def _upload(app, token: str, name: str, rows: list[tuple[str, str, str]] | None = None, raw: bytes | None = None):
    content = raw if raw is not None else csv_file(rows)
    return app.server.test_client().post("/api/v1/uploads", data=multipart(content, name), headers={"Authorization": f"Bearer {token}"})


def _history(app, username: str, password: str) -> set[str]:
    client = app.server.test_client()
    login(client, username, password)
    content = page_content(client, "/aanleveren")
    return set(re.findall(r"h-[a-z0-9-]+\.csv", content))


def test_history_limited_to_own_gemeenten(accounts_app, ref_db):
    app, actors, client_for = accounts_app
    ams = (actors["gemeente_a"].username, actors["gemeente_a"].password, actors["gemeente_a"].token)
    rdam = (actors["gemeente_b"].username, actors["gemeente_b"].password, actors["gemeente_b"].token)
    ams2 = _add(ref_db, "amsterdam-collega", [AMS])  # shares Amsterdam
    both = _add(ref_db, "samenwerking", [AMS, RDAM])  # covers both gemeenten
    admin = actors["beheerder"]

    def row(code, note):
        return (code, "vastgesteld", note)

    expected_status = [
        (ams[2], "h-ams.csv", [row(AMS, "1")], None, 201),
        (ams2[2], "h-ams-collega.csv", [row(AMS, "2")], None, 201),
        (both[2], "h-samen-beide.csv", [row(AMS, "3"), row(RDAM, "3")], None, 201),
        (both[2], "h-samen-rdam.csv", [row(RDAM, "4")], None, 201),
        (rdam[2], "h-rdam.csv", [row(RDAM, "5")], None, 201),
        (both[2], "h-samen-kapot.csv", None, b"\x00\x01 geen tabel", 422),
        (ams[2], "h-ams-met-rdam.csv", [row(AMS, "7"), row(RDAM, "7")], None, 422),  # refused: Rotterdam is not its own
        (admin.token, "h-landelijk.csv", [row(AMS, "8"), row(RDAM, "8"), row(DH, "8")], None, 201),
        (admin.token, "h-beheer-ams.csv", [row(AMS, "9")], None, 201),
    ]
    for token, name, rows, raw, status in expected_status:
        resp = _upload(app, token, name, rows, raw)
        assert resp.status_code == status, (name, resp.get_data(as_text=True))

    everything = {name for _, name, *_ in expected_status}
    seen = {
        "amsterdam": _history(app, ams[0], ams[1]),
        "amsterdam-collega": _history(app, ams2[0], ams2[1]),
        "samenwerking": _history(app, both[0], both[1]),
        "rotterdam": _history(app, rdam[0], rdam[1]),
        "vng": _history(app, admin.username, admin.password),
    }
    assert seen["amsterdam"] == {"h-ams.csv", "h-ams-collega.csv", "h-ams-met-rdam.csv", "h-beheer-ams.csv"}
    assert seen["amsterdam-collega"] == {"h-ams.csv", "h-ams-collega.csv", "h-beheer-ams.csv"}
    assert seen["rotterdam"] == {"h-samen-rdam.csv", "h-rdam.csv"}
    assert seen["samenwerking"] == everything - {"h-landelijk.csv"}
    assert seen["vng"] == everything

    # An upload from before Upload.gemeente_codes existed is placed by the records it wrote.
    with db.session(ref_db) as s:
        old = s.exec(select(Upload).where(Upload.file_name == "h-rdam.csv")).one()
        old.gemeente_codes = None
        s.add(old)
    assert _history(app, rdam[0], rdam[1]) == seen["rotterdam"]
    assert "h-rdam.csv" not in _history(app, ams[0], ams[1])


def test_history_not_shown_to_other_roles(accounts_app, ref_db):
    app, actors, client_for = accounts_app
    _upload(app, actors["gemeente_a"].token, "h-ams.csv", [(AMS, "vastgesteld", "x")])
    prov = client_for("provincie")
    assert prov.get("/aanleveren").status_code == 403
    assert "h-ams.csv" not in page_content(prov, "/aanleveren")
    with db.session(ref_db) as s:
        principal = policy.Principal.from_user(users.get_user(s, "noord-holland"))
        assert log.uploads_visible_to(s, principal) == []
    # The upload log of the API stays the beheerder's.
    headers = {"Authorization": f"Bearer {actors['gemeente_a'].token}"}
    assert app.server.test_client().get("/api/v1/uploads", headers=headers).status_code == 403
