"""In Chromium: a beheerder publishes on /publicaties and opens the publicatie; ``?kennis=`` stays
in the address while the controls change it; axe-core finds nothing serious on these pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.app import create_actors
from tests.support.axe import run_axe


def test_a_beheerder_publishes_and_opens_the_publicatie(live, page):
    beheerder = create_actors(live.db_url)["beheerder"]
    page.goto(f"{live.url}/login?next=/publicaties")
    page.get_by_label("Gebruikersnaam").fill(beheerder.username)
    page.get_by_label("Wachtwoord").fill(beheerder.password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/publicaties$"))
    expect(page.get_by_role("heading", name="Nieuwe publicatie")).to_be_visible()
    assert run_axe(page) == []

    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator("#pubs-fout")).to_contain_text("titel van de publicatie is leeg")
    page.get_by_label("Titel").fill("Kamerbrief uit de browser")
    page.get_by_label("Stand op (JJJJ-MM-DD, leeg: vandaag)").fill("2025-06-30")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator("#pubs-gemaakt")).to_contain_text("Publicatie gemaakt")
    expect(page.locator("#pubs-tabel")).to_contain_text("Kamerbrief uit de browser")

    page.locator("#pubs-gemaakt a").click()
    page.wait_for_url(re.compile(r"/publicatie/\d+$"))
    expect(page.get_by_role("heading", name="Kamerbrief uit de browser", level=1)).to_be_visible()
    expect(page.locator("#pub-banner")).to_contain_text("Gepubliceerd op")
    expect(page.locator("#pub-banner")).to_contain_text("30 juni 2025")
    expect(page.locator("#pub-correcties")).to_contain_text("Sindsdien gecorrigeerd: geen meldingen")
    expect(page.locator(".card").first).to_be_visible()
    assert run_axe(page) == []
    # no script errors (the browser's own request for /favicon.ico after the login form is a 404 elsewhere)
    assert [e for e in page.errors if e.startswith("pageerror")] == []


def test_kennis_stays_in_the_address(live, page):
    page.goto(f"{live.url}/?kennis=2025-01-15&peildatum=2024-12-31")
    expect(page.locator("#kennis-notice")).to_contain_text("Kennis van 15-01-2025")
    page.get_by_role("radio", name=re.compile("Verordening")).first.check()
    expect(page).to_have_url(re.compile(r"kennis=2025-01-15"))
    expect(page).to_have_url(re.compile(r"onderdeel=verordening"))
    assert run_axe(page) == []
    page.goto(f"{live.url}/?kennis=morgen")
    expect(page.locator("#kennis-notice")).to_contain_text("De kennisdatum 'morgen' in het adres is geen datum")
    assert page.errors == []
