"""``/publicatie/<nummer>`` and ``/publicaties`` through HTTP against the real app (security
installed): the publicatie's figures stay as known at its moment after a correcting upload, which
the page then lists ("sindsdien gecorrigeerd"); only a beheerder makes one (audited); bad numbers
get a Dutch message; on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from etvi import publicatie as publicaties
from models import db
from models.db import engine
from models.tables import AuditEvent, Publicatie, StatusRecord, Upload
from tests.support.app import create_actors, csrf_headers, login, make_app, page_content
from tests.support.dashcall import payload

PEIL = date(2024, 12, 31)


def _upload(url: str, made: datetime, rows: list[tuple[str, str, date]]) -> None:
    with db.session(url) as s:
        upload = Upload(file_name="u.xlsx", sha256=f"{int(made.timestamp() * 1000):064x}", outcome="geladen", created_at=made)
        s.add(upload)
        s.flush()
        for code, status, peildatum in rows:
            s.add(StatusRecord(gemeente_code=code, onderdeel="verordening", status=status, peildatum=peildatum, upload_id=upload.id, created_at=made))


def _world(ref_db):
    """An upload a month ago, a publicatie of it, and the app with security installed."""
    _upload(ref_db, datetime.now(timezone.utc) - timedelta(days=30), [("GM0363", "in voorbereiding", date(2024, 6, 1)), ("GM0518", "vastgesteld", date(2024, 6, 1))])
    made = publicaties.make("Kamerbrief december 2024", "vng", peildatum=PEIL, url=ref_db)
    app = make_app(ref_db)
    return ref_db, app, made


def _correct(url: str) -> None:
    """A later upload: a correction for the same peildatum and a gemeente that was late."""
    _upload(url, datetime.now(timezone.utc) + timedelta(seconds=1), [("GM0363", "vastgesteld", date(2024, 6, 1)), ("GM0599", "vastgesteld", date(2024, 9, 1))])


def _cards(page: str) -> list:
    """The cards section of a page's JSON."""
    return [n for n in json.loads(page)["_pages_content"]["children"]["props"]["children"] if "cards-heading" in json.dumps(n)]


def _section(page: str, heading: str) -> list:
    return [n for n in json.loads(page)["_pages_content"]["children"]["props"]["children"] if heading in json.dumps(n)]


def test_a_publicatie_page_never_changes_and_lists_corrections(ref_db):
    url, app, made = _world(ref_db)
    c = app.server.test_client()
    before = page_content(c, f"/publicatie/{made.id}")
    assert "Kamerbrief december 2024" in before and "Gepubliceerd op" in before and "door vng" in before
    assert "de stand op 31 december 2024" in before and "1 van 342 gemeenten" in before
    assert "Sindsdien gecorrigeerd: geen meldingen" in before
    download = c.get(f"/publicatie/{made.id}.csv")
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    csv_before = download.get_data()
    assert csv_before.startswith(b"\xef\xbb\xbf") and b"GM0363;Amsterdam;Noord-Holland" in csv_before

    _correct(url)
    live = page_content(c, "/", "?peildatum=2024-12-31")
    assert "3 van 342 gemeenten" in live  # the live view changed
    after = page_content(c, f"/publicatie/{made.id}")
    assert _cards(after) == _cards(before) and "1 van 342 gemeenten" in after
    for section in ("pub-provincies-heading", "pub-mijlpalen-heading", "pub-tabel-heading"):  # the rest of the overview, unchanged too
        assert _section(before, section) and _section(after, section) == _section(before, section), section
    assert "Sindsdien gecorrigeerd: 2 meldingen" in after
    table = json.dumps(json.loads(after))
    for text in ("Amsterdam", "Rotterdam", "In voorbereiding", "Geen gegevens", "Vastgesteld"):
        assert text in table, text
    assert c.get(f"/publicatie/{made.id}").status_code == 200
    assert c.get(f"/publicatie/{made.id}.csv").get_data() == csv_before  # the same bytes, after the correction
    assert f"/publicatie/{made.id}.csv" in after


@pytest.mark.parametrize("nummer, phrase", [("999", "Publicatie 999 bestaat niet"), ("abc", "'abc' is geen publicatienummer")])
def test_an_unknown_publicatie_gets_a_dutch_message(ref_db, nummer, phrase):
    _, app, _ = _world(ref_db)
    c = app.server.test_client()
    assert phrase in page_content(c, f"/publicatie/{nummer}")
    assert c.get(f"/publicatie/{nummer}").status_code == 404
    missing = c.get(f"/publicatie/{nummer}.csv")
    assert missing.status_code == 404 and phrase in missing.get_data(as_text=True)


def _make(app, c, titel, peildatum):
    body = payload(app, "pubs-melding", "children", {"pubs-maak.n_clicks": 1, "pubs-titel.value": titel, "pubs-peildatum.value": peildatum}, ["pubs-maak.n_clicks"])
    r = c.post("/_dash-update-component", json=body, headers={**csrf_headers(c), "Accept-Encoding": "gzip"})
    raw = r.get_data()
    if r.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return r.status_code, raw.decode()


def test_only_a_beheerder_makes_one(ref_db):
    url, app, made = _world(ref_db)
    actors = create_actors(url)
    anonymous = app.server.test_client()
    listing = page_content(anonymous, "/publicaties")
    assert "Kamerbrief december 2024" in listing and f"/publicatie/{made.id}" in listing and "Nieuwe publicatie" not in listing

    gemeente = app.server.test_client()
    login(gemeente, actors["gemeente_a"].username, actors["gemeente_a"].password)
    assert "Nieuwe publicatie" not in page_content(gemeente, "/publicaties")
    status, text = _make(app, gemeente, "Stiekem", "")
    assert "Alleen een beheerder kan een publicatie maken" in text, (status, text)

    beheerder = app.server.test_client()
    login(beheerder, actors["beheerder"].username, actors["beheerder"].password)
    assert "Nieuwe publicatie" in page_content(beheerder, "/publicaties")
    for titel, peildatum, phrase in [("", "", "titel van de publicatie is leeg"), ("T", "2024-13-01", "Stand op:"), ("T", "2099-01-01", "ligt in de toekomst")]:
        status, text = _make(app, beheerder, titel, peildatum)
        assert status == 200 and phrase in text, (titel, peildatum, text)
    status, text = _make(app, beheerder, "Voortgangsrapportage", "2024-12-31")
    assert status == 200 and "Publicatie gemaakt" in text and "Voortgangsrapportage" in text
    with Session(engine(url)) as s:
        titles = [p.titel for p in s.exec(select(Publicatie).order_by(Publicatie.id)).all()]
        assert titles == ["Kamerbrief december 2024", "Voortgangsrapportage"]
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "publicatie gemaakt", AuditEvent.username == "vng")).all()
        assert len(event) == 2  # the fixture's and this one, both by the beheerder
