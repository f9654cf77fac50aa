"""Issue 12 item 4: ``POST /api/v1/uitvragen/{id}/herinneringen`` with a selection of gemeenten,
through the real app (Flask test client) against the real SMTP server, SQLite and PostgreSQL.
Only the chosen not-answered gemeenten get a mail (one audit event each); a chosen gemeente that
answered, or an unknown code, is a Dutch 400 and nothing is sent or written."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from etvi.accounts import users
from models import db
from models.tables import AuditEvent, UitvraagMail
from tests.support import uitvraag as scene_
from tests.support.app import make_app
from tests.support.uitvraag import ADDRESSES


@pytest.fixture
def client(ref_db, tmp_path, fast_hashing):
    scene = scene_.build(ref_db, tmp_path)
    scene_.answer_with_file(ref_db, tmp_path, "GM0363", "ams")  # Amsterdam answered
    with db.session(ref_db) as s:
        token = users.create_token(s, "vng", actor="test")
    test_client = make_app(ref_db).server.test_client()
    return scene, test_client, {"Authorization": f"Bearer {token}"}


def _written(url):
    with db.session(url) as s:
        mails = sorted((m.email, m.gemeente_codes, m.outcome) for m in s.exec(select(UitvraagMail)).all())
        events = [json.loads(e.detail) for e in s.exec(select(AuditEvent).where(AuditEvent.action == "uitvraag_herinnering_verstuurd")).all()]
    return mails, events


def test_a_selection_gets_the_reminder_and_others_are_refused(client, smtp_server):
    scene, http, beheer = client
    path = f"/api/v1/uitvragen/{scene.round_id}/herinneringen"
    for body, message in [
        ({"gemeenten": ["GM0363"]}, "Er is geen herinnering verstuurd: GM0363 (Amsterdam) heeft al geantwoord"),
        ({"gemeenten": ["GM0344", "GM0363"]}, "GM0363 (Amsterdam) heeft al geantwoord"),
        ({"gemeenten": ["GM0344", "GM9999"]}, "Onbekende gemeentecode 'GM9999'"),
    ]:
        refused = http.post(path, json=body, headers=beheer)
        assert refused.status_code == 400, refused.get_data(as_text=True)
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert message in refused.get_json()["detail"]
    assert smtp_server.received == [] and _written(scene.url) == ([], [])

    trial = http.post(path + "?dryRun=true", json={"gemeenten": ["GM0344"]}, headers=beheer).get_json()
    assert [(o["email"], o["status"]) for o in trial["uitkomsten"]] == [(ADDRESSES["utr"], "proef")] and smtp_server.received == []

    sent = http.post(path, json={"gemeenten": ["GM0344", "GM0080"]}, headers=beheer)
    assert sent.status_code == 200, sent.get_data(as_text=True)
    answer = sent.get_json()
    assert answer["verstuurd"] == 2 and answer["al_geantwoord"] == []
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == sorted([ADDRESSES["utr"], ADDRESSES["noord"]])
    assert "GM0014" not in smtp_server.to(ADDRESSES["noord"])[0].body  # only the chosen gemeente of the shared account
    mails, events = _written(scene.url)
    assert mails == sorted([(ADDRESSES["utr"], "GM0344", "verstuurd"), (ADDRESSES["noord"], "GM0080", "verstuurd")])
    assert sorted(e["email"] for e in events) == sorted([ADDRESSES["utr"], ADDRESSES["noord"]])

    again = http.post(path, json={"gemeenten": ["GM0344"]}, headers=beheer).get_json()  # the same day: not twice
    assert again["verstuurd"] == 0 and [o["status"] for o in again["uitkomsten"]] == ["overgeslagen"] and len(smtp_server.received) == 2


def test_a_failing_address_is_reported_and_the_others_still_go(client, smtp_server):
    scene, http, beheer = client
    smtp_server.refuse(ADDRESSES["rdm"])
    answer = http.post(f"/api/v1/uitvragen/{scene.round_id}/herinneringen", json={"gemeenten": ["GM0599", "GM0344"]}, headers=beheer).get_json()
    by_mail = {o["email"]: o for o in answer["uitkomsten"]}
    assert by_mail[ADDRESSES["rdm"]]["status"] == "mislukt" and "weigert dit adres" in by_mail[ADDRESSES["rdm"]]["reden"]
    assert by_mail[ADDRESSES["utr"]]["status"] == "verstuurd" and [r.rcpt_tos[0] for r in smtp_server.received] == [ADDRESSES["utr"]]
