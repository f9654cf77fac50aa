"""Issue 14, item 4: an open dropdown passes axe (no nested-interactive, named dialog and list),
and the option with keyboard focus and the chosen option are shown by more than text colour.
Also /data (item 13): only the controls that matter for the chosen view are shown.

Browser tests (Chromium, keyboard only) on the module's ``live`` server.
"""

from __future__ import annotations

import pytest

from tests.support.axe import run_axe
from tests.support.browser import wait_for_dash

DROPDOWN_RULES = {"nested-interactive", "aria-input-field-name", "aria-dialog-name", "aria-toggle-field-name", "aria-required-children", "aria-allowed-attr"}


def _open_by_keyboard(page, control_id: str) -> None:
    """Tab to the dropdown's button and open it with Enter."""
    page.focus(f"#{control_id}")
    assert page.evaluate("(id) => document.activeElement.id === id", control_id)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{control_id}[aria-expanded='true']")
    # etvi.js names the dialog and the list one animation frame after React renders them, and
    # again whenever React replaces the list: wait until the list on screen now carries the fix
    page.wait_for_function(
        "(id) => { const d = document.getElementById(id).parentElement.querySelector('.dash-dropdown-content');"
        " const l = d && d.querySelector('.dash-dropdown-options');"
        " return d && d.getAttribute('aria-label') && l && l.getAttribute('aria-label') && l.getAttribute('role')"
        " && l.querySelector('.dash-dropdown-option') && !l.querySelector('label[role]'); }",
        arg=control_id,
    )


def _focused_option_style(page) -> dict:
    return page.evaluate(
        """() => {
            const opt = document.activeElement.closest('.dash-dropdown-option');
            const others = [...document.querySelectorAll('.dash-dropdown-content .dash-dropdown-option')].filter(o => o !== opt);
            const st = opt && getComputedStyle(opt);
            return {focused: !!opt, bg: st && st.backgroundColor, outline: st && st.outlineStyle,
                    otherBgs: others.map(o => getComputedStyle(o).backgroundColor)};
        }"""
    )


@pytest.mark.parametrize(
    ("path", "control_id", "label", "role"),
    [
        ("/?peildatum=2026-09-30", "ov-peildatum", "Stand op", "radiogroup"),
        ("/?peildatum=2026-09-30", "ov-goto", "Ga naar gemeente", "radiogroup"),
        ("/data?weergave=gemeenten", "dt-peildatum", "Stand op", "radiogroup"),
        ("/regios", "rg-regio", "Gebieden uitlichten", "group"),
    ],
)
def test_an_open_dropdown_passes_axe_and_shows_focus_and_choice(live, page, path, control_id, label, role):
    page.goto(live.url + path)
    wait_for_dash(page)
    page.wait_for_function("(id) => document.querySelector('#' + id + ':not([disabled])')", arg=control_id)
    _open_by_keyboard(page, control_id)
    names = page.evaluate(
        """(id) => { const w = document.getElementById(id).parentElement;
            const d = w.querySelector('.dash-dropdown-content'), l = d.querySelector('.dash-dropdown-options');
            return {dialog: d.getAttribute('aria-label'), list: l.getAttribute('aria-label'), role: l.getAttribute('role'),
                    optionRoles: [...l.querySelectorAll('label')].map(x => x.getAttribute('role'))}; }""",
        control_id,
    )
    assert names["dialog"] == label and names["list"] == label and names["role"] == role
    assert set(names["optionRoles"]) == {None}
    # move the keyboard focus onto an option
    if page.evaluate("document.activeElement.matches('input.dash-dropdown-search')"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.activeElement.closest('.dash-dropdown-option') !== null")
    style = _focused_option_style(page)
    assert style["focused"] and style["outline"] == "solid"
    assert style["otherBgs"] and all(bg != style["bg"] for bg in style["otherBgs"]), style
    violations = [v for v in run_axe(page) if v["id"] in DROPDOWN_RULES]
    assert violations == [], violations


def test_the_chosen_peildatum_is_marked_in_the_open_list(live, page):
    page.goto(live.url + "/?peildatum=2026-09-30")
    wait_for_dash(page)
    _open_by_keyboard(page, "ov-peildatum")
    chosen = page.evaluate(
        """() => [...document.querySelectorAll('.dash-dropdown-content .dash-dropdown-option')]
              .filter(o => o.querySelector('input').checked)
              .map(o => ({text: o.textContent, weight: getComputedStyle(o).fontWeight,
                          mark: getComputedStyle(o.querySelector('.dash-options-list-option-text'), '::before').content}))"""
    )
    assert len(chosen) == 1 and "30 september 2026" in chosen[0]["text"]
    assert int(chosen[0]["weight"]) >= 700 and "✓" in chosen[0]["mark"]
    others = page.evaluate(
        """() => [...document.querySelectorAll('.dash-dropdown-content .dash-dropdown-option')]
              .filter(o => !o.querySelector('input').checked)
              .map(o => getComputedStyle(o.querySelector('.dash-options-list-option-text'), '::before').content)"""
    )
    assert others and all("✓" not in m for m in others)
    # Escape closes it and the keyboard focus is back on the button
    page.keyboard.press("Escape")
    page.wait_for_selector("#ov-peildatum[aria-expanded='false']")


def test_onderdeel_and_niveau_on_the_overview_are_native_radio_groups(live, page):
    """The short lists on / need no dropdown: named radio groups, arrow keys choose."""
    page.goto(live.url + "/?peildatum=2026-09-30&onderdeel=woonzorgvisie")
    wait_for_dash(page)
    for group, legend in (("ov-onderdeel", "Onderdeel"), ("ov-niveau", "Toon")):
        assert page.get_by_role("radiogroup", name=legend).count() == 1
        assert page.locator(f"#{group} input[type=radio]").count() >= 2
    page.focus("#ov-onderdeel input:checked")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(lambda url: "onderdeel=woonzorgvisie" not in url)
    assert page.evaluate("() => document.activeElement.checked && document.activeElement.type === 'radio'")
    violations = run_axe(page)
    assert violations == [], violations


def _visible(page, selector: str) -> bool:
    return page.evaluate("(s) => { const el = document.querySelector(s); return !!el && el.offsetParent !== null; }", selector)


def test_data_shows_only_the_controls_of_the_chosen_view(live, page):
    page.goto(live.url + "/data?weergave=gemeenten")
    wait_for_dash(page)
    assert _visible(page, "#dt-peildatum") and _visible(page, "#dt-dagen")
    assert not _visible(page, "#dt-onderdeel") and not _visible(page, "#dt-regiotype")
    # choose "Aandeel gereed per provincie of regio" by keyboard: onderdeel and regio-indeling appear
    page.focus("#dt-weergave input[value='regios']")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('#dt-onderdeel').offsetParent !== null")
    assert _visible(page, "#dt-regiotype")
    page.wait_for_function("() => document.querySelector('#dt-dl-ods').getAttribute('href').startsWith('/download/regios.ods?')")
    # and they go again for a view they do not change
    page.focus("#dt-weergave input[value='mijlpalen']")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('#dt-onderdeel').offsetParent === null")
    assert not _visible(page, "#dt-regiotype")
    violations = run_axe(page)
    assert violations == [], violations
