"""Browser tests: headless Debian Chromium via Playwright against a live server (the module-scoped ``live`` of tests/dashboard/conftest.py).

They use the real boundary files (ETVI_GEO_DIR) and run axe-core on every page.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from models import queries
from tests.support import sample_data
from tests.support.axe import run_axe
from tests.support.browser import dropdown_option, wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.geodata]

PAGES = [
    "/",
    "/?niveau=woningmarktregio&onderdeel=verdeling+opgave&tabel=1",
    "/regios?regiotype=provincie&onderdeel=verordening",
    "/provincie/PV27",
    "/gemeente/GM0363",
    "/mijlpalen",
    "/data",
    "/bestaat-niet",
]
MAP_DATA = "document.querySelector('#{id} .js-plotly-plot').data[0]"


def map_trace(page, graph_id: str = "ov-map") -> dict:
    return page.evaluate(f"(() => {{ const t = {MAP_DATA.format(id=graph_id)}; return {{z: Array.from(t.z), locations: Array.from(t.locations), geojson: t.geojson}}; }})()")


def wait_for_map(page, graph_id: str = "ov-map") -> None:
    page.wait_for_selector(f"#{graph_id} .choroplethlayer path", timeout=20000)
    wait_for_dash(page)


def choose_peildatum(page, control_id: str, label: str) -> None:
    page.click(f"#{control_id}")
    dropdown_option(page, label).click()


def expected_z(db_url: str, peildatum: date, onderdeel: str, codes: list[str]) -> list[int]:
    levels = queries.status_levels(db_url)
    order = list(levels[levels["onderdeel"] == onderdeel].sort_values("rank")["status"])
    status = queries.status_asof(peildatum, db_url)
    status = status[status["onderdeel"] == onderdeel].set_index("gemeente_code")["status"]
    return [order.index(status[c]) + 1 if c in status.index else 0 for c in codes]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors_and_passes_axe(live, page, path):
    response = page.goto(live.url + path)
    wait_for_dash(page)
    if path.startswith("/?") or path == "/" or path.startswith("/provincie"):
        wait_for_map(page, "pv-map" if path.startswith("/provincie") else "ov-map")
    assert page.evaluate("document.documentElement.lang") == "nl"
    if path == "/bestaat-niet":
        assert response.status == 404
        # Chromium logs the 404 status of the document itself; that is the only error allowed.
        page.errors = [e for e in page.errors if "404 (NOT FOUND)" not in e]
    else:
        assert response.status == 200
    assert page.errors == []
    violations = run_axe(page)
    assert violations == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in violations)


def test_changing_the_peildatum_changes_the_map_to_what_the_database_says(live, page):
    geo_requests, updates = [], []
    page.on("request", lambda r: geo_requests.append(r.url) if "/kaartvormen/gemeente.geojson" in r.url else None)
    page.on("response", lambda r: updates.append(r) if "_dash-update-component" in r.url else None)
    page.goto(live.url + "/?peildatum=2026-09-30&onderdeel=verordening")
    wait_for_map(page)
    first = map_trace(page)
    assert first["z"] == expected_z(live.db_url, date(2026, 9, 30), "verordening", first["locations"])
    assert first["geojson"].startswith("/kaartvormen/gemeente.geojson?v=")

    updates.clear()
    choose_peildatum(page, "ov-peildatum", "31 maart 2024")
    page.wait_for_url(re.compile(r"peildatum=2024-03-31"))
    wait_for_dash(page)
    page.wait_for_function(
        "([want]) => JSON.stringify(Array.from(" + MAP_DATA.format(id="ov-map") + ".z)) === want",
        arg=[str(expected_z(live.db_url, date(2024, 3, 31), "verordening", first["locations"])).replace(" ", "")],
        timeout=15000,
    )
    assert page.inner_text("#ov-map-heading") == "Verordening met urgentieregeling per gemeente op 31 maart 2024"
    bodies = [r.text() for r in updates]
    assert bodies and not any("FeatureCollection" in b or "coordinates" in b for b in bodies)  # geometry is never resent
    assert any('"ov-map-update"' in b for b in bodies) and not any('"ov-map":' in b for b in bodies)  # values only
    assert len(geo_requests) == 1  # the gemeente geometry was fetched once
    assert page.errors == []


ORDER_JS = """
window.__etviSeen = {};
new MutationObserver(() => {
  const want = {map: '#ov-map .choroplethlayer path', strip: '#ov-mstrip .scatterlayer', list: '#ov-mlist table'};
  for (const [k, sel] of Object.entries(want)) {
    if (!(k in window.__etviSeen) && document.querySelector(sel)) { window.__etviSeen[k] = performance.now(); }
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_first_load_carries_the_page_and_draws_the_map_before_what_lies_below(live, page):
    """dashboard/prerender.py and etvi.afterMap: the page for the address arrives with the first
    layout (no routing callback), the map is drawn before the milestone strip and list, and the
    gemeente list of "Ga naar gemeente" arrives after it; later navigation still routes."""
    outputs = []
    page.on("request", lambda r: outputs.append((r.post_data_json or {}).get("output", "")) if "/_dash-update-component" in r.url else None)
    page.add_init_script(ORDER_JS)
    page.goto(live.url + "/?peildatum=2026-09-30&onderdeel=verordening")
    wait_for_map(page)
    page.wait_for_selector("#ov-mlist table")
    page.wait_for_selector("#ov-mstrip .scatterlayer")
    seen = page.evaluate("window.__etviSeen")
    assert seen["map"] <= seen["strip"] and seen["map"] <= seen["list"]
    # Dash's core-js polyfill is replaced by regenerator-runtime (dashboard/static.py)
    assert page.evaluate("[typeof window.regeneratorRuntime, typeof window._babelPolyfill, typeof window.runtime]") == ["object", "undefined", "undefined"]
    assert not any("_pages_content" in o or "ov-mstrip" in o for o in outputs)  # no routing, no strip request
    assert page.get_by_role("radio", name="Verordening met urgentieregeling").is_checked()
    trace = map_trace(page)
    assert trace["z"] == expected_z(live.db_url, date(2026, 9, 30), "verordening", trace["locations"])
    # the strip marks the peildatum of the address (the strip's own callback runs once it exists)
    page.wait_for_function("() => document.querySelector('#ov-mstrip').textContent.includes('30 september 2026')")

    name = queries.gemeenten(live.db_url).set_index("code").loc["GM0344", "name"]
    page.click("#ov-goto")
    search = page.locator(".dash-dropdown-content input[type=search]")
    search.fill(name)
    # Enter picks the first option of the list as it is then; wait until the list shows the
    # result of the whole name (options are rows reused by position while the search runs)
    expect(dropdown_option(page).first).to_have_text(name)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/gemeente/GM0344\?peildatum=2026-09-30"))
    expect(page.locator("main h1")).to_have_text(name)
    wait_for_dash(page)

    page.get_by_role("link", name="Regio's vergelijken").click()
    page.wait_for_url(re.compile(r"/regios"))
    page.wait_for_function("() => document.querySelector('main h1').innerText.startsWith('Regio')")
    assert any("_pages_content" in o for o in outputs)  # (requests are recorded)
    assert page.errors == []


def test_a_peildatum_chosen_before_the_map_is_drawn_is_marked_on_the_strip(live, page):
    """The strip is added after the map; choosing another peildatum before that still marks it."""
    held = []
    page.route(re.compile(r"/kaartvormen/gemeente\.geojson"), lambda route: held.append(route))
    page.goto(live.url + "/?peildatum=2026-09-30")
    page.wait_for_selector("#ov-peildatum")
    page.wait_for_function("() => document.querySelector('#ov-goto') !== null")
    assert held, "the geometry request was not held"
    choose_peildatum(page, "ov-peildatum", "31 maart 2024")
    page.wait_for_url(re.compile(r"peildatum=2024-03-31"))
    assert page.locator("#ov-map .choroplethlayer path").count() == 0  # the map waits for its geometry
    for route in held:
        route.continue_()
    wait_for_map(page)
    page.wait_for_selector("#ov-mstrip .scatterlayer")
    page.wait_for_function("() => document.querySelector('#ov-mstrip').textContent.includes('31 maart 2024')", timeout=15000)
    assert "30 september 2026" not in page.text_content("#ov-mstrip")
    assert page.errors == []


def test_clicking_a_gemeente_opens_its_profile(live, page):
    page.goto(live.url + "/?peildatum=2026-09-30")
    wait_for_map(page)
    page.locator("#ov-map").scroll_into_view_if_needed()
    # a gemeente whose bounding-box centre lies inside its own shape, so the click lands on it
    target = page.evaluate(
        """() => {
            const paths = Array.from(document.querySelectorAll('#ov-map .choroplethlayer path.choroplethlocation'));
            for (const p of paths) {
                const b = p.getBBox();
                const r = p.getBoundingClientRect();
                if (r.width < 25 || r.height < 25 || r.top < 0 || r.bottom > window.innerHeight) continue;
                const c = new DOMPoint(b.x + b.width / 2, b.y + b.height / 2);
                if (!p.isPointInFill(c)) continue;
                const s = c.matrixTransform(p.getScreenCTM());
                return {x: s.x, y: s.y, loc: p.__data__ && p.__data__.id};
            }
            return null;
        }"""
    )
    assert target, "geen klikbare gemeente gevonden"
    page.mouse.move(target["x"], target["y"])
    # Plotly's click uses the hover data of the point under the mouse
    page.wait_for_function("() => { const gd = document.querySelector('#ov-map .js-plotly-plot'); return !!(gd && gd._hoverdata && gd._hoverdata.length); }")
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(re.compile(r"/gemeente/GM\d{4}"), timeout=15000)
    code = re.search(r"/gemeente/(GM\d{4})", page.url).group(1)
    if target["loc"]:
        assert code == target["loc"]
    name = queries.gemeenten(live.db_url).set_index("code").loc[code, "name"]
    expect(page.locator("main h1")).to_have_text(name)
    wait_for_dash(page)
    assert "peildatum=2026-09-30" in page.url
    assert page.errors == []


def test_a_copied_link_reproduces_the_view_in_a_new_browser(live, page, new_page):
    page.goto(live.url + "/")
    wait_for_map(page)
    page.get_by_role("radio", name="Verdeling van de opgave").check()
    page.get_by_role("radio", name="Provincies (aandeel gereed)").check()
    choose_peildatum(page, "ov-peildatum", "31 december 2024")
    page.wait_for_url(re.compile(r"peildatum=2024-12-31.*niveau=provincie|niveau=provincie.*peildatum=2024-12-31"))
    page.wait_for_function("() => document.querySelector('#ov-map-heading').innerText.includes('31 december 2024')")
    wait_for_dash(page)
    url = page.url
    assert "onderdeel=verdeling+opgave" in url
    heading, cards, trace = page.inner_text("#ov-map-heading"), page.inner_text("#ov-cards"), map_trace(page)

    p2 = new_page()  # a context of its own: no state shared with the first page
    p2.goto(url)
    wait_for_map(p2)
    assert p2.inner_text("#ov-map-heading") == heading
    assert p2.inner_text("#ov-cards") == cards
    assert map_trace(p2) == trace
    assert p2.get_by_role("radio", name="Provincies (aandeel gereed)").is_checked()
    assert p2.get_by_role("radio", name="Verdeling van de opgave").is_checked()
    assert p2.url == url


def test_demo_banner_with_demo_data(live, page):
    page.goto(live.url + "/mijlpalen")
    wait_for_dash(page)
    assert page.locator("#demo-banner").count() == 0
    sample_data.set_demo(live.db_url, True)
    try:
        for path in ["/", "/gemeente/GM0014"]:
            page.goto(live.url + path)
            wait_for_dash(page)
            banner = page.locator("#demo-banner")
            assert banner.is_visible() and "Demonstratiegegevens" in banner.inner_text()
    finally:
        sample_data.set_demo(live.db_url, False)
    page.reload()
    wait_for_dash(page)
    assert page.locator("#demo-banner").count() == 0


def test_which_provinces_are_furthest_behind_on_the_verordening(live, page):
    """The question from the issue: a few clicks, a link to share, the numbers to download."""
    page.goto(live.url + "/")
    wait_for_dash(page)
    page.get_by_role("link", name="Regio's vergelijken").click()
    page.wait_for_url(re.compile(r"/regios"))
    expect(page.locator("main h1")).to_have_text(re.compile("^Regio"))
    wait_for_dash(page)
    page.get_by_role("radio", name="Verordening met urgentieregeling").check()
    page.wait_for_url(re.compile(r"onderdeel=verordening"))
    page.wait_for_function("() => document.querySelector('#rg-target').innerText.includes('Urgentieregeling in alle gemeenten')")
    wait_for_dash(page)
    assert "2026" in page.inner_text("#rg-target")
    first_row = page.locator("#rg-rank-table tbody tr").first.locator("th").inner_text()
    peil = date.fromisoformat(re.search(r"peildatum=(\d{4}-\d{2}-\d{2})", page.url).group(1))
    status = queries.status_asof(peil, live.db_url)
    done = status[(status["onderdeel"] == "verordening") & (status["status"] == "vastgesteld")]
    g = queries.gemeenten(live.db_url)
    share = g.assign(done=g["code"].isin(done["gemeente_code"])).groupby("provincie_name")["done"].mean().sort_values(kind="stable")
    assert first_row == share.index[0]
    href = page.get_attribute("#rg-dl-csv", "href")
    assert "onderdeel=verordening" in href and "regiotype=provincie" in href
    body = page.request.get(live.url + href).text()
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0]["Provincie"] == share.index[0] and len(rows) == 12


def test_controls_work_with_the_keyboard(live, page):
    page.goto(live.url + "/?peildatum=2026-09-30")
    wait_for_map(page)
    page.focus("#ov-peildatum")
    assert page.evaluate("document.activeElement.id") == "ov-peildatum"
    assert page.evaluate("document.getElementById('ov-peildatum').tabIndex") == 0
    page.keyboard.press("ArrowDown")  # opens the list
    page.wait_for_selector(".dash-dropdown-options[role=radiogroup]", state="visible")
    page.wait_for_function("() => document.activeElement && document.activeElement.value === '2026-09-30'")
    page.keyboard.press("ArrowDown")  # to the next date
    page.wait_for_function("() => (v => /^\\d{4}-\\d{2}-\\d{2}$/.test(v) && v !== '2026-09-30')(document.activeElement && document.activeElement.value)")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !window.location.search.includes('peildatum=2026-09-30')")
    expect(page.locator("#ov-peildatum")).to_be_focused()  # the list hands the focus back
    radio = page.get_by_role("radio", name="Woonzorgvisie")
    radio.focus()
    expect(radio).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('onderdeel=verordening')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "radio"
    assert page.errors == []
