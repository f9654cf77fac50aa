"""The first paint (dashboard/app.py ``_first_map``, assets/first_map.js): the first HTML of ``/`` and
``/provincie/PVxx`` holds the map as SVG, with a link per area, so it is visible before plotly.js
has loaded and usable without JavaScript; Plotly's map takes its place without moving the page."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET

import pytest
import requests

from models import queries

pytestmark = pytest.mark.geodata

NS = {"s": "http://www.w3.org/2000/svg"}
SECTION = re.compile(r'<section id="etvi-eerste-kaart".*?</section>', re.S)


def _first_map(html: str) -> tuple[str, ET.Element]:
    section = SECTION.search(html).group(0)
    return section, ET.fromstring(section[section.index("<svg") : section.rindex("</svg>") + 6])


def _links(svg: ET.Element) -> dict[str, str]:
    return {a.find("s:path", NS).get("data-code"): a.get("href") for a in svg.findall(".//s:a", NS)}


def test_first_html_holds_the_map_with_a_link_per_area(dash_db, live_server):
    server = live_server(dash_db)
    html = requests.get(f"{server.url}/?peildatum=2025-06-30&onderdeel=verordening", timeout=60).text
    section, svg = _first_map(html)
    assert html.index("etvi-eerste-kaart") < html.index('id="react-entry-point"')
    links = _links(svg)
    assert len(links) == 342 and all(href == f"/gemeente/{code}?peildatum=2025-06-30" for code, href in links.items())
    assert "Verordening met urgentieregeling per gemeente op 30 juni 2025" in section
    assert "Bron: ETVI-monitor, stand op 30 juni 2025, grenzen CBS/PDOK" in section
    assert len(gzip.compress(section.encode("utf-8"), 6)) <= 40_000
    assert svg.get("role") == "group"  # links inside: not an image whose children are hidden

    _, svg = _first_map(requests.get(f"{server.url}/?niveau=provincie&peildatum=2025-06-30&onderdeel=verordening", timeout=60).text)
    links = _links(svg)
    assert len(links) == 12 and links["PV27"] == "/provincie/PV27?peildatum=2025-06-30&onderdeel=verordening"

    in_pv27 = set(queries.gemeenten(dash_db).query("provincie_code == 'PV27'")["code"])
    _, svg = _first_map(requests.get(f"{server.url}/provincie/PV27?onderdeel=woonzorgvisie&niveau=provincie", timeout=60).text)
    assert set(_links(svg)) == in_pv27
    # odd values fall back as on the page itself
    _, svg = _first_map(requests.get(f"{server.url}/?niveau=wijk&peildatum=gisteren", timeout=60).text)
    assert len(_links(svg)) == 342
    for path in ("/regios", "/gemeente/GM0363", "/provincie/PV99", "/mijlpalen"):
        assert "etvi-eerste-kaart" not in requests.get(f"{server.url}{path}", timeout=60).text, path


@pytest.mark.browser
def test_without_javascript_the_map_is_shown_and_its_links_work(live, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(live.url + "/?peildatum=2025-06-30")
    first = page.locator("#etvi-eerste-kaart svg")
    assert first.is_visible()
    box = first.bounding_box()
    assert box["y"] < 900 and box["height"] > 400  # in the first screen
    page.locator('#etvi-eerste-kaart a[href^="/gemeente/GM0363"]').click()
    page.wait_for_url(re.compile(r"/gemeente/GM0363\?peildatum=2025-06-30$"))


# What the page looks like at every change: where the first map is, and the map box's place and height.
TRACE = """
window.__trace = [];
new MutationObserver(() => {
    const first = document.getElementById('etvi-eerste-kaart');
    const box = document.querySelector('.map-row .graph');
    const state = first ? (first.classList.contains('first-map-placed') ? 'placed' : 'top') : 'gone';
    const r = box ? box.getBoundingClientRect() : null;
    const entry = {state: state, top: r ? Math.round(r.top + window.scrollY) : null, height: r ? Math.round(r.height) : null,
                   shown: first ? Math.round(first.getBoundingClientRect().height) : null};
    const last = window.__trace[window.__trace.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(entry)) { window.__trace.push(entry); }
}).observe(document, {childList: true, subtree: true, attributes: true});
"""


@pytest.mark.browser
@pytest.mark.parametrize("path,graph", [("/?peildatum=2025-06-30", "ov-map"), ("/provincie/PV27?peildatum=2025-06-30", "pv-map")])
def test_plotly_takes_the_place_of_the_first_map_without_a_jump(live, page, path, graph):
    page.add_init_script(TRACE)
    page.goto(live.url + path)
    page.wait_for_selector(f"#{graph} .choroplethlayer path", timeout=30_000)
    page.wait_for_function("() => !document.getElementById('etvi-eerste-kaart')")
    trace = page.evaluate("window.__trace")
    states = [t["state"] for t in trace]
    assert states[0] == "top" and "placed" in states and states[-1] == "gone", trace
    placed = [t for t in trace if t["state"] == "placed"]
    gone = trace[states.index("gone")]
    assert all(t["height"] > 0 and t["shown"] == t["height"] for t in placed), trace  # the first map fills the box
    assert (placed[-1]["top"], placed[-1]["height"]) == (gone["top"], gone["height"]), trace  # no jump at the swap
    assert page.errors == []
