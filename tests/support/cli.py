"""The ``etvi`` command through its real entry point (``etvi.cli.main``) in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO


def etvi(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``etvi`` command like a user would; never a traceback on stderr."""
    full_env = {k: v for k, v in os.environ.items()}
    full_env.update(env or {})
    full_env.pop("ETVI_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-c", "from etvi.cli import main; main()", *args],
        capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def run_cli(
    *args: str, url: str, tmp_path: Path, extra_env: dict | None = None, timeout: int = 180, prelude: str = ""
) -> subprocess.CompletedProcess:
    """The real entry point (``etvi.cli.main``) in a fresh interpreter; ``prelude``: Python code
    run first (fault injection)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_")}
    env.update(
        ETVI_DATABASE_URL=url,
        ETVI_DATA_DIR=str(REPO / "data"),
        ETVI_CACHE_DIR=str(tmp_path / "cache"),
        COLUMNS="200",
    )
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-c", prelude + "\nfrom etvi.cli import main; main()", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
