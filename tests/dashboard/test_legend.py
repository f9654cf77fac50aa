"""Issue 14, item 11: legend swatches have a border with at least 3:1 contrast against the page,
and "geen gegevens" (white) is told apart on the map by a thick dark outline, also after a Patch."""

from __future__ import annotations

import re

import pandas as pd

from dashboard import components as ui
from dashboard.figures import maps, palette
from tests.support.browser import dropdown_option, wait_for_dash
from tests.support.paths import REPO

CSS = (REPO / "dashboard" / "assets" / "style.css").read_text(encoding="utf-8")
GEOJSON = {"type": "FeatureCollection", "features": []}
FRAME = pd.DataFrame(
    {"code": ["GM1", "GM2", "GM3"], "name": ["Aa", "Bb", "Cc"], "index": [-1, 0, 2], "label": ["Geen gegevens", "Geen", "Vastgesteld"]}
)


def _rule(selector: str) -> str:
    match = re.search(r"(?m)^" + re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, f"no CSS rule {selector}"
    return match.group(1)


def _border(selector: str) -> tuple[float, str]:
    match = re.search(r"border:\s*([\d.]+)px solid (#[0-9a-fA-F]{6})", _rule(selector))
    assert match, f"{selector} has no solid #rrggbb border"
    return float(match.group(1)), match.group(2)


def test_every_legend_swatch_has_a_border_of_at_least_3_to_1_against_the_page():
    page_bg = re.search(r"body\s*\{[^}]*background:\s*(#[0-9a-fA-F]{3,6})", CSS).group(1)
    page_bg = "#ffffff" if page_bg.lower() in ("#fff", "#ffffff") else page_bg
    assert page_bg == palette.PAGE_BACKGROUND
    for selector in (".swatch", ".swatch-nodata"):
        width, color = _border(selector)
        assert width >= 1 and palette.contrast_ratio(color, page_bg) >= 3, selector
    # the neighbouring shades alone would not do (that is why the border is there)
    colors = palette.status_colors(4)
    assert min(palette.contrast_ratio(a, b) for a, b in zip(colors, colors[1:])) < 3


def test_the_no_data_swatch_has_the_thick_outline_of_the_map():
    counts = pd.DataFrame({"index": [-1, 0, 1], "label": ["Geen gegevens", "Geen", "Vastgesteld"], "is_done": [False, False, True], "count": [5, 300, 37]})
    items = ui.status_legend(counts, 2).children
    classes = [item.children[0].className for item in items]
    assert classes == ["swatch swatch-nodata", "swatch", "swatch"]
    width, color = _border(".swatch-nodata")
    assert width >= 2 * _border(".swatch")[0] and color.lower() == palette.NO_DATA_LINE_COLOR.lower()


def test_no_data_gemeenten_have_a_thick_dark_outline_on_the_map():
    trace = maps.status_map(FRAME, 3, GEOJSON).data[0]
    assert list(trace.marker.line.width) == [palette.NO_DATA_LINE_WIDTH, palette.MAP_LINE_WIDTH, palette.MAP_LINE_WIDTH]
    assert list(trace.marker.line.color) == [palette.NO_DATA_LINE_COLOR, palette.BORDER_COLOR, palette.BORDER_COLOR]
    assert palette.NO_DATA_LINE_WIDTH >= 3 * palette.MAP_LINE_WIDTH
    assert palette.contrast_ratio(palette.NO_DATA_LINE_COLOR, palette.NO_DATA_COLOR) >= 3


def test_the_outline_follows_the_data_after_a_patch():
    fig = maps.status_map(FRAME, 3, GEOJSON)
    new = FRAME.assign(index=[0, -1, 2], label=["Geen", "Geen gegevens", "Vastgesteld"])
    compact = maps.compact_status_update(new, 3)
    patched = maps.apply_update(fig, maps.expand_update(compact))
    assert patched["data"][0]["marker"]["line"]["width"] == [palette.MAP_LINE_WIDTH, palette.NO_DATA_LINE_WIDTH, palette.MAP_LINE_WIDTH]
    assert patched["data"][0] == maps.status_map(new, 3, GEOJSON).to_plotly_json()["data"][0]


def _trace(page) -> dict:
    return page.evaluate(
        "() => { const t = document.querySelector('#ov-map .js-plotly-plot').data[0];"
        " return {z: Array.from(t.z), w: Array.from(t.marker.line.width), c: Array.from(t.marker.line.color)}; }"
    )


def _outlined_by_class(trace: dict) -> bool:
    return trace["w"] == [palette.NO_DATA_LINE_WIDTH if z == 0 else palette.MAP_LINE_WIDTH for z in trace["z"]] and trace["c"] == [
        palette.NO_DATA_LINE_COLOR if z == 0 else palette.BORDER_COLOR for z in trace["z"]
    ]


def test_in_chromium_the_map_outlines_the_no_data_gemeenten_also_after_a_peildatum_change(live, page):
    """Before any report every gemeente is "geen gegevens"; after choosing a later peildatum the
    browser applies the compact update (assets/etvi.js applyMapUpdate) with the new outlines."""
    page.goto(live.url + "/?peildatum=2020-01-01&onderdeel=verordening")
    page.wait_for_selector("#ov-map .choroplethlayer path", timeout=20000)
    wait_for_dash(page)
    before = _trace(page)
    assert 0 in before["z"] and _outlined_by_class(before)
    assert page.evaluate("() => getComputedStyle(document.querySelector('#ov-legend .swatch-nodata')).borderTopWidth") == "3px"
    page.click("#ov-peildatum")
    dropdown_option(page, "30 september 2026").click()
    page.wait_for_url(lambda url: "peildatum=2026-09-30" in url)
    page.wait_for_function("(old) => JSON.stringify(Array.from(document.querySelector('#ov-map .js-plotly-plot').data[0].z)) !== old", arg=str(before["z"]).replace(" ", ""), timeout=15000)
    wait_for_dash(page)
    after = _trace(page)
    assert after["z"] != before["z"] and _outlined_by_class(after)
    assert after["w"] != before["w"]
    assert page.errors == []
