"""Cell values as they come out of a spreadsheet, before they are matched.

- Invisible characters (zero-width space and joiners, a byte-order mark inside a cell, NUL and
  other control characters, soft hyphens, direction marks) are removed: they are never meant,
  and they make 'vastgesteld' and 'vast\u200bgesteld' look the same to the user but not to the
  loader. A non-breaking space becomes a normal space.
- Spreadsheet error values (#N/A, #DIV/0! …) are recognised, so a cell that shows an error is
  reported instead of read as empty.
"""

from __future__ import annotations

import re

ERROR_VALUES = frozenset({"#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!", "Err:502", "Err:504", "Err:508", "Err:511", "Err:522", "Err:523"})

_CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"
_INVISIBLE = _CONTROL + "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff"
_TABLE = {ord(c): None for c in _INVISIBLE} | {0xA0: " ", 0x202F: " ", 0x2007: " "}
_HAS_INVISIBLE = re.compile(f"[{re.escape(_INVISIBLE)}\u00a0\u202f\u2007]")


has_invisible = _HAS_INVISIBLE.search


def clean(value: object) -> object:
    """``value`` without invisible characters (strings only; everything else unchanged)."""
    if isinstance(value, str) and _HAS_INVISIBLE.search(value):
        return value.translate(_TABLE)
    return value


def clean_text(text: str) -> str:
    """A whole CSV text: control characters other than tab and line breaks, zero-width characters
    and BOMs removed."""
    return text.translate(_TABLE) if _HAS_INVISIBLE.search(text) else text


class ErrorValue(str):
    """A cell that holds a spreadsheet error (#N/A …) and reads as empty in the file's values."""


def is_error_value(value: object) -> bool:
    return isinstance(value, str) and (type(value) is ErrorValue or value.strip() in ERROR_VALUES)


def error_message(value: object) -> str:
    return f"de cel bevat een foutwaarde ({str(value).strip()}); vul een geldige waarde in"


def column_letters(index: int) -> str:
    """0 → 'A', 27 → 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based row and column → 'D2'."""
    return f"{column_letters(col)}{row + 1}"
