"""Spreadsheet bytes → a ``Table``: the header row found, its columns mapped to contract fields,
the file-level peildatum, and an iterator over the data rows with their spreadsheet row numbers.

xlsx and ods are read with calamine (Rust; fast and streaming over rows), csv with the standard
library after detecting the encoding (UTF-8 with or without BOM, UTF-16, else Windows-1252 as
Dutch Excel writes it) and the delimiter (the one that yields a recognisable header).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterator
from xml.etree import ElementTree

import python_calamine as calamine

from etl.contract import Contract, header_key
from etl.errors import WARNING, FileRefused, Problem, show

HEADER_SEARCH_ROWS = 20
Row = tuple[int, list]  # (row number as the user sees it, cell values)


@dataclass
class Table:
    file: str
    sheet: str | None
    header_row: int
    columns: dict[str, tuple[int, str]]  # field → (cell index, header as written)
    rows: Iterator[Row]
    total_rows: int  # rows below the header, for progress
    peildatum: tuple[object, int, str] | None = None  # (raw value, row number, label) above the header
    warnings: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def _find_header(rows: list[list], contract: Contract) -> tuple[int, dict[str, list[tuple[int, str]]]] | None:
    """Index of the first row with a gemeente column and at least one onderdeel column."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, list[tuple[int, str]]] = {}
        for col, cell in enumerate(cells):
            if isinstance(cell, str) and cell.strip():
                name = contract.field_for(cell)
                if name:
                    found.setdefault(name, []).append((col, cell.strip()))
        if ("gemeente" in found or "gemeentecode" in found) and any(f.startswith("status:") for f in found):
            return index, found
    return None


def _no_header(file: str, sheet: str | None, contract: Contract) -> Problem:
    return Problem(
        "geen kopregel gevonden in de eerste 20 rijen. Verwacht wordt een rij met de kolom 'gemeente' of "
        f"'gemeentecode' en minstens één van: {', '.join(contract.onderdelen)}. Gebruik het sjabloon "
        "(etvi template) als voorbeeld",
        file=file,
        sheet=sheet,
    )


def _peildatum_above(rows: list[list]) -> tuple[object, int, str] | None:
    """A 'Peildatum' label above the header with its value to the right (or after a colon)."""
    for index, cells in enumerate(rows):
        for col, cell in enumerate(cells):
            if not isinstance(cell, str) or not header_key(cell).startswith("peildatum"):
                continue
            label, _, rest = cell.partition(":")
            if rest.strip():
                return rest.strip(), index + 1, label.strip()
            if header_key(cell) != "peildatum":
                continue
            for value in cells[col + 1 :]:
                if value not in (None, ""):
                    return value, index + 1, cell.strip()
            return "", index + 1, cell.strip()
    return None


def _build(
    file: str,
    sheet: str | None,
    head: list[list],
    header_index: int,
    found: dict[str, list[tuple[int, str]]],
    rest: Iterator[list],
    total: int,
    max_rows: int,
) -> Table:
    problems, warnings = [], []
    columns: dict[str, tuple[int, str]] = {}
    for name, places in found.items():
        if len(places) > 1:
            shown = " en ".join(f"'{h}'" for _, h in places)
            problems.append(Problem(f"de kolommen {shown} betekenen hetzelfde; laat er één staan", file=file, sheet=sheet, row=header_index + 1))
        columns[name] = places[0]
    known = {col for places in found.values() for col, _ in places}
    for col, cell in enumerate(head[header_index]):
        if col not in known and cell not in (None, "") and str(cell).strip():
            warnings.append(
                Problem(f"kolom '{show(cell)}' is onbekend en wordt genegeerd", file=file, sheet=sheet, row=header_index + 1, severity=WARNING)
            )
    data_rows = total - header_index - 1
    if data_rows > max_rows:
        problems.append(
            Problem(
                f"het blad heeft {data_rows} rijen; het maximum is {max_rows}. Splits het bestand of laat de beheerder ETVI_MAX_ROWS verhogen",
                file=file,
                sheet=sheet,
            )
        )
    if problems:
        raise FileRefused(problems)

    def rows() -> Iterator[Row]:
        number = header_index + 1
        for cells in head[header_index + 1 :]:
            number += 1
            yield number, cells
        for cells in rest:
            number += 1
            yield number, cells

    return Table(
        file=file,
        sheet=sheet,
        header_row=header_index + 1,
        columns=columns,
        rows=rows(),
        total_rows=max(data_rows, 0),
        peildatum=_peildatum_above(head[:header_index]),
        warnings=warnings,
    )


# --- xlsx and ods ---------------------------------------------------------------------------


def read_workbook(data: bytes, file: str, kind: str, contract: Contract, max_rows: int, sheet: str | None = None) -> Table:
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises several unrelated types
        raise FileRefused([Problem(f"het bestand kan niet worden gelezen ({type(exc).__name__}); sla het opnieuw op in Excel of LibreOffice", file=file)]) from None
    sheets = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    if sheet is not None:
        chosen = [m for m in sheets if m.name.strip().lower() == sheet.strip().lower()]
        if not chosen:
            names = tuple(m.name for m in sheets)
            raise FileRefused([Problem(f"het blad '{sheet}' bestaat niet", file=file, allowed=names)])
        candidates = chosen
    else:
        candidates = [m for m in sheets if m.visible == calamine.SheetVisibleEnum.Visible]
    for meta in candidates:
        try:
            data_sheet = workbook.get_sheet_by_name(meta.name)
        except Exception:  # noqa: BLE001
            raise FileRefused([Problem("het blad kan niet worden gelezen; sla het bestand opnieuw op", file=file, sheet=meta.name)]) from None
        if data_sheet.end is None:
            continue
        iterator = iter(data_sheet.iter_rows())
        head = [next(iterator, []) for _ in range(min(HEADER_SEARCH_ROWS, data_sheet.end[0] + 1))]
        hit = _find_header(head, contract)
        if hit is None:
            continue
        header_index, found = hit
        table = _build(file, meta.name, head, header_index, found, iterator, data_sheet.end[0] + 1, max_rows)
        if kind == "xlsx":
            _check_formulas(data, file, meta.name, data_sheet.start[1] if data_sheet.start else 0, table)
        return table
    shown = candidates[0].name if sheet is not None and candidates else None
    raise FileRefused([_no_header(file, shown, contract)])


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _sheet_xml_path(zf: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for node in workbook.iter(f"{_MAIN}sheet"):
        if node.get("name") == sheet:
            target = targets.get(node.get(_REL_NS), "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formula(stream) -> bool:
    tail = b""
    while chunk := stream.read(1 << 20):
        window = tail + chunk
        if (b"<f" in window or b":f" in window) and _FORMULA_TAG.search(window):
            return True
        tail = chunk[-40:]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _check_formulas(data: bytes, file: str, sheet: str, col_offset: int, table: Table) -> None:
    """A formula cell without a cached value reads as empty; refuse instead of guessing.

    Excel and LibreOffice store the last computed value next to every formula; files produced by
    scripts often do not. Only then is the sheet parsed, so the common case costs one byte scan.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = _sheet_xml_path(zf, sheet)
        if path is None or path not in zf.namelist():
            return
        with zf.open(path) as stream:
            if not _has_formula(stream):
                return
        headers = {index: header for index, header in table.columns.values()}
        problems = []
        with zf.open(path) as stream:
            for _, node in ElementTree.iterparse(stream):
                if node.tag != f"{_MAIN}c":
                    continue
                formula = node.find(f"{_MAIN}f")
                if formula is not None:
                    value = node.find(f"{_MAIN}v")
                    empty = value is None or (not value.text and node.get("t") not in ("str", "inlineStr"))
                    if empty and (m := _CELL_REF.match(node.get("r", ""))):
                        col = _column_index(m[1])
                        problems.append(
                            Problem(
                                f"de cel bevat een formule (={show(formula.text or '')}) zonder berekende waarde. Open het bestand "
                                "in Excel of LibreOffice en sla het opnieuw op, of vervang de formule door de waarde",
                                file=file,
                                sheet=sheet,
                                row=int(m[2]),
                                column=headers.get(col - col_offset, m[1]),
                            )
                        )
                node.clear()
        if problems:
            raise FileRefused(problems)


# --- csv ------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (met BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def read_csv(data: bytes, file: str, contract: Contract, max_rows: int) -> Table:
    text, encoding = decode(data)
    best = None
    for delimiter in (";", ",", "\t"):
        head = [row for _, row in zip(range(HEADER_SEARCH_ROWS), csv.reader(io.StringIO(text), delimiter=delimiter))]
        hit = _find_header(head, contract)
        if hit and (best is None or len(hit[1]) > len(best[2])):
            best = (delimiter, hit[0], hit[1])
    if best is None:
        raise FileRefused([_no_header(file, None, contract)])
    delimiter, header_index, found = best
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    table = _build(file, None, rows, header_index, found, iter(()), len(rows), max_rows)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def read_table(data: bytes, file: str, kind: str, contract: Contract, max_rows: int, sheet: str | None = None) -> Table:
    if kind == "csv":
        return read_csv(data, file, contract, max_rows)
    return read_workbook(data, file, kind, contract, max_rows, sheet)
