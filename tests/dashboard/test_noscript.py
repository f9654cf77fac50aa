"""Issue 14, item 8: no English, with or without JavaScript.

* Without JavaScript a Dash page says in Dutch what still works (downloads, the API, logging in),
  its links answer, and Dash's "Loading..." is neither in the page nor shown.
* With JavaScript the number input's stepper buttons (Dash 4 names them "Decrease value" and
  "Increase value") carry Dutch names (assets/etvi.js), on every page with such an input.
"""

from __future__ import annotations

import pytest

from tests.support.browser import wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.geodata]

ENGLISH = ("Loading...", "Decrease value", "Increase value")


@pytest.mark.parametrize("path", ["/", "/data", "/gemeente/GM0363"])
def test_without_javascript_the_page_says_in_dutch_what_works(live, new_page, path):
    page = new_page(java_script_enabled=False)
    page.goto(live.url + path)
    text = page.inner_text("body")
    links = page.locator("noscript a, .noscript a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    loading_shown = page.locator("._dash-loading").is_visible()
    answers = {href: page.request.get(live.url + href).status for href in links}
    entry = page.inner_html("#react-entry-point")  # Dash's placeholder (its config script names dcc.Loading)
    assert "Zonder JavaScript werkt nog wel" in text
    assert any(h.startswith("/download/") for h in links)
    assert any(h.startswith("/api/v1/") for h in links)
    assert "/login" in links
    assert set(answers.values()) == {200}, answers
    assert not loading_shown
    assert "Loading" not in text and "Loading" not in entry
    assert "Bezig met laden" in entry  # Dutch, and hidden without scripting (style.css)


def test_number_steppers_have_dutch_names(live, page):
    page.goto(live.url + "/data?weergave=verouderd")
    wait_for_dash(page)
    steppers = page.locator("button.dash-input-stepper")
    assert steppers.count() >= 2  # the test can only fail if there are some
    page.wait_for_function(
        "() => [...document.querySelectorAll('button.dash-input-stepper')].every(b => !/value/.test(b.getAttribute('aria-label')))"
    )
    names = sorted(steppers.evaluate_all("els => els.map(b => b.getAttribute('aria-label'))"))
    assert names == ["Waarde verhogen", "Waarde verlagen"]
    # the stepper still works after its name changed
    before = page.input_value("#dt-dagen")
    page.get_by_role("button", name="Waarde verhogen").click()
    page.wait_for_function("(v) => document.querySelector('#dt-dagen').value !== v", arg=before)


@pytest.mark.parametrize("path", ["/", "/regios", "/mijlpalen", "/data", "/gemeente/GM0363", "/provincie/PV27", "/login"])
def test_rendered_pages_have_no_english_control_names(live, page, path):
    page.goto(live.url + path)
    if path != "/login":
        wait_for_dash(page)
    page.wait_for_timeout(200)  # the accessibility fixes run in the next animation frame
    html = page.content()
    assert [word for word in ENGLISH if word in html] == []
