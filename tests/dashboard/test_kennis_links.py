"""``?kennis=`` kept in the links inside pages, through the real app: the table links to gemeenten
and provincies, the provincie and gemeente pages' links, a map click and "Ga naar gemeente" (their
callbacks, made from the page), and the first-paint map's area links; without kennis (or with a
bad one) the links stay without it. HTTP on SQLite and PostgreSQL; a click-through in Chromium."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from dashboard.app import create_app
from tests.support.app import page_content
from tests.support.browser import dropdown_option, wait_for_dash
from tests.support.dashcall import payload
from tests.support.etl import record_upload

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
PEIL = "2024-12-31"
K = "kennis=2025-03-10"


def _history(url: str) -> None:
    record_upload(url, T0, [("GM0363", "in voorbereiding", date(2024, 6, 1))])
    record_upload(url, T0 + timedelta(days=30), [("GM0363", "vastgesteld", date(2024, 6, 1))])


def _json(response) -> str:
    raw = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.dumps(json.loads(raw), ensure_ascii=False)


def _hrefs(text: str, prefix: str) -> list[str]:
    return re.findall(r'"(' + re.escape(prefix) + r'[^"\\]*)', text.replace("\\u0026", "&"))


def test_links_inside_pages_keep_kennis(ref_db, synthetic_shapes):
    _history(ref_db)
    app = create_app(ref_db, shape_loader=synthetic_shapes)
    c = app.server.test_client()

    for search, kept in [(f"?peildatum={PEIL}&{K}", True), (f"?peildatum={PEIL}", False), (f"?peildatum={PEIL}&kennis=gisteren", False)]:
        home = page_content(c, "/", search + "&tabel=1")
        links = _hrefs(home, "/gemeente/GM0363")
        assert links and all((K in h) == kept for h in links), (search, links)
        shares = page_content(c, "/", search + "&niveau=provincie&tabel=1")
        links = _hrefs(shares, "/provincie/PV27")
        assert links and all((K in h) == kept for h in links), (search, links)

    provincie = page_content(c, "/provincie/PV27", f"?peildatum={PEIL}&{K}")
    for prefix in ("/gemeente/GM0363", "/?peildatum", "/regios?"):
        assert _hrefs(provincie, prefix) and all(K in h for h in _hrefs(provincie, prefix)), prefix
    gemeente = page_content(c, "/gemeente/GM0363", f"?peildatum={PEIL}&{K}")
    assert _hrefs(gemeente, "/provincie/PV27") and all(K in h for h in _hrefs(gemeente, "/provincie/PV27"))

    # callbacks are made from the page: the address (with its kennis) comes as the Referer
    click = {"points": [{"location": "GM0363"}]}
    body = payload(app, "etvi-nav", "href", {"ov-map.clickData": click, "ov-niveau.value": "gemeente", "ov-peildatum.value": PEIL, "ov-onderdeel.value": "verordening"}, ["ov-map.clickData"])
    goto = payload(app, "etvi-nav", "href", {"ov-goto.value": "GM0363", "ov-peildatum.value": PEIL}, ["ov-goto.value"])
    pclick = payload(app, "etvi-nav", "href", {"pv-map.clickData": click, "pv-peildatum.value": PEIL}, ["pv-map.clickData"])
    for body_, page in [(body, "/"), (goto, "/"), (pclick, "/provincie/PV27")]:
        then = c.post("/_dash-update-component", json=body_, headers={"Referer": f"http://localhost{page}?peildatum={PEIL}&{K}"})
        now = c.post("/_dash-update-component", json=body_, headers={"Referer": f"http://localhost{page}?peildatum={PEIL}"})
        assert then.status_code == now.status_code == 200, then.get_data(as_text=True)[:300]
        assert f"/gemeente/GM0363?peildatum={PEIL}&{K}" in _json(then) and "kennis" not in _json(now)

    # the first paint's SVG map: a link per gemeente, with kennis
    first = c.get(f"/?peildatum={PEIL}&{K}").get_data(as_text=True)
    assert f"/gemeente/GM0363?peildatum={PEIL}&amp;{K}" in first
    assert "kennis=" not in "".join(_hrefs(c.get(f"/?peildatum={PEIL}").get_data(as_text=True), "/gemeente/"))


@pytest.mark.browser
def test_a_click_through_keeps_kennis_in_the_address(ref_db, live_server, page):
    _history(ref_db)
    server = live_server(ref_db)
    page.goto(f"{server.url}/?peildatum={PEIL}&{K}")
    wait_for_dash(page)
    page.click("#ov-goto")
    search = page.locator(".dash-dropdown-content input[type=search]")
    search.fill("Amsterdam")
    expect(dropdown_option(page).first).to_have_text("Amsterdam")
    search.press("Enter")
    page.wait_for_url(re.compile(rf"/gemeente/GM0363\?peildatum={PEIL}&{K}$"))
    wait_for_dash(page)
    expect(page.locator("#kennis-notice")).to_contain_text("Kennis van 10-03-2025")
    page.locator("main").get_by_role("link", name="Noord-Holland").first.click()
    page.wait_for_url(re.compile(rf"/provincie/PV27\?peildatum={PEIL}&{K}"))
    wait_for_dash(page)
    expect(page.locator("#kennis-notice")).to_contain_text("Kennis van 10-03-2025")
    page.locator("main table").get_by_role("link", name="Amsterdam").first.click()
    page.wait_for_url(re.compile(rf"/gemeente/GM0363\?peildatum={PEIL}&{K}"))
    wait_for_dash(page)
    expect(page.locator("main")).to_contain_text("In voorbereiding")
