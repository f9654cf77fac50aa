"""Issue 12: reporting rounds through the API — made, opened and closed by the beheerder, answered
with "Niets veranderd" (``bevestigingen``) or a file, the response per gemeente in pages and scoped
to the caller, reminders to a real SMTP server. Over HTTP against a live app, SQLite and PostgreSQL;
``etvi uitvraag status`` agrees with the API."""

from __future__ import annotations

import csv
import io
from datetime import date

import requests
from sqlmodel import select

from models import db
from models.tables import Gemeente, StatusRecord
from tests.support.app import create_actors, csv_file
from tests.support.cli import run_cli

PEIL = "2026-03-01"


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _upload(api: str, token: str, rows, peildatum: str) -> requests.Response:
    content = csv_file(rows, peildatum=peildatum)
    return requests.post(api + "/uploads", files={"file": ("stand.csv", content)}, headers=_bearer(token), timeout=30)


def _problem(resp: requests.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    return resp.json()


def test_a_round_from_opening_to_closing(ref_db, smtp_server, live_server, tmp_path):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    amsterdam, rotterdam, provincie = actors["gemeente_a"].token, actors["gemeente_b"].token, actors["provincie"].token

    # Accounts with an address: two by PATCH, one new one (an address is required for a gemeente).
    for naam in ("amsterdam", "rotterdam"):
        changed = requests.patch(api + f"/gebruikers/{naam}", json={"email": f"{naam}@gemeente.example"}, headers=beheer, timeout=30)
        assert changed.status_code == 200 and changed.json()["email"] == f"{naam}@gemeente.example", changed.text
    made = requests.post(
        api + "/gebruikers", json={"naam": "utrecht", "rol": "gemeente", "gemeenten": ["GM0344"], "email": "utrecht@gemeente.example"},
        headers=beheer, timeout=30,
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["email"] == "utrecht@gemeente.example", made.text

    # Made (concept) and opened by the beheerder only.
    assert requests.post(api + "/uitvragen", json={"titel": "t", "peildatum": PEIL, "deadline": "2026-04-01"}, headers=_bearer(amsterdam), timeout=30).status_code == 403
    bad = _problem(requests.post(api + "/uitvragen", json={"titel": "Voorjaar", "peildatum": PEIL, "deadline": "2026-02-01"}, headers=beheer, timeout=30), 400)
    assert "deadline" in bad["detail"] and "peildatum" in bad["detail"]
    unknown = _problem(requests.post(api + "/uitvragen", json={"titel": "V", "peildatum": PEIL, "deadline": "2026-04-01", "onderdelen": ["xyz"]}, headers=beheer, timeout=30), 400)
    assert "Onbekend onderdeel 'xyz'" in unknown["detail"]
    created = requests.post(
        api + "/uitvragen", json={"titel": "Voorjaar 2026", "peildatum": PEIL, "deadline": "2026-04-01", "onderdelen": ["verordening"]},
        headers=beheer, timeout=30,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    round_ = created.json()
    rid = round_["id"]
    assert round_["staat"] == "concept" and round_["onderdelen"] == ["verordening"] and created.headers["Location"] == f"/api/v1/uitvragen/{rid}"
    concept = _problem(requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "GM0363"}, headers=_bearer(amsterdam), timeout=30), 409)
    assert "concept" in concept["detail"]
    assert requests.patch(api + f"/uitvragen/{rid}", json={"staat": "open"}, headers=_bearer(provincie), timeout=30).status_code == 403
    opened = requests.patch(api + f"/uitvragen/{rid}", json={"staat": "open"}, headers=beheer, timeout=30)
    assert opened.status_code == 200 and opened.json()["staat"] == "open" and opened.json()["geopend_door"] == "api:vng"
    assert opened.json()["geopend"].endswith("+00:00")
    again = _problem(requests.patch(api + f"/uitvragen/{rid}", json={"staat": "open"}, headers=beheer, timeout=30), 409)
    assert "al open" in again["detail"]
    listed = requests.get(api + "/uitvragen", headers=_bearer(amsterdam), timeout=30)
    assert listed.status_code == 200 and [r["id"] for r in listed.json()["uitvragen"]] == [rid]

    # Amsterdam knew its status before; it confirms "Niets veranderd". Not for Rotterdam; not as provincie.
    assert _upload(api, amsterdam, [("GM0363", "in voorbereiding", "eerder")], "2026-01-15").status_code == 201
    other = _problem(requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "GM0599"}, headers=_bearer(amsterdam), timeout=30), 403)
    assert "GM0599" in other["detail"] and "GM0363" in other["detail"]
    assert requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "GM0363"}, headers=_bearer(provincie), timeout=30).status_code == 403
    nothing = _problem(requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "GM0599"}, headers=beheer, timeout=30), 422)
    assert "nog geen status bekend" in nothing["detail"]
    confirmed = requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "gm0363"}, headers=_bearer(amsterdam), timeout=30)
    assert confirmed.status_code == 201, confirmed.text
    body = confirmed.json()
    assert body["uitkomst"] == "geladen" and body["gemeentecode"] == "GM0363" and body["records_geschreven"] == 1 and body["upload_id"]
    with db.session(ref_db) as s:
        record = s.exec(select(StatusRecord).where(StatusRecord.gemeente_code == "GM0363", StatusRecord.peildatum == date.fromisoformat(PEIL))).one()
        assert record.status == "in voorbereiding"
    # Rotterdam answers with a file at the round's peildatum.
    assert _upload(api, rotterdam, [("GM0599", "vastgesteld", "klaar")], PEIL).status_code == 201

    summary = requests.get(api + f"/uitvragen/{rid}", headers=beheer, timeout=30).json()
    with db.session(ref_db) as s:
        total = len(s.exec(select(Gemeente.code).where(Gemeente.valid_to.is_(None))).all())
        noord_holland = len(s.exec(select(Gemeente.code).where(Gemeente.valid_to.is_(None), Gemeente.provincie_code == "PV27")).all())
    assert summary["respons"]["geantwoord"] == 2 and summary["respons"]["totaal"] == total
    assert summary["respons"]["samenvatting"] == f"2 van {total} gemeenten geantwoord"
    assert summary["respons"]["per_antwoord"] == {"gewijzigd": 1, "ongewijzigd": 1, "geweigerd": 0, "geen": total - 2}

    # The answers per gemeente: the beheerder all, in pages; a provincie and a gemeente their own.
    page = requests.get(api + f"/uitvragen/{rid}/antwoorden", params={"page": 2, "pageSize": 100}, headers=beheer, timeout=30)
    assert page.status_code == 200 and page.json()["totaal"] == total and len(page.json()["antwoorden"]) == 100
    assert page.headers["X-Total-Count"] == str(total) and 'rel="next"' in page.headers["Link"]
    everyone = requests.get(api + f"/uitvragen/{rid}/antwoorden", params={"pageSize": 1000}, headers=beheer, timeout=30).json()["antwoorden"]
    by_code = {a["gemeentecode"]: a for a in everyone}
    assert by_code["GM0363"]["antwoord"] == "ongewijzigd" and by_code["GM0363"]["kanaal"] == "API" and by_code["GM0363"]["door"] == "amsterdam"
    assert by_code["GM0599"]["antwoord"] == "gewijzigd" and by_code["GM0344"]["antwoord"] == "geen" and by_code["GM0344"]["wanneer"] is None
    seen = requests.get(api + f"/uitvragen/{rid}/antwoorden", params={"pageSize": 1000}, headers=_bearer(provincie), timeout=30).json()
    assert seen["totaal"] == noord_holland and "GM0363" in {a["gemeentecode"] for a in seen["antwoorden"]}
    assert "GM0599" not in {a["gemeentecode"] for a in seen["antwoorden"]}
    own = requests.get(api + f"/uitvragen/{rid}/antwoorden", headers=_bearer(rotterdam), timeout=30).json()
    assert [a["gemeentecode"] for a in own["antwoorden"]] == ["GM0599"]
    assert requests.get(api + f"/uitvragen/{rid}", headers=_bearer(rotterdam), timeout=30).json()["respons"]["totaal"] == 1

    # `etvi uitvraag status` agrees with the API.
    shown = run_cli("uitvraag", "status", str(rid), "--format", "csv", url=ref_db, tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    cli_rows = {r["gemeentecode"]: r["antwoord"] for r in csv.DictReader(io.StringIO(shown.stdout)) if r.get("gemeentecode", "").startswith("GM")}
    assert cli_rows == {a["gemeentecode"]: a["antwoord"] for a in everyone}

    # Reminders: a dry run sends nothing; then one mail, to Utrecht only (Amsterdam and Rotterdam answered).
    assert requests.post(api + f"/uitvragen/{rid}/herinneringen", headers=_bearer(provincie), timeout=30).status_code == 403
    proef = requests.post(api + f"/uitvragen/{rid}/herinneringen", params={"dryRun": "true"}, headers=beheer, timeout=30)
    assert proef.status_code == 200, proef.text
    assert [(o["email"], o["status"]) for o in proef.json()["uitkomsten"]] == [("utrecht@gemeente.example", "proef")]
    assert smtp_server.received == []
    sent = requests.post(api + f"/uitvragen/{rid}/herinneringen", json={}, headers=beheer, timeout=30)
    assert sent.status_code == 200 and sent.json()["verstuurd"] == 1 and sent.json()["geconfigureerd"] is True, sent.text
    assert [m.rcpt_tos for m in smtp_server.received] == [["utrecht@gemeente.example"]]
    assert "Voorjaar 2026" in smtp_server.received[0].body
    twice = requests.post(api + f"/uitvragen/{rid}/herinneringen", headers=beheer, timeout=30).json()
    assert twice["verstuurd"] == 0 and twice["uitkomsten"][0]["status"] == "overgeslagen" and len(smtp_server.received) == 1
    chosen = requests.post(api + f"/uitvragen/{rid}/herinneringen", json={"gemeenten": ["GM0363"]}, headers=beheer, timeout=30)
    assert "GM0363 (Amsterdam) heeft al geantwoord" in _problem(chosen, 400)["detail"] and len(smtp_server.received) == 1

    # Closed: no more reminders or confirmations.
    closed = requests.patch(api + f"/uitvragen/{rid}", json={"staat": "gesloten"}, headers=beheer, timeout=30)
    assert closed.status_code == 200 and closed.json()["staat"] == "gesloten" and closed.json()["gesloten_door"] == "api:vng"
    assert "open uitvraag" in _problem(requests.post(api + f"/uitvragen/{rid}/herinneringen", headers=beheer, timeout=30), 409)["detail"]
    assert "gesloten" in _problem(requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "GM0363"}, headers=_bearer(amsterdam), timeout=30), 409)["detail"]


def test_rounds_bad_input_answers_in_dutch(ref_db, live_server):
    server = live_server(ref_db)
    api = server.url + "/api/v1"
    actors = create_actors(ref_db)
    beheer = _bearer(actors["beheerder"].token)
    assert requests.get(api + "/uitvragen", timeout=30).status_code == 401
    for method, path in (("get", "/uitvragen/4242"), ("get", "/uitvragen/4242/antwoorden"), ("post", "/uitvragen/4242/herinneringen")):
        missing = _problem(requests.request(method, api + path, headers=beheer, timeout=30), 404)
        assert "Uitvraag 4242 bestaat niet" in missing["detail"]
    rid = requests.post(api + "/uitvragen", json={"titel": "Najaar", "peildatum": "2026-09-01", "deadline": "2026-10-01"}, headers=beheer, timeout=30).json()["id"]
    wrong = _problem(requests.patch(api + f"/uitvragen/{rid}", json={"staat": "dicht"}, headers=beheer, timeout=30), 400)
    assert wrong["invalidParams"][0]["name"] == "staat" and "open of gesloten" in wrong["detail"]
    early = _problem(requests.patch(api + f"/uitvragen/{rid}", json={"staat": "gesloten"}, headers=beheer, timeout=30), 409)
    assert "concept" in early["detail"]
    bad_date = _problem(requests.post(api + "/uitvragen", json={"titel": "X", "peildatum": "1-9-2026", "deadline": "2026-10-01"}, headers=beheer, timeout=30), 400)
    assert "JJJJ-MM-DD" in bad_date["detail"] and bad_date["invalidParams"][0]["name"] == "peildatum"
    unknown = _problem(requests.post(api + f"/uitvragen/{rid}/bevestigingen", json={"gemeentecode": "GM9999"}, headers=beheer, timeout=30), 400)
    assert "GM9999" in unknown["detail"]
    assert requests.get(api + "/uitvragen", headers=beheer, timeout=30).json()["uitvragen"][0]["staat"] == "concept"
