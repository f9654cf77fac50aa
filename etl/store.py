"""Immutable, content-addressed copies of loaded files, for audit.

A file is stored once under ``<store_dir>/<sha[:2]>/<sha><ext>``; the Upload row keeps that
relative path, so the store can move with ETVI_STORE_DIR. Writes go to a temporary file in the
same folder and are renamed into place, so a reader never sees half a file. The copy is written
inside the load's transaction, before the commit: if the commit then fails, an unreferenced copy
may remain, which is harmless (same content, same name) and never the other way round.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from etl.errors import EtlError
from etvi.config import settings


def relative_path(sha256: str, suffix: str) -> str:
    return f"{sha256[:2]}/{sha256}{suffix.lower()}"


def save(data: bytes, sha256: str, suffix: str, store_dir: Path | None = None) -> str:
    """Store ``data`` (whose hash the caller computed) and return its path relative to the store."""
    root = store_dir or settings().store_dir
    rel = relative_path(sha256, suffix)
    target = root / rel
    if target.exists() and target.stat().st_size == len(data):
        return rel
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rel


def stored_file(rel: str, store_dir: Path | None = None) -> Path:
    """The absolute path of a stored copy; refuses paths that would leave the store."""
    root = (store_dir or settings().store_dir).resolve()
    path = (root / rel).resolve()
    if root not in path.parents:
        raise EtlError(f"Ongeldig pad in de uploadopslag: {rel}")
    return path
