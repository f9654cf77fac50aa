"""User management through ``etvi gebruiker`` and ``etvi sessiesleutel`` (one CLI module): gemeente
and provincie codes read by ``etvi.codes`` (any shape people type), still checked against the
reference tables, with Dutch messages that write nothing; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from etvi.accounts import users
from models import db
from models.tables import AuditEvent, User

ETVI = str(Path(sys.executable).with_name("etvi"))


def etvi(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_")}
    env.update(ETVI_DATABASE_URL=url, COLUMNS="200")
    return subprocess.run([ETVI, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60)


def test_codes_in_any_shape_people_type(ref_db):
    res = etvi(ref_db, "gebruiker", "add", "amsterdam", "--rol", "gemeente", "--gemeente", "gm 363", "--gemeente", "GM-0518",
               "--email", "wonen@amsterdam.example")
    assert res.returncode == 0, res.stderr
    assert "GM0363 Amsterdam" in res.stdout and "GM0518" in res.stdout
    res = etvi(ref_db, "gebruiker", "add", "nh", "--rol", "provincie", "--provincie", "pv27", "--email", "nh@provincie.example")
    assert res.returncode == 0, res.stderr
    with db.session(ref_db) as s:
        assert users.get_user(s, "amsterdam").gemeente_codes == "GM0363,GM0518"
        assert users.get_user(s, "nh").provincie_code == "PV27"


def test_codes_that_are_no_code_or_do_not_exist_are_refused_in_dutch(ref_db):
    for args, expected in [
        (("--rol", "gemeente", "--gemeente", "363.5"), "Ongeldige gemeentecode '363.5': gebruik de CBS-code, zoals GM0363."),
        (("--rol", "gemeente", "--gemeente", "GM9999"), "Gemeentecode GM9999 bestaat niet"),
        (("--rol", "provincie", "--provincie", "PV 2 7"), "Ongeldige provinciecode 'PV 2 7'"),
        (("--rol", "provincie", "--provincie", "99"), "Provinciecode PV99 bestaat niet"),
    ]:
        res = etvi(ref_db, "gebruiker", "add", "nieuw", *args)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert expected in " ".join(res.stderr.split()) and "Traceback" not in res.stderr, res.stderr
    with db.session(ref_db) as s:
        assert s.exec(select(User)).all() == [] and s.exec(select(AuditEvent)).all() == []


def test_both_command_groups_refuse_a_database_without_tables(tmp_path):
    empty = f"sqlite:///{tmp_path / 'leeg.sqlite'}"
    for args in (("gebruiker", "list"), ("sessiesleutel", "vernieuw")):
        res = etvi(empty, *args)
        assert res.returncode == 2 and "Voer eerst etvi init uit" in " ".join(res.stderr.split()), (args, res.stderr)
