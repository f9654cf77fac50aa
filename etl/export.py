"""The state at a peildatum as one row per gemeente, for Excel users and for checking a load.

Columns: gemeentecode, gemeente, provincie, and per onderdeel its status, the date it was
adopted ('… vastgesteld op') and the peildatum of the record it comes from; koploperregio after
koploper. Empty where nothing is known.

CSV is written the way Dutch Excel opens it with a double click: UTF-8 with a byte-order mark
(else accents break) and ';' as separator (Dutch Excel uses ',' as decimal sign). Dates are ISO
(2024-03-01), which Excel in any language reads as a date. Text that a spreadsheet would run as a
formula (starting with =, +, -, @, tab or carriage return) gets a leading apostrophe in CSV; in
xlsx it is stored as a text cell with Excel's quote-prefix flag (no visible apostrophe).
"""

from __future__ import annotations

import csv
import io
import os
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from etl.contract import KOPLOPER, date_column, has_date
from etl.errors import EtlError
from etl.gemeenten import name_key
from etl.lookups import Reference, load_reference
from models.queries import status_asof

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")


def neutralise(value: object) -> object:
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)": shown as text, never evaluated."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def peildatum_column(onderdeel: str) -> str:
    return f"{onderdeel} peildatum"


def export_columns(ref: Reference) -> list[str]:
    cols = ["gemeentecode", "gemeente", "provincie"]
    for onderdeel in ref.contract.onderdelen:
        cols.append(onderdeel)
        if has_date(onderdeel):
            cols.append(date_column(onderdeel))
        cols.append(peildatum_column(onderdeel))
        if onderdeel == KOPLOPER:
            cols.append("koploperregio")
    return cols


def export_frame(
    peildatum: date | None = None, url: str | None = None, reference: Reference | None = None, kennis: datetime | None = None
) -> pd.DataFrame:
    """One row per current gemeente, sorted by name; dates as ``datetime.date`` or None. With
    ``kennis``: the state as known at that moment (``models.asof``), e.g. a publicatie's."""
    ref = reference or load_reference(url)
    state = status_asof(peildatum or date.today(), url, kennis=kennis)
    codes = sorted(ref.names, key=lambda c: name_key(ref.names[c]))
    rows = {c: {"gemeentecode": c, "gemeente": ref.names[c], "provincie": ref.provincies.get(c, "")} for c in codes}
    for rec in state.itertuples(index=False):
        row = rows.get(rec.gemeente_code)
        if row is None or rec.onderdeel not in ref.contract.levels:
            continue
        row[rec.onderdeel] = rec.status
        if has_date(rec.onderdeel):
            row[date_column(rec.onderdeel)] = rec.adopted_on
        row[peildatum_column(rec.onderdeel)] = rec.peildatum
        if rec.onderdeel == KOPLOPER:
            row["koploperregio"] = rec.koploperregio
    frame = pd.DataFrame(list(rows.values()), columns=export_columns(ref)).astype(object)
    return frame.where(frame.notna(), None)


def _csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else neutralise(v) for v in row])
    return buffer.getvalue()


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The csv file as Dutch Excel opens it: UTF-8 with BOM, ';', ISO dates, formulas neutralised."""
    return _csv_text(frame).encode("utf-8-sig")


def status_table(peildatum: date | None = None, url: str | None = None) -> pd.DataFrame:
    """Alias of ``export_frame`` for the dashboard and the HTTP API."""
    return export_frame(peildatum, url)


def _xlsx(frame: pd.DataFrame, path: Path, peildatum: date) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    for col_idx, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(col_idx)
        ws.column_dimensions[letter].width = max(12, min(len(name) + 2, 40))
        if "vastgesteld op" in name or name.endswith("peildatum"):
            for cell in ws[letter][1:]:
                cell.number_format = "DD-MM-YYYY"
        for cell in ws[letter][1:]:
            if isinstance(cell.value, str):
                # stored as text, never as a formula; a formula-like start gets Excel's own
                # "quote prefix" flag instead of a visible apostrophe in the value
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    info = wb.create_sheet("Info")
    info.append(["Export ETVI-monitor"])
    info.append(["Stand op peildatum", peildatum])
    info["B2"].number_format = "DD-MM-YYYY"
    wb.save(path)


def write_export(
    output: str | Path | None,
    *,
    fmt: str | None = None,
    peildatum: date | None = None,
    url: str | None = None,
    kennis: datetime | None = None,
) -> Path | None:
    """Write to ``output`` ('-' or None: csv on standard output). Format from ``fmt`` or the extension."""
    to_stdout = output in (None, "-")
    suffix = "" if to_stdout else Path(output).suffix.lstrip(".").lower()
    if fmt is not None and fmt.strip().lower() not in FORMATS:
        raise EtlError(f"Onbekend exportformaat '{fmt}'. Toegestaan: {', '.join(FORMATS)}.")
    if fmt is not None and suffix in FORMATS and suffix != fmt.strip().lower():
        raise EtlError(
            f"--format {fmt.strip().lower()} past niet bij de bestandsnaam {Path(output).name}. "
            f"Geef het bestand de extensie .{fmt.strip().lower()} of laat --format weg."
        )
    fmt = (fmt or suffix or "csv").strip().lower()
    if fmt not in FORMATS:
        raise EtlError(f"Onbekend exportformaat '{fmt}'. Toegestaan: {', '.join(FORMATS)}.")
    if to_stdout and fmt == "xlsx":
        raise EtlError("Een xlsx-export moet naar een bestand: geef -o BESTAND.xlsx op.")
    path = None if to_stdout else check_output_path(output)
    when = peildatum or date.today()
    frame = export_frame(when, url, kennis=kennis)
    if path is None:
        sys.stdout.write(_csv_text(frame))
        return None
    try:
        if fmt == "csv":
            path.write_bytes(to_csv_bytes(frame))
        else:
            _xlsx(frame, path, when)
    except OSError as exc:
        raise EtlError(f"Kan {path} niet schrijven: {exc.strerror or exc}.") from None
    return path


def write_csv_bytes(output: str | Path | None, data: bytes) -> Path | None:
    """Write ready csv bytes (``to_csv_bytes``) to ``output``; '-' or None: standard output, as
    ``write_export`` writes it there (text, no byte-order mark)."""
    if output in (None, "-"):
        sys.stdout.write(data.decode("utf-8-sig"))
        return None
    path = check_output_path(output)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise EtlError(f"Kan {path} niet schrijven: {exc.strerror or exc}.") from None
    return path


def check_output_path(output: str | Path) -> Path:
    """A file we can write: not a directory, in an existing, writable folder. Dutch messages."""
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", os.sep)):
        raise EtlError(f"{output} is een map; geef een bestandsnaam, bijvoorbeeld {Path(output) / 'export.csv'}.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise EtlError(f"De map {parent} bestaat niet; maak hem eerst aan of kies een andere plaats.")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise EtlError(f"Geen schrijfrechten voor {path}; kies een andere plaats.")
    return path
