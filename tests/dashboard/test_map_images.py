"""``/kaart.svg`` and ``/kaart.png`` over HTTP against a live server with the real boundary files:
a valid image with 342 gemeenten, the legend and the source line; cacheable;
a wrong parameter gets a Dutch 400, never a 500. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
import struct
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from dashboard.app import create_app
from models import queries
from tests.support.etl import record_upload

pytestmark = pytest.mark.geodata

NS = {"s": "http://www.w3.org/2000/svg"}
SOURCE = "Bron: ETVI-monitor, stand op 30 juni 2025, grenzen CBS/PDOK"
QUERY = "peildatum=2025-06-30&onderdeel=woonzorgvisie&niveau=gemeente"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _svg(response) -> ET.Element:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{{{NS['s']}}}text")]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_svg_and_png_of_the_national_map(dash_db, live_server):
    server = live_server(dash_db)
    r = requests.get(f"{server.url}/kaart.svg?{QUERY}", timeout=60)
    root = _svg(r)
    paths = root.findall(".//s:path[@data-code]", NS)
    assert len(paths) == 342 and len({p.get("data-code") for p in paths}) == 342
    assert all(re.fullmatch(r".+ \(GM\d{4}\): .+", p.find("s:title", NS).text) for p in paths)
    texts = _texts(root)
    assert texts[0] == "Woonzorgvisie per gemeente op 30 juni 2025" and SOURCE in texts
    # the legend counts are the areas drawn in each colour, and add up to 342
    legend = [t for t in texts if re.search(r"\(\d+\)$", t)]
    counts = [int(re.search(r"\((\d+)\)$", t).group(1)) for t in legend]
    assert sum(counts) == 342
    swatches = [rect.get("fill") for rect in root.findall(".//s:g[@class='etvi-kaart-legenda']/s:rect", NS)]
    by_fill = Counter(p.get("fill") for p in paths)
    assert [by_fill.get(f, 0) for f in swatches] == counts
    # cacheable: a public max-age and an ETag that gives 304
    assert "public" in r.headers["Cache-Control"] and "max-age=" in r.headers["Cache-Control"]
    again = requests.get(f"{server.url}/kaart.svg?{QUERY}", headers={"If-None-Match": r.headers["ETag"]}, timeout=60)
    assert again.status_code == 304 and again.content == b""

    png = requests.get(f"{server.url}/kaart.png?{QUERY}", timeout=60)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    width, height = _png_size(png.content)
    assert (width, height) == (2 * int(root.get("width")), 2 * int(root.get("height")))
    assert "public" in png.headers["Cache-Control"] and png.headers["ETag"]
    assert 'filename="etvi-kaart-woonzorgvisie-gemeente-2025-06-30.png"' in png.headers["Content-Disposition"]


def test_one_provincie_and_the_share_map(ref_db, live_server):
    server = live_server(ref_db)
    in_pv27 = set(queries.gemeenten(ref_db).query("provincie_code == 'PV27'")["code"])
    root = _svg(requests.get(f"{server.url}/kaart.svg?provincie=pv27&onderdeel=verordening&peildatum=2025-06-30", timeout=60))
    assert {p.get("data-code") for p in root.findall(".//s:path[@data-code]", NS)} == in_pv27
    assert _texts(root)[0] == "Verordening met urgentieregeling in Noord-Holland op 30 juni 2025"
    root = _svg(requests.get(f"{server.url}/kaart.svg?niveau=provincie&peildatum=2025-06-30", timeout=60))
    codes = [p.get("data-code") for p in root.findall(".//s:path[@data-code]", NS)]
    assert len(codes) == 12 and all(re.fullmatch(r"PV\d{2}", c) for c in codes)
    assert {"0%", "100%", SOURCE} <= set(_texts(root))


BAD = [
    ("peildatum=2025-13-01", "Ongeldige peildatum '2025-13-01'"),
    ("peildatum=gisteren", "Ongeldige peildatum 'gisteren'"),
    ("onderdeel=woonvisie", "Onbekend onderdeel 'woonvisie'"),
    ("niveau=wijk", "Onbekend niveau 'wijk'"),
    ("provincie=PV99", "Onbekende provincie 'PV99'"),
    ("provincie=PV27&niveau=provincie", "gaat alleen samen met niveau=gemeente"),
    ("kennis=2025-02-30", "Ongeldige kennisdatum '2025-02-30'"),
    ("kennis=2999-01-01", "Ongeldige kennisdatum '2999-01-01'"),
]


def test_wrong_parameters_get_a_dutch_400_never_a_500(ref_db, live_server):
    server = live_server(ref_db)
    for path in ("/kaart.svg", "/kaart.png", "/embed/kaart"):
        for query, message in BAD:
            r = requests.get(f"{server.url}{path}?{query}", timeout=60, headers={"Accept": "text/html"})
            assert r.status_code == 400, (path, query, r.status_code)
            assert message in html.unescape(r.text) and "Traceback" not in r.text, (path, query)
            assert r.headers["Content-Type"].startswith("text/html")
        r = requests.get(f"{server.url}{path}?peildatum=1999-01-01&onderdeel=", timeout=60)
        assert r.status_code == 200  # long before any data: every gemeente "geen gegevens"


def test_kennis_draws_the_map_as_known_then(ref_db, synthetic_shapes):
    """``kennis`` on an image URL: the map as known at the end of that day (a later correction
    does not count), named in its title and file name; the live image stays the live one."""
    t0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    record_upload(ref_db, t0, [("GM0363", "in voorbereiding", date(2024, 6, 1))])
    record_upload(ref_db, t0 + timedelta(days=30), [("GM0363", "vastgesteld", date(2024, 6, 1))])
    client = create_app(ref_db, shape_loader=synthetic_shapes).server.test_client()

    def gm0363(query: str) -> tuple[str, str]:
        r = client.get(f"/kaart.svg?peildatum=2024-12-31&onderdeel=verordening&{query}")
        assert r.status_code == 200, r.get_data(as_text=True)
        root = ET.fromstring(r.get_data())
        (path,) = [p for p in root.findall(".//s:path[@data-code]", NS) if p.get("data-code") == "GM0363"]
        return path.find("s:title", NS).text, r.headers["Content-Disposition"]

    title_now, _ = gm0363("")
    title_then, disposition = gm0363("kennis=2025-03-10")
    assert "Vastgesteld" in title_now and "In voorbereiding" in title_then
    assert "kennis-2025-03-10" in disposition
    assert "zoals bekend op 10 maart 2025" in client.get("/kaart.svg?peildatum=2024-12-31&onderdeel=verordening&kennis=2025-03-10").get_data(as_text=True)
    assert "Vastgesteld" in gm0363("")[0]
