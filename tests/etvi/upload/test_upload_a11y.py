"""/aanleveren by keyboard and screen reader (issue 14 items 2 and 6), in Chromium with axe-core:
the file input is named by the drop zone's text, its focus shows on the drop zone, Enter and Space
open the picker; after confirm the focus is on the short outcome, the one live region carries only
that summary, the date fields are linked to their hint and error and have the 3 px focus ring."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.app import create_actors
from tests.support.axe import run_axe

pytestmark = pytest.mark.browser

FILE_INPUT = "#aanl-upload input[type=file]"
GOOD = "gemeentecode;peildatum;verordening;toelichting\nGM0363;2026-03-01;vastgesteld;per toetsenbord\n"
# live regions inside the report or the result: none, the flow's one is #aanl-melding
LIVE_IN_FLOW = ", ".join(f"{where} {what}" for where in ("#aanl-rapport", "#aanl-resultaat") for what in ("[aria-live]", "[role=status]", "[role=alert]"))
WRONG = "gemeentecode;peildatum;verordening;toelichting\nGM0363;2026-03-01;vastgestelt;typfout\n"


@pytest.fixture
def upload_page(ref_db, live_server, page):
    """The upload page, logged in as gemeente Amsterdam; script errors on the page fail the test."""
    actors = create_actors(ref_db)
    base = live_server(ref_db).url
    # Playwright turns Chromium's picker interception on when a "filechooser" listener is added and
    # off when the last is removed, without waiting: a key pressed right after `expect_file_chooser`
    # could meet a picker not yet intercepted. A listener for the page's life keeps it on throughout.
    page.on("filechooser", lambda chooser: None)
    page.goto(f"{base}/login?next=%2Faanleveren")
    a = actors["gemeente_a"]
    page.get_by_label("Gebruikersnaam").fill(a.username)
    page.get_by_label("Wachtwoord").fill(a.password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{base}/aanleveren")
    expect(page.locator(FILE_INPUT)).to_have_attribute("aria-labelledby", "aanl-upload-tekst")
    return page


def _focused(page) -> str:
    return page.evaluate("() => { const e = document.activeElement; return e.id || e.className || e.tagName; }")


def _outline(page, selector: str) -> list[str]:
    return page.locator(selector).first.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }")


def _violations(page) -> list[dict]:
    return run_axe(page)


def test_file_input_is_named_shows_focus_and_opens_with_enter_and_space(upload_page, tmp_path):
    page = upload_page
    assert [v for v in _violations(page) if v["id"] == "label"] == []
    # Named by the visible text of the drop zone.
    named = page.get_by_label("Sleep uw bestand hierheen of kies een bestand")
    expect(named).to_have_count(1)
    assert named.evaluate("e => e.type") == "file"

    # By keyboard: from the peildatum field one Tab reaches the file input, and the zone shows it.
    assert _outline(page, ".upload-zone")[0] == "none"
    page.locator("#aanl-peildatum").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('#aanl-upload input[type=file]')")
    assert _outline(page, ".upload-zone") == ["solid", "3px"]

    good = tmp_path / "amsterdam.csv"
    good.write_text(GOOD, encoding="utf-8")
    # upload.js has taken the input (it may be re-rendered by Dash after the first paint).
    page.wait_for_function("() => document.querySelector('#aanl-upload input[type=file]').dataset.etviEnter === '1'")
    with page.expect_file_chooser(timeout=15_000):
        page.keyboard.press("Enter")
    with page.expect_file_chooser(timeout=15_000):
        page.keyboard.press("Space")
    # A browser whose file input does nothing on Enter (as the issue found): upload.js opens it.
    page.evaluate("() => document.addEventListener('keydown', e => { if (e.key === 'Enter') e.preventDefault(); }, true)")
    assert page.evaluate("() => document.activeElement.matches('#aanl-upload input[type=file]')")
    with page.expect_file_chooser(timeout=15_000) as chosen:
        page.keyboard.press("Enter")
    chosen.value.set_files(str(good))
    expect(page.locator("#aanl-goedgekeurd")).to_be_visible(timeout=30_000)
    expect(page.locator("#aanl-melding")).to_have_text("Goedgekeurd: 1 wijziging; controleer en bevestig")


def test_confirm_moves_focus_to_a_short_outcome(upload_page, tmp_path):
    page = upload_page
    wrong, good = tmp_path / "fout.csv", tmp_path / "goed.csv"
    wrong.write_text(WRONG, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")

    page.locator(FILE_INPUT).set_input_files(str(wrong))
    expect(page.locator("#aanl-geweigerd")).to_be_visible(timeout=30_000)
    expect(page.locator("#aanl-melding")).to_have_text("Geweigerd: 1 fout")
    assert page.locator(LIVE_IN_FLOW).count() == 0

    page.locator(FILE_INPUT).set_input_files(str(good))
    expect(page.locator("#aanl-goedgekeurd")).to_be_visible(timeout=30_000)
    # The report and the result are no live regions; the only one of the flow holds the summary.
    assert page.locator(LIVE_IN_FLOW).count() == 0
    expect(page.locator("#aanl-melding")).to_have_text("Goedgekeurd: 1 wijziging; controleer en bevestig")

    page.locator("#aanl-bevestig").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#aanl-opgeslagen")).to_be_visible(timeout=30_000)
    summary = page.locator("#aanl-resultaat .flow-summary")
    expect(summary).to_have_text("Opgeslagen: 1 status voor 1 gemeente")
    expect(summary).to_be_focused()
    expect(page.locator("#aanl-melding")).to_have_text("Opgeslagen: 1 status voor 1 gemeente")
    assert _outline(page, "#aanl-resultaat .flow-summary") == ["solid", "3px"]
    assert page.locator(LIVE_IN_FLOW).count() == 0
    assert _violations(page) == []


def test_date_fields_are_linked_to_hint_and_error_with_a_3px_focus_ring(upload_page):
    page = upload_page
    field = page.locator("#aanl-peildatum")
    expect(field).to_have_attribute("aria-describedby", "aanl-peildatum-uitleg aanl-peildatum-fout")
    expect(field).to_have_attribute("aria-invalid", "false")
    expect(page.locator("#aanl-sjabloon-peildatum")).to_have_attribute(
        "aria-describedby", "aanl-sjabloon-peildatum-uitleg aanl-sjabloon-peildatum-fout"
    )
    field.focus()
    assert _outline(page, "#aanl-peildatum") == ["solid", "3px"]
    field.fill("31-02-2026")
    page.keyboard.press("Tab")
    expect(page.locator("#aanl-peildatum-fout")).to_contain_text("geen geldige datum")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("01-03-2026")
    page.keyboard.press("Tab")
    expect(field).to_have_attribute("aria-invalid", "false")
    assert _violations(page) == []


def test_cancel_by_keyboard_moves_focus_to_its_outcome(upload_page, tmp_path):
    page = upload_page
    good = tmp_path / "goed.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.locator(FILE_INPUT).set_input_files(str(good))
    expect(page.locator("#aanl-annuleer")).to_be_enabled(timeout=30_000)
    page.locator("#aanl-annuleer").focus()
    page.keyboard.press("Enter")
    summary = page.locator("#aanl-resultaat .flow-summary")
    expect(summary).to_have_text("Geannuleerd")
    expect(summary).to_be_focused()
    expect(page.locator("#aanl-melding")).to_have_text("Geannuleerd")
    expect(page.locator("#aanl-annuleer")).to_be_disabled()
