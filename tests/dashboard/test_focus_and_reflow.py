"""Issue 14, items 3, 5 and 12, in Chromium against the live server of this module.

* Item 3: every navigation between Dash pages ("Ga naar gemeente", a map click, a menu link, the
  back button) lands at the top with focus on the new page's h1 and its title in the polite live
  region; the first page of a load keeps focus where it is.
* Item 5: at 320 px no page scrolls sideways and no text outside tables and maps overflows.
* Item 12: the demo banner is in a landmark (axe ``region`` with best-practice rules), an unknown
  address has its own title, a new-tab link says so in its name, a failed login focuses its message.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard import frame
from dashboard.components import NEW_TAB
from models import queries
from tests.support import sample_data
from tests.support.axe import axe_script
from tests.support.browser import wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.geodata]

ANNOUNCER = f"#{frame.ANNOUNCER_ID}"

LANDED_JS = """(name) => {
    const h1 = document.querySelector('main h1');
    return !!h1 && document.activeElement === h1 && h1.textContent.trim() === name
        && window.scrollY === 0
        && document.querySelector('#etvi-aankondiging').textContent === document.title;
}"""


def _landed(page, name: str) -> None:
    """Focus on the h1 named ``name``, scrolled to the top, the title announced (or a timeout)."""
    try:
        page.wait_for_function(LANDED_JS, arg=name, timeout=15000)
    except Exception:  # noqa: BLE001 - say what the page looked like instead
        state = page.evaluate(
            """() => ({active: document.activeElement.outerHTML.slice(0, 120), scrollY: window.scrollY,
                       h1: (document.querySelector('main h1') || {}).textContent, title: document.title,
                       announced: document.querySelector('#etvi-aankondiging').textContent})"""
        )
        pytest.fail(f"niet geland op {name!r}: {state}")


def _wait_for_map(page, graph_id: str = "ov-map") -> None:
    page.wait_for_selector(f"#{graph_id} .choroplethlayer path", timeout=30000)
    wait_for_dash(page, 30)


def _scroll_down(page) -> None:
    """Scroll far down, as a visitor who used a control below the map."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 300


def test_first_load_keeps_focus_and_announces_nothing(live, page):
    page.goto(live.url + "/gemeente/GM0363")
    wait_for_dash(page)
    page.wait_for_timeout(500)  # would the navigation code (wrongly) act, it would have by now
    assert page.evaluate("document.activeElement === document.body")
    assert page.locator(ANNOUNCER).text_content() == ""
    assert page.title().startswith("Amsterdam")


def test_ga_naar_gemeente_lands_on_its_heading(live, page):
    page.goto(live.url + "/?peildatum=2026-09-30")
    _wait_for_map(page)
    name = queries.gemeenten(live.db_url).set_index("code").loc["GM0344", "name"]
    page.click("#ov-goto")
    search = page.locator(".dash-dropdown-content input[type=search]")
    search.fill(name)
    listed = page.get_by_role("dialog", name="Ga naar gemeente").get_by_role("radio", name=name, exact=True)
    expect(listed).to_be_visible()  # the options are named radios once etvi.js has fixed the open list
    page.evaluate("window.scrollBy(0, 400)")  # the page is scrolled when the choice is made
    search.press("Enter")
    page.wait_for_url(re.compile(r"/gemeente/GM0344"))
    _landed(page, name)
    assert name in page.title()
    assert page.errors == []


def test_a_map_click_lands_on_the_gemeente_heading(live, page):
    page.goto(live.url + "/?peildatum=2026-09-30")
    _wait_for_map(page)
    page.locator("#ov-map").scroll_into_view_if_needed()
    target = page.evaluate(
        """() => {
            for (const p of document.querySelectorAll('#ov-map .choroplethlayer path.choroplethlocation')) {
                const b = p.getBBox(), r = p.getBoundingClientRect();
                if (r.width < 25 || r.height < 25 || r.top < 0 || r.bottom > window.innerHeight) continue;
                const c = new DOMPoint(b.x + b.width / 2, b.y + b.height / 2);
                if (!p.isPointInFill(c)) continue;
                const s = c.matrixTransform(p.getScreenCTM());
                return {x: s.x, y: s.y};
            }
            return null;
        }"""
    )
    assert target, "geen klikbare gemeente gevonden"
    page.mouse.move(target["x"], target["y"])
    page.wait_for_function("() => { const gd = document.querySelector('#ov-map .js-plotly-plot'); return !!(gd && gd._hoverdata && gd._hoverdata.length); }")
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(re.compile(r"/gemeente/GM\d{4}"), timeout=15000)
    code = re.search(r"/gemeente/(GM\d{4})", page.url).group(1)
    _landed(page, queries.gemeenten(live.db_url).set_index("code").loc[code, "name"])
    assert page.errors == []


def test_menu_link_and_back_button_land_on_the_heading(live, page):
    page.goto(live.url + "/mijlpalen")
    wait_for_dash(page)
    _scroll_down(page)
    page.locator("footer a", has_text="Over de gegevens en downloads").focus()
    page.keyboard.press("Enter")  # a dcc.Link, by keyboard
    page.wait_for_url(re.compile(r"/data"))
    heading = page.locator("main h1")
    expect(heading).not_to_have_text("Mijlpalen")
    _landed(page, heading.text_content().strip())
    page.go_back()
    page.wait_for_url(re.compile(r"/mijlpalen"))
    expect(heading).to_have_text("Mijlpalen")
    _landed(page, "Mijlpalen")
    assert "Mijlpalen" in page.title()


def test_the_skip_link_is_no_navigation(live, page):
    """Following "#inhoud" fires popstate too; focus must stay where the skip link put it."""
    page.goto(live.url + "/mijlpalen")
    wait_for_dash(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.wait_for_timeout(11000)  # past the 10 s in which focus.js waits for a new page
    assert page.evaluate("document.activeElement.id") == frame.CONTENT_ID
    assert page.locator(ANNOUNCER).text_content() == ""


# --- item 5: reflow at 320 px -------------------------------------------------------------------

REFLOW_PATHS = ["/", "/provincie/PV27", "/gemeente/GM0363", "/regios", "/mijlpalen", "/data", "/login"]

# Every element outside tables (their own scroll region) and maps that sticks out to the right of
# the viewport or whose text overflows its own box.
OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth, bad = [];
    for (const el of document.querySelectorAll('body *')) {
        if (el.closest('.table-wrap, table, .graph, .js-plotly-plot, svg, .skip-link, .visually-hidden, noscript, script')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const style = getComputedStyle(el);
        const clipped = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && style.overflowX === 'visible';
        if (r.right > width + 1 || clipped) {
            bad.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} right=${Math.round(r.right)}: ${(el.textContent || '').trim().slice(0, 40)}`);
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 10)};
}"""


@pytest.mark.parametrize("path", REFLOW_PATHS)
def test_no_sideways_scroll_at_320_px(live, new_page, path):
    page = new_page(viewport={"width": 320, "height": 800})
    page.goto(live.url + path)
    if path != "/login":
        wait_for_dash(page, 30)
    result = page.evaluate(OVERFLOW_JS)
    assert result["scrollWidth"] <= 321, result
    assert result["bad"] == [], result


# --- item 12 ------------------------------------------------------------------------------------

ALL_AXE_JS = """async () => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
    return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


def test_the_demo_banner_is_inside_a_landmark(live, page):
    sample_data.set_demo(live.db_url, True)
    try:
        found = {}
        for path in ["/", "/login"]:
            page.goto(live.url + path)
            if path == "/":
                wait_for_dash(page)
            expect(page.get_by_role("region", name=frame.DEMO_LABEL)).to_contain_text("Demonstratiegegevens")
            page.evaluate(axe_script())  # all impacts: ``region`` is "moderate"
            found[path] = [v for v in page.evaluate(ALL_AXE_JS) if v["id"] == "region"]
    finally:
        sample_data.set_demo(live.db_url, False)
    assert found == {"/": [], "/login": []}


def test_an_unknown_address_has_its_own_title(live, page):
    for path, title in [
        ("/bestaat-niet", "Pagina niet gevonden · ETVI-monitor"),
        ("/gemeente/GM9999", "Gemeente niet gevonden – ETVI-monitor"),
    ]:
        response = page.goto(live.url + path)
        assert response.status == 404
        wait_for_dash(page)
        assert page.title() == title, path
    # a page Flask renders itself: a refused form post
    page.goto(live.url + "/login")
    page.evaluate("document.querySelector('input[name=csrf_token]').value = 'fout'")
    page.fill("#gebruikersnaam", "iemand")
    page.fill("#wachtwoord", "iets")
    page.click("button[type=submit]")
    assert page.title() == "Geen toegang · ETVI-monitor"


def test_source_links_say_they_open_a_new_tab(live, page):
    page.goto(live.url + "/mijlpalen")
    wait_for_dash(page)
    links = page.locator("a[target=_blank]")
    assert links.count() > 0
    names = links.evaluate_all("els => els.map(a => a.getAttribute('aria-label') || a.textContent)")
    assert all(name.endswith(NEW_TAB) for name in names), names


def test_a_failed_login_moves_focus_to_the_message(live, page):
    page.goto(live.url + "/login")
    page.fill("#gebruikersnaam", "niemand")
    page.fill("#wachtwoord", "verkeerd")
    page.press("#wachtwoord", "Enter")
    page.wait_for_selector("#login-fout")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'login-fout'")
    assert page.get_attribute("#gebruikersnaam", "aria-describedby") == "login-fout"
    page.keyboard.press("Tab")  # on into the form below the message
    assert page.evaluate("document.activeElement.id") == "gebruikersnaam"
