"""``/uitvragen`` in Chromium on a live server: the beheerder ticks "bij het sluiten publiceren"
and closes a round; the round is closed and a publicatie of its peildatum with its title and
ronde_id exists, linked from the message, and its page names the round. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models import db
from models.tables import Publicatie, Uitvraag
from tests.support import uitvraag as scene_
from tests.support.axe import run_axe
from tests.support.browser import log_in, wait_for_dash
from tests.support.uitvraag import PASSWORD, PEILDATUM

pytestmark = pytest.mark.browser


def test_closing_with_publiceren_makes_a_publicatie(ref_db, tmp_path, live_server, fast_hashing, page):
    scene = scene_.build(ref_db, tmp_path)
    base = live_server(ref_db).url
    log_in(page, base, "vng", PASSWORD, "/uitvragen")
    row = page.locator("#uitvragen-lijst tbody tr").filter(has_text="Uitvraag najaar 2026")
    expect(row.get_by_role("checkbox", name="bij het sluiten publiceren")).not_to_be_checked()
    assert run_axe(page) == []  # the box in the row is labelled
    row.get_by_role("checkbox", name="bij het sluiten publiceren").check()
    row.get_by_role("button", name="sluiten").click()
    message = page.locator("#uitvragen-gewijzigd")
    expect(message).to_contain_text("is gesloten")
    expect(message).to_contain_text("Gepubliceerd als publicatie")
    with db.session(ref_db) as s:
        (pub,) = s.exec(select(Publicatie)).all()
        assert (pub.ronde_id, pub.titel, pub.peildatum, pub.username) == (scene.round_id, "Uitvraag najaar 2026", PEILDATUM, "vng")
        assert s.get(Uitvraag, scene.round_id).state == "gesloten"
    message.get_by_role("link", name=f"publicatie {pub.id}").click()
    page.wait_for_url(f"**/publicatie/{pub.id}")
    wait_for_dash(page)
    expect(page.locator("#pub-uitvraag")).to_contain_text(f"uitvraag {scene.round_id} 'Uitvraag najaar 2026'")
    expect(page.locator("#pub-kaart-verordening-gemeente")).to_be_visible()  # the map image loads
    page.wait_for_function("() => { const i = document.getElementById('pub-kaart-verordening-gemeente'); return i.complete && i.naturalWidth > 0; }")
