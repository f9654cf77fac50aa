"""The answer form on /uitvraag/<id> (issue 12, item 2: "Changes").

In Chromium on a live server, on a phone (320 px): a gemeente user finds its form prefilled;
a status dated after the peildatum is refused with the Dutch message at the field and in the
summary (which takes the focus; its link leads to the field), nothing saved; then, by keyboard
only, it changes one onderdeel, "Controleren" shows the preview, "Bevestigen" saves; ``etvi
uitvraag status`` reports gewijzigd via formulier and the form's CSV is the upload's original.
axe-core finds nothing serious, no sideways scrolling. Over HTTP: the callbacks refuse a forged
gemeente, a mixed-up request, an anonymous caller and a confirm of another account's check.
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models import db
from models.tables import StatusRecord, Upload
from tests.support import uitvraag as scene_
from tests.support.app import csrf_headers, make_app
from tests.support.axe import run_axe
from tests.support.browser import log_in, wait_for_dash
from tests.support.cli import run_cli
from tests.support.uitvraag import PASSWORD

NEW_DATE = "15-10-2026"


def _records(url) -> int:
    with db.session(url) as s:
        return len(s.exec(select(StatusRecord)).all())


def _tab_to(page, target, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or ``key``) until ``target`` has the focus (keyboard only; fails if it never gets it)."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} bereikte het element niet; de focus staat op {page.evaluate('document.activeElement.outerHTML.slice(0, 200)')}")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.browser
def test_gemeente_changes_a_status_on_the_form_by_keyboard_with_a_refusal_first(ref_db, tmp_path, live_server, fast_hashing, new_page):
    scene = scene_.build(ref_db, tmp_path)
    base = live_server(ref_db).url
    path = f"/uitvraag/{scene.round_id}"
    page = new_page(viewport={"width": 320, "height": 640})
    log_in(page, base, "ams", PASSWORD, path)
    wzv, verordening = page.locator("#uvf-GM0363-woonzorgvisie"), page.locator("#uvf-GM0363-verordening")
    # Prefilled with what is known at the peildatum; the words are the status table's.
    expect(verordening.get_by_role("radio", name="vastgesteld", exact=True)).to_be_checked()
    expect(wzv.get_by_role("radio", name="in concept", exact=True)).to_be_checked()
    expect(wzv.get_by_role("radio", name="opgenomen in volkshuisvestingsprogramma")).not_to_be_checked()
    date_field = verordening.get_by_label("Vastgesteld op (dd-mm-jjjj)")
    expect(date_field).to_have_value("01-06-2025")
    expect(verordening.get_by_label("Bron (link)")).to_have_value("https://amsterdam.example/verordening")
    expect(verordening.get_by_label("Toelichting")).to_have_value("besluit raad")
    expect(date_field).to_have_attribute("aria-describedby", "uvf-GM0363-verordening-datum-uitleg uvf-GM0363-verordening-datum-fout")
    _no_sideways_scroll(page)
    assert run_axe(page) == []

    # A status dated after the peildatum: refused, the message at the field and in the summary.
    stored = _records(ref_db)
    date_field.fill("01-12-2026")
    page.get_by_role("button", name="Wijzigingen voor Amsterdam controleren").click()
    summary = page.locator("#uvf-geweigerd-GM0363")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Er is niets opgeslagen: 1 fout")
    at_field = page.locator("#uvf-GM0363-verordening-datum-fout")
    expect(at_field).to_contain_text("de datum vastgesteld op (01-12-2026) ligt na de peildatum (30-11-2026)")
    expect(date_field).to_have_attribute("aria-invalid", "true")
    assert _records(ref_db) == stored
    _no_sideways_scroll(page)
    assert run_axe(page) == []
    summary.get_by_role("link").first.click()
    expect(date_field).to_be_focused()

    # From here keyboard only: put the date back, change woonzorgvisie, check, confirm.
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("01-06-2025")
    expect(date_field).to_have_value("01-06-2025")
    _tab_to(page, wzv.get_by_role("radio", name="in concept", exact=True), key="Shift+Tab")  # the group's checked radio
    page.keyboard.press("ArrowDown")  # a radio group: the arrow keys choose
    choice = wzv.get_by_role("radio", name="vastgesteld", exact=True)
    expect(choice).to_be_checked()
    expect(choice).to_be_focused()
    wzv_date = wzv.get_by_label("Vastgesteld op (dd-mm-jjjj)")
    _tab_to(page, wzv_date)
    page.keyboard.type(NEW_DATE)
    _tab_to(page, page.get_by_role("button", name="Wijzigingen voor Amsterdam controleren"))
    page.keyboard.press("Enter")
    approved = page.locator("#uvf-goedgekeurd-GM0363")
    expect(approved).to_be_focused()
    expect(approved).to_contain_text("Goedgekeurd: 1 wijziging")
    expect(at_field).to_have_text("")
    expect(date_field).to_have_attribute("aria-invalid", "false")
    changes = page.locator("#uvf-GM0363-wijzigingen tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("woonzorgvisie")
    expect(changes.first).to_contain_text("in concept")
    assert _records(ref_db) == stored  # the check saves nothing
    _no_sideways_scroll(page)
    assert run_axe(page) == []
    _tab_to(page, page.get_by_role("button", name="Wijzigingen voor GM0363 bevestigen en opslaan"))
    page.keyboard.press("Enter")
    saved = page.locator("#uvf-opgeslagen-GM0363")
    expect(saved).to_be_focused()
    expect(saved).to_contain_text("Dank u, uw wijzigingen zijn opgeslagen.")
    expect(page.get_by_role("button", name="Wijzigingen voor GM0363 bevestigen en opslaan")).to_be_disabled()
    assert _records(ref_db) == stored + 1
    assert run_axe(page) == []

    page.reload()
    wait_for_dash(page)
    expect(page.locator("#uitvraag-antwoord-GM0363")).to_contain_text("Uw antwoord tot nu toe: gewijzigd")
    expect(page.locator("#uvf-GM0363-woonzorgvisie").get_by_role("radio", name="vastgesteld", exact=True)).to_be_checked()

    cli = run_cli("uitvraag", "status", str(scene.round_id), "--format", "csv", url=ref_db, tmp_path=tmp_path)
    assert cli.returncode == 0, cli.stderr
    rows = {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(cli.stdout))}
    assert (rows["GM0363"]["antwoord"], rows["GM0363"]["kanaal"], rows["GM0363"]["door"]) == ("gewijzigd", "formulier", "ams")
    with db.session(ref_db) as s:
        refused, loaded = (s.exec(select(Upload).where(Upload.channel == "formulier", Upload.outcome == o)).one() for o in ("geweigerd", "geladen"))
        assert loaded.file_name == "formulier-GM0363-2026-11-30.csv" and loaded.stored_path
    # The stored original, as the beheerder downloads it from the API.
    app = make_app(ref_db)
    client = scene_.client_as(app, "vng")
    resp = client.get(f"/api/v1/uploads/{loaded.id}/bestand")
    assert resp.status_code == 200
    original = resp.get_data(as_text=True).splitlines()
    assert original[0].startswith("gemeentecode;woonzorgvisie;woonzorgvisie vastgesteld op;verordening")
    assert original[1].startswith(f"GM0363;vastgesteld;{NEW_DATE};") and len(original) == 2  # only the changed onderdeel


def _check_request(client, round_id: int, trigger: str, values: dict[str, tuple[str, str]]) -> dict:
    """POST the "Controleren" callback as the browser does: the button of ``trigger`` and the
    status ``values`` (slug → (gemeente, word)); returns the response."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if any("uvf-controleer" in str(i["id"]) for i in d["inputs"]))
    button = {"type": "uvf-controleer", "code": trigger}
    statuses = [{"id": {"type": "uvf-status", "code": code, "o": o}, "property": "value", "value": word} for o, (code, word) in values.items()]
    payload = {
        "output": dep["output"],
        "outputs": [{"id": {"type": "uvf-uitkomst", "code": trigger}, "property": "children"},
                    {"id": {"type": "uvf-wacht", "code": trigger}, "property": "data"}, []],  # fmt: skip
        "inputs": [{"id": button, "property": "n_clicks", "value": 1}],
        "state": [statuses, [], [], [], [], {"id": "uitvraag-id", "property": "data", "value": round_id}],
        "changedPropIds": [json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"],
    }
    resp = client.post("/_dash-update-component", json=payload, headers=csrf_headers(client))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["response"]


def _confirm_request(client, round_id: int, code: str, token: str) -> dict:
    """POST the "Bevestigen" callback of ``code`` with ``token`` as the browser does."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if not d.get("clientside_function") and any("uvf-bevestig" in str(i["id"]) for i in d["inputs"]))
    button = {"type": "uvf-bevestig", "code": code}
    payload = {
        "output": dep["output"],
        "outputs": [{"id": {"type": "uvf-resultaat", "code": code}, "property": "children"}, {"id": button, "property": "disabled"},
                    {"id": {"type": "uvf-wacht", "code": code}, "property": "data"}],  # fmt: skip
        "inputs": [{"id": button, "property": "n_clicks", "value": 1}],
        "state": [{"id": {"type": "uvf-wacht", "code": code}, "property": "data", "value": {"token": token}},
                  {"id": "uitvraag-id", "property": "data", "value": round_id}],  # fmt: skip
        "changedPropIds": [json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"],
    }
    resp = client.post("/_dash-update-component", json=payload, headers=csrf_headers(client))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["response"]


def test_the_check_refuses_a_forged_gemeente_a_mixed_request_and_anonymous(ref_db, tmp_path, fast_hashing):
    scene = scene_.build(ref_db, tmp_path)
    app = make_app(ref_db)
    ams = scene_.client_as(app, "ams")
    forged = json.dumps(_check_request(ams, scene.round_id, "GM0344", {"verordening": ("GM0344", "vastgesteld")}), ensure_ascii=False)
    assert "U mag niet antwoorden voor GM0344" in forged and "uw account hoort bij GM0363" in forged
    mixed = json.dumps(_check_request(ams, scene.round_id, "GM0363", {"verordening": ("GM0344", "vastgesteld")}), ensure_ascii=False)
    assert "Deze controle hoort niet bij GM0363" in mixed
    anonymous = app.server.test_client()
    out = json.dumps(_check_request(anonymous, scene.round_id, "GM0363", {"verordening": ("GM0363", "geen")}), ensure_ascii=False)
    assert "U bent niet (meer) ingelogd. Log in en probeer het opnieuw." in out
    with db.session(ref_db) as s:
        assert s.exec(select(Upload).where(Upload.channel == "formulier")).all() == []
    # Utrecht's honest check; Amsterdam cannot confirm it, neither as Utrecht nor as itself.
    utr = scene_.client_as(app, "utr")
    checked = _check_request(utr, scene.round_id, "GM0344", {"verordening": ("GM0344", "vastgesteld")})
    token = checked['{"code":"GM0344","type":"uvf-wacht"}']["data"]["token"]
    as_utrecht = json.dumps(_confirm_request(ams, scene.round_id, "GM0344", token), ensure_ascii=False)
    assert "U mag niet antwoorden voor GM0344" in as_utrecht
    as_itself = json.dumps(_confirm_request(ams, scene.round_id, "GM0363", token), ensure_ascii=False)
    assert "Er staat geen gecontroleerd bestand klaar" in as_itself  # bound to the user who checked it
    with db.session(ref_db) as s:
        assert s.exec(select(Upload).where(Upload.channel == "formulier", Upload.outcome == "geladen")).all() == []
    saved = json.dumps(_confirm_request(utr, scene.round_id, "GM0344", token), ensure_ascii=False)
    assert "Dank u, uw wijzigingen zijn opgeslagen." in saved
