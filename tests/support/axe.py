"""axe-core for the browser tests.

The npm package ``axe-core`` (major version 4) is installed on first use into
``tests/support/.cache/axe`` (git-ignored) with ``npm install``; later runs reuse it. Set
``ETVI_AXE_JS`` to an ``axe.min.js`` to use a copy from elsewhere (e.g. a CI cache). Without
npm or network and without a cached copy, the accessibility checks are skipped with a reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parent / ".cache" / "axe"
AXE_JS = CACHE / "node_modules" / "axe-core" / "axe.min.js"
PACKAGE = "axe-core@4"
IMPACTS = ("serious", "critical")
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")  # best-practice rules are mostly "moderate"


def axe_script() -> str:
    configured = os.environ.get("ETVI_AXE_JS")
    if configured:
        return Path(configured).read_text(encoding="utf-8")
    if not AXE_JS.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm ontbreekt en axe-core staat niet in de cache; zet ETVI_AXE_JS of installeer npm")
        CACHE.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [npm, "install", "--prefix", str(CACHE), "--no-save", "--no-package-lock", "--no-audit", "--no-fund", PACKAGE],
            capture_output=True,
            text=True,
            timeout=180,
        )
        if proc.returncode != 0 or not AXE_JS.is_file():
            pytest.fail(f"axe-core kon niet worden geïnstalleerd met npm: {proc.stderr.strip()[-500:]}")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, impacts: tuple[str, ...] = IMPACTS, disabled: dict[str, str] | None = None) -> list[dict]:
    """The violations of ``impacts`` (default serious and critical) on the current page, by the
    WCAG 2.0/2.1 A and AA rules and axe's best-practice rules. ``disabled``: rule id -> the
    written reason it cannot apply (a known upstream Dash/Plotly issue); those rules do not run."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol: an inline <script> would be refused by the
        # page's Content-Security-Policy (dashboard/csp.py), which is under test as well
        page.evaluate(axe_script())
    rules = {rule: {"enabled": False} for rule in (disabled or {})}
    result = page.evaluate(
        """async (rules) => {
            const r = await axe.run(document, {rules, runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 200))}));
        }""",
        rules,
    )
    return [v for v in result if v["impact"] in impacts]
