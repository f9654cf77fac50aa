"""CBS codes of gemeenten (``GM0363``) and provincies (``PV27``): the one rule for reading them.

Spreadsheets, region lists, boundary files, the CLI and the API all hand us codes typed by people or
exported by other tools: ``gm 363``, ``GM-0363``, ``0363``, ``363`` or ``363.0`` (a number column in a
spreadsheet). All of them mean GM0363. Anything that is not code-shaped (``363.5``, ``-363``,
``GM03 63``, 0, more than four digits) is no code at all, so callers can say so in Dutch.
"""

from __future__ import annotations

import re

_GEMEENTE = re.compile(r"^(?:gm[\s.\-_]*)?0*(\d{1,4})(?:\.0+)?$")
_PROVINCIE = re.compile(r"^(?:pv[\s.\-_]*)?0*(\d{1,2})(?:\.0+)?$")


def _digits(value: object, pattern: re.Pattern) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    m = pattern.match(re.sub(r"\s+", " ", str(value)).strip().lower())
    return int(m[1]) if m and int(m[1]) > 0 else None


def gemeente_code(value: object) -> str | None:
    """'GM0363', 'gm 363', 'GM-0363', '0363', 363, 363.0 or '363.0' → 'GM0363'; None when not code-shaped."""
    n = _digits(value, _GEMEENTE)
    return None if n is None else f"GM{n:04d}"


def provincie_code(value: object) -> str | None:
    """'PV27', 'pv 27', '27' or 27.0 → 'PV27'; None when not code-shaped."""
    n = _digits(value, _PROVINCIE)
    return None if n is None else f"PV{n:02d}"

