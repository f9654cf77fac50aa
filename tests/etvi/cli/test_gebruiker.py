"""``etvi gebruiker`` through the real entry point, with stdin not a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from etvi.accounts import throttle, tokens, users
from models import db
from models.tables import AuditEvent, User

ETVI = str(Path(sys.executable).with_name("etvi"))


def run(url, *args, stdin_text=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_")}
    env["ETVI_DATABASE_URL"] = url
    env["COLUMNS"] = "200"
    return subprocess.run(
        [ETVI, "gebruiker", *args],
        input=stdin_text,
        stdin=None if stdin_text is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_add_generates_password_once_and_never_prompts(ref_db):
    res = run(ref_db, "add", "amsterdam", "--rol", "gemeente", "--gemeente", "GM0363", "--gemeente", "0518", "--email", "a@amsterdam.example")
    assert res.returncode == 0, res.stderr
    password = res.stdout.strip().splitlines()[-1]
    assert "GM0363 Amsterdam" in res.stdout
    with db.session(ref_db) as s:
        user = users.get_user(s, "amsterdam")
        assert user.gemeente_codes == "GM0363,GM0518"
        assert password not in (user.password_hash or "")
        assert throttle.authenticate(s, "amsterdam", password)
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "gebruiker_aangemaakt")).all()
        assert len(events) == 1 and events[0].username.startswith("cli:")

    listing = run(ref_db, "list")
    assert listing.returncode == 0 and "amsterdam" in listing.stdout and password not in listing.stdout


def test_password_from_stdin(ref_db):
    res = run(ref_db, "add", "nh", "--rol", "provincie", "--provincie", "PV27", "--email", "nh@provincie.example", "--wachtwoord-stdin",
              stdin_text="een-goed-wachtwoord\n")
    assert res.returncode == 0, res.stderr
    assert "een-goed-wachtwoord" not in res.stdout
    with db.session(ref_db) as s:
        assert throttle.authenticate(s, "nh", "een-goed-wachtwoord").provincie_code == "PV27"
    # Empty stdin with the flag is an error, not a wait.
    res = run(ref_db, "add", "nh2", "--rol", "provincie", "--provincie", "PV27", "--email", "nh@provincie.example", "--wachtwoord-stdin")
    assert res.returncode == 2 and "geen wachtwoord" in res.stderr


def test_errors_are_dutch_and_write_nothing(ref_db):
    for args, expected in [
        (("add", "x1", "--rol", "gemeente", "--gemeente", "GM9999"), "bestaat niet"),
        (("add", "x2", "--rol", "gemeente"), "minstens één gemeentecode"),
        (("add", "x3", "--rol", "keizer"), "Onbekende rol"),
        (("disable", "niemand"), "bestaat niet"),
        (("token", "niemand"), "bestaat niet"),
    ]:
        res = run(ref_db, *args)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert expected in res.stderr and "Traceback" not in res.stderr
    with db.session(ref_db) as s:
        assert s.exec(select(User)).all() == []


def test_token_disable_and_reset(ref_db):
    assert run(ref_db, "add", "utrecht", "--rol", "gemeente", "--gemeente", "GM0344", "--email", "u@utrecht.example").returncode == 0
    res = run(ref_db, "token", "utrecht")
    assert res.returncode == 0, res.stderr
    token = res.stdout.strip().splitlines()[-1]
    assert token.startswith("etvi_") and len(token) > 40
    with db.session(ref_db) as s:
        assert tokens.user_for_token(s, token).username == "utrecht"
        assert [t.token_hash for t in tokens.of_user(s, users.get_user(s, "utrecht"))] == [tokens.hash_token(token)]

    res = run(ref_db, "reset-password", "utrecht")
    assert res.returncode == 0, res.stderr
    new_password = res.stdout.strip().splitlines()[-1]
    with db.session(ref_db) as s:
        assert throttle.authenticate(s, "utrecht", new_password)

    assert run(ref_db, "disable", "utrecht").returncode == 0
    with db.session(ref_db) as s:
        assert tokens.user_for_token(s, token) is None
        assert not users.get_user(s, "utrecht").active
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert actions[:1] == ["gebruiker_aangemaakt"]
    for action in ("token_aangemaakt", "wachtwoord_opnieuw_ingesteld", "gebruiker_uitgeschakeld"):
        assert action in actions
    listing = run(ref_db, "list")
    assert "nee" in listing.stdout
