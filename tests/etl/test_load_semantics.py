"""Load semantics: one transaction or nothing, idempotent by content, history kept, newest upload
wins for a peildatum, dry runs write nothing, and the original is stored by its hash."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session, select

from etl import load as load_module
from etvi.upload import originals
from etvi.upload.service import load_file
from models import db
from models.db import engine
from models.queries import status_asof, status_history
from models.tables import StoredFile, Upload
from tests.support.etl import FX, counts, simple_rows, uploads, write_xlsx

TEMPLATE = FX / "template_ingevuld.xlsx"


def test_same_file_twice_changes_nothing_and_says_so(ref_db):
    first = load_file(TEMPLATE)
    before = counts(ref_db)
    second = load_file(TEMPLATE)
    assert (first.outcome, second.outcome) == ("geladen", "ongewijzigd")
    assert second.previous_upload_id == first.upload_id and second.records_written == 0 and second.changes.empty
    after = counts(ref_db)
    assert after["records"] == before["records"] and after["data_version"] == before["data_version"]
    logged = uploads(ref_db)
    assert [u.outcome for u in logged] == ["geladen", "ongewijzigd"]  # the attempt is in the audit log
    assert logged[1].stored_path == logged[0].stored_path


def test_copy_with_another_name_is_still_the_same_file(ref_db, tmp_path):
    load_file(TEMPLATE)
    copy = tmp_path / "kopie van sjabloon.xlsx"
    shutil.copy(TEMPLATE, copy)
    assert load_file(copy).outcome == "ongewijzigd"


def test_original_is_stored_once_in_the_database_content_addressed(ref_db, tmp_path):
    result = load_file(TEMPLATE)
    upload = uploads(ref_db)[-1]
    sha = hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()
    assert upload.sha256 == result.sha256 == sha
    assert upload.stored_path == f"{sha[:2]}/{sha}.xlsx"
    with db.session(ref_db) as s:
        assert originals.read(s, sha) == TEMPLATE.read_bytes()
        assert s.exec(select(StoredFile.size)).all() == [len(TEMPLATE.read_bytes())]
    copy = tmp_path / "nog een kopie.xlsx"
    shutil.copy(TEMPLATE, copy)
    assert load_file(copy).outcome == "ongewijzigd"  # the same bytes again: still one copy
    with db.session(ref_db) as s:
        assert len(s.exec(select(StoredFile.sha256)).all()) == 1


def test_a_successful_load_bumps_the_data_version(ref_db, tmp_path):
    assert counts(ref_db)["data_version"] == 0
    load_file(TEMPLATE)
    assert counts(ref_db)["data_version"] == 1
    load_file(write_xlsx(tmp_path / "b.xlsx", simple_rows(["GM0363", "", "geen", None, None, None])))
    assert counts(ref_db)["data_version"] == 2
    load_file(write_xlsx(tmp_path / "c.xlsx", simple_rows(["GM0363", "", "klaar", None, None, None])))
    assert counts(ref_db)["data_version"] == 2  # refused: nothing for caches to notice


def test_failure_half_way_leaves_the_database_as_it_was(ref_db, monkeypatch):
    load_file(FX / "rommelig.xlsx")
    before = counts(ref_db)
    history_before = status_history(ref_db)
    real_insert = load_module._insert_records

    def insert_then_fail(s, upload_id, records):
        real_insert(s, upload_id, records[: len(records) // 2])
        s.flush()
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(load_module, "_insert_records", insert_then_fail)
    result = load_file(TEMPLATE)
    assert result.outcome == "geweigerd"
    assert "het opslaan in de database is mislukt; er is niets opgeslagen (RuntimeError: schijf vol)" in result.problems[0].render()
    after = counts(ref_db)
    assert after["records"] == before["records"] and after["data_version"] == before["data_version"]
    assert status_history(ref_db).equals(history_before)
    logged = uploads(ref_db)[-1]
    assert logged.outcome == "geweigerd" and "schijf vol" in json.loads(logged.error_report)[0]["message"]
    assert logged.records_written == 0 and logged.stored_path is None
    monkeypatch.setattr(load_module, "_insert_records", real_insert)
    assert load_file(TEMPLATE).outcome == "geladen"  # the refused attempt does not count as loaded


def test_failure_while_storing_the_copy_also_rolls_back(ref_db, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(originals, "save", no_space)
    result = load_file(TEMPLATE)
    assert result.outcome == "geweigerd" and counts(ref_db)["records"] == 0


def test_later_file_adds_history_and_newest_upload_wins_for_the_same_peildatum(ref_db, tmp_path):
    first = write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "in voorbereiding", None, None, None]))
    second = write_xlsx(tmp_path / "b.xlsx", simple_rows(["GM0363", "", "in concept", None, "geen", None]))
    later = write_xlsx(tmp_path / "c.xlsx", simple_rows(["GM0363", "", "vastgesteld", "2024-05-01", None, None], peildatum=date(2024, 6, 1)))
    load_file(first)
    result = load_file(second)
    assert result.outcome == "geladen"
    changes = result.changes.set_index("onderdeel")
    assert changes.loc["woonzorgvisie", "huidige_status"] == "in voorbereiding"
    assert changes.loc["woonzorgvisie", "nieuwe_status"] == "in concept"
    assert changes.loc["verordening", "huidige_status"] is None
    load_file(later)
    history = status_history(ref_db)
    assert list(history[history.onderdeel == "woonzorgvisie"].status) == ["in voorbereiding", "in concept", "vastgesteld"]
    march = status_asof(date(2024, 3, 31), ref_db).set_index("onderdeel")
    assert march.loc["woonzorgvisie", "status"] == "in concept" and march.loc["verordening", "status"] == "geen"
    june = status_asof(date(2024, 6, 30), ref_db).set_index("onderdeel")
    assert june.loc["woonzorgvisie", "status"] == "vastgesteld" and june.loc["woonzorgvisie", "adopted_on"] == date(2024, 5, 1)


def test_dry_run_validates_previews_and_writes_nothing(ref_db, tmp_path):
    load_file(write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "in concept", None, None, None])))
    before = counts(ref_db)
    path = write_xlsx(tmp_path / "b.xlsx", simple_rows(["GM0363", "", "in concept", None, "vastgesteld", None], ["GM0599", "", "geen", None, None, None]))
    result = load_file(path, dry_run=True)
    assert result.outcome == "proef" and result.upload_id is None and result.records_valid == 3
    assert sorted(zip(result.changes.gemeente_code, result.changes.onderdeel, result.changes.nieuwe_status)) == [
        ("GM0363", "verordening", "vastgesteld"),
        ("GM0599", "woonzorgvisie", "geen"),
    ]
    assert counts(ref_db) == before
    bad = write_xlsx(tmp_path / "c.xlsx", simple_rows(["GM0363", "", "klaar", None, None, None]))
    refused = load_file(bad, dry_run=True)
    assert refused.outcome == "geweigerd" and refused.upload_id is None and counts(ref_db) == before


def test_parameter_peildatum_wins_over_the_cell_with_a_warning(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "in concept", None, None, None], peildatum=date(2024, 3, 1)))
    result = load_file(path, peildatum=date(2024, 4, 1))
    assert result.outcome == "geladen" and result.peildatum == date(2024, 4, 1)
    assert set(status_history(ref_db).peildatum) == {date(2024, 4, 1)}
    assert any("wijkt af van de opgegeven peildatum" in w.message for w in result.warnings)
    with Session(engine(ref_db)) as s:
        assert s.get(Upload, result.upload_id).peildatum == date(2024, 4, 1)


def test_row_peildatum_column_makes_a_history_file(ref_db, tmp_path):
    header = ["gemeente", "peildatum", "verordening", "verordening vastgesteld op"]
    rows = [header, ["Amsterdam", "1-1-2023", "in voorbereiding", None], ["Amsterdam", "1 januari 2024", "vastgesteld", "2023-12-12"]]
    result = load_file(write_xlsx(tmp_path / "h.xlsx", rows))
    assert result.outcome == "geladen" and result.records_written == 2
    assert list(status_history(ref_db).peildatum) == [date(2023, 1, 1), date(2024, 1, 1)]


def test_koploper_region_and_warnings(ref_db, tmp_path):
    header = ["gemeentecode", "koploper", "koploperregio", "toelichting"]
    rows = [["Peildatum", date(2024, 3, 1)], header, ["GM0363", "ja", "Metropoolregio Amsterdam", None], ["GM0599", "Nee", "Rijnmond", None], ["GM0344", "ja", None, None], ["GM0518", None, None, "alleen tekst"]]
    result = load_file(write_xlsx(tmp_path / "k.xlsx", rows))
    assert result.outcome == "geladen"
    history = status_history(ref_db).set_index("gemeente_code")
    assert history.loc["GM0363", "koploperregio"] == "Metropoolregio Amsterdam"
    assert history.loc["GM0599", "status"] == "nee" and pd.isna(history.loc["GM0599", "koploperregio"])
    messages = " | ".join(w.message for w in result.warnings)
    assert "koploperregio 'Rijnmond' is genegeerd" in messages
    assert "koploper is 'ja' maar de koploperregio is niet ingevuld" in messages
    assert "toelichting of bron zonder status wordt niet opgeslagen" in messages


def test_empty_status_cell_means_no_news(ref_db, tmp_path):
    load_file(write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "in concept", None, "vastgesteld", None])))
    result = load_file(write_xlsx(tmp_path / "b.xlsx", simple_rows(["GM0363", "", None, None, "vastgesteld", None], peildatum=date(2024, 6, 1))))
    assert result.records_written == 1
    now = status_asof(date(2024, 6, 1), ref_db).set_index("onderdeel")
    assert now.loc["woonzorgvisie", "status"] == "in concept"  # not turned into "geen"


@pytest.mark.parametrize("delimiter, encoding", [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"), ("\t", "utf-16")])
def test_csv_dialects(ref_db, tmp_path, delimiter, encoding):
    from tests.support.etl import write_csv

    rows = [["Gemeente", "Woonzorgvisie", "Toelichting"], ["Súdwest-Fryslân", "vastgesteld", "één, twee; drie"]]
    path = write_csv(tmp_path / "a.csv", rows, delimiter=delimiter, encoding=encoding)
    result = load_file(path, peildatum=date(2024, 3, 1))
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    record = status_history(ref_db).iloc[0]
    assert (record.gemeente_code, record.status, record.comment) == ("GM1900", "vastgesteld", "één, twee; drie")


def test_bulk_inserted_rows_read_back_like_orm_rows(ref_db, tmp_path):
    """The fast insert path (COPY, raw executemany) stores values exactly as the ORM would."""
    from datetime import datetime, timezone

    from sqlalchemy import text
    from sqlmodel import select

    from models.tables import StatusRecord

    with Session(engine(ref_db)) as s:
        upload = Upload(file_name="orm", sha256="0" * 64, outcome="geladen")
        s.add(upload)
        s.flush()
        s.add(StatusRecord(gemeente_code="GM0599", onderdeel="verordening", status="geen", adopted_on=date(2023, 1, 2), peildatum=date(2024, 1, 1), upload_id=upload.id))
        s.commit()
    path = write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "vastgesteld", "2-1-2023", None, "https://example.org/a"], peildatum=date(2024, 1, 1)))
    assert load_file(path).outcome == "geladen"
    with Session(engine(ref_db)) as s:
        rows = {r.gemeente_code: r for r in s.exec(select(StatusRecord)).all()}
        raw = dict(s.execute(text("SELECT gemeente_code, CAST(created_at AS TEXT) FROM statusrecord")).all())
    orm, bulk = rows["GM0599"], rows["GM0363"]
    for record in (orm, bulk):
        assert record.created_at.tzinfo is not None and abs((datetime.now(timezone.utc) - record.created_at).total_seconds()) < 120
        assert type(record.adopted_on) is date and type(record.peildatum) is date
    assert bulk.adopted_on == date(2023, 1, 2) and bulk.source_url == "https://example.org/a" and bulk.comment is None
    if ref_db.startswith("sqlite"):  # SQLite keeps text: the same format as the ORM writes
        pattern = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
        assert pattern.match(raw["GM0363"]) and pattern.match(raw["GM0599"]), raw
    assert status_asof(date(2024, 1, 1), ref_db).set_index("gemeente_code").loc["GM0363", "adopted_on"] == date(2023, 1, 2)

