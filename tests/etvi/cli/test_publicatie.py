"""``etvi publicatie maak/list`` and ``etvi export --publicatie`` through the real entry point, on
SQLite and PostgreSQL: a publicatie's export gives the same bytes on every call, also after a
correcting upload for an earlier peildatum that changes the live export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlmodel import Session, select

from etvi import publicatie as publicaties
from models.db import engine
from models.tables import AuditEvent, Publicatie
from tests.support.cli import run_cli
from tests.support.etl import simple_rows, write_xlsx


def _load(url, tmp_path, name: str, status: str) -> None:
    path = write_xlsx(tmp_path / name, simple_rows(["GM0363", "Amsterdam", status, None, "in voorbereiding", ""], peildatum=date(2024, 3, 1)))
    proc = run_cli("load", str(path), url=url, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _amsterdam(csv_bytes: bytes) -> dict:
    rows = {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";")}
    assert len(rows) == 342
    return rows["GM0363"]


def test_a_publicatie_never_changes(ref_db, tmp_path):
    _load(ref_db, tmp_path, "eerste.xlsx", "in voorbereiding")
    made = run_cli("publicatie", "maak", "--titel", "Kamerbrief juni 2024", "--peildatum", "2024-06-30", url=ref_db, tmp_path=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    number = made.stdout.strip().splitlines()[-1]
    assert number.isdigit()

    def export(*args: str, name: str) -> bytes:
        proc = run_cli("export", *args, "-o", name, url=ref_db, tmp_path=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return (tmp_path / name).read_bytes()

    first = export("--publicatie", number, name="p1.csv")
    live_before = export("--peildatum", "2024-06-30", name="live1.csv")
    assert first == live_before and _amsterdam(first)["woonzorgvisie"] == "in voorbereiding"
    assert export("--publicatie", number, name="p2.csv") == first

    _load(ref_db, tmp_path, "correctie.xlsx", "vastgesteld")  # the same peildatum, a later upload: it wins
    live_after = export("--peildatum", "2024-06-30", name="live2.csv")
    assert live_after != live_before and _amsterdam(live_after)["woonzorgvisie"] == "vastgesteld"
    assert export("--publicatie", number, name="p3.csv") == first
    assert publicaties.csv_bytes(publicaties.get(number, ref_db), ref_db) == first  # what /publicatie/<nummer>.csv serves
    stdout = run_cli("export", "--publicatie", number, "-o", "-", url=ref_db, tmp_path=tmp_path)
    assert stdout.returncode == 0 and stdout.stdout == first.decode("utf-8-sig").replace("\r\n", "\n")  # text mode reads \r\n as \n

    listed = run_cli("publicatie", "list", url=ref_db, tmp_path=tmp_path)
    assert listed.returncode == 0 and "Kamerbrief juni 2024" in listed.stdout and "30-06-2024" in listed.stdout
    with Session(engine(ref_db)) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "publicatie gemaakt")).one()
        assert event.username.startswith("cli:") and json.loads(event.detail)["id"] == int(number)


def test_bad_input_gets_a_dutch_message_and_changes_nothing(ref_db, tmp_path):
    cases = [
        (["publicatie", "maak", "--titel", "  "], "titel van de publicatie is leeg"),
        (["publicatie", "maak", "--titel", "x" * 201], "maximum is 200"),
        (["publicatie", "maak", "--titel", "T", "--peildatum", "2024-13-01"], "--peildatum"),
        (["publicatie", "maak", "--titel", "T", "--peildatum", "2099-01-01"], "ligt in de toekomst"),
        (["export", "--publicatie", "999"], "Publicatie 999 bestaat niet"),
        (["export", "--publicatie", "abc"], "'abc' is geen publicatienummer"),
        (["export", "--publicatie", "1", "--format", "xlsx", "-o", "x.xlsx"], "als csv"),
        (["export", "--publicatie", "1", "--peildatum", "2024-01-01"], "gaan niet samen"),
    ]
    for args, phrase in cases:
        proc = run_cli(*args, url=ref_db, tmp_path=tmp_path)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 2 and phrase in out and "Traceback" not in out, (args, out)
    with Session(engine(ref_db)) as s:
        assert s.exec(select(Publicatie)).all() == []
    assert not (tmp_path / "x.xlsx").exists()
