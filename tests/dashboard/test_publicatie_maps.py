"""The maps of ``/publicatie/<nummer>`` through HTTP against the real app (security installed, real
boundary files): the gemeente and provincie maps at the publicatie's peildatum as known at exactly
its moment K, as SVG and PNG; a correcting upload after publishing, even on the same day, changes
the live map but not the publicatie's (same bytes); on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone

import pytest

from etvi import publicatie as publicaties
from tests.support.app import make_app, page_content
from tests.support.etl import record_upload

pytestmark = pytest.mark.geodata

NS = {"s": "http://www.w3.org/2000/svg"}
PEIL = date(2024, 12, 31)


def _gm0363(svg: bytes) -> str:
    root = ET.fromstring(svg)
    (path,) = [p for p in root.findall(".//s:path[@data-code]", NS) if p.get("data-code") == "GM0363"]
    return path.find("s:title", NS).text


def test_the_publicatie_maps_stay_as_known_at_k(ref_db):
    record_upload(ref_db, datetime.now(timezone.utc) - timedelta(days=30), [("GM0363", "in voorbereiding", date(2024, 6, 1))])
    made = publicaties.make("Kamerbrief december 2024", "vng", peildatum=PEIL, url=ref_db)
    c = make_app(ref_db).server.test_client()

    page = page_content(c, f"/publicatie/{made.id}")
    base = f"/publicatie/{made.id}/kaart"
    for level in ("gemeente", "provincie"):
        for kind in ("svg", "png"):
            assert f"{base}.{kind}?onderdeel=verordening&niveau={level}" in page, (level, kind)
    assert "pub-kaarten-heading" in page and "zoals bekend op" in page

    def images():
        out = {}
        for level in ("gemeente", "provincie"):
            svg = c.get(f"{base}.svg?onderdeel=verordening&niveau={level}")
            png = c.get(f"{base}.png?onderdeel=verordening&niveau={level}")
            assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml"), svg.get_data(as_text=True)[:300]
            assert png.status_code == 200 and png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
            assert f"etvi-publicatie-{made.id}-kaart-verordening-{level}.svg" in svg.headers["Content-Disposition"]
            out[level] = (svg.get_data(), png.get_data())
        return out

    before = images()
    root = ET.fromstring(before["gemeente"][0])
    assert len(root.findall(".//s:path[@data-code]", NS)) == 342
    assert "In voorbereiding" in _gm0363(before["gemeente"][0])
    assert b"zoals bekend op" in before["gemeente"][0] and b"Bron: ETVI-monitor" in before["gemeente"][0]
    live_before = c.get("/kaart.svg?peildatum=2024-12-31&onderdeel=verordening").get_data()

    # a correction made after publishing, on the same day: ?kennis=<today> would count it, K does not
    record_upload(ref_db, datetime.now(timezone.utc) + timedelta(seconds=1), [("GM0363", "vastgesteld", date(2024, 6, 1)), ("GM0599", "vastgesteld", date(2024, 9, 1))])
    live_after = c.get("/kaart.svg?peildatum=2024-12-31&onderdeel=verordening").get_data()
    assert live_after != live_before and "Vastgesteld" in _gm0363(live_after)  # the live map changed
    after = images()
    assert after == before  # the publicatie's maps did not: the same SVG and PNG bytes
    assert "In voorbereiding" in _gm0363(after["gemeente"][0])
    assert _maps_section(page_content(c, f"/publicatie/{made.id}")) == _maps_section(page)  # the page names the same maps


def _maps_section(page: str) -> list:
    found = [n for n in json.loads(page)["_pages_content"]["children"]["props"]["children"] if "pub-kaarten-heading" in json.dumps(n)]
    assert found
    return found


@pytest.mark.parametrize(
    "address, status, phrase",
    [
        ("/publicatie/999/kaart.svg", 404, "Publicatie 999 bestaat niet"),
        ("/publicatie/abc/kaart.png", 404, "'abc' is geen publicatienummer"),
        ("/publicatie/{id}/kaart.svg?onderdeel=fietspad", 400, "Onbekend onderdeel 'fietspad'"),
        ("/publicatie/{id}/kaart.png?niveau=wijk", 400, "Onbekend niveau 'wijk'"),
    ],
)
def test_a_wrong_publicatie_map_gets_a_dutch_message(ref_db, address, status, phrase):
    made = publicaties.make("Kamerbrief", "vng", peildatum=PEIL, url=ref_db)
    c = make_app(ref_db).server.test_client()
    r = c.get(address.format(id=made.id))
    assert r.status_code == status and phrase in html.unescape(r.get_data(as_text=True)), r.get_data(as_text=True)[:300]
