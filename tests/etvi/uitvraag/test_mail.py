"""Reminders and announcements against a real SMTP server (aiosmtpd on 127.0.0.1): who gets one,
what it says, one failing address, the same-day guard, and no SMTP at all."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from etvi.uitvraag import confirmation, mail
from etvi.uitvraag.rounds import UitvraagError
from models import db
from models.tables import AuditEvent, UitvraagMail
from tests.support import uitvraag as scene_
from tests.support.smtp import free_port
from tests.support.uitvraag import ADDRESSES

OTHERS = {ADDRESSES["utr"], ADDRESSES["rdm"], ADDRESSES["noord"]}


@pytest.fixture
def scene(ref_db, tmp_path, fast_hashing):
    return scene_.build(ref_db, tmp_path)


def test_reminders_go_to_every_account_whose_gemeente_has_not_answered(scene, smtp_server):
    confirmation.confirm_unchanged(scene.round_id, "GM0363", scene.user("ams"), url=scene.url)
    report = mail.send_reminders(scene.round_id, "vng", url=scene.url)
    assert report.configured and report.sent == 3 and report.count(mail.MISLUKT) == 0
    got = {r.rcpt_tos[0] for r in smtp_server.received}
    assert got == OTHERS and len(smtp_server.received) == 3  # not ams (answered), zonder (no address), uit (disabled), nh, vng
    noord = smtp_server.to(ADDRESSES["noord"])[0]
    assert noord.mail_from == "uitvraag@vng.example" and noord.message["To"] == ADDRESSES["noord"]
    assert noord.message["Subject"] == "Herinnering: Uitvraag najaar 2026 – graag uw antwoord vóór 31-12-2026"
    body = noord.body
    for text in ("Peildatum: 30-11-2026", "Deadline: 31-12-2026", "- Groningen (GM0014)", "- Leeuwarden (GM0080)",
                 f"https://monitor.example/uitvraag/{scene.round_id}", "Niets veranderd"):  # fmt: skip
        assert text in body, text
    with db.session(scene.url) as s:
        rows = s.exec(select(UitvraagMail).order_by(UitvraagMail.email)).all()
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "uitvraag_herinnering_verstuurd")).all()
    assert {(r.email, r.outcome, r.kind, r.sent_by) for r in rows} == {(a, "verstuurd", "herinnering", "vng") for a in OTHERS}
    assert sorted(json.loads(e.detail)["email"] for e in events) == sorted(OTHERS) and {e.username for e in events} == {"vng"}


def test_a_refused_address_is_reported_and_the_others_still_go(scene, smtp_server):
    smtp_server.refuse(ADDRESSES["rdm"])
    report = mail.send_reminders(scene.round_id, "vng", url=scene.url)
    failed = [o for o in report.outcomes if o.status == mail.MISLUKT]
    assert [o.email for o in failed] == [ADDRESSES["rdm"]] and "550" in failed[0].reason and "weigert dit adres" in failed[0].reason
    assert {r.rcpt_tos[0] for r in smtp_server.received} == {ADDRESSES["ams"], ADDRESSES["utr"], ADDRESSES["noord"]}
    with db.session(scene.url) as s:
        failed_events = s.exec(select(AuditEvent).where(AuditEvent.action == "uitvraag_herinnering_mislukt")).all()
    assert len(failed_events) == 1 and "550" in json.loads(failed_events[0].detail)["reden"]


def test_a_second_reminder_the_same_day_is_not_sent_unless_forced(scene, smtp_server):
    assert mail.send_reminders(scene.round_id, "vng", gemeenten=["GM0344"], url=scene.url).sent == 1
    again = mail.send_reminders(scene.round_id, "vng", url=scene.url)
    assert [(o.email, o.status) for o in again.outcomes if o.status == mail.OVERGESLAGEN] == [(ADDRESSES["utr"], "overgeslagen")]
    assert again.sent == 3 and len(smtp_server.to(ADDRESSES["utr"])) == 1
    forced = mail.send_reminders(scene.round_id, "vng", gemeenten=["GM0344"], force=True, url=scene.url)
    assert forced.sent == 1 and len(smtp_server.to(ADDRESSES["utr"])) == 2


def test_a_selection_and_a_dry_run(scene, smtp_server):
    confirmation.confirm_unchanged(scene.round_id, "GM0363", scene.user("ams"), url=scene.url)
    trial = mail.send_reminders(scene.round_id, "vng", gemeenten=["gm 80"], dry_run=True, url=scene.url)
    assert [(o.email, o.gemeenten, o.status) for o in trial.outcomes] == [(ADDRESSES["noord"], ["GM0080"], "proef")]
    assert smtp_server.received == []
    # a selection with a gemeente that already answered is refused as a whole: nothing goes
    with pytest.raises(UitvraagError, match=r"Er is geen herinnering verstuurd: GM0363 \(Amsterdam\) heeft al geantwoord"):
        mail.send_reminders(scene.round_id, "vng", gemeenten=["GM0363", "GM0080"], url=scene.url)
    with db.session(scene.url) as s:
        assert s.exec(select(UitvraagMail)).all() == []
    with pytest.raises(UitvraagError, match="Onbekende gemeentecode 'GM9999'"):
        mail.send_reminders(scene.round_id, "vng", gemeenten=["GM9999"], url=scene.url)


def test_without_smtp_nothing_is_sent_and_the_list_and_text_are_given(scene):
    report = mail.send_reminders(scene.round_id, "vng", url=scene.url)
    assert not report.configured and report.sent == 0 and "ETVI_SMTP_URL" in report.message
    assert {r.email for r, _, _ in report.texts} == OTHERS | {ADDRESSES["ams"]}
    subject, body = next((s, b) for r, s, b in report.texts if r.email == ADDRESSES["utr"])
    assert "Uitvraag najaar 2026" in subject and "- Utrecht (GM0344)" in body and "http://127.0.0.1:8050/uitvraag/" in body
    with db.session(scene.url) as s:
        assert s.exec(select(UitvraagMail)).all() == []


def test_an_unreachable_server_fails_every_address_without_stopping(scene, monkeypatch):
    monkeypatch.setenv("ETVI_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    report = mail.send_reminders(scene.round_id, "vng", url=scene.url)
    assert report.count(mail.MISLUKT) == 4 and all("niet bereikbaar" in o.reason for o in report.outcomes)


@pytest.mark.parametrize("value", ["http://mail.example", "smtp://", "smtp://host:poort"])
def test_a_bad_smtp_url_is_told_in_dutch(scene, monkeypatch, value):
    monkeypatch.setenv("ETVI_SMTP_URL", value)
    with pytest.raises(UitvraagError, match="ETVI_SMTP_URL"):
        mail.send_reminders(scene.round_id, "vng", url=scene.url)


def test_smtp_url_settings(monkeypatch):
    monkeypatch.setenv("ETVI_SMTP_URL", "smtp://mailer%40vng.example:ge%3Aheim@mail.vng.example:2525")
    cfg = mail.mail_settings()
    assert (cfg.host, cfg.port, cfg.implicit_tls, cfg.username, cfg.password) == ("mail.vng.example", 2525, False, "mailer@vng.example", "ge:heim")
    monkeypatch.setenv("ETVI_SMTP_URL", "smtps://mail.vng.example")
    monkeypatch.setenv("ETVI_MAIL_FROM", "uitvraag@vng.example")
    cfg = mail.mail_settings()
    assert (cfg.port, cfg.implicit_tls, cfg.sender) == (465, True, "uitvraag@vng.example")
    monkeypatch.delenv("ETVI_SMTP_URL")
    assert mail.mail_settings() is None


def test_the_announcement_goes_to_every_gemeente_account_with_an_address(scene, smtp_server):
    confirmation.confirm_unchanged(scene.round_id, "GM0363", scene.user("ams"), url=scene.url)
    report = mail.send_announcement(scene.round_id, "vng", url=scene.url)
    assert report.sent == 4 and {r.rcpt_tos[0] for r in smtp_server.received} == OTHERS | {ADDRESSES["ams"]}
    assert smtp_server.received[0].message["Subject"].startswith("Nieuwe uitvraag: Uitvraag najaar 2026")
    assert mail.send_announcement(scene.round_id, "vng", url=scene.url).count(mail.OVERGESLAGEN) == 4


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd on smtps, where all is TLS
def test_tls_and_login_when_the_server_asks_for_them(scene, smtp_tls_server, monkeypatch):
    report = mail.send_reminders(scene.round_id, "vng", gemeenten=["GM0344"], url=scene.url)
    assert report.sent == 1, report.outcomes
    assert [r.rcpt_tos for r in smtp_tls_server.received] == [[ADDRESSES["utr"]]]
    monkeypatch.setenv("ETVI_SMTP_URL", smtp_tls_server.url.replace("wachtwoord", "fout"))
    wrong = mail.send_reminders(scene.round_id, "vng", gemeenten=["GM0599"], url=scene.url)
    assert [o.status for o in wrong.outcomes] == ["mislukt"] and "inloggen bij de mailserver mislukt" in wrong.outcomes[0].reason
