"""Issue 14, item 1: "Tabel tonen" with all 342 gemeenten is there at once, sortable by keyboard,
its links navigate inside the app, and the other large tables are drawn the same way.
Item 9: at 1280 px no word in a table cell is broken across lines (/mijlpalen, /aanlevering,
/auditlog).

The bound (3 s from the click to the last row painted) is generous on purpose: the target is 1 s
on the development machine (2 cores, shared); the measured times are printed (``-s``). Drawn as
Dash components the same table froze the browser for about 35 s.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from dashboard import texts
from tests.support.app import create_actors
from tests.support.axe import run_axe
from tests.support.browser import dropdown_option, wait_for_dash

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
    label = page.evaluate("document.querySelector('#ov-onderdeel label:has(input:not(:checked))').textContent.trim()")
    ms = page.evaluate(UNTIL_DRAWN, ["#ov-onderdeel label:has(input:not(:checked)) input", "#ov-table", N_GEMEENTEN, label])
    print(f"Onderdeel wisselen met de tabel open: {ms:.0f} ms")
    assert ms < BOUND_S * 1000, f"de tabel was pas na {ms:.0f} ms bijgewerkt"
    expect(page.locator("#ov-table thead th").nth(1)).to_have_attribute("aria-sort", "ascending")  # the sort stays

    # a gemeente link opens the profile inside the app (no reload: the marker survives)
    page.evaluate("window.__nog_dezelfde_pagina = true")
    link = page.locator("#ov-table tbody th a").first
    name = link.text_content()
    link.click()
    expect(page).to_have_url(re.compile(r"/gemeente/GM\d{4}"))
    expect(page.locator("main h1")).to_contain_text(name)
    assert page.evaluate("window.__nog_dezelfde_pagina === true"), "de link laadde de pagina opnieuw"
    assert not page.errors, page.errors


def test_a_loading_state_shows_until_the_table_is_there(live, page):
    _open_home(live, page)
    held = []

    seen = []

    def hold(route):
        seen.append((route.request.url, (route.request.post_data or "")[:300]))
        if "ov-table" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"_dash-update-component"), hold)
    page.click("#ov-tabel-toggle")
    expect(page.get_by_role("status").filter(has_text="De tabel wordt geladen")).to_be_visible()
    assert held, seen
    for route in held:
        route.continue_()
    page.unroute(re.compile(r"_dash-update-component"))
    page.wait_for_selector("#ov-table table tbody tr", timeout=30000)
    expect(page.get_by_text("De tabel wordt geladen")).to_have_count(0)
    assert page.locator("#ov-table tbody tr").count() == N_GEMEENTEN


def test_a_hidden_table_asks_nothing_and_opens_at_the_peildatum_chosen_meanwhile(live, page):
    """A peildatum change while the table is hidden sends no table request (``etvi.tableView``);
    opened afterwards, the table is for the new peildatum; hidden again, it is gone."""
    _open_home(live, page, "?peildatum=2026-09-30")
    posted = []
    page.on("request", lambda r: posted.append(r.post_data or "") if "_dash-update-component" in r.url else None)
    page.click("#ov-peildatum")
    with page.expect_response(lambda r: "_dash-update-component" in r.url and "ov-cards" in (r.request.post_data or "")):
        dropdown_option(page).nth(1).click()
    chosen = page.evaluate("() => new URLSearchParams(window.location.search).get('peildatum')")
    assert chosen and chosen != "2026-09-30"
    wait_for_dash(page)
    assert posted and not [p for p in posted if "ov-table" in p], posted
    ms = page.evaluate(UNTIL_DRAWN, ["#ov-tabel-toggle", "#ov-table", N_GEMEENTEN, f"per gemeente op {texts.fmt_date(date.fromisoformat(chosen))}"])
    assert ms < 60000
    page.click("#ov-tabel-toggle")
    expect(page.locator("#ov-table table")).to_have_count(0)
    expect(page.locator("#ov-tabel-toggle")).to_have_text("Tabel tonen")
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


# Every word (a run of letters and digits) of every table cell under `sel`, that is laid out on
# more than one line; and cells whose computed style allows breaking inside a word.
BROKEN_WORDS = """(sel) => {
    const broken = [], styles = [];
    document.querySelectorAll(sel).forEach(cell => {
        const cs = getComputedStyle(cell);
        if (cs.wordBreak === 'break-all' || cs.overflowWrap === 'anywhere') { styles.push(cell.textContent.slice(0, 40)); }
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const re = /[\\p{L}\\p{N}]+/gu;
            let m;
            while ((m = re.exec(node.data))) {
                const r = document.createRange();
                r.setStart(node, m.index);
                r.setEnd(node, m.index + m[0].length);
                const lines = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
                if (lines.size > 1) { broken.push(m[0]); }
            }
        }
    });
    return {broken, styles, cells: document.querySelectorAll(sel).length};
}"""


@pytest.fixture(scope="module")
def actors(live):
    return create_actors(live.db_url)


def _log_in(page, live, actor, path: str) -> None:
    page.goto(f"{live.url}/login?next={path}")
    page.get_by_label("Gebruikersnaam").fill(actor.username)
    page.get_by_label("Wachtwoord").fill(actor.password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))


@pytest.mark.parametrize(
    "path, who, tables",
    [
        ("/mijlpalen", None, ["#mp-all", "#mp-national-table", "#mp-regions"]),
        ("/aanlevering", "provincie", ["#levering-tabel"]),
        ("/auditlog", "beheerder", ["#audit-uploads", "#levering-tabel", "#audit-gebeurtenissen"]),
    ],
)
def test_no_word_is_broken_inside_a_table_cell_at_1280px(live, actors, page, path, who, tables):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    if who:
        _log_in(page, live, actors[who], path)
    else:
        page.goto(live.url + path)
    for sel in tables:
        page.wait_for_selector(f"{sel} table tbody tr", timeout=30000)
    wait_for_dash(page)
    assert page.viewport_size["width"] == 1280
    for sel in tables:
        found = page.evaluate(BROKEN_WORDS, f"{sel} tbody td, {sel} tbody th, {sel} thead th")
        assert found["cells"] > 0, sel
        assert not found["broken"], (sel, "woorden afgebroken", sorted(set(found["broken"]))[:20])
        assert not found["styles"], (sel, "breekt binnen woorden", found["styles"][:5])
    # the login page's own requests are not this test's subject (a favicon 404 there is seen by
    # Chromium but not reported to Playwright); script errors are
    errors = [e for e in page.errors if not (who and "Failed to load resource" in e and not missing)]
    assert not errors, (errors, missing)
