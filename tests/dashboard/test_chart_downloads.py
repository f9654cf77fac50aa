"""Every chart can be taken away (``components.chart``, ``assets/chart_download.js``): in Chromium,
on two pages, "Download als SVG" and "Download als PNG" under a chart give a valid SVG with the
chart's title, the date and the source line drawn in, and a PNG of a sensible size; the buttons
work by keyboard and name their chart; axe-core finds nothing. Every wait is on a condition."""

from __future__ import annotations

import struct
from datetime import date

import pytest
from playwright.sync_api import expect

from dashboard.pages import common
from dashboard.texts import bron, fmt_date
from tests.support.axe import run_axe
from tests.support.browser import dropdown_option, wait_for_dash
from tests.support.chart_download import PNG_SIGNATURE, download, svg_texts

pytestmark = pytest.mark.geodata

def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _check_chart(page, graph_id: str, stand: date, keyboard_format: str) -> None:
    expect(page.locator(f"#{graph_id} svg.main-svg").first).to_be_visible(timeout=60000)
    wait_for_dash(page, 30)
    svg_button = page.locator(f"button.chart-download[data-graph='{graph_id}'][data-format='svg']")
    title = svg_button.get_attribute("data-title")
    assert title
    svg_button = page.get_by_role("button", name=f"Download als SVG: {title}", exact=True)
    png_button = page.get_by_role("button", name=f"Download als PNG: {title}", exact=True)
    expect(svg_button).to_have_text("Download als SVG")
    expect(png_button).to_have_text("Download als PNG")

    name, svg = download(page, svg_button, keyboard_format == "svg")
    assert name.endswith(f"-{stand.isoformat()}.svg") and name.startswith("etvi-"), name
    texts = svg_texts(svg)
    assert title in texts, texts[:10]
    assert bron(stand) in texts and fmt_date(stand) in bron(stand), texts[:10]  # the source line, with the date

    name, png = download(page, png_button, keyboard_format == "png")
    assert name.endswith(f"-{stand.isoformat()}.png"), name
    width, height = _png_size(png)
    assert 1000 <= width <= 4000 and 400 <= height <= 3000, (width, height)  # drawn at twice the shown size
    assert len(png) > 20_000


def test_a_provincie_chart_downloads_as_svg_and_png(live, page):
    page.goto(f"{live.url}/provincie/PV26?peildatum=2025-06-30")
    _check_chart(page, "pv-cmp-graph", date(2025, 6, 30), keyboard_format="svg")
    violations = run_axe(page)
    assert violations == [], violations
    assert page.errors == []


def test_the_milestone_charts_download_as_svg_and_png(live, page):
    page.goto(f"{live.url}/mijlpalen")
    _check_chart(page, "mp-strip", common.today(), keyboard_format="png")  # the page's own today
    violations = run_axe(page)
    assert violations == [], violations
    assert page.errors == []


def test_the_home_strip_downloads_with_the_peildatum_chosen_in_the_page(live, page):
    """The strip on ``/`` is patched when the peildatum changes (no new buttons): its image follows."""
    page.goto(f"{live.url}/?peildatum=2025-06-30")
    expect(page.locator("#ov-mstrip svg.main-svg").first).to_be_visible(timeout=60000)
    wait_for_dash(page, 30)
    page.click("#ov-peildatum")
    dropdown_option(page, "31 december 2024").click()
    expect(page.locator("#ov-mstrip")).to_contain_text("stand op (31 december 2024)")
    _check_chart(page, "ov-mstrip", date(2024, 12, 31), keyboard_format="svg")
    assert page.errors == []


def test_every_chart_of_a_page_has_its_downloads(live, page):
    """/regios: the ranking and the lines over time; every graph that is not a map has two buttons."""
    page.goto(f"{live.url}/regios")
    expect(page.locator("#rg-time-graph svg.main-svg").first).to_be_visible(timeout=60000)
    wait_for_dash(page, 30)
    graphs = page.locator(".graph:not(.map)")
    assert graphs.count() >= 2
    for i in range(graphs.count()):
        buttons = graphs.nth(i).locator("xpath=following-sibling::div[contains(@class, 'chart-downloads')]//button")
        expect(buttons).to_have_count(2)
    _check_chart(page, "rg-rank-graph", common.today(), keyboard_format="png")
    violations = run_axe(page)
    assert violations == [], violations
    assert page.errors == []
