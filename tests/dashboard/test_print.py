"""Printing on A4 (assets/print.css, assets/print.js, the .print-url line of dashboard/frame.py):
in Chromium with print media, on ``/`` (with its map) and the table page ``/mijlpalen``: no menu,
skip link, controls or footer; nothing wider than the A4 content width; rows not split over pages;
the address of the view printed, also after the view changed in the browser; ``page.pdf`` gives A4
pages. Flask's own pages (``/login``) print the same way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for_dash

pytestmark = pytest.mark.geodata

# A4 (210 mm) minus the left and right margins of @page (12 mm each), in CSS pixels (96 per inch).
A4_CONTENT_PX = (210 - 2 * 12) / 25.4 * 96
A4_POINTS = (595.92, 842.88)

# The layout at the width of the printed page, measured within one task and then undone, so that
# no resize handler (Plotly's, Dash's graph) runs in between: as when the browser prints.
PRINT_LAYOUT_JS = """(width) => {
    const root = document.documentElement;
    root.style.width = width + 'px';
    const left = root.getBoundingClientRect().left, limit = left + width + 1;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
        if (el.ownerSVGElement) continue;  // drawn inside an <svg>, which clips it: the <svg> itself is measured
        const r = el.getBoundingClientRect();
        // sticking out on the right, or cut on the left (wholly left of the page: a measuring
        // element that is never printed, such as Plotly's #js-plotly-tester)
        if (r.width > 0 && r.height > 0 && (r.right > limit || (r.left < left - 1 && r.right > left + 1))) {
            wide.push(`${el.tagName.toLowerCase()}#${el.id}.${el.getAttribute('class') || ''} ${Math.round(r.left)}..${Math.round(r.right)} px`);
        }
    }
    const shown = (sel) => [...document.querySelectorAll(sel)].some(e => e.getClientRects().length > 0);
    const map = document.querySelector('#ov-map');
    // Plotly's SVGs have no viewBox: made narrower by CSS they would cut the drawing off, not scale it
    const cut = [...document.querySelectorAll('svg.main-svg')].filter(svg => svg.getClientRects().length > 0
        && Math.abs(parseFloat(getComputedStyle(svg).width) - parseFloat(svg.getAttribute('width'))) > 1).length;
    const svgBox = map && map.querySelector('svg.main-svg') ? map.querySelector('svg.main-svg').getBoundingClientRect() : null;
    const drawn = map && map.querySelector('.choroplethlayer') ? map.querySelector('.choroplethlayer').getBoundingClientRect() : null;
    const result = {
        wide: wide.slice(0, 10),
        menu: shown('.site-header nav'),
        skip: shown('.skip-link'),
        footer: shown('.site-footer'),
        controls: shown('.controls, .dash-dropdown, .radio-group, main button'),
        url_shown: shown('.print-url'),
        url: (document.getElementById('etvi-adres') || {}).textContent,
        map_width: map ? map.getBoundingClientRect().width : null,
        map_inside: svgBox && drawn ? drawn.left >= svgBox.left - 1 && drawn.right <= svgBox.right + 1 && drawn.width > 0.3 * svgBox.width : null,
        cut_svgs: cut,
        rows: [...document.querySelectorAll('main tr')].length,
        heading_break: document.querySelector('main h2') ? getComputedStyle(document.querySelector('main h2')).breakAfter : null,
        row_break: document.querySelector('main tr') ? getComputedStyle(document.querySelector('main tr')).breakInside : null,
    };
    root.style.width = '';
    return result;
}"""


# The page has settled as a person would print it: every shown Plotly SVG drawn at its own size
# (a graph still being redrawn after a change has a CSS width that differs from its attribute).
SETTLED_JS = """() => [...document.querySelectorAll('svg.main-svg')].filter(s => s.getClientRects().length > 0)
    .every(s => Math.abs(parseFloat(getComputedStyle(s).width) - parseFloat(s.getAttribute('width'))) <= 1)"""


def _settle(page) -> None:
    wait_for_dash(page, 30)
    page.wait_for_function(SETTLED_JS, timeout=30000)


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    assert pdf.startswith(b"%PDF-")
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]


def _check_printed(page, map_page: bool) -> dict:
    on_screen = page.evaluate(PRINT_LAYOUT_JS, 10_000)
    assert on_screen["menu"] and not on_screen["url_shown"]  # on screen: the menu, no printed address
    page.emulate_media(media="print")
    printed = page.evaluate(PRINT_LAYOUT_JS, A4_CONTENT_PX)
    assert printed["wide"] == [], printed["wide"]
    assert not printed["menu"] and not printed["skip"] and not printed["footer"] and not printed["controls"], printed
    assert printed["url_shown"] and printed["url"] == page.url, (printed["url"], page.url)
    assert printed["cut_svgs"] == 0, printed
    if map_page:
        assert printed["map_inside"], printed
        assert 0.6 * A4_CONTENT_PX < printed["map_width"] <= A4_CONTENT_PX + 1, printed["map_width"]
    if printed["rows"]:
        assert printed["row_break"] == "avoid"  # a table row is never split over two pages
    assert printed["heading_break"] in (None, "avoid")  # a section's heading stays with its content
    sizes = _pdf_pages(page.pdf(format="A4"))
    assert sizes and all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes), sizes
    page.emulate_media(media="screen")
    return printed


def test_home_prints_on_a4_with_its_map_and_address(live, page):
    page.goto(f"{live.url}/?peildatum=2025-06-30&onderdeel=verordening")
    page.wait_for_selector("#ov-map .choroplethlayer path", timeout=60000)
    _settle(page)
    _check_printed(page, map_page=True)
    # another view chosen in the page (the address changes without a page load): that address is printed
    page.get_by_role("radio", name=re.compile("^Woonzorgvisie")).check()
    page.wait_for_function("() => location.search.includes('onderdeel=woonzorgvisie')", timeout=30000)
    expect(page.locator("#ov-map-heading")).to_contain_text("Woonzorgvisie", timeout=30000)
    _settle(page)
    printed = _check_printed(page, map_page=True)
    assert "onderdeel=woonzorgvisie" in printed["url"]
    assert page.errors == []


def test_a_table_page_prints_on_a4(live, page):
    page.goto(f"{live.url}/mijlpalen")
    page.wait_for_selector("main table tbody tr", timeout=60000)
    printed = _check_printed(page, map_page=False)
    assert printed["rows"] > 5
    assert page.errors == []


def test_flask_pages_print_their_address_too(live, page):
    page.goto(f"{live.url}/login?next=%2Fdata")
    page.wait_for_function("() => document.getElementById('etvi-adres').textContent !== ''", timeout=30000)
    assert page.locator("link[href='/assets/print.css']").count() == 1
    _check_printed(page, map_page=False)
    assert [e for e in page.errors if e.startswith("pageerror")] == []  # (Flask's pages have no favicon: a 404 in the console)
