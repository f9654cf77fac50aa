"""The browser of the browser tests (Debian's Chromium, driven by Playwright) and waiting for Dash."""

from __future__ import annotations

import os
import time

CHROMIUM = os.environ.get("ETVI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The browser context of a test page unless the test says otherwise: a Dutch user on a laptop.
PAGE_OPTIONS = {"locale": "nl-NL", "viewport": {"width": 1280, "height": 900}}


def record_errors(pg) -> None:
    """Keep the page's console errors (``console.error: …``) and page errors, the uncaught script
    errors (``pageerror: …``), in ``pg.errors``, so that a test can judge them."""
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"pageerror: {e}"))


def page_errors(pages) -> list[str]:
    """The page errors recorded by ``record_errors`` on ``pages``: uncaught script errors, which
    no test accepts (console errors, such as a missing favicon, are for each test to judge)."""
    return [e for pg in pages for e in pg.errors if e.startswith("pageerror: ")]


def wait_for_dash(pg, timeout: float = 20.0) -> None:
    """Wait until Dash has rendered and no callback is pending."""
    pg.wait_for_selector("main h1", timeout=timeout * 1000)
    deadline = time.time() + timeout
    while time.time() < deadline:
        busy = pg.evaluate("document.querySelectorAll('[data-dash-is-loading=\"true\"], .dash-graph--pending').length")
        if not busy:
            return
        time.sleep(0.05)
    raise TimeoutError(f"Dash is after {timeout:.0f} s still busy")


def dropdown_option(page, label: str | None = None):
    """The rows of an open dcc.Dropdown (or the one with this text). The project's a11y fix
    (assets/etvi.js fixOpenDropdowns) makes them labelled radios instead of role=option."""
    rows = page.locator(".dash-dropdown-content .dash-dropdown-option")
    if label is None:
        return rows
    return rows.filter(has=page.get_by_role("radio", name=label, exact=True))


def log_in(page, base: str, username: str, password: str, next_path: str, lands_on: str | None = None) -> None:
    """Open ``next_path``, which sends an anonymous visitor to the login form, and log in there;
    the browser lands on ``next_path`` (or on ``lands_on``: the role's page when it may not open it)."""
    page.goto(f"{base}{next_path}")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}{lands_on or next_path}")
    wait_for_dash(page)
