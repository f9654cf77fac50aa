"""The ways the upload store can fail, shared by the CLI, API and page tests: full, read-only, a
plain file. Tests run as root, so permissions stop nothing: a plain file where the store or one
of its folders should be is real; a full disk and a read-only file system are injected at the
OS call (``os.fsync`` anywhere, ``os.open`` inside the store), the way they reach the loader."""

from __future__ import annotations

import errno
import os
from pathlib import Path

# fault -> what the Dutch message must say
FAULTS = {
    "store_is_a_file": "geen map",
    "file_in_store_path": "geen map",
    "disk_full": "de schijf is vol",
    "read_only": "alleen-lezen",
}


def store_path(fault: str, tmp_path: Path) -> Path:
    """The ETVI_STORE_DIR for ``fault`` (created as needed)."""
    if fault == "store_is_a_file":
        path = tmp_path / "opslag-bestand"
        path.write_text("geen map")
        return path
    if fault == "file_in_store_path":
        (tmp_path / "schijf").write_text("geen map")
        return tmp_path / "schijf" / "uploads"
    return tmp_path / "uploads"


def replacements(fault: str, store: Path) -> dict:
    """``{name in os: replacement}`` for the OS-level faults."""
    if fault == "disk_full":

        def fsync(fd):
            raise OSError(errno.ENOSPC, "No space left on device")

        return {"fsync": fsync}
    if fault == "read_only":
        real_open, prefix = os.open, str(store)

        def open_(path, *args, **kwargs):
            if str(path).startswith(prefix):
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real_open(path, *args, **kwargs)

        return {"open": open_}
    return {}


def install(fault: str) -> None:
    """For a CLI subprocess (its prelude): the faults in that interpreter, store from the env."""
    for name, func in replacements(fault, Path(os.environ["ETVI_STORE_DIR"])).items():
        setattr(os, name, func)


def inject(fault: str, store: Path, monkeypatch) -> None:
    """For this process (HTTP and page tests), undone after the test."""
    for name, func in replacements(fault, store).items():
        monkeypatch.setattr(os, name, func)
