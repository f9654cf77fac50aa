"""Reading regio lists (``regio_*.csv|xlsx``): a file from outside, so it passes the same checks as a
status upload (``etl.safety``) and is decoded like one (``etl.read.decode``: UTF-8 with or without BOM,
UTF-16/32, Windows-1252). What the rows mean is ``geo.membership.parse_membership_rows``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd

from etl import safety
from etl.errors import FileRefused
from etl.read import decode
from etvi.config import settings
from geo.errors import GeoError
from geo.membership import MEMBERSHIP_COLUMNS, parse_membership_rows


def read_membership_list(path: Path, resolver=None) -> pd.DataFrame:
    """Read a regio list (CSV or xlsx) into the membership columns; all problems in one GeoError.

    Rows are numbered as a spreadsheet shows them (the header is row 1). Gemeentecodes may be
    written 363, 0363 or GM0363. ``regionaam`` is optional and defaults to the regiocode. See
    ``read_membership_rows`` for ``resolver``.
    """
    return read_membership_rows(path, resolver)[0][MEMBERSHIP_COLUMNS]


def read_membership_rows(path: Path, resolver=None) -> tuple[pd.DataFrame, list[str]]:
    """A regio list as membership columns plus ``PLACE_COLUMNS``, and warnings for users
    (``geo.membership.parse_membership_rows``, which also says what ``resolver`` does)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise GeoError(f"De regiolijst {path} bestaat niet.")
    if suffix not in (".csv", ".xlsx"):
        raise GeoError(f"{path.name}: een regiolijst moet een .csv- of .xlsx-bestand zijn.")
    max_rows = _check_file_safety(path)
    if suffix == ".csv":
        rows = _csv_rows(path)
    else:
        rows = _xlsx_rows(path, max_rows)
    if sum(1 for _, cells in rows if any(cells)) - 1 > max_rows:
        raise GeoError(
            f"{path.name}: de lijst heeft meer dan {max_rows} rijen; het maximum is {max_rows} "
            "(ETVI_MAX_ROWS). Splits het bestand of laat de beheerder ETVI_MAX_ROWS verhogen."
        )
    return parse_membership_rows(path.name, rows, resolver)


def _check_file_safety(path: Path) -> int:
    """The same checks as ``etvi load`` before a parser sees the bytes (``etl.safety``: size,
    content matching the extension, macros, zip bombs, DTDs); returns the row limit."""
    cfg = settings()
    try:
        safety.check_size(path, path.name, cfg)
        safety.check_content(path.read_bytes(), path.name, cfg)
    except FileRefused as exc:
        raise GeoError("\n".join(p.render() for p in exc.problems)) from None
    return cfg.max_rows


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    text, _ = decode(path.read_bytes())
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Numbered per record, as a spreadsheet shows them, not per text line.
        return [(number, [cell.strip() for cell in row]) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise GeoError(f"{path.name}, regel {reader.line_num}: de CSV-opmaak klopt niet ({exc}).") from None


def _xlsx_rows(path: Path, max_rows: int | None = None) -> list[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        detail = " ".join(str(exc).split())[:200]
        raise GeoError(f"{path.name}: het bestand kan niet worden gelezen als Excel-werkmap ({detail}).") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        filled = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            rows.append((number, cells))
            filled += any(cells)
            if max_rows is not None and filled > max_rows + 1:
                break  # over the limit: stop reading, the caller refuses
        return rows
    except GeoError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken sheet is the user's file, not a crash
        detail = " ".join(str(exc).split())[:200]
        raise GeoError(f"{path.name}: het bestand kan niet worden gelezen als Excel-werkmap ({detail}).") from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
