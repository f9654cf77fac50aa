"""``?kennis=JJJJ-MM-DD`` on a page's address, through HTTP against the real app: the page, its
first layout, its callbacks (made from the page: the address comes with the request) and its
downloads show the figures as known at the end of that day; a bad value gets a Dutch notice and
the figures as known now; on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from dashboard.app import create_app
from tests.support.app import page_content
from tests.support.dashcall import payload
from tests.support.etl import record_upload

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
PEIL = "2024-12-31"


def _app(ref_db, synthetic_shapes):
    """The app on ``ref_db`` with two uploads a month apart (the second corrects the first)."""
    record_upload(ref_db, T0, [("GM0363", "in voorbereiding", date(2024, 6, 1)), ("GM0518", "vastgesteld", date(2024, 6, 1))])
    # a month later: a correction for the same peildatum, and a gemeente that was late
    record_upload(ref_db, T0 + timedelta(days=30), [("GM0363", "vastgesteld", date(2024, 6, 1)), ("GM0599", "vastgesteld", date(2024, 9, 1))])
    app = create_app(ref_db, shape_loader=synthetic_shapes)
    return app, app.server.test_client()


def _json(response):
    raw = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.dumps(json.loads(raw), ensure_ascii=False)


def test_the_page_as_known_then(ref_db, synthetic_shapes):
    app, c = _app(ref_db, synthetic_shapes)
    now = page_content(c, "/", f"?peildatum={PEIL}")
    assert "3 van 342 gemeenten" in now and "kennis-notice" not in now
    then = page_content(c, "/", f"?peildatum={PEIL}&kennis=2025-03-10")
    assert "1 van 342 gemeenten" in then and "3 van 342 gemeenten" not in then
    assert "Kennis van 10-03-2025: de cijfers zoals ze aan het eind van die dag bekend waren" in then
    # the live page is still the live page (the kennis view is cached apart)
    assert "3 van 342 gemeenten" in page_content(c, "/", f"?peildatum={PEIL}")
    # the first layout of a page load (address in X-Etvi-Page) says the same
    first = _json(c.get("/_dash-layout", headers={"X-Etvi-Page": f"/?peildatum={PEIL}&kennis=2025-03-10"}))
    assert "1 van 342 gemeenten" in first and "Kennis van 10-03-2025" in first
    # another page too
    gemeente = page_content(c, "/gemeente/GM0363", f"?peildatum={PEIL}&kennis=2025-03-10")
    assert "Kennis van 10-03-2025" in gemeente and "In voorbereiding" in gemeente


@pytest.mark.parametrize(
    "value, phrase",
    [
        ("gisteren", "De kennisdatum 'gisteren' in het adres is geen datum in de vorm JJJJ-MM-DD"),
        ("2025-02-30", "geen datum in de vorm JJJJ-MM-DD"),
        ("2099-01-01", "De kennisdatum 01-01-2099 ligt in de toekomst"),
        ("<script>x</script>" * 5, "x</script><scr…' in het adres is geen datum"),  # a long value is cut short
    ],
)
def test_a_bad_kennis_gets_a_dutch_notice_and_the_figures_of_now(ref_db, synthetic_shapes, value, phrase):
    _, c = _app(ref_db, synthetic_shapes)
    page = page_content(c, "/", f"?peildatum={PEIL}&kennis={value}")
    assert phrase in page and "3 van 342 gemeenten" in page
    assert c.get(f"/?kennis={value}").status_code == 200


def test_callbacks_and_downloads_follow_the_address(ref_db, synthetic_shapes):
    app, c = _app(ref_db, synthetic_shapes)
    body = payload(app, "ov-cards", "children", {"ov-peildatum.value": PEIL}, ["ov-peildatum.value"])
    live = c.post("/_dash-update-component", json=body, headers={"Referer": "http://localhost/"})
    then = c.post("/_dash-update-component", json=body, headers={"Referer": f"http://localhost/?peildatum={PEIL}&kennis=2025-03-10"})
    assert live.status_code == then.status_code == 200
    assert "3 van 342 gemeenten" in _json(live) and "1 van 342 gemeenten" in _json(then)

    now_csv = c.get(f"/download/overzicht.csv?peildatum={PEIL}&onderdeel=verordening").get_data().decode("utf-8-sig")
    then_csv = c.get(f"/download/overzicht.csv?peildatum={PEIL}&onderdeel=verordening&kennis=2025-03-10").get_data().decode("utf-8-sig")
    amsterdam_now = next(line for line in now_csv.splitlines() if "GM0363" in line)
    amsterdam_then = next(line for line in then_csv.splitlines() if "GM0363" in line)
    assert "Vastgesteld" in amsterdam_now and "In voorbereiding" in amsterdam_then
