"""``/uitvraag/<id>`` (issue 12 items 3 and 4): the map of who answered, coloured by answer, with
its legend (answer and count) and the answer per gemeente as a table, marked voorlopig while the
round is open; a provincie account sees its own gemeenten only. The beheerder picks who gets the
reminder (checkboxes, all not-answered ticked, keyboard) and only they get a mail from the real
SMTP server. Chromium on a live server (Playwright ``expect`` waits; no sleeps) and, for the
refusals, the page's callback through the Flask client. axe-core finds nothing serious.
SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from dashboard.pages.common import today
from dashboard.pages.uitvraag import NOTHING_CHOSEN
from dashboard.texts import bron
from etvi.uitvraag import confirmation, rounds
from models import db
from models.tables import UitvraagMail
from tests.support import uitvraag as scene_
from tests.support.app import csrf_headers, make_app, page_content
from tests.support.axe import run_axe
from tests.support.browser import log_in
from tests.support.chart_download import PNG_SIGNATURE, download, svg_texts
from tests.support.dashcall import find_callback
from tests.support.uitvraag import ADDRESSES, PASSWORD

AREAS = "#uitvraag-kaart .choroplethlayer path.choroplethlocation"


def _scene(ref_db, tmp_path):
    """Amsterdam answered with a file (gewijzigd), Rotterdam with "Niets veranderd" (ongewijzigd)."""
    scene = scene_.build(ref_db, tmp_path, answered=("ams",))
    confirmation.confirm_unchanged(scene.round_id, "GM0599", scene.user("rdm"), url=ref_db)
    return scene


def _legend(page, antwoord: str):
    return page.locator(f"#uitvraag-legenda li[data-antwoord='{antwoord}']")


@pytest.mark.browser
def test_the_map_of_who_answered_with_legend_table_and_a_chosen_reminder(ref_db, tmp_path, live_server, fast_hashing, smtp_server, page):
    scene = _scene(ref_db, tmp_path)
    base = live_server(ref_db).url
    path = f"/uitvraag/{scene.round_id}"
    log_in(page, base, "vng", PASSWORD, path)
    expect(page.locator("#uitvraag-kaart-kop")).to_have_text("Wie antwoordde, per gemeente (voorlopig)")
    expect(page.locator(AREAS)).to_have_count(342, timeout=30_000)  # every gemeente drawn
    expect(_legend(page, "gewijzigd")).to_have_text("gewijzigd (1)")
    expect(_legend(page, "ongewijzigd")).to_have_text("ongewijzigd (niets veranderd) (1)")
    expect(_legend(page, "geweigerd")).to_have_text("geweigerd (aanlevering afgekeurd) (0)")
    expect(_legend(page, "geen")).to_have_text("geen antwoord (340)")
    expect(_legend(page, "geen").locator(".swatch-nodata")).to_have_count(1)  # told apart by its outline, as on the map
    table = page.locator("#uitvraag-antwoorden")
    expect(table).to_contain_text("Antwoord per gemeente (342 gemeenten)")
    expect(table.locator("tr").filter(has_text="GM0599")).to_contain_text("ongewijzigd (niets veranderd)")
    expect(table.locator("tr").filter(has_text="GM0363")).to_contain_text("gewijzigd")
    found = run_axe(page)
    assert found == [], json.dumps(found, indent=1)

    # The reminder: all 340 not answered are ticked; Utrecht is unticked with the keyboard.
    boxes = page.locator("#uitvraag-keuze input[type=checkbox]")
    expect(boxes).to_have_count(340)
    expect(page.get_by_label("Amsterdam (GM0363)")).to_have_count(0)
    utrecht = page.get_by_label("Utrecht (GM0344)")
    expect(utrecht).to_be_checked()
    utrecht.focus()
    page.keyboard.press("Space")
    expect(utrecht).not_to_be_checked()
    page.get_by_role("button", name="Herinnering sturen").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#uitvraag-verstuurd")).to_have_text("1 herinnering(en) verstuurd.")
    assert [r.rcpt_tos[0] for r in smtp_server.received] == [ADDRESSES["noord"]]  # not Utrecht, nor who answered
    with db.session(ref_db) as s:
        assert [m.email for m in s.exec(select(UitvraagMail)).all()] == [ADDRESSES["noord"]]


@pytest.mark.browser
def test_a_provincie_sees_the_map_of_its_own_gemeenten(ref_db, tmp_path, live_server, fast_hashing, page):
    scene = _scene(ref_db, tmp_path)
    with db.session(ref_db) as s:
        nh = set(s.exec(scene_.gemeenten_in("PV27")).all())
    base = live_server(ref_db).url
    log_in(page, base, "nh", PASSWORD, f"/uitvraag/{scene.round_id}")
    expect(page.locator(AREAS)).to_have_count(len(nh), timeout=30_000)
    drawn = page.evaluate("Array.from(document.querySelector('#uitvraag-kaart .js-plotly-plot').data[0].locations)")
    assert set(drawn) == nh
    expect(_legend(page, "gewijzigd")).to_have_text("gewijzigd (1)")  # Amsterdam; Rotterdam is in Zuid-Holland
    expect(_legend(page, "ongewijzigd")).to_have_text("ongewijzigd (niets veranderd) (0)")
    expect(_legend(page, "geen")).to_have_text(f"geen antwoord ({len(nh) - 1})")
    expect(page.locator("#uitvraag-antwoorden")).to_contain_text(f"Antwoord per gemeente ({len(nh)} gemeenten)")
    expect(page.locator("#uitvraag-antwoorden")).not_to_contain_text("Rotterdam")
    expect(page.locator("#uitvraag-keuze")).to_have_count(0)
    assert run_axe(page) == []


def test_the_reminder_callback_refuses_an_empty_or_answered_selection(ref_db, tmp_path, fast_hashing, smtp_server):
    """Posted to the page's callback as the browser would (Flask client): nothing chosen, or a
    gemeente that answered (a stale page), is a Dutch message and no mail goes. After closing,
    the map's heading says definitief and the choice is gone."""
    scene = _scene(ref_db, tmp_path)
    app = make_app(ref_db)
    client = scene_.client_as(app, "vng")
    client.environ_base.update({"HTTP_X_CSRFTOKEN": csrf_headers(client)["X-CSRFToken"], "HTTP_ORIGIN": "http://localhost"})

    key, cb = find_callback(app, "uitvraag-herinner-uitkomst", "children", "uitvraag-herinner")
    keuze = next(i for i in cb["state"] if "uitvraag-keuze" in str(i["id"]))

    def remind(chosen: dict[str, list[str]]):
        """``chosen``: provincie -> ticked codes, as the page's checkbox groups send them (ALL)."""
        body = {
            "output": key, "outputs": [{"id": cid, "property": prop} for cid, prop in [("uitvraag-herinner-uitkomst", "children"), ("uitvraag-mailtekst", "data")]],
            "inputs": [{"id": "uitvraag-herinner", "property": "n_clicks", "value": 1}],
            "state": [{"id": "uitvraag-id", "property": "data", "value": scene.round_id},
                      [{"id": {"type": "uitvraag-keuze", "provincie": p}, "property": keuze["property"], "value": v} for p, v in chosen.items()]],
            "changedPropIds": ["uitvraag-herinner.n_clicks"],
        }  # fmt: skip
        r = client.post("/_dash-update-component", json=body)
        assert r.status_code == 200, r.get_data(as_text=True)[:2000]
        return json.dumps(r.get_json(), ensure_ascii=False)

    assert "Kies ten minste één gemeente die de herinnering krijgt" in remind({"Utrecht": [], "Groningen": []})
    assert "GM0363 (Amsterdam) heeft al geantwoord" in remind({"Utrecht": ["GM0344"], "Noord-Holland": ["GM0363"]})
    assert smtp_server.received == []
    assert "1 herinnering(en) verstuurd." in remind({"Utrecht": ["GM0344"], "Groningen": []})
    assert [r.rcpt_tos[0] for r in smtp_server.received] == [ADDRESSES["utr"]]
    assert "Wie antwoordde, per gemeente (voorlopig)" in page_content(client, f"/uitvraag/{scene.round_id}")
    with db.session(ref_db) as s:
        rounds.close_round(s, scene.round_id, actor="vng")
    closed = page_content(client, f"/uitvraag/{scene.round_id}")
    assert "Wie antwoordde, per gemeente (definitief)" in closed and "uitvraag-keuze" not in closed  # no reminders for a closed round


@pytest.mark.browser
def test_the_answer_map_downloads_as_svg_and_png_with_title_source_and_legend(ref_db, tmp_path, live_server, fast_hashing, page):
    """``components.chart`` on the answer map: the image is drawn in the browser from the map on
    screen, with the round's title, "Bron: ETVI-monitor, stand op <today>" (the round is open) and
    the legend with its counts, which on the page is HTML beside the map."""
    scene = _scene(ref_db, tmp_path)
    base = live_server(ref_db).url
    log_in(page, base, "vng", PASSWORD, f"/uitvraag/{scene.round_id}")
    expect(page.locator(AREAS)).to_have_count(342, timeout=30_000)
    title = "Uitvraag najaar 2026: wie antwoordde, per gemeente (voorlopig)"
    svg_button = page.get_by_role("button", name=f"Download als SVG: {title}", exact=True)
    png_button = page.get_by_role("button", name=f"Download als PNG: {title}", exact=True)
    expect(svg_button).to_have_text("Download als SVG")
    expect(page.locator("#uitvraag-kaart .legend")).to_have_count(0)  # on screen the legend is the HTML list

    name, svg = download(page, svg_button, keyboard=True)
    stand = today()
    assert name == f"etvi-uitvraag-najaar-2026-wie-antwoordde-per-gemeente-voorlopig-{stand.isoformat()}.svg", name
    texts = svg_texts(svg)  # valid SVG, or this raises
    assert title in texts and bron(stand) in texts, texts[:12]
    assert {"gewijzigd (1)", "ongewijzigd (niets veranderd) (1)", "geen antwoord (340)"} <= set(texts), texts
    assert svg.count(b"choroplethlocation") == 342  # the map itself, every gemeente

    name, png = download(page, png_button, keyboard=False)
    assert name.endswith(f"-{stand.isoformat()}.png"), name
    assert png[:8] == PNG_SIGNATURE and len(png) > 20_000
    assert page.errors == []


@pytest.mark.browser
def test_choose_all_or_none_for_the_reminder_and_send_through_the_real_smtp_server(ref_db, tmp_path, live_server, fast_hashing, smtp_server, page):
    """"Niets kiezen" unticks every gemeente (keyboard) and sending then sends nothing, with the
    Dutch message; "Alles kiezen" ticks every listed gemeente again and the reminder reaches every
    address of them (Utrecht, and Groningen with Leeuwarden at one address; 's-Gravenhage has no
    address, Enschede's account is disabled; Amsterdam and Rotterdam answered)."""
    scene = _scene(ref_db, tmp_path)
    base = live_server(ref_db).url
    log_in(page, base, "vng", PASSWORD, f"/uitvraag/{scene.round_id}")
    boxes = page.locator("#uitvraag-keuze input[type=checkbox]")
    checked = page.locator("#uitvraag-keuze input[type=checkbox]:checked")
    expect(boxes).to_have_count(340)
    expect(checked).to_have_count(340)
    none_button = page.get_by_role("button", name="Niets kiezen", exact=True)
    none_button.focus()
    expect(none_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#uitvraag-keuze-melding")).to_have_text("Geen gemeente gekozen.")
    expect(checked).to_have_count(0)
    page.get_by_role("button", name="Herinnering sturen").click()
    expect(page.locator("#uitvraag-herinner-fout")).to_have_text(NOTHING_CHOSEN)
    expect(page.locator("#uitvraag-herinner-fout")).to_have_attribute("role", "alert")
    assert smtp_server.received == []
    with db.session(ref_db) as s:
        assert s.exec(select(UitvraagMail)).all() == []

    page.get_by_label("Utrecht (GM0344)").check()  # one by hand, then all
    expect(checked).to_have_count(1)
    all_button = page.get_by_role("button", name="Alles kiezen", exact=True)
    all_button.focus()
    page.keyboard.press("Space")
    expect(page.locator("#uitvraag-keuze-melding")).to_have_text("Alle 340 gemeenten gekozen.")
    expect(checked).to_have_count(340)
    page.get_by_role("button", name="Herinnering sturen").click()
    expect(page.locator("#uitvraag-verstuurd")).to_have_text("2 herinnering(en) verstuurd.")
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == sorted([ADDRESSES["utr"], ADDRESSES["noord"]])
    with db.session(ref_db) as s:
        assert sorted(m.email for m in s.exec(select(UitvraagMail)).all()) == sorted([ADDRESSES["utr"], ADDRESSES["noord"]])
    found = run_axe(page)
    assert found == [], json.dumps(found, indent=1)
    assert page.errors == []
