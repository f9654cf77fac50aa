"""The map pages offer the map of the current view to take away (pages/common.py ``map_images``):
"Download als SVG / PNG" and the ``<iframe>`` code, following the controls; in Chromium."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.axe import run_axe
from tests.support.browser import wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.geodata]


def _query(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def _iframe_src(snippet: str) -> str:
    return re.search(r'<iframe src="([^"]+)"', snippet).group(1).replace("&amp;", "&")


def test_overview_offers_svg_png_and_iframe_of_the_view_on_screen(live, page):
    page.goto(live.url + "/?peildatum=2025-06-30&onderdeel=woonzorgvisie")
    page.wait_for_selector("#ov-map .choroplethlayer path", timeout=20_000)
    wait_for_dash(page)
    svg = page.get_by_role("link", name="Download als SVG")
    assert _query(svg.get_attribute("href")) == {"peildatum": "2025-06-30", "onderdeel": "woonzorgvisie", "niveau": "gemeente"}
    page.get_by_role("radio", name="Verordening met urgentieregeling").check()
    page.get_by_role("radio", name="Provincies (aandeel gereed)").check()
    page.wait_for_function("() => document.querySelector('#ov-kaart-png').href.includes('niveau=provincie')")
    wait_for_dash(page)
    want = {"peildatum": "2025-06-30", "onderdeel": "verordening", "niveau": "provincie"}
    png_href = page.get_by_role("link", name="Download als PNG").get_attribute("href")
    assert _query(svg.get_attribute("href")) == want and _query(png_href) == want
    png = page.request.get(live.url + png_href)
    assert png.status == 200 and png.body()[:8] == b"\x89PNG\r\n\x1a\n"
    page.get_by_text("Deze kaart op uw eigen website").click()
    code = page.get_by_label("HTML-code om te kopiëren en in uw pagina te plakken")
    src = _iframe_src(code.input_value())
    assert src.startswith(live.url + "/embed/kaart?") and _query(src) == want
    embed = page.request.get(src)
    assert embed.status == 200 and "frame-ancestors *" in embed.headers["content-security-policy"]
    assert run_axe(page) == []
    assert page.errors == []


def test_provincie_page_offers_the_map_of_its_gemeenten(live, page):
    page.goto(live.url + "/provincie/PV27?peildatum=2025-06-30&onderdeel=verordening")
    page.wait_for_selector("#pv-map .choroplethlayer path", timeout=20_000)
    wait_for_dash(page)
    href = page.get_by_role("link", name="Download als SVG").get_attribute("href")
    assert _query(href) == {"peildatum": "2025-06-30", "onderdeel": "verordening", "niveau": "gemeente", "provincie": "PV27"}
    body = page.request.get(live.url + href).text()
    assert "Verordening met urgentieregeling in Noord-Holland op 30 juni 2025" in body
    assert "PV27" in _iframe_src(page.locator("#pv-embed-code").input_value())
