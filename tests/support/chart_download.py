"""Taking a chart away in Chromium (``components.chart``, ``assets/chart_download.js``): press its
download button and read the file, and read the texts of a downloaded SVG. Shared by the chart
tests of every page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from playwright.sync_api import expect

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def download(page, button, keyboard: bool, timeout: float = 60_000) -> tuple[str, bytes]:
    """The suggested file name and the bytes of the file ``button`` gives (Enter on it, or a click)."""
    with page.expect_download(timeout=timeout) as info:
        if keyboard:
            button.focus()
            expect(button).to_be_focused()
            page.keyboard.press("Enter")
        else:
            button.click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def svg_texts(svg: bytes) -> list[str]:
    """Every ``<text>`` of a valid SVG document (anything else raises)."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
