"""Dates as people put them in spreadsheets: date cells, Excel serial numbers, ISO and Dutch text.

Day before month, always: 1-3-2024 is 1 March. Two-digit years are read as 20xx.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from etl.contract import strip_accents

EXAMPLES = ("een datumcel", "2024-03-01", "1-3-2024", "01-03-2024", "1 maart 2024")
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
_EXCEL_EPOCH = date(1899, 12, 30)

MONTHS = {
    "januari": 1, "jan": 1,
    "februari": 2, "feb": 2, "febr": 2,
    "maart": 3, "mrt": 3, "mar": 3, "maa": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_TEXT = re.compile(r"^(\d{1,2})[\s-]*([a-z]+)\.?[\s-]*(\d{4}|\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


class DateError(ValueError):
    """Not a date in any accepted form; the message is Dutch."""


def from_serial(number: float) -> date:
    if not 1 <= number < 2958466:
        raise DateError(f"{number:g} is geen datum")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _make(year: int, month: int, day: int, raw: str) -> date:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"'{raw}' is geen bestaande datum") from None


def parse_date(value: object) -> date | None:
    """A date, or None for an empty cell; raises DateError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, bool):
        raise DateError(f"'{value}' is geen datum")
    elif isinstance(value, (int, float)):
        result = from_serial(float(value))
    else:
        raw = str(value).strip()
        text = strip_accents(raw).lower()
        if not text:
            return None
        if m := _ISO.match(text):
            result = _make(int(m[1]), int(m[2]), int(m[3]), raw)
        elif m := _DMY.match(text):
            result = _make(int(m[3]), int(m[2]), int(m[1]), raw)
        elif (m := _TEXT.match(text)) and m[2] in MONTHS:
            result = _make(int(m[3]), MONTHS[m[2]], int(m[1]), raw)
        elif _SERIAL.match(text):
            result = from_serial(float(text))
        else:
            raise DateError(f"'{raw}' is geen datum")
    if not EARLIEST <= result <= LATEST:
        raise DateError(f"{result:%d-%m-%Y} ligt buiten de toegestane periode ({EARLIEST:%Y}–{LATEST:%Y})")
    return result


def format_date(value: date | None) -> str:
    """Dutch notation for messages and the CLI."""
    return value.strftime("%d-%m-%Y") if value else ""
