"""Issue 14, item 1: "Tabel tonen" with all 342 gemeenten is there at once, sortable by keyboard,
its links navigate inside the app, and the other large tables are drawn the same way.

The bound (3 s from the click to the last row painted) is generous on purpose: the target is 1 s
on the development machine (2 cores, shared); the measured times are printed (``-s``). Drawn as
Dash components the same table froze the browser for about 35 s.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.axe import run_axe
from tests.support.browser import wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.geodata]

BOUND_S = 3.0
N_GEMEENTEN = 342

# Click (or no click), then wait until the table has `rows` rows and a frame was painted; the time
# in ms. Timers are starved while the page is frozen, so a freeze counts in full.
UNTIL_DRAWN = """async ([click, sel, rows, caption]) => {
    const t0 = performance.now();
    if (click) { document.querySelector(click).click(); }
    await new Promise((resolve, reject) => {
        (function poll() {
            const table = document.querySelector(sel + ' table');
            const n = table ? table.querySelectorAll('tbody tr').length : 0;
            const cap = table ? table.querySelector('caption').textContent : '';
            if (n === rows && (!caption || cap.includes(caption)) && table.getBoundingClientRect().height > 0) {
                requestAnimationFrame(() => requestAnimationFrame(resolve));
            } else if (performance.now() - t0 > 60000) {
                reject(new Error('no table after 60 s: ' + n + ' rows, caption ' + cap));
            } else {
                setTimeout(poll, 10);
            }
        })();
    });
    return performance.now() - t0;
}"""


def _open_home(live, page, query: str = "") -> None:
    page.goto(live.url + "/" + query)
    page.wait_for_selector("#ov-map .choroplethlayer path", timeout=30000)
    wait_for_dash(page)


def _first_names(page, sel: str, n: int = 3) -> list[str]:
    return page.evaluate(f"Array.from(document.querySelectorAll('{sel} tbody tr th')).slice(0, {n}).map(th => th.textContent)")


def test_tabel_tonen_shows_all_gemeenten_at_once_sortable_by_keyboard_with_working_links(live, page):
    _open_home(live, page)
    toggle = page.locator("#ov-tabel-toggle")
    expect(toggle).to_have_text("Tabel tonen")
    ms = page.evaluate(UNTIL_DRAWN, ["#ov-tabel-toggle", "#ov-table", N_GEMEENTEN, ""])
    print(f"\n'Tabel tonen' tot zichtbaar (342 gemeenten): {ms:.0f} ms")
    assert ms < BOUND_S * 1000, f"de tabel verscheen pas na {ms:.0f} ms"
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # the page responds right away (no long task after the table appeared)
    t = page.evaluate("() => { const t0 = performance.now(); return new Promise(r => setTimeout(() => r(performance.now() - t0), 0)); }")
    assert t < 200, t

    table = page.locator("#ov-table table")
    expect(table.locator("caption")).to_contain_text("per gemeente op")
    assert page.locator("#ov-table thead th[scope=col]").count() == 8
    assert page.locator("#ov-table tbody th[scope=row]").count() == N_GEMEENTEN
    bron = page.locator("#ov-table tbody a[target=_blank]").first
    if bron.count():
        assert bron.get_attribute("aria-label").startswith("bron: ")

    # sorting by keyboard: Enter and Space on the header buttons, aria-sort follows
    gemeente = page.locator("#ov-table thead button", has_text="Gemeente").first
    gemeente.focus()
    page.keyboard.press("Enter")
    header = page.locator("#ov-table thead th").first
    expect(header).to_have_attribute("aria-sort", "ascending")
    names = page.evaluate("Array.from(document.querySelectorAll('#ov-table tbody tr th')).map(th => th.textContent.toLowerCase())")
    assert names == sorted(names)
    assert page.evaluate("document.activeElement.getAttribute('data-col')") == "Gemeente"  # focus stays on the button
    page.keyboard.press("Space")
    expect(header).to_have_attribute("aria-sort", "descending")
    names = page.evaluate("Array.from(document.querySelectorAll('#ov-table tbody tr th')).map(th => th.textContent.toLowerCase())")
    assert names == sorted(names, reverse=True)
    page.keyboard.press("Tab")  # to the next header button
    page.keyboard.press("Enter")
    expect(page.locator("#ov-table thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    expect(header).not_to_have_attribute("aria-sort", "descending")
    codes = page.evaluate("Array.from(document.querySelectorAll('#ov-table tbody tr td:first-of-type')).map(td => td.textContent)")
    assert codes == sorted(codes) and len(codes) == N_GEMEENTEN

    violations = run_axe(page)
    assert not violations, violations

    # switching onderdeel with the table open stays fast
    label = page.evaluate("document.querySelectorAll('#ov-onderdeel label')[1].textContent.trim()")
    ms = page.evaluate(UNTIL_DRAWN, ["#ov-onderdeel label:nth-of-type(2) input", "#ov-table", N_GEMEENTEN, label])
    print(f"Onderdeel wisselen met de tabel open: {ms:.0f} ms")
    assert ms < BOUND_S * 1000, f"de tabel was pas na {ms:.0f} ms bijgewerkt"

    # a gemeente link opens the profile inside the app (no reload: the marker survives)
    page.evaluate("window.__nog_dezelfde_pagina = true")
    link = page.locator("#ov-table tbody th a").first
    name = link.text_content()
    link.click()
    expect(page).to_have_url(re.compile(r"/gemeente/GM\d{4}"))
    expect(page.locator("main h1")).to_contain_text(name)
    assert page.evaluate("window.__nog_dezelfde_pagina === true"), "de link laadde de pagina opnieuw"
    assert not page.errors, page.errors


def test_table_in_the_address_is_drawn_at_load(live, page):
    page.goto(live.url + "/?tabel=1")
    page.wait_for_selector("#ov-table table tbody tr", timeout=30000)
    assert page.locator("#ov-table tbody tr").count() == N_GEMEENTEN
    expect(page.locator("#ov-tabel-toggle")).to_have_text("Tabel verbergen")
    assert not page.errors, page.errors


def test_provincie_table_sorts_by_keyboard_and_keeps_the_sort_in_the_address(live, page):
    page.goto(live.url + "/provincie/PV27")
    page.wait_for_selector("#pv-table table tbody tr", timeout=30000)
    wait_for_dash(page)
    n = page.locator("#pv-table tbody tr").count()
    assert n > 40  # Noord-Holland
    button = page.locator("#pv-table thead button").nth(1)
    col = button.get_attribute("data-col")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pv-table thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#pv-table caption")).to_contain_text(f"gesorteerd op {col.lower()} (oplopend)")
    page.keyboard.press("Enter")
    expect(page.locator("#pv-table thead th").nth(1)).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url(re.compile("volgorde=af"))
    assert "sorteer=" in page.url
    # the address gives the same table on a fresh load
    page.goto(page.url)
    page.wait_for_selector("#pv-table table tbody tr", timeout=30000)
    expect(page.locator("#pv-table thead th").nth(1)).to_have_attribute("aria-sort", "descending")
    assert page.locator("#pv-table tbody tr").count() == n
    assert not page.errors, page.errors
