"""Immutable, content-addressed copies of loaded files, for audit.

A file is stored once under ``<store_dir>/<sha[:2]>/<sha><ext>``; the Upload row keeps that
relative path, so the store can move with ETVI_STORE_DIR. Writes go to a temporary file in the
same folder and are renamed into place, so a reader never sees half a file. The copy is written
inside the load's transaction, before the commit: if the commit then fails, an unreferenced copy
may remain, which is harmless (same content, same name) and never the other way round.

When the copy cannot be written (disk full, read-only, the store path is a file, no rights) the
load stops with ``StoreError``: a Dutch message that names the store and the reason, so nobody
goes looking at the database.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from etl.errors import EtlError
from etvi.config import settings

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


def reason(exc: OSError) -> str:
    """Why a file could not be written, in Dutch (also for the temporary files of uploads)."""
    return REASONS.get(exc.errno) or (exc.strerror or type(exc).__name__)


class StoreError(EtlError):
    """The original could not be kept in the upload store; nothing was loaded."""

    def __init__(self, root: Path, exc: OSError):
        self.root = root
        self.errno = exc.errno
        super().__init__(
            f"Het origineel kon niet worden bewaard in {root} (ETVI_STORE_DIR): {reason(exc)}. "
            "Er is niets geladen. Meld dit aan de beheerder van de server."
        )
        self.upload_id: int | None = None  # the logged attempt, set by the loader


def relative_path(sha256: str, suffix: str) -> str:
    return f"{sha256[:2]}/{sha256}{suffix.lower()}"


def save(data: bytes, sha256: str, suffix: str, store_dir: Path | None = None) -> str:
    """Store ``data`` (whose hash the caller computed) and return its path relative to the store."""
    root = store_dir or settings().store_dir
    rel = relative_path(sha256, suffix)
    target = root / rel
    try:
        if target.is_file() and target.stat().st_size == len(data):
            return rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
    except OSError as exc:
        raise StoreError(root, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise StoreError(root, exc) from None
        raise
    return rel


def stored_file(rel: str, store_dir: Path | None = None) -> Path:
    """The absolute path of a stored copy; refuses paths that would leave the store."""
    root = (store_dir or settings().store_dir).resolve()
    path = (root / rel).resolve()
    if root not in path.parents:
        raise EtlError(f"Ongeldig pad in de uploadopslag: {rel}")
    return path
