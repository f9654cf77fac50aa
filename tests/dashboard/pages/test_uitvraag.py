"""``/uitvraag/<id>`` in Chromium on a live server: the response ("1 van 342"), per provincie,
who did not answer, the CSV download (the same as ``etvi uitvraag status ID --format csv``), a
provincie account's view of its own gemeenten, and "Herinnering sturen": to the aiosmtpd server
(one mail per non-answering gemeente account with an address), or without SMTP the Dutch reason
and a download of recipients and text. axe-core finds nothing serious. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models import db
from models.tables import Gemeente, Uitvraag, UitvraagMail
from tests.support import uitvraag as scene_
from tests.support.app import csrf_headers, page_content
from tests.support.axe import run_axe
from tests.support.browser import log_in
from tests.support.cli import run_cli
from tests.support.dashcall import post
from tests.support.uitvraag import ADDRESSES, PASSWORD

pytestmark = pytest.mark.browser


def _download(page, button: str) -> str:
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=button).click()
    return open(info.value.path(), encoding="utf-8").read()


def test_round_page_response_per_provincie_missing_and_csv_as_the_cli(ref_db, tmp_path, live_server, fast_hashing, new_page):
    scene = scene_.build(ref_db, tmp_path, answered=("ams",))
    base = live_server(ref_db).url
    path = f"/uitvraag/{scene.round_id}"
    page = new_page(accept_downloads=True)
    log_in(page, base, "vng", PASSWORD, path)
    expect(page.locator("h1")).to_have_text("Uitvraag: Uitvraag najaar 2026")
    expect(page.locator("#uitvraag-respons")).to_have_text("1 van 342")
    nh = page.locator("#uitvraag-provincies tbody tr").filter(has_text="Noord-Holland")
    expect(nh.locator("td").first).to_have_text("1")
    missing = page.locator("#uitvraag-niet-geantwoord")
    expect(missing).to_contain_text("Nog niet geantwoord (341 gemeenten)")
    expect(missing).to_contain_text("Utrecht")
    expect(missing).not_to_contain_text("GM0363")
    assert run_axe(page) == []

    downloaded = _download(page, "Status per gemeente downloaden (csv)")
    cli = run_cli("uitvraag", "status", str(scene.round_id), "--format", "csv", url=ref_db, tmp_path=tmp_path)
    assert cli.returncode == 0, cli.stderr
    assert downloaded == cli.stdout
    rows = {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(downloaded))}
    assert len(rows) == 342 and (rows["GM0363"]["antwoord"], rows["GM0363"]["kanaal"], rows["GM0363"]["door"]) == ("gewijzigd", "bestand", "ams")

    # Without ETVI_SMTP_URL: nothing sent, the Dutch reason, recipients and text as a download.
    page.get_by_role("button", name="Herinnering sturen").click()
    expect(page.locator("#uitvraag-niet-verstuurd")).to_contain_text("Er is geen mailserver ingesteld")
    texts = _download(page, "Ontvangers en tekst downloaden (csv)")
    got = {r["email"] for r in csv.DictReader(io.StringIO(texts))}
    assert got == {ADDRESSES["utr"], ADDRESSES["rdm"], ADDRESSES["noord"]}
    assert "Herinnering: Uitvraag najaar 2026" in texts
    with db.session(ref_db) as s:
        assert s.exec(select(UitvraagMail)).all() == []


def test_provincie_and_gemeente_see_the_round_for_their_own_gemeenten(ref_db, tmp_path, live_server, fast_hashing, new_page):
    scene = scene_.build(ref_db, tmp_path, answered=("ams", "utr"))  # Utrecht: another provincie
    with db.session(ref_db) as s:
        nh = dict(s.exec(select(Gemeente.code, Gemeente.name).where(Gemeente.code.in_(s.exec(scene_.gemeenten_in("PV27")).all()))).all())
    base = live_server(ref_db).url
    path = f"/uitvraag/{scene.round_id}"
    page = new_page(accept_downloads=True)
    log_in(page, base, "nh", PASSWORD, path)
    expect(page.locator("#uitvraag-respons")).to_have_text(f"1 van {len(nh)}")
    expect(page.locator("#uitvraag-provincies tbody tr")).to_have_count(1)
    expect(page.locator("#uitvraag-provincies tbody tr")).to_contain_text("Noord-Holland")
    expect(page.locator("#uitvraag-niet-geantwoord")).to_contain_text(f"Nog niet geantwoord ({len(nh) - 1} gemeenten)")
    expect(page.locator("#uitvraag-niet-geantwoord")).not_to_contain_text("Utrecht")
    expect(page.get_by_role("button", name="Herinnering sturen")).to_have_count(0)
    assert run_axe(page) == []
    rows = list(csv.DictReader(io.StringIO(_download(page, "Status per gemeente downloaden (csv)"))))
    assert {r["gemeentecode"] for r in rows} == set(nh)
    assert {r["provincie"] for r in rows} == {"Noord-Holland"}
    page = new_page()  # a gemeente account (the reminder links here) sees its own gemeente only
    log_in(page, base, "rdm", PASSWORD, path)
    expect(page.locator("#uitvraag-respons")).to_have_text("0 van 1")
    expect(page.locator("#uitvraag-niet-geantwoord")).to_contain_text("Rotterdam")
    expect(page.locator("#uitvraag-niet-geantwoord tbody tr")).to_have_count(1)


def test_reminder_from_the_page_reaches_the_smtp_server(ref_db, tmp_path, live_server, fast_hashing, smtp_server, page):
    scene = scene_.build(ref_db, tmp_path, answered=("ams",))
    base = live_server(ref_db).url
    path = f"/uitvraag/{scene.round_id}"
    log_in(page, base, "vng", PASSWORD, path)
    page.get_by_role("button", name="Herinnering sturen").click()
    expect(page.locator("#uitvraag-verstuurd")).to_have_text("3 herinnering(en) verstuurd.")
    # one per non-answering gemeente account with an address: not ams (answered), zonder (no
    # address), uit (disabled), nh or vng (no gemeente account); noord's two gemeenten in one mail
    got = sorted(r.rcpt_tos[0] for r in smtp_server.received)
    assert got == sorted([ADDRESSES["utr"], ADDRESSES["rdm"], ADDRESSES["noord"]])
    noord = smtp_server.to(ADDRESSES["noord"])[0]
    assert "- Groningen (GM0014)" in noord.body and "- Leeuwarden (GM0080)" in noord.body
    assert f"/uitvraag/{scene.round_id}" in noord.body

    page.get_by_role("button", name="Herinnering sturen").click()  # the same day again: not twice
    expect(page.locator("#uitvraag-verstuurd")).to_have_text("0 herinnering(en) verstuurd, 3 overgeslagen (vandaag al verstuurd).")
    assert len(smtp_server.received) == 3
    with db.session(ref_db) as s:
        sent = s.exec(select(UitvraagMail)).all()
    assert sorted(m.email for m in sent) == got and {m.sent_by for m in sent} == {"vng"}


def _as(client_for, actor: str):
    client = client_for(actor)
    client.environ_base.update({"HTTP_X_CSRFTOKEN": csrf_headers(client)["X-CSRFToken"], "HTTP_ORIGIN": "http://localhost"})
    return client


def test_callbacks_check_the_role_again_and_a_bad_number_is_a_dutch_message(accounts_app, ref_db):
    """Posted to the callbacks directly (not through the page's buttons): a provincie may not send
    reminders or make rounds, a gemeente's CSV holds its own gemeente only; a wrong number is Dutch."""
    app, _, client_for = accounts_app
    round_id = scene_.new_round(ref_db, actor="test")
    provincie = _as(client_for, "provincie")
    data, _ = post(provincie, app, "uitvraag-herinner-uitkomst", "children",
                   {"uitvraag-herinner.n_clicks": 1, "uitvraag-id.data": round_id}, ["uitvraag-herinner.n_clicks"])  # fmt: skip
    assert "Alleen een beheerder mag herinneringen sturen." in json.dumps(data, ensure_ascii=False)
    values = {"uitvragen-maak.n_clicks": 1, "uitvragen-titel.value": "Nog een", "uitvragen-peildatum.value": "2027-03-31",
              "uitvragen-deadline.value": "2027-04-30", "uitvragen-onderdelen.value": ["verordening"], "uitvragen-opties.value": []}  # fmt: skip
    data, _ = post(provincie, app, "uitvragen-melding", "children", values, ["uitvragen-maak.n_clicks"])
    assert "Alleen een beheerder mag uitvragen maken, openen en sluiten." in json.dumps(data, ensure_ascii=False)
    with db.session(ref_db) as s:
        assert [r.title for r in s.exec(select(Uitvraag)).all()] == ["Uitvraag najaar 2026"]

    rotterdam = _as(client_for, "gemeente_b")
    data, _ = post(rotterdam, app, "uitvraag-csv", "data", {"uitvraag-csv-knop.n_clicks": 1, "uitvraag-id.data": round_id}, ["uitvraag-csv-knop.n_clicks"])
    rows = list(csv.DictReader(io.StringIO(data["response"]["uitvraag-csv"]["data"]["content"])))
    assert [(r["gemeentecode"], r["antwoord"]) for r in rows] == [("GM0599", "geen")]

    beheerder = _as(client_for, "beheerder")
    assert "Uitvraag 999 bestaat niet" in page_content(beheerder, "/uitvraag/999")
    assert "Ongeldig uitvraagnummer 'abc'" in page_content(beheerder, "/uitvraag/abc")
