"""``DataSource.version()``: one statement per call, and a key that changes with every edit of a
milestone or a status level, also one that did not bump Meta ``data_version`` (the edits here are
plain SQL, as a forgetful loader or a hand edit would make them); on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, text

from dashboard.data import DataSource
from models import db


def _sql(url: str, statement: str, **params) -> None:
    with db.engine(url).begin() as conn:
        conn.execute(text(statement), params)


def _scalar(url: str, statement: str):
    with db.engine(url).connect() as conn:
        return conn.execute(text(statement)).scalar_one()


def test_version_is_one_statement(ref_db):
    ds = DataSource(ref_db)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine(ref_db), "before_cursor_execute", count)
    try:
        ds.version()
        ds.version()
    finally:
        event.remove(db.engine(ref_db), "before_cursor_execute", count)
    assert len(statements) == 2
    assert all("FROM milestone" in s and "FROM statuslevel" in s for s in statements)


def test_a_row_written_anew_with_the_same_values_keeps_the_key(ref_db):
    """The rows are read in key order, not as stored: the first milestone, deleted and inserted
    again (now stored last), and the first status level likewise, give the same key."""
    ds = DataSource(ref_db)
    before = ds.version().key
    with db.engine(ref_db).begin() as conn:
        for table, key in (("milestone", "id"), ("statuslevel", "id")):
            row = conn.execute(text(f"SELECT * FROM {table} WHERE {key} = (SELECT min({key}) FROM {table})")).mappings().one()
            conn.execute(text(f"DELETE FROM {table} WHERE {key} = :k"), {"k": row[key]})
            columns = ", ".join(row)
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in row)})"), dict(row))
    assert ds.version().key == before


def test_every_reference_edit_changes_the_key_without_a_version_bump(ref_db):
    ds = DataSource(ref_db)
    milestone = _scalar(ref_db, "SELECT min(id) FROM milestone")
    level = _scalar(ref_db, "SELECT min(id) FROM statuslevel")
    where = {"m": milestone}
    _sql(ref_db, "UPDATE milestone SET onderdeel = NULL, min_status = NULL, source_url = NULL, note = '' WHERE id = :m", **where)
    start = ds.version()
    assert ds.version().key == start.key  # no change, the same key

    edits = [
        ("titel", "UPDATE milestone SET title = title || ' (herzien)' WHERE id = :m"),
        ("datum", "UPDATE milestone SET date = '2031-02-03' WHERE id = :m"),
        ("datum, een dag later", "UPDATE milestone SET date = '2031-02-04' WHERE id = :m"),
        ("datum onbekend", "UPDATE milestone SET date = NULL WHERE id = :m"),
        ("bron: NULL wordt ''", "UPDATE milestone SET source_url = '' WHERE id = :m"),
        ("bron: '' wordt weer NULL", "UPDATE milestone SET source_url = NULL WHERE id = :m"),
        ("onderdeel NULL, min_status 'x'", "UPDATE milestone SET onderdeel = NULL, min_status = 'x' WHERE id = :m"),
        ("onderdeel 'x', min_status NULL", "UPDATE milestone SET onderdeel = 'x', min_status = NULL WHERE id = :m"),
        ("bron 'x', noot ''", "UPDATE milestone SET source_url = 'x', note = '' WHERE id = :m"),
        ("bron '', noot 'x'", "UPDATE milestone SET source_url = '', note = 'x' WHERE id = :m"),
        ("waarde met scheidingstekens", "UPDATE milestone SET source_url = 'x'',''', note = '' WHERE id = :m"),
        ("label", "UPDATE statuslevel SET label = label || ' (herzien)' WHERE id = :l"),
        ("is_done", "UPDATE statuslevel SET is_done = NOT is_done WHERE id = :l"),
    ]
    keys = [start.key]
    for name, statement in edits:
        _sql(ref_db, statement, m=milestone, l=level)
        key = ds.version().key
        assert key != keys[-1], f"{name}: de sleutel veranderde niet"
        assert ds.version().key == key, f"{name}: twee aanroepen zonder wijziging gaven verschillende sleutels"
        keys.append(key)
    assert len(set(keys)) == len(keys) - 1  # all differ, except NULL → '' → NULL, which returns to its key
    assert keys[6] == keys[4]
    assert ds.version().data_version == start.data_version  # none of the edits bumped it


def test_a_cached_reference_follows_an_edit_without_a_version_bump(ref_db):
    ds = DataSource(ref_db)
    milestone = _scalar(ref_db, "SELECT min(id) FROM milestone")
    assert "(herzien)" not in " ".join(ds.reference().milestones["title"])
    _sql(ref_db, "UPDATE milestone SET title = title || ' (herzien)' WHERE id = :m", m=milestone)
    titles = ds.reference().milestones.set_index("id")["title"]
    assert titles[milestone].endswith("(herzien)")
