"""The moment an upload becomes known and the moment K of a publicatie, taken in one order.

A publicatie shows what was known at its moment K: the uploads with ``created_at <= K``
(``models.asof``). That is only stable if no upload stamped at or before K can still commit
after K. Stamping an upload when its row is built does not give that on PostgreSQL: a
publicatie taken while the upload is being written would get a K after the stamp, and the
upload, committed later, would then slip into the publicatie. So both moments are taken in one
serialisation, right where it matters:

- an upload stamps ``Upload.created_at`` as the *last* step before its commit (``stamp_upload``),
  holding a shared lock;
- a publicatie stamps K (``publicatie_moment``) holding the exclusive form of that lock, which
  waits for every upload between its stamp and its commit, and holds later ones back until the
  publicatie commits.

Hence an upload with ``created_at <= K`` has committed before K was stamped, and one that
commits later has ``created_at > K``. Uploads still run side by side (shared locks do not
conflict) and hold the lock only for their commit; a publicatie waits at most for those commits.
On PostgreSQL the lock is a transaction-scoped advisory lock (two-key form, a key space apart
from the one-key locks of ``etl.load``) and the moments come from the database clock
(``clock_timestamp()``), so app servers with clocks apart still agree. SQLite already serialises
writers: an upload holds its write lock from the start (``BEGIN IMMEDIATE``), and a publicatie
takes the write lock before it stamps K.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from models.asof import utc
from models.tables import Upload, utcnow

LOCK = (0x45545649, 13)  # "ETVI", issue 13: the two-key advisory lock the moments are taken under


def _now(s: Session) -> datetime:
    """The current moment: the database clock on PostgreSQL (not the transaction start), else this host's."""
    if s.connection().dialect.name == "postgresql":
        return utc(s.execute(text("SELECT clock_timestamp()")).scalar_one())
    return utcnow()


def stamp_upload(s: Session, upload: Upload) -> None:
    """Stamp ``upload`` as known from now; call it as the last write before ``s`` commits."""
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(:a, :b)"), {"a": LOCK[0], "b": LOCK[1]})
    upload.created_at = _now(s)
    s.add(upload)
    s.flush()


def publicatie_moment(s: Session, kennis: datetime | None = None) -> datetime:
    """K for a publicatie made in ``s``: ``kennis`` (or now), taken once no upload stamped earlier
    can still be in flight. ``s`` keeps the lock until it commits."""
    s.flush()  # pending writes first: on SQLite a write takes the write lock
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": LOCK[0], "b": LOCK[1]})
    elif conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    return utc(kennis) if kennis is not None else _now(s)
