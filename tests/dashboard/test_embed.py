"""``/embed/kaart``: the one page other sites may frame. Over HTTP its headers (``frame-ancestors *``,
no ``X-Frame-Options``) while every other response keeps refusing frames; in Chromium a page of
another origin frames it and the map renders, while framing ``/`` is refused; axe-core finds
nothing serious on it."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from tests.support.axe import run_axe
from tests.support.live import OtherSite

NS = {"s": "http://www.w3.org/2000/svg"}
QUERY = "peildatum=2025-06-30&onderdeel=verordening&niveau=gemeente"


def _frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]*)", response.headers["Content-Security-Policy"]).group(1)


@pytest.mark.geodata
def test_embed_page_may_be_framed_and_nothing_else(dash_db, live_server):
    server = live_server(dash_db)
    r = requests.get(f"{server.url}/embed/kaart?{QUERY}", timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert _frame_ancestors(r) == "*" and "X-Frame-Options" not in r.headers
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]  # otherwise the site's policy
    assert "<script" not in r.text and " style=" not in r.text.split("<svg", 1)[0]
    svg = ET.fromstring(r.text[r.text.index("<svg") : r.text.index("</svg>") + 6])
    assert len(svg.findall(".//s:path[@data-code]", NS)) == 342
    assert "Bron: ETVI-monitor, stand op 30 juni 2025, grenzen CBS/PDOK" in r.text
    assert f"{server.url}/?{QUERY}" in r.text.replace("&amp;", "&")  # the link to the full view
    assert "public" in r.headers["Cache-Control"] and r.headers["ETag"]
    one = requests.get(f"{server.url}/embed/kaart?provincie=PV20&peildatum=2025-06-30&onderdeel=verordening", timeout=60)
    assert f"{server.url}/provincie/PV20?peildatum=2025-06-30" in one.text.replace("&amp;", "&")
    for path in ("/", "/kaart.svg", "/provincie/PV27", "/login", "/embed/kaart?niveau=wijk"):
        other = requests.get(f"{server.url}{path}", timeout=60)
        assert other.headers["X-Frame-Options"] == "DENY" and _frame_ancestors(other) == "'none'", path


FRAMING_PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Een andere site</title></head>
<body><h1>Een gemeentesite</h1>
<iframe id="embed" title="Kaart" src="{app}/embed/kaart?{query}" width="920" height="820"></iframe>
<iframe id="home" title="Overzicht" src="{app}/" width="840" height="400"></iframe>
</body></html>"""


@pytest.mark.browser
@pytest.mark.geodata
def test_another_origin_frames_the_embed_page_but_not_the_overview(live, page):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
    with OtherSite({"/": FRAMING_PAGE.format(app=live.url, query=QUERY)}) as site:
        assert site.url.split(":")[-1] != live.url.split(":")[-1]  # another port: another origin
        page.goto(site.url + "/")
        embed = page.frame_locator("#embed")
        embed.locator("svg.etvi-kaart").wait_for(state="visible", timeout=20_000)
        assert embed.locator("svg path[data-code]").count() == 342
        box = embed.locator("svg.etvi-kaart").bounding_box()
        assert box["width"] > 300 and box["height"] > 300
        assert "Bron: ETVI-monitor, stand op 30 juni 2025, grenzen CBS/PDOK" in embed.locator("figcaption").inner_text()
        assert embed.locator("#etvi-kaart-bron").is_visible()  # drawn in the map as well
        home = page.locator("#home").element_handle().content_frame()
        deadline = time.time() + 20
        while not (home.url.startswith("chrome-error://") and refused) and time.time() < deadline:
            page.wait_for_timeout(100)
        # Chromium replaces a refused frame by its error page: nothing of the dashboard in it
        assert home.url.startswith("chrome-error://") and home.locator("main").count() == 0, home.url
        assert any("frame-ancestors 'none'" in text for text in refused), refused


@pytest.mark.browser
@pytest.mark.geodata
def test_embed_page_is_accessible(live, page):
    page.goto(f"{live.url}/embed/kaart?{QUERY}")
    page.wait_for_selector("svg.etvi-kaart")
    assert run_axe(page) == []
    page.goto(f"{live.url}/embed/kaart?niveau=provincie&peildatum=2025-06-30")
    page.wait_for_selector("svg.etvi-kaart")
    assert run_axe(page) == []
