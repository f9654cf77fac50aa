"""E-mail addresses on accounts through ``etvi gebruiker``: required for new gemeente and provincie
accounts, checked, shown, and changed by the beheerder (audited)."""

from __future__ import annotations

import json

from sqlmodel import select

from etvi.accounts import users
from models import db
from models.tables import AuditEvent, User
from tests.support.cli import run_cli


def gebruiker(url, tmp_path, *args):
    proc = run_cli("gebruiker", *args, url=url, tmp_path=tmp_path)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def test_new_gemeente_and_provincie_accounts_need_a_valid_address(ref_db, tmp_path):
    for args, message in [
        (("add", "ams", "--rol", "gemeente", "--gemeente", "GM0363"), "heeft een e-mailadres nodig (--email"),
        (("add", "nh", "--rol", "provincie", "--provincie", "PV27"), "rol provincie heeft een e-mailadres nodig"),
        (("add", "ams", "--rol", "gemeente", "--gemeente", "GM0363", "--email", "geen adres"), "Ongeldig e-mailadres 'geen adres'"),
        (("add", "ams", "--rol", "gemeente", "--gemeente", "GM0363", "--email", "a@b"), "Ongeldig e-mailadres 'a@b'"),
    ]:
        res = gebruiker(ref_db, tmp_path, *args)
        assert res.returncode == 2 and message in res.stderr, (args, res.stderr)
    with db.session(ref_db) as s:
        assert s.exec(select(User)).all() == []

    ok = gebruiker(ref_db, tmp_path, "add", "ams", "--rol", "gemeente", "--gemeente", "GM0363", "--email", " Wonen@Amsterdam.example ")
    assert ok.returncode == 0, ok.stderr
    assert gebruiker(ref_db, tmp_path, "add", "vng", "--rol", "beheerder").returncode == 0  # a beheerder may have none
    with db.session(ref_db) as s:
        assert users.get_user(s, "ams").email == "Wonen@Amsterdam.example" and users.get_user(s, "vng").email is None
        created = s.exec(select(AuditEvent).where(AuditEvent.action == "gebruiker_aangemaakt").order_by(AuditEvent.id)).first()
    assert json.loads(created.detail)["email"] == "Wonen@Amsterdam.example"
    assert "Wonen@Amsterdam.example" in gebruiker(ref_db, tmp_path, "list").stdout


def test_the_beheerder_changes_an_address(ref_db, tmp_path):
    assert gebruiker(ref_db, tmp_path, "add", "ams", "--rol", "gemeente", "--gemeente", "GM0363", "--email", "oud@amsterdam.example").returncode == 0
    res = gebruiker(ref_db, tmp_path, "email", "AMS", "nieuw@amsterdam.example")
    assert res.returncode == 0 and "E-mailadres van ams is nu: nieuw@amsterdam.example." in res.stdout
    for args, message in [
        (("email", "ams", "kapot"), "Ongeldig e-mailadres 'kapot'"),
        (("email", "ams", ""), "rol gemeente heeft een e-mailadres nodig"),
        (("email", "niemand", "x@y.example"), "Gebruiker 'niemand' bestaat niet"),
    ]:
        bad = gebruiker(ref_db, tmp_path, *args)
        assert bad.returncode == 2 and message in bad.stderr, (args, bad.stderr)
    with db.session(ref_db) as s:
        assert users.get_user(s, "ams").email == "nieuw@amsterdam.example"
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "email_gewijzigd")).all()
    assert len(events) == 1 and json.loads(events[0].detail) == {"gebruiker": "ams", "oud": "oud@amsterdam.example", "nieuw": "nieuw@amsterdam.example"}
    assert events[0].username.startswith("cli:")
