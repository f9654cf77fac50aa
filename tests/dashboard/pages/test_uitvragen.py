"""``/uitvragen`` in Chromium on a live server: the beheerder makes a round (a Dutch refusal
first), opens it and sees "0 van 342"; a file at the round's peildatum makes it "1 van 342"; a
provincie account sees the response over its own gemeenten and no form; a gemeente account is
refused; axe-core finds nothing serious. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from etvi.uitvraag import rounds
from models import db
from models.tables import Uitvraag
from tests.support import uitvraag as scene_
from tests.support.axe import run_axe
from tests.support.browser import log_in, wait_for_dash
from tests.support.uitvraag import PASSWORD

pytestmark = pytest.mark.browser


def _row(page, title: str):
    return page.locator("#uitvragen-lijst tbody tr").filter(has_text=title)


def test_beheerder_makes_and_opens_a_round_and_sees_the_response(ref_db, tmp_path, live_server, fast_hashing, page):
    scene_.prepare(ref_db, tmp_path)
    base = live_server(ref_db).url
    log_in(page, base, "vng", PASSWORD, "/uitvragen")
    expect(page.locator("#uitvragen-leeg")).to_have_text("Er zijn nog geen uitvragen.")
    expect(page.get_by_role("link", name="Uitvragen")).to_be_visible()  # in the menu

    # Bad input: the service's Dutch message, nothing stored.
    scene_.make_round_on_page(page, "Uitvraag najaar 2026", "2026-11-30", "2026-11-01", open_now=True)
    expect(page.locator("#uitvragen-fout")).to_contain_text("De deadline (01-11-2026) ligt voor de peildatum (30-11-2026)")
    with db.session(ref_db) as s:
        assert s.exec(select(Uitvraag)).all() == []

    page.get_by_label("Deadline").fill("2026-12-31")
    page.get_by_role("button", name="Uitvraag maken").click()
    expect(page.locator("#uitvragen-gemaakt")).to_contain_text("‘Uitvraag najaar 2026’ is gemaakt (open)")
    row = _row(page, "Uitvraag najaar 2026")
    expect(row).to_contain_text("30-11-2026")
    expect(row).to_contain_text("open")
    expect(row).to_contain_text("0 van 342")
    assert run_axe(page) == []

    # A second round as concept, opened with the button in its row (keyboard: focus + Enter).
    scene_.make_round_on_page(page, "Uitvraag voorjaar 2027", "2027-03-31", "2027-04-30", open_now=False)
    expect(page.locator("#uitvragen-gemaakt")).to_contain_text("is gemaakt (concept)")
    concept = _row(page, "Uitvraag voorjaar 2027")
    expect(concept).to_contain_text("concept")
    button = concept.get_by_role("button", name="openen")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#uitvragen-gewijzigd")).to_contain_text("is geopend")
    expect(_row(page, "Uitvraag voorjaar 2027")).to_contain_text("open")

    # Amsterdam's file at the round's peildatum is its answer.
    scene_.answer_with_file(ref_db, tmp_path, "GM0363", "ams")
    page.reload()
    wait_for_dash(page)
    expect(_row(page, "Uitvraag najaar 2026")).to_contain_text("1 van 342")
    expect(_row(page, "Uitvraag voorjaar 2027")).to_contain_text("0 van 342")

    # Closing the first round.
    _row(page, "Uitvraag najaar 2026").get_by_role("button", name="sluiten").click()
    expect(page.locator("#uitvragen-gewijzigd")).to_contain_text("is gesloten")
    expect(_row(page, "Uitvraag najaar 2026")).to_contain_text("gesloten")
    with db.session(ref_db) as s:
        states = {r.title: (r.state, r.opened_by, r.closed_by) for r in s.exec(select(Uitvraag)).all()}
    assert states == {"Uitvraag najaar 2026": ("gesloten", "vng", "vng"), "Uitvraag voorjaar 2027": ("open", "vng", None)}


def test_provincie_sees_its_own_gemeenten_and_a_gemeente_is_refused(ref_db, tmp_path, live_server, fast_hashing, new_page):
    scene = scene_.build(ref_db, tmp_path, answered=("ams", "utr"))  # Amsterdam in Noord-Holland; Utrecht not the provincie's
    with db.session(ref_db) as s:
        in_nh = len(s.exec(scene_.gemeenten_in("PV27")).all())
        assert rounds.get_round(s, scene.round_id).state == rounds.OPEN
    base = live_server(ref_db).url
    page = new_page()
    log_in(page, base, "nh", PASSWORD, "/uitvragen")
    expect(_row(page, "Uitvraag najaar 2026")).to_contain_text(f"1 van {in_nh}")
    expect(page.get_by_role("button", name="Uitvraag maken")).to_have_count(0)
    expect(page.locator("#uitvragen-lijst")).not_to_contain_text("Sluiten")
    assert run_axe(page) == []
    page = new_page()
    log_in(page, base, "utr", PASSWORD, "/uitvragen", lands_on="/aanleveren")
    page.goto(f"{base}/uitvragen")
    wait_for_dash(page)
    expect(page.locator("#geen-toegang")).to_contain_text("geen toegang tot de uitvragen")
    expect(page.locator("#uitvragen-lijst")).to_have_count(0)


def test_announcement_when_a_round_is_opened_from_the_page(ref_db, tmp_path, live_server, fast_hashing, smtp_server, page):
    scene_.make_accounts(ref_db)
    base = live_server(ref_db).url
    log_in(page, base, "vng", PASSWORD, "/uitvragen")
    page.get_by_label("Titel").fill("Uitvraag najaar 2026")
    page.get_by_label("Gemeld per").fill("30-11-2026")
    page.get_by_label("Deadline").fill("2026-12-31")
    page.get_by_label("Aankondiging mailen").check()
    page.get_by_role("button", name="Uitvraag maken").click()
    expect(page.locator("#uitvragen-melding")).to_contain_text("Een aankondiging gaat uit bij het openen")
    page.get_by_label("Meteen openen").check()
    page.get_by_role("button", name="Uitvraag maken").click()
    expect(page.locator("#uitvragen-fout")).to_contain_text("Ongeldige peildatum '30-11-2026': schrijf de datum als JJJJ-MM-DD")
    page.get_by_label("Woonzorgvisie").uncheck()
    page.get_by_label("Gemeld per").fill("2026-11-30")
    page.get_by_role("button", name="Uitvraag maken").click()
    expect(page.locator("#uitvragen-gemaakt")).to_contain_text("is gemaakt (open)")
    expect(page.locator("#uitvragen-mail")).to_have_text("4 aankondiging(en) verstuurd.")
    # every active gemeente account with an address (not zonder, not the disabled uit, not nh or vng)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == sorted(scene_.ADDRESSES.values())
    assert "Nieuwe uitvraag: Uitvraag najaar 2026" in smtp_server.received[0].message["Subject"]
    with db.session(ref_db) as s:
        made = s.exec(select(Uitvraag)).one()
    assert made.state == rounds.OPEN and "woonzorgvisie" not in rounds.onderdelen_of(made) and "verordening" in rounds.onderdelen_of(made)
