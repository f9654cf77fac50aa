"""Problems found in a spreadsheet, phrased so a civil servant can find and fix the cell.

A ``Problem`` points at what the user sees: the file name, the sheet, the row number in the
spreadsheet (1-based, as Excel and LibreOffice show it) and the column header as written in the
file. ``EtlError`` is for failures that stop a command as a whole (no database, no such file);
the CLI prints its message without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from etvi.errors import UserError

ERROR = "error"
WARNING = "warning"
MAX_REFUSALS = 1000  # problems kept in one FileRefused; the rest are counted in one line


class EtlError(UserError):
    """A failure with a Dutch, user-facing message."""


class FileRefused(EtlError):
    """The file cannot be read at all (too big, wrong type, no header); carries the problems."""

    def __init__(self, problems: list["Problem"]):
        if len(problems) > MAX_REFUSALS:
            first = problems[0]
            rest = len(problems) - MAX_REFUSALS
            problems = problems[:MAX_REFUSALS] + [Problem(f"… en nog {rest} fouten die niet afzonderlijk worden getoond", first.file, first.sheet)]
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


def show(value: Any) -> str:
    """A cell value as the user typed it, for messages."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    allowed: tuple[str, ...] = field(default_factory=tuple)
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"blad {show(self.sheet)}")
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.column:
            parts.append(f"kolom '{show(self.column)}'")
        return ", ".join(parts)

    def render(self) -> str:
        """One line, e.g. "status.xlsx, blad Status, rij 14, kolom 'Verordening': 'klaar' is geen
        geldige status. Toegestaan: geen, in voorbereiding, vastgesteld."
        """
        text = self.message.rstrip().rstrip(".")
        if self.allowed:
            text += ("" if text.endswith(("?", "!")) else ".") + " Toegestaan: " + ", ".join(self.allowed)
        if not text.endswith(("?", "!")):
            text += "."
        where = self.location()
        return f"{where}: {text}" if where else text

    def to_dict(self) -> dict:
        """JSON-ready, for the upload log and the API; ``text`` is the rendered line."""
        return {
            "message": self.message,
            "file": self.file,
            "sheet": show(self.sheet) if self.sheet else self.sheet,  # sheet and header are user text: bounded
            "row": self.row,
            "column": show(self.column) if self.column else self.column,
            "value": self.value,
            "allowed": list(self.allowed),
            "severity": self.severity,
            "text": self.render(),
        }

    def __str__(self) -> str:
        return self.render()
