"""Spectral and the Logius ADR ruleset, found the way ``.ci/run`` finds the shared folder.

Spectral is pinned in ``.ci/package.json`` (``.ci/setup-system`` installs it into
``.ci/node_modules``). A git worktree has no ``node_modules`` of its own, so the main checkout of
the same repository is asked next. The ruleset is ``../shared/adr/linter.yaml`` relative to the
repository (or to that main checkout)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support.paths import REPO

SPECTRAL = Path(".ci") / "node_modules" / ".bin" / "spectral"
RULESET = Path("shared") / "adr" / "linter.yaml"


def main_checkout() -> Path | None:
    """The main working tree of this repository (for a worktree: where its ``.git`` lives)."""
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=REPO, capture_output=True, text=True, timeout=30
        )
    except OSError:
        return None
    if common.returncode != 0 or not common.stdout.strip():
        return None
    return Path(common.stdout.strip()).parent


def _roots() -> list[Path]:
    roots = [REPO]
    main = main_checkout()
    if main is not None and main != REPO:
        roots.append(main)
    return roots


def spectral() -> Path | None:
    """The Spectral binary, or ``None`` when it is installed nowhere."""
    return next((root / SPECTRAL for root in _roots() if (root / SPECTRAL).is_file()), None)


def ruleset() -> Path | None:
    """``../shared/adr/linter.yaml``, or ``None``."""
    return next((root.parent / RULESET for root in _roots() if (root.parent / RULESET).is_file()), None)


def lint(document: Path) -> list[dict]:
    """The results of ``spectral lint -r <ruleset> <document>`` (``code``, ``message``, ``path``,
    ``severity``: 0 error, 1 warning, 2 info, 3 hint). Fails loudly when Spectral is missing."""
    binary, rules = spectral(), ruleset()
    if binary is None or rules is None:
        raise FileNotFoundError(f"Spectral ({SPECTRAL}) of de ADR-regels ({RULESET}) niet gevonden bij {', '.join(map(str, _roots()))}")
    out = document.with_name(document.stem + ".spectral.json")
    done = subprocess.run(
        [str(binary), "lint", "-r", str(rules), "--format", "json", "--output", str(out), "--fail-severity", "error", str(document)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode not in (0, 1) or not out.exists():
        raise RuntimeError(f"spectral faalde ({done.returncode}): {done.stdout}{done.stderr}")
    return json.loads(out.read_text(encoding="utf-8") or "[]")
