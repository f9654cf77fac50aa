"""Issue 12's "Done when" in Chromium on a live server: the beheerder opens a round on
/uitvragen; gemeente A logs in and lands on the round, sees its known status and clicks "Niets
veranderd" (the Dutch confirmation takes the focus); gemeente B's file at the peildatum comes in
through the upload service; the round page says "2 van 342"; the reminder reaches the aiosmtpd
server once for each other gemeente account with an address, not A or B; ``etvi uitvraag
status`` agrees; the map page says "voorlopig" while the round is open and "definitief" after
closing. axe-core finds nothing serious. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from etvi.uitvraag import rounds
from models import db
from tests.support import uitvraag as scene_
from tests.support.app import make_app, page_content
from tests.support.axe import run_axe
from tests.support.browser import log_in, wait_for_dash
from tests.support.cli import run_cli
from tests.support.uitvraag import ADDRESSES, PASSWORD

pytestmark = pytest.mark.browser


def _round_id(page) -> int:
    href = page.locator("#uitvragen-lijst tbody tr").filter(has_text="Uitvraag najaar 2026").get_by_role("link").first.get_attribute("href")
    return int(href.rstrip("/").rsplit("/", 1)[1])


def test_done_when_open_answer_unchanged_file_reminders_cli_and_definitief(ref_db, tmp_path, live_server, fast_hashing, smtp_server, new_page):
    scene_.prepare(ref_db, tmp_path)
    base = live_server(ref_db).url
    vng = new_page()
    log_in(vng, base, "vng", PASSWORD, "/uitvragen")
    scene_.make_round_on_page(vng, "Uitvraag najaar 2026", scene_.PEILDATUM.isoformat(), scene_.DEADLINE.isoformat(), open_now=True)
    expect(vng.locator("#uitvragen-gemaakt")).to_contain_text("is gemaakt (open)")
    round_id = _round_id(vng)
    path = f"/uitvraag/{round_id}"

    # Gemeente A (Amsterdam) logs in asking for nothing and lands on the open round, on a phone.
    ams = new_page(viewport={"width": 320, "height": 640})
    log_in(ams, base, "ams", PASSWORD, "/login", lands_on=path)
    expect(ams.locator("#uitvraag-antwoord-GM0363")).to_have_text("Uw antwoord tot nu toe: geen antwoord.")
    known = ams.locator("#uitvraag-stand-GM0363")
    expect(known).to_contain_text("vastgesteld")
    expect(known).to_contain_text("besluit raad")
    expect(known.get_by_role("link", name="https://amsterdam.example/verordening").first).to_be_visible()
    assert ams.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scrolling at 320 px
    assert run_axe(ams) == []
    button = ams.get_by_role("button", name="Niets veranderd")
    button.focus()
    ams.keyboard.press("Enter")  # keyboard only
    confirmation = ams.locator("#uitvraag-bevestigd-GM0363")
    expect(confirmation).to_contain_text("Dank u, uw antwoord is ontvangen.")
    expect(confirmation).to_be_focused()
    assert run_axe(ams) == []
    ams.reload()
    wait_for_dash(ams)
    expect(ams.locator("#uitvraag-antwoord-GM0363")).to_contain_text("Uw antwoord tot nu toe: ongewijzigd (niets veranderd)")

    # Gemeente B (Utrecht) sends a file at the round's peildatum through the upload service.
    scene_.answer_with_file(ref_db, tmp_path, "GM0344", "utr")

    vng.goto(f"{base}{path}")
    wait_for_dash(vng)
    expect(vng.locator("#uitvraag-respons")).to_have_text("2 van 342")
    vng.get_by_role("button", name="Herinnering sturen").click()
    expect(vng.locator("#uitvraag-verstuurd")).to_have_text("2 herinnering(en) verstuurd.")
    got = sorted(r.rcpt_tos[0] for r in smtp_server.received)
    assert got == sorted([ADDRESSES["rdm"], ADDRESSES["noord"]])  # not A, not B; zonder has no address, uit is disabled

    cli = run_cli("uitvraag", "status", str(round_id), "--format", "csv", url=ref_db, tmp_path=tmp_path)
    assert cli.returncode == 0, cli.stderr
    rows = {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(cli.stdout))}
    assert (rows["GM0363"]["antwoord"], rows["GM0363"]["kanaal"], rows["GM0363"]["door"]) == ("ongewijzigd", "formulier", "ams")
    assert (rows["GM0344"]["antwoord"], rows["GM0344"]["kanaal"], rows["GM0344"]["door"]) == ("gewijzigd", "bestand", "utr")
    assert sum(r["antwoord"] in ("gewijzigd", "ongewijzigd") for r in rows.values()) == 2
    text = run_cli("uitvraag", "status", str(round_id), url=ref_db, tmp_path=tmp_path)
    assert "2 van 342 gemeenten geantwoord" in text.stdout

    # While open, the map pages say voorlopig; after closing, definitief.
    vng.goto(f"{base}/")
    wait_for_dash(vng)
    expect(vng.locator("#ov-voorlopig")).to_contain_text("Voorlopig.")
    assert run_axe(vng) == []
    vng.goto(f"{base}/provincie/PV27")
    wait_for_dash(vng)
    expect(vng.locator("#pv-voorlopig")).to_contain_text("Voorlopig.")
    vng.goto(f"{base}/uitvragen")
    wait_for_dash(vng)
    vng.get_by_role("button", name=f"Uitvraag {round_id} (Uitvraag najaar 2026) sluiten").click()
    expect(vng.locator("#uitvragen-gewijzigd")).to_contain_text("gesloten")
    vng.goto(f"{base}/")
    wait_for_dash(vng)
    expect(vng.locator("#ov-voorlopig")).to_contain_text("Definitief.")
    expect(vng.locator("#ov-voorlopig")).to_contain_text("de cijfers op die peildatum zijn definitief")


def test_a_gemeente_without_a_known_status_gets_no_button_and_a_closed_round_none(ref_db, tmp_path, fast_hashing):
    """``noord`` (Groningen and Leeuwarden, nothing known) sees each of its gemeenten with a hint to
    Aanleveren instead of "Niets veranderd"; after closing, nobody gets the button."""
    scene = scene_.build(ref_db, tmp_path)
    app = make_app(ref_db)
    noord = scene_.client_as(app, "noord")
    text = page_content(noord, f"/uitvraag/{scene.round_id}")
    assert "Groningen (GM0014)" in text and "Leeuwarden (GM0080)" in text
    assert "Van Groningen is nog geen stand van zaken bekend" in text and "Niets veranderd" not in text
    ams = scene_.client_as(app, "ams")
    assert "Niets veranderd voor Amsterdam" in page_content(ams, f"/uitvraag/{scene.round_id}")
    with db.session(ref_db) as s:
        rounds.close_round(s, scene.round_id, actor="vng")
    text = page_content(ams, f"/uitvraag/{scene.round_id}")
    assert "Niets veranderd" not in text and "Deze uitvraag is gesloten; antwoorden kan alleen in een open uitvraag." in text
