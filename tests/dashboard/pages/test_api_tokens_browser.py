"""``/ik/tokens`` in Chromium for a gemeente (the live server's SQLite database): reached from the
menu, a token made with the password is shown once and works as a Bearer token; opened again it
is not shown; a wrong password gives the Dutch message and no token; revoked (after the
confirmation step) it stops working; axe-core finds nothing on each state of the page."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from etvi.accounts import tokens, users
from models import db
from tests.support.axe import ALL_IMPACTS, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.geodata]

PASSWORD = "wachtwoord-amsterdam-123"  # tests.support.app.create_actors


def _bearer_status(base: str, token: str) -> int:
    request = urllib.request.Request(base + "/api/v1/ik/tokens", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _count(url: str) -> int:
    with db.session(url) as s:
        return tokens.count(s, users.get_user(s, "amsterdam"))


def _axe_clean(page) -> None:
    violations = run_axe(page, ALL_IMPACTS)
    assert violations == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes']}" for v in violations)


def test_a_gemeente_makes_uses_and_revokes_its_own_token(live, role_page):
    page = role_page("gemeente_a")
    page.errors.clear()
    page.goto(live.url + "/")
    menu = page.locator("nav a[href='/ik/tokens']")
    expect(menu).to_have_text("API-tokens")
    with page.expect_navigation():
        menu.click()
    expect(page.locator("h1")).to_have_text("API-tokens")
    expect(page.locator("#tokens-tabel tbody tr")).to_have_count(1)
    _axe_clean(page)
    before = _count(live.db_url)

    # A wrong password: the Dutch message, focused, next to the form; no token.
    page.fill("#token-label", "zaaksysteem")
    page.fill("#token-wachtwoord", "fout-wachtwoord")
    with page.expect_navigation():
        page.click("#token-maken")
    alert = page.locator("#token-fout[role=alert]")
    expect(alert).to_contain_text("Het wachtwoord is niet bevestigd; er is geen token gemaakt.")
    expect(alert).to_be_focused()
    expect(page.locator("#nieuw-token")).to_have_count(0)
    assert _count(live.db_url) == before
    _axe_clean(page)
    # The refusal is HTTP 403 (as the API's); Chromium logs every 4xx answer of a page load.
    assert [e for e in page.errors if "403 (FORBIDDEN)" in e]
    page.errors = [e for e in page.errors if "403 (FORBIDDEN)" not in e]

    # The right password: the token once, with the warning.
    expect(page.locator("#token-label")).to_have_value("zaaksysteem")
    page.fill("#token-wachtwoord", PASSWORD)
    with page.expect_navigation():
        page.click("#token-maken")
    shown = page.locator("#nieuw-token")
    expect(shown).to_have_value(re.compile(r"^etvi_"))
    expect(page.locator("#nieuw-token-waarschuwing")).to_contain_text("maar één keer getoond")
    expect(page.locator("#nieuw-token-kop")).to_be_focused()
    token = shown.input_value()
    assert _bearer_status(live.url, token) == 200
    expect(page.locator("#tokens-tabel tbody tr")).to_have_count(before + 1)
    _axe_clean(page)

    # Opened again: not shown.
    page.goto(live.url + "/ik/tokens")
    expect(page.locator("h1")).to_have_text("API-tokens")
    expect(page.locator("#nieuw-token")).to_have_count(0)
    assert token not in page.content()

    # Revoke it, after the confirmation step (keyboard only).
    made = tokens.kenmerk(tokens.hash_token(token))
    button = page.locator(f"#token-{made} button", has_text="Intrekken")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#bevestig-kop")).to_be_focused()
    _axe_clean(page)
    with page.expect_navigation():
        page.click("#bevestig-intrekken")
    expect(page.locator("#token-ingetrokken")).to_contain_text(made)
    expect(page.locator(f"#token-{made}")).to_have_count(0)
    assert _bearer_status(live.url, token) == 401
    assert _count(live.db_url) == before
    _axe_clean(page)
    assert page.errors == []
