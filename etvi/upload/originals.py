"""Immutable, content-addressed copies of loaded files, for audit: in the database.

Every app server that shares the database can hand out every original, so nothing depends on
one server's disk. A file is kept once per SHA-256 in ``storedfile``; the Upload row keeps
``stored_path`` (``<sha[:2]>/<sha><ext>``, the name it had in the former file store) as the mark
that it has an original. The copy is written in the load's own transaction with
insert-if-absent, so it exists exactly when the upload that refers to it was committed, and
several loads of the same bytes at once leave one copy.
"""

from __future__ import annotations

import errno

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from models.tables import StoredFile, utcnow

REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "het schijfquotum is op",
    errno.EROFS: "de opslag is alleen-lezen",
    errno.EACCES: "geen schrijfrechten",
    errno.EPERM: "geen schrijfrechten",
    errno.ENOTDIR: "een deel van het pad is een bestand, geen map",
    errno.EEXIST: "het pad is een bestand, geen map",
    errno.ENOENT: "de map bestaat niet",
    errno.ENAMETOOLONG: "het pad is te lang",
    errno.EIO: "een schijffout (I/O)",
}
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def reason(exc: OSError) -> str:
    """Why a file could not be written, in Dutch (for the temporary files of uploads)."""
    return REASONS.get(exc.errno) or (exc.strerror or type(exc).__name__)


def relative_path(sha256: str, suffix: str) -> str:
    return f"{sha256[:2]}/{sha256}{suffix.lower()}"


def save(s: Session, data: bytes, sha256: str, suffix: str) -> str:
    """Keep ``data`` (whose hash the caller computed) in the caller's transaction, unless the
    same content is already there; returns the ``stored_path`` mark for the Upload row."""
    insert = INSERTS[s.get_bind().dialect.name]
    s.execute(
        insert(StoredFile.__table__)
        .values(sha256=sha256, size=len(data), content=data, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return relative_path(sha256, suffix)


def read(s: Session, sha256: str) -> bytes | None:
    """The kept original with this hash, or None."""
    return s.exec(select(StoredFile.content).where(StoredFile.sha256 == sha256)).first()
