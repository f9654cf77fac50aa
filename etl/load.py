"""Load one spreadsheet: validate all of it, compare it with the database, write its records.

The steps of a load, without the upload log: ``etvi.upload.service`` runs them, and it alone
writes the ``Upload`` row each attempt leaves (the outcomes are described there).

- ``check_file``: read and validate the whole file; nothing is written.
- ``compute_changes``: what the records would change (the preview of a dry run and of a load alike).
- ``write_transaction`` / ``same_as_earlier`` / ``write_records``: inside one transaction the
  caller commits, decide under the write lock whether the same bytes already wrote these records,
  else bulk-insert them (COPY on PostgreSQL) and bump the data version so caches in every
  server worker are invalidated.

Concurrent loads only append rows; the one shared row (Meta 'data_version') is locked last and
briefly, and SQLite writers take the write lock up front (BEGIN IMMEDIATE), so two processes
loading at once both succeed. Transient lock conflicts are retried by the caller (``is_transient``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
from sqlalchemy import insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from etl import names, safety
from etl.dates import format_date
from etl.errors import EtlError, FileRefused, Problem
from etl.gemeenten import name_key
from etl.lookups import Reference, load_reference
from etl.read import read_tables
from etl.validate import Record, Validated, validate_sheets
from etvi.config import settings
from models.asof import known_records_at
from models.db import bump_data_version, engine
from models.queries import status_history
from models.tables import Meta, StatusRecord, Upload

log = logging.getLogger(__name__)

GELADEN, ONGEWIJZIGD, GEWEIGERD, PROEF = "geladen", "ongewijzigd", "geweigerd", "proef"
CHANGE_COLUMNS = [
    "gemeente_code", "gemeente", "onderdeel", "peildatum", "huidige_status", "nieuwe_status", "wat", "details", "huidige_peildatum",
]  # fmt: skip
RECORD_COLUMNS = list(Record._fields)
BATCH = 20_000
SQLITE_LOAD_CACHE_KB = 64 * 1024
RETRIES = 4

Progress = Callable[[int, int], None]


@dataclass
class LoadResult:
    file_name: str
    outcome: str
    upload_id: int | None = None
    problems: list[Problem] = field(default_factory=list)  # errors
    warnings: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    records_written: int = 0
    records_valid: int = 0  # records the file holds (what a dry run would write)
    error_count: int = 0  # all errors, also those beyond the listed ones
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    sha256: str | None = None
    peildatum: date | None = None
    previous_upload_id: int | None = None  # for 'ongewijzigd': the upload that holds these records
    gemeente_codes: list[str] = field(default_factory=list)  # the gemeenten the file was about
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome != GEWEIGERD


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def unreadable(name: str, exc: BaseException) -> Problem:
    """The problem for a file that made the reader or validator fail unexpectedly."""
    detail = (str(exc).splitlines() or [""])[0][:160]
    return Problem(
        "het bestand kan niet worden gelezen of gecontroleerd; het is mogelijk beschadigd of geen gewoon "
        f"rekenblad ({type(exc).__name__}{': ' + detail if detail else ''}). Open het in Excel of LibreOffice, "
        "sla het opnieuw op en probeer het nog eens; lukt dat niet, meld het dan aan de beheerder",
        file=name,
    )


def problems_json(problems: list[Problem]) -> str | None:
    return json.dumps([p.to_dict() for p in problems], ensure_ascii=False) if problems else None


def is_transient(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, (OperationalError, DBAPIError)) and any(
        s in text for s in ("database is locked", "could not serialize", "deadlock detected", "busy")
    )


# --- comparing with what is known ------------------------------------------------------------


# What a record stores besides its pair and peildatum, with the word the preview uses for it.
COMPARED = {"status": "status", "adopted_on": "vastgesteld op", "comment": "toelichting", "source_url": "bron", "koploperregio": "koploperregio"}


def _same(a, b) -> bool:
    """Equal as stored: an empty text is no value, a date equals its ISO text (SQLite)."""
    def norm(v):
        if v is None or (isinstance(v, str) and not v.strip()) or (not isinstance(v, str) and pd.isna(v)):
            return None
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-":
            try:
                return date.fromisoformat(v[:10])
            except ValueError:
                return v
        return v

    return norm(a) == norm(b)


def _shown(field: str, value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "leeg"
    if field == "adopted_on":
        return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))
    return f"‘{value}’"


def compute_changes(records: list[Record], ref: Reference, url: str | None = None) -> pd.DataFrame:
    """Each record that changes what is known at its peildatum (the as-of rule,
    ``models.asof.known_records_at``): a new pair, another status, vastgesteld op, toelichting,
    bron or koploperregio, or the same content reported for a later peildatum. ``wat`` names what
    changes, ``details`` shows old → new. Only a record equal in every stored column to the record
    known at that same peildatum is left out: the load stores it too, but it changes nothing."""
    if not records:
        return pd.DataFrame(columns=CHANGE_COLUMNS, dtype=object)
    codes = sorted({r[0] for r in records})
    history = status_history(url, until=max(r[4] for r in records), codes=codes if len(codes) <= 400 else None)
    new = pd.DataFrame(records, columns=RECORD_COLUMNS)
    known = known_records_at(history, new, list(COMPARED))
    rows = []
    for r, old in zip(records, known.itertuples(index=False)):
        old = old._asdict()
        if old["known_peildatum"] is None:
            wat, details = ["nieuw"], []
        else:
            differ = [f for f in COMPARED if not _same(old[f], getattr(r, f))]
            wat = [COMPARED[f] for f in differ]
            details = [f"{COMPARED[f]}: {_shown(f, old[f])} → {_shown(f, getattr(r, f))}" for f in differ if f != "status"]
            if not differ and old["known_peildatum"] != r.peildatum:
                wat = ["peildatum"]
                details = [f"peildatum: {format_date(old['known_peildatum'])} → {format_date(r.peildatum)}"]
        if wat:
            rows.append((r[0], ref.names.get(r[0], r[0]), r[1], r[4], old["status"], r[2], ", ".join(wat), "; ".join(details), old["known_peildatum"]))
    order = {o: i for i, o in enumerate(ref.contract.onderdelen)}
    keys = {code: name_key(ref.names.get(code, code)) for code in codes}
    rows.sort(key=lambda x: (keys[x[0]], order.get(x[2], 99), x[3]))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS, dtype=object)


def same_as_earlier(s: Session, sha: str, records: list[Record]) -> Upload | None:
    """An earlier accepted upload of the same bytes that wrote exactly these records."""
    earlier = s.execute(select(Upload).where(Upload.sha256 == sha, Upload.outcome == GELADEN).order_by(Upload.id)).scalars().all()
    if not earlier:
        return None
    candidates = [u for u in earlier if u.records_written == len(records)]
    if not candidates:
        return None
    wanted = Counter(map(tuple, records))
    cols = [getattr(StatusRecord, c) for c in RECORD_COLUMNS]
    for upload in candidates:
        result = s.execute(select(*cols).where(StatusRecord.upload_id == upload.id))
        if Counter(map(tuple, result)) == wanted:
            return upload
    return None


# --- writing ---------------------------------------------------------------------------------


def _insert_records(s: Session, upload_id: int, records: list[Record]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany in batches elsewhere.

    Rows go in the order of the as-of index (onderdeel, gemeente, peildatum), so index pages are
    filled one after another instead of at random; on SQLite a larger page cache for the
    duration of the load does the rest (reset afterwards by ``_write``).
    """
    now = datetime.now(timezone.utc)
    conn = s.connection()
    records = sorted(records, key=itemgetter(1, 0, 4))
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, upload_id, records)
        return
    table = StatusRecord.__table__
    if conn.dialect.name == "sqlite":
        # executemany on the driver with values converted once per distinct date by the column
        # types' own bind processors: the same storage format as the ORM, without its per-row cost
        cols = RECORD_COLUMNS + ["upload_id", "created_at"]
        date_proc = table.c.peildatum.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) or (lambda v: v)
        created = (table.c.created_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) or (lambda v: v))(now)
        converted: dict = {None: None}

        def as_db(value):
            try:
                return converted[value]
            except KeyError:
                converted[value] = date_proc(value)
                return converted[value]

        sql = f"INSERT INTO statusrecord ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        if len(records) > BATCH:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_LOAD_CACHE_KB}")
        for start in range(0, len(records), BATCH):
            rows = [
                (r[0], r[1], r[2], as_db(r[3]), as_db(r[4]), r[5], r[6], r[7], upload_id, created)
                for r in records[start : start + BATCH]
            ]
            conn.exec_driver_sql(sql, rows)
        return
    for start in range(0, len(records), BATCH):
        batch = records[start : start + BATCH]
        conn.execute(insert(table), [{**r._asdict(), "upload_id": upload_id, "created_at": now} for r in batch])


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value.isoformat() if isinstance(value, date) else str(value)


def _copy_postgres(conn, upload_id: int, records: list[Record]) -> None:
    """COPY (text format, written in large blocks) into a temporary table without constraints or
    indexes, then one INSERT … SELECT into statusrecord, whose gemeente codes a trigger checks once
    for the whole statement (migration 0003); COPY straight into the indexed table with its per-row triggers was slower."""
    cols = ", ".join(RECORD_COLUMNS)
    raw = conn.connection.driver_connection
    converted: dict = {}

    def text(value) -> str:
        try:
            return converted[value]
        except KeyError:
            converted[value] = out = _copy_text(value)
            return out
        except TypeError:
            return _copy_text(value)

    with raw.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS etvi_load_records (LIKE statusrecord) ON COMMIT DELETE ROWS"
        )
        cur.execute(
            "ALTER TABLE etvi_load_records ALTER COLUMN id DROP NOT NULL, ALTER COLUMN created_at DROP NOT NULL"
        )
        with cur.copy(f"COPY etvi_load_records ({cols}) FROM STDIN") as copy:
            for start in range(0, len(records), BATCH):
                block = records[start : start + BATCH]
                copy.write("".join("\t".join([text(v) for v in r]) + "\n" for r in block))
        cur.execute(
            f"INSERT INTO statusrecord ({cols}, upload_id, created_at) "
            f"SELECT {cols}, %s, %s FROM etvi_load_records",
            (upload_id, datetime.now(timezone.utc)),
        )
        cur.execute("TRUNCATE etvi_load_records")


def _ensure_data_version(s: Session) -> None:
    """Create the counter row if missing without racing another loader (bump_data_version locks it)."""
    dialect = s.connection().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert if dialect == "sqlite" else None
    if make is None:
        if s.get(Meta, "data_version") is None:
            s.add(Meta(key="data_version", value="0"))
            s.flush()
        return
    s.execute(make(Meta).values(key="data_version", value="0").on_conflict_do_nothing(index_elements=["key"]))


def _begin(s: Session, sha: str | None = None) -> None:
    """Start the write transaction. SQLite takes its one write lock up front (BEGIN IMMEDIATE),
    which serialises all writers; PostgreSQL takes a transaction-scoped advisory lock per content
    hash, so loads of the same bytes queue (and the later one sees the earlier one's commit)
    while loads of other files run side by side."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql" and sha:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(sha)})


def _lock_key(sha: str) -> int:
    """A signed 64-bit advisory-lock key from a sha256 in hex."""
    return int.from_bytes(bytes.fromhex(sha[:16]), "big", signed=True)


@contextmanager
def write_transaction(url: str | None, sha: str) -> Iterator[Session]:
    """A session whose transaction holds the write lock for these bytes (``_begin``); the caller
    commits. Rolled back on any error; SQLite's page cache is reset for the pooled connection."""
    with Session(engine(url), expire_on_commit=False) as s:
        try:
            _begin(s, sha)
            yield s
        except BaseException:
            s.rollback()
            raise
        finally:
            if s.get_bind().dialect.name == "sqlite":
                try:
                    s.connection().exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default
                except Exception:  # noqa: BLE001 - never mask the real outcome
                    pass


def write_records(s: Session, upload_id: int, records: list[Record]) -> None:
    """Insert the records of upload ``upload_id`` and bump the data version, in ``s``'s transaction."""
    _insert_records(s, upload_id, records)
    _ensure_data_version(s)
    bump_data_version(s)


# --- checking a file -------------------------------------------------------------------------


@dataclass
class Checked:
    """A file read and validated: the result so far and, when it has no errors, what to write."""

    result: LoadResult
    records: list[Record] = field(default_factory=list)
    data: bytes = b""
    suffix: str = ""


def check_file(
    path: str | Path,
    *,
    original_name: str | None = None,
    peildatum: date | None = None,
    sheet: str | None = None,
    allowed_gemeenten: set[str] | None = None,
    progress: Progress | None = None,
    url: str | None = None,
    reference: Reference | None = None,
) -> Checked:
    """Read and validate one file; writes nothing.

    ``original_name`` is the name the user gave the file (its extension decides the type; the
    path may be a temporary upload). ``peildatum`` applies to rows without their own and wins
    over a 'Peildatum' cell in the file. ``allowed_gemeenten``: codes this user may report on;
    a row for any other gemeente refuses the whole file. Raises EtlError only when no file can
    be checked at all (missing file, database not initialised); everything about the file itself
    is in ``result.problems`` and ``result.warnings``.
    """
    path = Path(path)
    given = original_name or path.name
    name = names.clean(given)  # the name is data: stored and shown cleaned, never a path
    if not path.is_file():
        raise EtlError(f"Bestand niet gevonden: {names.printable(path)}")
    ref = reference or load_reference(url)
    cfg = settings()
    sha = _sha256(path)
    result = LoadResult(file_name=name, outcome=GEWEIGERD, sha256=sha, peildatum=peildatum)
    checked = Checked(result, suffix=names.suffix(name))
    validated: Validated | None = None
    try:
        safety.check_size(path, name, cfg)
        checked.data = path.read_bytes()
        if hashlib.sha256(checked.data).hexdigest() != sha:
            raise FileRefused([Problem("het bestand veranderde tijdens het lezen; probeer het opnieuw", file=name)])
        kind = safety.check_content(checked.data, name, cfg)
        sheets = read_tables(checked.data, name, kind, ref.contract, cfg.max_rows, sheet, max_columns=cfg.max_columns)
        validated = validate_sheets(sheets, ref, peildatum=peildatum, allowed_gemeenten=allowed_gemeenten, progress=progress)
    except FileRefused as exc:
        result.problems = exc.problems
        result.error_count = len(exc.problems)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a hostile or broken file must never escape as a crash (a Rust panic in the reader is a BaseException)
        log.exception("Lezen of controleren van %s mislukt", name)
        result.problems = [unreadable(name, exc)]
        result.error_count = 1
        validated = None

    if validated is not None:
        result.problems, result.warnings = validated.problems, validated.warnings
        result.error_count, result.rows_read = validated.error_count, validated.rows_read
        result.peildatum = validated.peildatum
        result.gemeente_codes = sorted(validated.gemeenten)
        if not validated.problems:
            result.records_valid = len(validated.records)
            checked.records = validated.records
    if (name_note := names.note(given)) is not None:
        result.warnings = [name_note, *result.warnings]
    return checked
