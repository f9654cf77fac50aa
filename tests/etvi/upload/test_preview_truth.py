"""The preview tells the truth (issue 14 item 7): for every kind of change a file can make, what the
API dry run and the page's check step show equals what the load then stores, compared with the
SQL reference of the as-of rule (``models.queries.status_asof``) before and after. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from models import db, queries
from models.tables import StatusRecord
from tests.support.app import multipart
from tests.support.upload import Dash, data_url, text_of

HEADER = "gemeentecode;peildatum;verordening;verordening vastgesteld op;toelichting;bron"
BASE = {
    "GM0363": ("vastgesteld", "2026-01-10", "eerste", "https://example.nl/a"),
    "GM0599": ("in voorbereiding", "", "", ""),
}
FIELDS = {"status": "status", "adopted_on": "vastgesteld op", "comment": "toelichting", "source_url": "bron"}


def csv(rows: dict, peildatum: str = "2026-03-01", trailer: str = "") -> bytes:
    lines = [HEADER] + [f"{code};{peildatum};{';'.join(values)}" for code, values in rows.items()]
    return ("\n".join(lines) + "\n" + trailer).encode("utf-8")


def changed(base: dict, code: str, index: int, value: str) -> dict:
    rows = {k: list(v) for k, v in base.items()}
    rows[code][index] = value
    return {k: tuple(v) for k, v in rows.items()}


# kind → (file, the changes expected as (gemeente, wat)); each applies to the state the kinds before it left.
KINDS = [
    ("alleen vastgesteld op", lambda: csv(changed(BASE, "GM0363", 1, "2026-02-15")), {("GM0363", "vastgesteld op")}),
    ("alleen toelichting", lambda: csv(changed(changed(BASE, "GM0363", 1, "2026-02-15"), "GM0363", 2, "tweede")), {("GM0363", "toelichting")}),
    ("alleen bron", lambda: csv(changed(changed(changed(BASE, "GM0363", 1, "2026-02-15"), "GM0363", 2, "tweede"), "GM0363", 3, "https://example.nl/b")),
     {("GM0363", "bron")}),
    ("alleen peildatum", lambda: csv(FINAL, peildatum="2026-04-01"), {("GM0363", "peildatum"), ("GM0599", "peildatum")}),
    ("status", lambda: csv(changed(FINAL, "GM0599", 0, "geen"), peildatum="2026-04-01"), {("GM0599", "status")}),
    ("nieuwe gemeente", lambda: csv({**changed(FINAL, "GM0599", 0, "geen"), "GM0014": ("geen", "", "", "")}, peildatum="2026-04-01"),
     {("GM0014", "nieuw")}),
    ("zelfde bestand opnieuw", lambda: csv({**changed(FINAL, "GM0599", 0, "geen"), "GM0014": ("geen", "", "", "")}, peildatum="2026-04-01"),
     set()),
    ("zelfde inhoud, andere bytes", lambda: csv({**changed(FINAL, "GM0599", 0, "geen"), "GM0014": ("geen", "", "", "")},
                                                peildatum="2026-04-01", trailer="\n"), set()),
]  # fmt: skip
FINAL = changed(changed(changed(BASE, "GM0363", 1, "2026-02-15"), "GM0363", 2, "tweede"), "GM0363", 3, "https://example.nl/b")


def _norm(value):
    if value is None or (isinstance(value, str) and not value) or (not isinstance(value, str) and value != value):
        return None
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value[:4].isdigit() and value[4:5] == "-" else value


def _state(url, day: date) -> dict:
    """The SQL reference: every stored column of the state at ``day``, per (gemeente, onderdeel)."""
    frame = queries.status_asof(day, url)
    return {(r.gemeente_code, r.onderdeel): r for r in frame.itertuples()}


def _stored_differences(url, upload_id: int, before: dict) -> tuple[int, set]:
    """How many records the upload stored, and which of them differ from the state before (per
    record at its own peildatum), as (gemeente, what) — computed without the ETL's comparison."""
    with db.session(url) as s:
        written = s.exec(select(StatusRecord).where(StatusRecord.upload_id == upload_id)).all()
    found = set()
    for r in written:
        old = before[r.peildatum].get((r.gemeente_code, r.onderdeel))
        if old is None:
            found.add((r.gemeente_code, "nieuw"))
            continue
        differ = [word for field, word in FIELDS.items() if _norm(getattr(old, field)) != _norm(getattr(r, field))]
        found |= {(r.gemeente_code, word) for word in differ}
        if not differ and _norm(old.peildatum) != r.peildatum:
            found.add((r.gemeente_code, "peildatum"))
    return len(written), found


def _wat(changes: list[dict]) -> set:
    return {(c["gemeente_code"], w.strip()) for c in changes for w in c["wat"].split(",")}


def test_preview_equals_what_is_stored_for_every_kind_of_change(accounts_app, ref_db):
    app, actors, client_for = accounts_app
    api = app.server.test_client()
    auth = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    page = Dash(app, client_for("beheerder"))
    resp = api.post("/api/v1/uploads", data=multipart(csv(BASE), "basis.csv"), headers=auth)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    days = [date(2026, 3, 1), date(2026, 4, 1)]

    for kind, make, expected in KINDS:
        content = make()
        dry = api.post("/api/v1/uploads?dryRun=1", data=multipart(content, "stand.csv"), headers=auth).get_json()
        assert dry["outcome"] == "proef" and not dry["problems"], (kind, dry["problems"])
        assert _wat(dry["changes"]) == expected, kind
        # The page's check step shows the same: each change with what changes, or "nothing" only when nothing does.
        out = page.call("aanl-upload", "contents", data_url(content), {"aanl-upload.filename": "stand.csv"})
        report = text_of(out["aanl-rapport.children"])
        assert ("Er verandert niets" in report) == (not expected), kind
        for c in dry["changes"]:
            assert c["gemeente_code"] in report and (c["details"] or c["wat"].split(",")[0]) in report, (kind, c)
        page.call("aanl-annuleer", "n_clicks", 1, {"aanl-wacht.data": out["aanl-wacht.data"]})

        before = {day: _state(ref_db, day) for day in days}
        resp = api.post("/api/v1/uploads", data=multipart(content, "stand.csv"), headers=auth)
        body = resp.get_json()
        assert resp.status_code in (200, 201), body
        if body["outcome"] == "ongewijzigd":  # the same bytes again: nothing stored, as the preview said
            assert kind == "zelfde bestand opnieuw" and not expected and body["records_written"] == 0
            continue
        count, stored = _stored_differences(ref_db, body["upload_id"], before)
        assert stored == expected, kind
        assert count == dry["records_valid"] == body["records_written"], kind
        assert _wat(body["changes"]) == expected, kind  # the load reports what its dry run showed
        # A record that changes nothing is still stored: the page says how many.
        if count > len(dry["changes"]):
            assert f"{count - len(dry['changes'])} status" in report, kind


def test_vastgesteld_op_change_shows_old_and_new_date(accounts_app, ref_db):
    """The case of the issue: only a "vastgesteld op" date changed; the preview says so, with both dates."""
    app, actors, client_for = accounts_app
    api = app.server.test_client()
    auth = {"Authorization": f"Bearer {actors['beheerder'].token}"}
    assert api.post("/api/v1/uploads", data=multipart(csv(BASE), "basis.csv"), headers=auth).status_code == 201
    page = Dash(app, client_for("beheerder"))
    out = page.call("aanl-upload", "contents", data_url(KINDS[0][1]()), {"aanl-upload.filename": "stand.csv"})
    report = text_of(out["aanl-rapport.children"])
    assert "Er verandert niets" not in report
    assert "vastgesteld op: 10-01-2026 → 15-02-2026" in report
