"""Spreadsheet bytes → a ``Table``: the header row found, its columns mapped to contract fields,
the file-level peildatum, and an iterator over the data rows with their spreadsheet row numbers.

xlsx and ods are read with calamine (Rust; fast and streaming over rows), csv with the standard
library after detecting the encoding (UTF-8 with or without BOM, UTF-16, else Windows-1252 as
Dutch Excel writes it) and the delimiter (the one that yields a recognisable header).

A workbook gives one ``Table`` per sheet with a recognisable header (hidden sheets too, with a
warning); sheets without one are returned as ``SkippedSheet`` with their first rows, so the
validator can say so when they hold gemeenten. A header may span two rows: group titles
("Woonzorgvisie", merged or only in the group's first cell) above sub-headers ("status",
"vastgesteld op"), read as the combined names.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from typing import Iterator
from xml.etree import ElementTree

import python_calamine as calamine

from etl.cells import ErrorValue, cell_name, clean, clean_text
from etl.contract import Contract, header_key
from etl.errors import ERROR, WARNING, FileRefused, Problem, show

HEADER_SEARCH_ROWS = 20
FOLD_UNKNOWN = 5  # more unknown columns than this are one warning naming the first few
MAX_COLUMNS = 200  # default of ETVI_MAX_COLUMNS: columns read per row (a wider CSV row is refused)
SKIPPED_SAMPLE_ROWS = 200  # rows of a sheet without a header that are looked at for gemeenten
Row = tuple[int, list]  # (row number as the user sees it, cell values)


@dataclass
class Header:
    top: int  # 0-based index of the first header row (the group titles of a two-row header)
    index: int  # 0-based index of the last header row; the data starts below it
    found: dict[str, list[tuple[int, str]]]  # field → [(cell index, header as written)]
    labels: dict[int, str]  # every non-empty header column → its name as written (group + sub)


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
    errors: list[Problem] = field(default_factory=list)  # about the sheet, found while reading (merged cells)
    encoding: str | None = None
    delimiter: str | None = None
    header_rows: list[list] = field(default_factory=list)  # the header row(s) as read, to spot a repeat below
    totals_rows: set[int] = field(default_factory=set)  # totals rows of Excel tables (ListObjects)


@dataclass
class SkippedSheet:
    """A sheet without a recognisable header: not read, kept for a look at whether it holds gemeenten."""

    name: str
    hidden: bool
    rows: list[Row]


@dataclass
class Sheets:
    """What one file holds: a table per sheet with a header, and the sheets that were skipped."""

    tables: list[Table]
    skipped: list[SkippedSheet] = field(default_factory=list)


def _texts(cells: list) -> dict[int, str]:
    """The non-empty text cells of a row, cleaned: the candidates for header names."""
    out = {}
    for col, cell in enumerate(cells):
        if isinstance(cell, str) and cell.strip():
            text = clean(cell).strip()
            if text:
                out[col] = text
    return out


def _valid(found: dict) -> bool:
    return ("gemeente" in found or "gemeentecode" in found) and any(f.startswith("status:") for f in found)


def _width(found: dict) -> int:
    return sum(len(places) for places in found.values())


def _one_row(cells: list, contract: Contract) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for col, text in _texts(cells).items():
        name = contract.field_for(text)
        if name:
            found.setdefault(name, []).append((col, text))
    return found


def _two_rows(group: list, sub: list, contract: Contract) -> tuple[dict[str, list[tuple[int, str]]], dict[int, str], bool]:
    """Group titles above sub-headers. A group title holds for the columns to its right until the
    next one (a merged title has its text only in the first cell, and so has an unmerged one);
    each column is tried as "group sub", then as the sub-header alone; a title without a
    sub-header (merged down over both rows) stands for itself. Returns the fields found, every
    column's name as written, and whether any field needed its group title."""
    groups, subs = _texts(group), _texts(sub)
    found: dict[str, list[tuple[int, str]]] = {}
    labels: dict[int, str] = {}
    combined, carried = False, None
    for col in range(max(len(group), len(sub))):
        carried = groups.get(col, carried)
        below = subs.get(col)
        if below is not None:
            options = ([f"{carried} {below}"] if carried else []) + [below]
        elif col in groups:
            options = [groups[col]]
        else:
            continue
        for text in options:
            name = contract.field_for(text)
            if name:
                found.setdefault(name, []).append((col, text))
                combined = combined or (below is not None and text != below)
                labels[col] = text
                break
        else:
            labels[col] = f"{groups[col]} {below}" if below is not None and col in groups else options[-1]
    return found, labels, combined


def _find_header(rows: list[list], contract: Contract) -> Header | None:
    """The first row with a gemeente column and at least one onderdeel column; or two rows, group
    titles above sub-headers, when read together they name more columns and lose none."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        single = _one_row(cells, contract)
        if index + 1 < len(rows):
            found, labels, combined = _two_rows(cells, rows[index + 1], contract)
            alone = _width(single) if _valid(single) else 0
            if combined and _valid(found) and _width(found) > alone and set(single) <= set(found):
                return Header(index, index + 1, found, labels)
        if _valid(single):
            labels = {col: show(cell) for col, cell in enumerate(cells) if cell not in (None, "") and str(cell).strip()}
            return Header(index, index, single, labels)
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
    header: Header,
    rest: Iterator[list],
    total: int,
    max_rows: int,
) -> Table:
    problems, warnings = [], []
    columns: dict[str, tuple[int, str]] = {}
    header_index = header.index
    for name, places in header.found.items():
        if len(places) > 1:
            shown = " en ".join(f"'{h}'" for _, h in places)
            problems.append(Problem(f"de kolommen {shown} betekenen hetzelfde; laat er één staan", file=file, sheet=sheet, row=header_index + 1))
        columns[name] = places[0]
    known = {col for places in header.found.values() for col, _ in places}
    unknown = [label for col, label in header.labels.items() if col not in known]
    if len(unknown) > FOLD_UNKNOWN:
        shown = ", ".join(f"'{show(c)}'" for c in unknown[:FOLD_UNKNOWN])
        count = f"{len(unknown):,}".replace(",", ".")
        message = f"{count} onbekende kolommen worden genegeerd, waaronder {shown} …"
        warnings.append(Problem(message, file=file, sheet=sheet, row=header_index + 1, severity=WARNING))
    else:
        for label in unknown:
            warnings.append(
                Problem(f"kolom '{show(label)}' is onbekend en wordt genegeerd", file=file, sheet=sheet, row=header_index + 1, severity=WARNING)
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
        peildatum=_peildatum_above(head[: header.top]),
        warnings=warnings,
        header_rows=head[header.top : header_index + 1],
    )


# --- xlsx and ods ---------------------------------------------------------------------------


def read_workbook(data: bytes, file: str, kind: str, contract: Contract, max_rows: int, sheet: str | None = None) -> Sheets:
    """Every sheet with a recognisable header (hidden ones too), or only the one named."""
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # noqa: BLE001 - calamine raises several unrelated types, and panics
        _reraise_unless_reader_failure(exc)
        raise FileRefused([Problem(f"het bestand kan niet worden gelezen ({type(exc).__name__}); sla het opnieuw op in Excel of LibreOffice", file=file)]) from None
    sheets = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    candidates = sheets
    if sheet is not None:
        candidates = [m for m in sheets if m.name.strip().lower() == sheet.strip().lower()]
        if not candidates:
            names = tuple(m.name for m in sheets)
            raise FileRefused([Problem(f"het blad '{sheet}' bestaat niet", file=file, allowed=names)])
    result = Sheets(tables=[])
    for meta in candidates:
        read = _read_sheet(workbook, meta, data, file, kind, contract, max_rows, named=sheet is not None)
        if isinstance(read, Table):
            result.tables.append(read)
        elif read is not None:
            result.skipped.append(read)
    if not result.tables:
        raise FileRefused([_no_header(file, candidates[0].name if sheet is not None else None, contract)])
    rows = sum(t.total_rows for t in result.tables)
    if rows > max_rows:
        raise FileRefused(
            [
                Problem(
                    f"de bladen hebben samen {rows} rijen; het maximum is {max_rows}. Splits het bestand of laat de beheerder ETVI_MAX_ROWS verhogen",
                    file=file,
                )
            ]
        )
    return result


def _read_sheet(
    workbook, meta, data: bytes, file: str, kind: str, contract: Contract, max_rows: int, named: bool = False
) -> Table | SkippedSheet | None:
    """One sheet: a Table when it has a header, a SkippedSheet with its first rows when not,
    None when it is empty. ``named``: the user asked for this sheet (no word about it being hidden)."""
    hidden = meta.visible != calamine.SheetVisibleEnum.Visible
    try:
        data_sheet = workbook.get_sheet_by_name(meta.name)
    except BaseException as exc:  # noqa: BLE001
        _reraise_unless_reader_failure(exc)
        raise FileRefused([Problem("het blad kan niet worden gelezen; sla het bestand opnieuw op", file=file, sheet=meta.name)]) from None
    if data_sheet.end is None:
        return None
    iterator = _guarded(data_sheet.iter_rows(), file, meta.name)
    head = [next(iterator, []) for _ in range(min(HEADER_SEARCH_ROWS + 1, data_sheet.end[0] + 1))]
    header = _find_header(head, contract)
    if header is None:
        sample = head + list(islice(iterator, max(SKIPPED_SAMPLE_ROWS - len(head), 0)))
        return SkippedSheet(meta.name, hidden, [(number, cells) for number, cells in enumerate(sample, start=1)])
    table = _build(file, meta.name, head, header, iterator, data_sheet.end[0] + 1, max_rows)
    if hidden and not named:
        table.warnings.insert(
            0,
            Problem(
                "dit blad is verborgen, maar heeft een herkenbare kopregel en is daarom ook gelezen. Hoort het er niet bij, "
                "verwijder het blad of laad alleen het juiste blad (--sheet)",
                file=file,
                sheet=meta.name,
                severity=WARNING,
            ),
        )
    col_offset = data_sheet.start[1] if data_sheet.start else 0
    if kind == "ods":
        scan, merged = _scan_ods(data, meta.name, file)
    else:
        scan = _scan_xlsx(data, file, meta.name, col_offset, table) if kind == "xlsx" else {}
        merged = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in (data_sheet.merged_cell_ranges or [])]
        if kind == "xlsx":
            table.totals_rows = _xlsx_totals_rows(data, meta.name, file)
    _merged_problems(table, merged, col_offset)
    if scan:
        _patch_rows(table, scan, col_offset)
    return table


def _reraise_unless_reader_failure(exc: BaseException) -> None:
    """calamine reports a Rust panic (a damaged file it did not foresee) as pyo3's PanicException,
    a BaseException: that is a broken file like any other; Ctrl-C and exit are not."""
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


def _guarded(rows: Iterator[list], file: str, sheet: str) -> Iterator[list]:
    """calamine's rows, with a failure while iterating (rows are read lazily, during validation)
    turned into a refusal."""
    try:
        yield from rows
    except BaseException as exc:  # noqa: BLE001
        _reraise_unless_reader_failure(exc)
        raise FileRefused([Problem("het blad kan niet worden gelezen; het bestand is beschadigd. Sla het opnieuw op", file=file, sheet=sheet)]) from None


def _patch_rows(table: Table, errors: dict[int, dict[int, str]], col_offset: int) -> None:
    """Put the error values (#N/A …) back into the cells that read as empty, so validation
    reports them with their row and column. ``errors``: 1-based row → absolute column → value."""
    rows = table.rows

    def patched() -> Iterator[Row]:
        for number, cells in rows:
            found = errors.get(number)
            if found:
                cells = list(cells)
                for col, value in found.items():
                    i = col - col_offset
                    if i >= 0:
                        cells.extend([""] * (i + 1 - len(cells)))
                        cells[i] = ErrorValue(value)
            yield number, cells

    table.rows = patched()


def _merged_problems(table: Table, merged: list, col_offset: int) -> None:
    """A merged range below the header: only its top-left cell has a value, the other rows would
    silently read as empty. An error when it covers a column that is read, else a warning."""
    used = {index + col_offset: header for index, header in table.columns.values()}
    header_row0 = table.header_row - 1
    for (r0, c0), (r1, c1) in merged:
        if r1 <= header_row0 or (r0 == r1 and c0 == c1):
            continue
        columns = [header for c, header in sorted(used.items()) if c0 <= c <= c1]  # not range(): a span can be 16,384 wide
        first, last = cell_name(r0, c0), cell_name(r1, c1)
        message = (
            f"cellen {first}:{last} zijn samengevoegd; alleen {first} heeft een waarde. "
            "Maak het samenvoegen ongedaan en vul elke cel apart in"
        )
        table.errors.append(
            Problem(message, file=table.file, sheet=table.sheet, row=r0 + 1, column=columns[0] if columns else None, severity=ERROR if columns else WARNING)
        )


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _xml(raw: bytes, file: str, part: str):
    """Parse a small XML part; a broken part refuses the file (a DTD never gets this far: see
    ``safety.check_zip``)."""
    try:
        return ElementTree.fromstring(raw)
    except ElementTree.ParseError as exc:
        raise FileRefused([_broken_xml(file, part, exc)]) from None


def _broken_xml(file: str, part: str, exc: Exception) -> Problem:
    detail = str(exc).split(":")[0]
    return Problem(
        f"het bestand is beschadigd: het onderdeel {part} is geen geldige XML ({detail}). Open het in Excel of "
        "LibreOffice en sla het opnieuw op",
        file=file,
    )


def _sheet_xml_path(zf: zipfile.ZipFile, sheet: str, file: str) -> str | None:
    workbook = _xml(zf.read("xl/workbook.xml"), file, "xl/workbook.xml")
    rels = _xml(zf.read("xl/_rels/workbook.xml.rels"), file, "xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in zf.namelist() else []
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for node in workbook.iter(f"{_MAIN}sheet"):
        if node.get("name") == sheet:
            target = targets.get(node.get(_REL_NS), "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _xlsx_totals_rows(data: bytes, sheet: str, file: str) -> set[int]:
    """1-based rows that are the totals row of an Excel table (ListObject) on the sheet, from the
    table parts the sheet links to (``totalsRowCount`` at the end of the table's range)."""
    rows: set[int] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = _sheet_xml_path(zf, sheet, file)
        names = set(zf.namelist())
        if path is None or "/" not in path:
            return rows
        folder, name = path.rsplit("/", 1)
        rels_path = f"{folder}/_rels/{name}.rels"
        if rels_path not in names:
            return rows
        for rel in _xml(zf.read(rels_path), file, rels_path):
            if not rel.get("Type", "").endswith("/table"):
                continue
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
            if part not in names:
                continue
            table = _xml(zf.read(part), file, part)
            count = table.get("totalsRowCount", "0")
            end = _CELL_REF.match((table.get("ref") or "").split(":")[-1])
            if count.isdigit() and int(count) > 0 and end:
                last = int(end[2])
                rows.update(range(last - int(count) + 1, last + 1))
    return rows


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st=[\"']e[\"']")


def _needs_scan(stream) -> bool:
    """Whether the sheet has a formula or an error cell (one byte scan; the common case stops here)."""
    tail = b""
    while chunk := stream.read(1 << 20):
        window = tail + chunk
        if (b"<f" in window or b":f" in window or b"t=" in window) and _FORMULA_TAG.search(window):
            return True
        tail = chunk[-40:]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _scan_xlsx(data: bytes, file: str, sheet: str, col_offset: int, table: Table) -> dict[int, dict[int, str]]:
    """Formula cells without a cached value (refused: they read as empty) and error cells (#N/A …;
    returned as row → column → value for validation to report).

    Excel and LibreOffice store the last computed value next to every formula; files produced by
    scripts often do not. Only when the byte scan finds a formula or an error cell is the sheet
    parsed.
    """
    errors: dict[int, dict[int, str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = _sheet_xml_path(zf, sheet, file)
        if path is None or path not in zf.namelist():
            return errors
        with zf.open(path) as stream:
            if not _needs_scan(stream):
                return errors
        headers = {index: header for index, header in table.columns.values()}
        problems = []
        try:
            with zf.open(path) as stream:
                for _, node in ElementTree.iterparse(stream):
                    if node.tag != f"{_MAIN}c":
                        continue
                    m = _CELL_REF.match(node.get("r", ""))
                    if m is None:
                        node.clear()
                        continue
                    value = node.find(f"{_MAIN}v")
                    if node.get("t") == "e":
                        errors.setdefault(int(m[2]), {})[_column_index(m[1])] = (value.text or "#N/A") if value is not None else "#N/A"
                    formula = node.find(f"{_MAIN}f")
                    if formula is not None:
                        empty = value is None or (not value.text and node.get("t") not in ("str", "inlineStr"))
                        if empty:
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
        except ElementTree.ParseError as exc:
            raise FileRefused([_broken_xml(file, path, exc)]) from None
        if problems:
            raise FileRefused(problems)
    return errors


_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CALCEXT_NS = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_MARKERS = re.compile(rb"value-type=\"error\"|number-rows-spanned=\"(?!1\")|number-columns-spanned=\"(?!1\")")
_T = f"{{{_TABLE_NS}}}"
_MAX_REPEAT = 1_048_576


def _count(node, name: str) -> int:
    """A repeat or span attribute as a count of at least 1 (garbage counts as 1; the real extent
    was checked before reading, see etl.extent)."""
    value = node.get(name, "1") or "1"
    return min(max(int(value), 1), _MAX_REPEAT) if value.isdigit() else 1


def _scan_ods(data: bytes, sheet: str, file: str = "") -> tuple[dict[int, dict[int, str]], list]:
    """Error cells (LibreOffice: ``calcext:value-type="error"``) and merged ranges (``number-rows-
    spanned``/``number-columns-spanned``) of one sheet in content.xml; 0-based absolute positions
    for merged ranges, 1-based rows for errors. Parsed only when a byte scan finds a marker."""
    errors: dict[int, dict[int, str]] = {}
    merged: list = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        with zf.open("content.xml") as stream:
            tail, hit = b"", False
            while chunk := stream.read(1 << 20):
                if _ODS_MARKERS.search(tail + chunk):
                    hit = True
                    break
                tail = chunk[-40:]
        if not hit:
            return errors, merged
        try:
            with zf.open("content.xml") as stream:
                in_sheet, row, col = False, -1, 0
                for event, node in ElementTree.iterparse(stream, events=("start", "end")):
                    tag = node.tag
                    if tag == f"{_T}table":
                        if event == "start":
                            in_sheet = node.get(f"{_T}name") == sheet
                            row = -1
                        elif in_sheet:
                            break
                        continue
                    if not in_sheet:
                        if event == "end" and tag in (f"{_T}table-row", f"{_T}table-cell", f"{_T}covered-table-cell"):
                            node.clear()
                        continue
                    if tag == f"{_T}table-row":
                        if event == "start":
                            row += 1
                            col = 0
                        else:
                            row += _count(node, f"{_T}number-rows-repeated") - 1
                            node.clear()
                    elif tag in (f"{_T}table-cell", f"{_T}covered-table-cell") and event == "end":
                        repeat = _count(node, f"{_T}number-columns-repeated")
                        if tag == f"{_T}table-cell":
                            if node.get(f"{{{_CALCEXT_NS}}}value-type") == "error":
                                text = "".join(node.itertext()).strip() or "#N/A"
                                for c in range(col, col + repeat):
                                    errors.setdefault(row + 1, {})[c] = text
                            rows_spanned = _count(node, f"{_T}number-rows-spanned")
                            cols_spanned = _count(node, f"{_T}number-columns-spanned")
                            if rows_spanned > 1 or cols_spanned > 1:
                                merged.append(((row, col), (row + rows_spanned - 1, col + cols_spanned - 1)))
                        col += repeat
                        node.clear()
        except ElementTree.ParseError as exc:
            raise FileRefused([_broken_xml(file, "content.xml", exc)]) from None
    return errors, merged


# --- csv ------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (met BOM)"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32", errors="replace"), "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


FIELD_LIMIT = csv.field_size_limit()


def _csv_problem(exc: csv.Error, text: str, file: str, row: int, line: int) -> Problem:
    """A csv.Error as a Dutch problem naming the row (as a spreadsheet would number it)."""
    lines = text.split("\n")
    first = lines[line - 1] if 0 < line <= len(lines) else ""
    detail = str(exc)
    if "field larger than field limit" in detail or "unexpected end of data" in detail:
        if '"' in first:
            message = (
                "aanhalingsteken (\") niet afgesloten; alles erna wordt als één cel gelezen. Sluit het "
                "aanhalingsteken af of haal het weg"
            )
        else:
            message = f"een cel is langer dan {FIELD_LIMIT:,} tekens; dat is geen statusbestand".replace(",", ".")
    elif "new-line character seen in unquoted field" in detail:
        message = "de regel eindigt op een ongebruikelijke manier; sla het bestand opnieuw op als CSV"
    elif "NUL" in detail:
        message = "de regel bevat een NUL-teken; dit is geen tekstbestand (CSV)"
    else:
        message = f"de regel kan niet als CSV worden gelezen ({detail}); sla het bestand opnieuw op als CSV"
    return Problem(message, file=file, row=row)


def _too_wide(row: list[str], max_columns: int, file: str, number: int) -> Problem:
    width = max(i for i, c in enumerate(row) if c.strip()) + 1
    return Problem(
        f"de regel heeft {width:,} kolommen; er worden hoogstens {max_columns:,} gelezen. Verwijder de overbodige "
        "kolommen (of laat de beheerder ETVI_MAX_COLUMNS verhogen)".replace(",", "."),
        file=file,
        row=number,
    )


def _csv_rows(text: str, delimiter: str, file: str, limit: int | None = None, max_columns: int = MAX_COLUMNS) -> list[list[str]]:
    """All records (or the first ``limit``), each as its cells. A record that cannot be read,
    a record with a value beyond ``max_columns``, or a quote still open at the end of the file,
    refuses the file naming the row."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    start = last_start = 1
    while limit is None or len(rows) < limit:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileRefused([_csv_problem(exc, text, file, len(rows) + 1, start)]) from None
        if len(row) > max_columns and any(c.strip() for c in row[max_columns:]):
            raise FileRefused([_too_wide(row, max_columns, file, len(rows) + 1)])
        rows.append(row)
        last_start = start
    start = last_start
    if limit is None and rows and reader.line_num > start:
        # the last record spans several lines: a quoted cell with line breaks, or a quote that was
        # never closed and swallowed the rest of the file; a strict reader tells them apart
        tail = "\n".join(text.split("\n")[start - 1 :])
        try:
            for _ in csv.reader(io.StringIO(tail), delimiter=delimiter, strict=True):
                pass
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise FileRefused([_csv_problem(exc, text, file, len(rows), start)]) from None
    return rows


def _nul_warning(text: str, file: str) -> Problem | None:
    """NUL characters in a text file (a stray one, wherever it is: the first line, inside quotes,
    the last byte) are dropped like every other invisible character, with one warning."""
    at = text.find("\x00")
    if at < 0:
        return None
    count = text.count("\x00")
    line = text.count("\n", 0, at) + 1
    return Problem(
        f"het bestand bevat {count} NUL-teken{'s' if count > 1 else ''} (onzichtbaar; het eerste op regel {line}); "
        "die zijn genegeerd",
        file=file,
        severity=WARNING,
    )


def read_csv(data: bytes, file: str, contract: Contract, max_rows: int, max_columns: int = MAX_COLUMNS) -> Table:
    text, encoding = decode(data)
    if "\r" in text:  # Windows CRLF, and old-Mac CR-only line endings, as line feeds
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = _nul_warning(text, file)
    text = clean_text(text)
    best, unreadable = None, []
    for delimiter in (";", ",", "\t"):
        try:
            head = _csv_rows(text, delimiter, file, HEADER_SEARCH_ROWS + 1, max_columns)
        except FileRefused as exc:
            unreadable.append(exc)
            continue
        hit = _find_header(head, contract)
        if hit and (best is None or _width(hit.found) > _width(best[1].found)):
            best = (delimiter, hit)
    if best is None:
        if unreadable:
            raise unreadable[0]
        raise FileRefused([_no_header(file, None, contract)])
    delimiter, header = best
    rows = _csv_rows(text, delimiter, file, max_columns=max_columns)
    table = _build(file, None, rows, header, iter(()), len(rows), max_rows)
    table.encoding, table.delimiter = encoding, delimiter
    if nul:
        table.warnings.append(nul)
    return table


def read_tables(
    data: bytes, file: str, kind: str, contract: Contract, max_rows: int, sheet: str | None = None, max_columns: int = MAX_COLUMNS
) -> Sheets:
    """A csv is one table; a workbook one per sheet with a header (or only ``sheet``).
    ``max_columns`` bounds a CSV row; a workbook's columns are bounded before this (etl.extent)."""
    if kind == "csv":
        return Sheets(tables=[read_csv(data, file, contract, max_rows, max_columns)])
    return read_workbook(data, file, kind, contract, max_rows, sheet)
