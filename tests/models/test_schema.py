"""The schema, reference loaders and the as-of query on every backend."""

from datetime import date

import pytest
from sqlmodel import select

from etl import referencedata
from models import db, queries
from models.tables import Gemeente, Milestone, StatusLevel, StatusRecord, Upload
from tests.support.paths import REPO

HEAD = "0014"


def test_migrations_match_the_models(db_url):
    """Autogenerate finds nothing to do: the migrations create exactly what models/tables.py says."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with db.engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_migration_reaches_head_and_is_repeatable(db_url):
    assert db.current_revision(db_url) == HEAD
    db.upgrade(db_url)
    assert db.current_revision(db_url) == HEAD
    assert db.has_schema(db_url)


def test_reference_data_loads_once(ref_db):
    with db.session(ref_db) as s:
        assert len(s.exec(select(Gemeente)).all()) == 342
        levels = s.exec(select(StatusLevel).where(StatusLevel.onderdeel == "verordening")).all()
        assert [lv.status for lv in sorted(levels, key=lambda x: x.rank)] == ["geen", "in voorbereiding", "vastgesteld"]
        changed = referencedata.load_data_files(s, REPO / "data")
    assert changed == {"statussen": False, "mijlpalen": False, "fusies": False}


def test_milestone_dates_keep_their_precision(ref_db):
    with db.session(ref_db) as s:
        consult = s.get(Milestone, "wvrv-consultatie")
        unknown = s.get(Milestone, "wvrv-eerste-kamer")
    assert (consult.date, consult.date_precision) == (date(2023, 2, 1), "maand")
    assert unknown.date is None and unknown.date_precision == "onbekend"


def test_bad_milestone_file_names_the_line(tmp_path):
    bad = tmp_path / "mijlpalen.csv"
    bad.write_text(
        "id,titel,datum,soort,onderdeel,min_status,niveau,zekerheid,bron\n"
        "a,Titel,2026-13-01,wet,,,landelijk,bevestigd,\n"
        "b,Titel,2026,wens,verordening,klaar,gemeente,bevestigd,ftp://x\n",
        encoding="utf-8",
    )
    levels = referencedata.read_status_levels(REPO / "data" / "statussen.csv")
    with pytest.raises(referencedata.ReferenceDataError) as err:
        referencedata.read_milestones(bad, levels)
    message = str(err.value)
    assert "regel 2, kolom datum" in message
    assert "regel 3, kolom soort: 'wens'" in message
    assert "kolom min_status: 'klaar'" in message
    assert "kolom bron" in message


def _record(s, code, onderdeel, status, peildatum, upload_id):
    s.add(StatusRecord(gemeente_code=code, onderdeel=onderdeel, status=status, peildatum=peildatum, upload_id=upload_id))


def test_status_asof_takes_latest_peildatum_and_newest_upload(ref_db):
    with db.session(ref_db) as s:
        first = Upload(file_name="a.xlsx", sha256="a" * 64, outcome="geladen")
        second = Upload(file_name="b.xlsx", sha256="b" * 64, outcome="geladen")
        s.add_all([first, second])
        s.flush()
        _record(s, "GM0363", "verordening", "geen", date(2023, 1, 1), first.id)
        _record(s, "GM0363", "verordening", "in voorbereiding", date(2024, 1, 1), first.id)
        _record(s, "GM0363", "verordening", "vastgesteld", date(2024, 1, 1), second.id)
        _record(s, "GM0518", "verordening", "vastgesteld", date(2025, 6, 1), first.id)
    before = queries.status_asof(date(2023, 6, 1), ref_db)
    assert before.set_index("gemeente_code").loc["GM0363", "status"] == "geen"
    assert "GM0518" not in set(before.gemeente_code)
    later = queries.status_asof(date(2025, 12, 31), ref_db).set_index("gemeente_code")
    assert later.loc["GM0363", "status"] == "vastgesteld"
    assert later.loc["GM0518", "status"] == "vastgesteld"
    assert len(queries.status_history(ref_db)) == 4


def test_koploperregio_layer_comes_from_uploads_unless_a_list_is_loaded(ref_db):
    import pandas as pd

    with db.session(ref_db) as s:
        up = Upload(file_name="k.xlsx", sha256="c" * 64, outcome="geladen")
        s.add(up)
        s.flush()
        for code, status, regio in [
            ("GM0363", "ja", "Metropoolregio Amsterdam"),
            ("GM0362", "ja", "Metropoolregio Amsterdam"),
            ("GM0153", "ja", "Enschede (Twente)"),
            ("GM0518", "nee", None),
        ]:
            s.add(StatusRecord(gemeente_code=code, onderdeel="koploper", status=status, koploperregio=regio,
                               peildatum=date(2024, 1, 1), upload_id=up.id))
        s.add(StatusRecord(gemeente_code="GM0362", onderdeel="koploper", status="nee",
                           peildatum=date(2025, 1, 1), upload_id=up.id))
    derived = queries.region_memberships("koploperregio", ref_db)
    assert dict(zip(derived.gemeente_code, derived.region_code)) == {
        "GM0363": "metropoolregio-amsterdam",
        "GM0153": "enschede-twente",
    }
    assert "koploperregio" in queries.region_types(ref_db)
    listed = pd.DataFrame(
        {"region_type": ["koploperregio"], "region_code": ["MRA"], "region_name": ["Metropoolregio Amsterdam"],
         "gemeente_code": ["GM0363"], "source": ["regio_koploper.csv"]}
    )
    with db.session(ref_db) as s:
        referencedata.load_region_memberships(s, listed)
    assert queries.region_memberships("koploperregio", ref_db).region_code.tolist() == ["MRA"]


def _one_record_in_plain_sql(url: str) -> None:
    """Amsterdam with one verordening record from upload 7, written without the models (any schema revision)."""
    from sqlalchemy import text

    with db.engine(url).begin() as conn:
        conn.execute(text("INSERT INTO provincie (code, name) VALUES ('PV27', 'Noord-Holland')"))
        conn.execute(text("INSERT INTO gemeente (code, name, provincie_code) VALUES ('GM0363', 'Amsterdam', 'PV27')"))
        conn.execute(text("INSERT INTO upload (id, file_name, sha256, outcome, created_at, username, channel, "
                          "rows_read, records_written, is_demo) "
                          "VALUES (7, 'a.xlsx', :sha, 'geladen', CURRENT_TIMESTAMP, 'cli', 'cli', 1, 1, false)"), {"sha": "a" * 64})
        conn.execute(text("INSERT INTO statusrecord (gemeente_code, onderdeel, status, peildatum, upload_id, created_at) "
                          "VALUES ('GM0363', 'verordening', 'vastgesteld', '2025-01-01', 7, CURRENT_TIMESTAMP)"))


def test_upgrade_from_0002_keeps_history_and_moves_the_keys_to_triggers(backend, tmp_path):
    """A database made before 0003 keeps every record and its gemeente check (now a trigger);
    a record points at an upload because the loader writes both together (next test)."""
    from sqlalchemy import inspect, text

    from tests.support.database import create_database

    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url, "0002")
        _one_record_in_plain_sql(url)
        db.upgrade(url)
        assert db.current_revision(url) == HEAD
        history = queries.status_history(url)
        assert list(history.status) == ["vastgesteld"] and list(history.upload_id) == [7]
        insp = inspect(db.engine(url))
        assert insp.get_foreign_keys("statusrecord") == []
        assert "ix_status_peildatum" not in {ix["name"] for ix in insp.get_indexes("statusrecord")}
        with pytest.raises(Exception, match="gemeente"):
            with db.engine(url).begin() as conn:
                conn.execute(text("INSERT INTO statusrecord (gemeente_code, onderdeel, status, peildatum, upload_id, created_at) "
                                  "VALUES ('GM9999', 'verordening', 'geen', '2025-01-01', 7, CURRENT_TIMESTAMP)"))
        assert len(queries.status_history(url)) == 1
    finally:
        db.dispose_all()
        drop()


def test_downgrade_to_0002_keeps_history_and_restores_the_foreign_keys(backend, tmp_path):
    """Going back from head to 0002 (through 0004 and 0003) keeps every record; the gemeente and
    upload checks are foreign keys again and the triggers are gone."""
    from alembic import command
    from sqlalchemy import inspect, text

    from models.db import alembic_config
    from tests.support.database import create_database

    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url)
        _one_record_in_plain_sql(url)
        db.dispose_all()
        command.downgrade(alembic_config(url), "0002")
        db.dispose_all()
        assert db.current_revision(url) == "0002"
        insp = inspect(db.engine(url))
        assert {fk["referred_table"] for fk in insp.get_foreign_keys("statusrecord")} == {"gemeente", "upload"}
        assert "ix_status_peildatum" in {ix["name"] for ix in insp.get_indexes("statusrecord")}
        with db.engine(url).connect() as conn:
            rows = conn.execute(text("SELECT gemeente_code, status, upload_id FROM statusrecord")).fetchall()
        assert [tuple(r) for r in rows] == [("GM0363", "vastgesteld", 7)]
        for sql in [
            "INSERT INTO statusrecord (gemeente_code, onderdeel, status, peildatum, upload_id, created_at) "
            "VALUES ('GM9999', 'verordening', 'geen', '2025-01-01', 7, CURRENT_TIMESTAMP)",
            "DELETE FROM gemeente WHERE code = 'GM0363'",
        ]:
            with pytest.raises(Exception, match="(?i)foreign key"):
                with db.engine(url).begin() as conn:
                    conn.execute(text(sql))
        with db.engine(url).connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM statusrecord")).scalar_one() == 1
        db.upgrade(url)
        assert db.current_revision(url) == HEAD
        assert len(queries.status_history(url)) == 1
    finally:
        db.dispose_all()
        drop()


def test_upgrade_to_0004_gives_audit_events_their_address_and_downgrades(backend, tmp_path):
    """Existing login events get the address from their JSON detail; events without one stay
    empty; the per-address login limit then counts them; downgrading drops the column again."""
    import json
    from datetime import datetime, timezone

    from sqlalchemy import inspect, text

    from etvi.accounts import throttle
    from tests.support.database import create_database

    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url, "0003")
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        events = [
            ("x", "inloggen_mislukt", {"adres": "198.51.100.4", "bron": "web", "reden": "onbekende gebruiker"}),
            ("y", "inloggen_mislukt", {"adres": "198.51.100.4", "bron": "web", "reden": "onjuist wachtwoord"}),
            ("beheer", "gebruiker_aangemaakt", {"rol": "vng"}),
            ("z", "inloggen_mislukt", None),
        ]
        with db.engine(url).begin() as conn:
            for actor, action, detail in events:
                conn.execute(
                    text("INSERT INTO auditevent (created_at, username, action, detail) VALUES (:t, :u, :a, :d)"),
                    {"t": now, "u": actor, "a": action, "d": json.dumps(detail, sort_keys=True) if detail else None},
                )
        db.upgrade(url)
        with db.engine(url).connect() as conn:
            got = conn.execute(text("SELECT username, address FROM auditevent ORDER BY id")).fetchall()
        assert [tuple(r) for r in got] == [("x", "198.51.100.4"), ("y", "198.51.100.4"), ("beheer", None), ("z", None)]
        with db.session(url) as s:
            assert throttle.address_blocked_until(s, "198.51.100.4", max_failures=2, window_minutes=10) is not None
            assert throttle.address_blocked_until(s, "198.51.100.5", max_failures=2, window_minutes=10) is None
        db.dispose_all()
        db.upgrade(url, "0004")
        from alembic import command

        from models.db import alembic_config

        command.downgrade(alembic_config(url), "0003")
        db.dispose_all()
        assert "address" not in {c["name"] for c in inspect(db.engine(url)).get_columns("auditevent")}
        assert db.current_revision(url) == "0003"
    finally:
        db.dispose_all()
        drop()


def test_every_loaded_record_points_at_its_upload(ref_db, tmp_path):
    from etvi.upload.service import load_file

    csv = tmp_path / "status.csv"
    csv.write_text("gemeentecode;peildatum;woonzorgvisie;verordening\nGM0363;1-3-2025;vastgesteld;geen\n"
                   "GM0518;1-3-2025;in concept;vastgesteld\n", encoding="utf-8")
    result = load_file(csv, url=ref_db)
    assert result.ok and result.records_written == 4
    with db.session(ref_db) as s:
        uploads = {u.id for u in s.exec(select(Upload)).all()}
        records = s.exec(select(StatusRecord)).all()
    assert {r.upload_id for r in records} == {result.upload_id} <= uploads


def test_the_database_refuses_records_of_unknown_gemeenten_and_keeps_referenced_gemeenten(ref_db):
    """The gemeente key holds for any writer, not only the loader: one statement with a single
    unknown code writes nothing, and a gemeente with records cannot be deleted or renamed."""
    from sqlalchemy import text

    insert = text(
        "INSERT INTO statusrecord (gemeente_code, onderdeel, status, peildatum, created_at) "
        "VALUES (:code, 'verordening', 'geen', '2025-01-01', CURRENT_TIMESTAMP)"
    )
    with db.engine(ref_db).begin() as conn:
        conn.execute(insert, [{"code": "GM0363"}])
    with pytest.raises(Exception, match="GM9999"):
        with db.engine(ref_db).begin() as conn:
            conn.execute(insert, [{"code": "GM0518"}, {"code": "GM9999"}])
    assert list(queries.status_history(ref_db).gemeente_code) == ["GM0363"]
    for statement in ["DELETE FROM gemeente WHERE code = 'GM0363'", "UPDATE gemeente SET code = 'GM9998' WHERE code = 'GM0363'"]:
        with pytest.raises(Exception, match="statusrecords"):
            with db.engine(ref_db).begin() as conn:
                conn.execute(text(statement))
    with db.engine(ref_db).begin() as conn:  # a gemeente without records may still go
        conn.execute(text("UPDATE gemeente SET name = 'Rotterdam (test)' WHERE code = 'GM0599'"))
    with db.session(ref_db) as s:
        assert s.get(Gemeente, "GM0363") is not None
