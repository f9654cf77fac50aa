"""How far a sheet really reaches, measured on the raw bytes before any sheet is laid out in memory.

calamine (the Rust reader) turns a sheet into one dense block from its first to its last cell: a
1.7 KB workbook with one stray cell at XFD1048576 asks for 512 GB and aborts the process (no
exception to catch). So the cells that are present are located first, from the sheet XML (xlsx),
content.xml with its repeat attributes (ods) or the BIFF cell records (xls), and a sheet that
reaches beyond the rows and columns that are read is refused, naming the sheet and the far cell.
The claimed extent (``<dimension>``, BIFF DIMENSIONS) is never trusted. The same pass refuses a
text longer than the cell limit, so a 60 KB file cannot carry a 90 MB "toelichting".

xlsx takes a fast path: one regex scan for cell references beyond the limits (none in a normal
file); only unusual sheets (cells without a reference) are walked element by element.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from etl.cells import cell_name, column_letters
from etl.errors import FileRefused, Problem


@dataclass(frozen=True)
class Limits:
    rows: int  # last row that may hold a value (1-based)
    columns: int  # last column that may hold a value (1-based)
    cell_chars: int  # longest text in one cell


def _refuse(file: str, sheet: str | None, message: str) -> FileRefused:
    return FileRefused([Problem(message, file=file, sheet=sheet)])


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _far(file: str, sheet: str | None, row0: int, col0: int, limits: Limits) -> FileRefused:
    """The refusal for a value at 0-based (row0, col0) outside the limits."""
    last = cell_name(limits.rows - 1, limits.columns - 1)
    where = f"cel {cell_name(row0, col0)}"
    if col0 >= limits.columns:
        advice = "Maak die cel leeg (of verwijder de kolom) en sla het bestand opnieuw op"
    else:
        advice = (
            "Staat daar per ongeluk iets, maak de cel dan leeg; heeft het blad echt zoveel rijen, splits het "
            "bestand of laat de beheerder ETVI_MAX_ROWS verhogen"
        )
    return _refuse(
        file, sheet,
        f"{where} ligt buiten het bereik dat wordt gelezen (A1:{last}: hoogstens {_thousands(limits.rows)} rijen "
        f"en {_thousands(limits.columns)} kolommen). {advice}",
    )  # fmt: skip


MAX_CELLS = 10_000_000  # rows × columns of one sheet as laid out in memory (32 bytes a cell in calamine)


def _too_many_cells(file: str, sheet: str | None, rows: int, columns: int) -> FileRefused:
    return _refuse(
        file, sheet,
        f"het blad loopt tot cel {cell_name(rows - 1, columns - 1)}: {_thousands(rows * columns)} cellen; er worden "
        f"hoogstens {_thousands(MAX_CELLS)} cellen per blad gelezen. Verwijder wat er ver weg staat of splits het blad",
    )  # fmt: skip


def _too_long(file: str, sheet: str | None, cell: str | None, limits: Limits) -> FileRefused:
    where = f"cel {cell} bevat" if cell else "een cel bevat"
    return _refuse(file, sheet, f"{where} meer dan {_thousands(limits.cell_chars)} tekens; dat is geen statusbestand. Kort de tekst in")


def check(data: bytes, file: str, kind: str, limits: Limits) -> None:
    """Raise FileRefused when a sheet reaches beyond ``limits`` or holds a too long text."""
    try:
        if kind == "xlsx":
            _check_xlsx(data, file, limits)
        elif kind == "ods":
            _check_ods(data, file, limits)
        elif kind == "xls":
            _check_xls(data, file, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, UnicodeDecodeError, ValueError, KeyError):
        raise _refuse(file, None, "het bestand is beschadigd en kan niet worden gelezen; sla het opnieuw op in Excel of LibreOffice") from None


# --- xlsx -----------------------------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*>")
_ATTR = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REL_TAG = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
_CELL_START = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])")
_TOKEN = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_REF = re.compile(rb"""\br\s*=\s*["']\s*([A-Za-z]*)(\d*)\s*["']""")
_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s>]")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(tag)}


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Zip member → sheet name, from workbook.xml and its relationships (names for messages only:
    every XML member is scanned, named or not)."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets = {}
    for tag in _REL_TAG.findall(zf.read("xl/_rels/workbook.xml.rels")):
        a = _attrs(tag)
        target = (a.get(b"Target") or b"").decode("utf-8", "replace")
        targets[a.get(b"Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    result = {}
    for tag in _SHEET_TAG.findall(zf.read("xl/workbook.xml")):
        a = _attrs(tag)
        rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
        if rid in targets:
            result[targets[rid]] = (a.get(b"name") or b"").decode("utf-8", "replace")
    return result


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _greater(limit: str, alphabet: str) -> str:
    """A regex for strings of ``alphabet`` characters that sort after ``limit`` as numbers
    (digits without leading zeros; column letters A…Z, AA…)."""
    n = len(limit)
    first = "1-9" if alphabet == "digits" else "A-Za-z"
    anyc = r"\d" if alphabet == "digits" else "[A-Za-z]"
    parts = [f"[{first}]{anyc}{{{n},}}"]
    for i, ch in enumerate(limit):
        if alphabet == "digits":
            if ch == "9":
                continue
            higher = f"[{chr(ord(ch) + 1)}-9]"
            prefix = re.escape(limit[:i])
        else:
            if ch == "Z":
                continue
            nxt = chr(ord(ch) + 1)
            higher = f"[{nxt}-Z{nxt.lower()}-z]"
            prefix = "".join(f"[{c}{c.lower()}]" for c in limit[:i])
        parts.append(f"{prefix}{higher}{anyc}{{{n - i - 1}}}")
    return "(?:" + "|".join(parts) + ")"


# A cell tag as Excel, LibreOffice and openpyxl write it: the reference first, then the usual
# attributes once each. Any other cell tag (no reference, a second r, other separators or
# attributes) and any namespace prefix send the sheet to the element-by-element walk.
_ATTRS = rb"""(?: s="\d{1,5}")?(?: t="\w{1,9}")?(?: cm="\d{1,5}")?(?: vm="\d{1,5}")?(?: ph="[01]")?/?>"""
_CANONICAL = re.compile(rb'<c r="[A-Z]{1,3}\d{1,7}"' + _ATTRS)
_PREFIXED = re.compile(rb":c[\s>/]")


def _suspects(limits: Limits) -> re.Pattern[bytes]:
    """Cell tags that are not of the usual form or whose reference lies beyond the limits: one
    scan that starts with a literal (``<c``), so it runs at C speed and finds nothing in a
    normal sheet."""
    col = _greater(column_letters(limits.columns - 1), "letters")
    row = _greater(str(limits.rows), "digits")
    near = rf'(?!{col})[A-Z]{{1,3}}(?!0*{row}")\d{{1,7}}"'.encode()
    return re.compile(rb'<c(?=[\s>/])(?! r="' + near + _ATTRS + rb")")


def _is_value_cell(xml: bytes, start: int) -> bool:
    """Whether the <c> element at ``start`` is not empty (an empty ``<c r=".." s="1"/>`` is
    formatting only; calamine skips it)."""
    end = xml.find(b">", start)
    return end >= 0 and xml[end - 1 : end] != b"/"


def _cell_at(xml: bytes, at: int) -> tuple[int, int] | None:
    """0-based (row, column) of the cell whose reference is at ``at`` (from the r attribute)."""
    m = _REF.search(xml, at)
    if m is None or not m[1] or not m[2]:
        return None
    return int(m[2]) - 1, _column_number(m[1]) - 1


def _walk_cells(xml: bytes, file: str, sheet: str | None, limits: Limits) -> None:
    """Every row and cell in order, references implied by position where missing (as calamine does)."""
    row, col = -1, -1
    for m in _TOKEN.finditer(xml):
        closing, tag, attrs, empty = m[1], m[2], m[3], m[4]
        if closing:
            continue
        refs = _REF.findall(attrs)  # every r attribute: a duplicate must not hide a far one
        if tag == b"row":
            numbers = [int(r[1]) for r in refs if r[1]]
            row = max(numbers) - 1 if numbers else row + 1
            col = -1
            continue
        cells = [(int(r[1]) - 1, _column_number(r[0]) - 1) for r in refs if r[0] and r[1]]
        if cells:
            row, col = max(cells)
            far_col = max(c for _, c in cells)
        else:
            col += 1
            far_col = col
        if not empty and (row >= limits.rows or far_col >= limits.columns):
            raise _far(file, sheet, max(row, 0), max(far_col, 0), limits)


def _long_text(xml: bytes, limits: Limits) -> int | None:
    """Offset of a run of text longer than the cell limit (text between two tags), or None. Any
    such run covers a whole aligned block of half the limit, so only those blocks are probed."""
    block = max(limits.cell_chars // 2, 1)
    for start in range(0, len(xml), block):
        if xml.find(b"<", start, start + block) == -1:
            left = xml.rfind(b"<", 0, start) + 1
            right = xml.find(b"<", start)
            if (len(xml) if right == -1 else right) - left > limits.cell_chars:
                return left
    return None


def _scan_sheet(xml: bytes, file: str, sheet: str | None, limits: Limits, suspects: re.Pattern[bytes]) -> None:
    if _PREFIXED.search(xml):
        _walk_cells(xml, file, sheet, limits)
        return
    pos = 0
    while m := suspects.search(xml, pos):
        if not _CANONICAL.match(xml, m.start()):
            _walk_cells(xml, file, sheet, limits)
            return
        if _is_value_cell(xml, m.start()):
            cell = _cell_at(xml, m.start())
            if cell is not None:
                raise _far(file, sheet, cell[0], cell[1], limits)
        pos = m.end()


def _check_xlsx(data: bytes, file: str, limits: Limits) -> None:
    suspects = _suspects(limits)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = _sheet_names(zf)
        shared = None
        members = [i.filename for i in zf.infolist() if i.filename.lower().endswith(".xml")]
        for member in members:
            xml = zf.read(member)
            if member.lower().endswith("sharedstrings.xml"):
                shared = xml
                continue
            if b"<" not in xml or not _CELL_START.search(xml):
                continue
            sheet = sheets.get(member, None)
            _scan_sheet(xml, file, sheet, limits, suspects)
            at = _long_text(xml, limits)
            if at is not None:
                start = xml.rfind(b"<c", 0, at)
                cell = _cell_at(xml, start) if start >= 0 else None
                raise _too_long(file, sheet, cell_name(*cell) if cell else None, limits)
        if shared is not None and (at := _long_text(shared, limits)) is not None:
            raise _too_long(file, None, _shared_cell(zf, members, sheets, shared, at), limits)


def _shared_cell(zf: zipfile.ZipFile, members: list[str], sheets: dict[str, str], shared: bytes, at: int) -> str | None:
    """'Status!D3': a cell that uses the shared string at offset ``at`` (for the message)."""
    index = len(_SI.findall(shared, 0, at)) - 1
    if index < 0:
        return None
    pattern = re.compile(rb"""<(?:[\w.-]+:)?c\s[^>]*?\br\s*=\s*["']([A-Za-z]+\d+)["'][^>]*?\bt\s*=\s*["']s["'][^>]*>\s*<(?:[\w.-]+:)?v>\s*%d\s*<""" % index)
    for member in members:
        if member in sheets:
            m = pattern.search(zf.read(member))
            if m:
                return f"{m[1].decode().upper()} (blad {sheets[member]})"
    return None


# --- ods ------------------------------------------------------------------------------------

_ODS_TOKEN = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*["']\s*(\d+)""")
_COLS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']\s*(\d+)""")
_SPACES = re.compile(rb"""<text:s\b[^>]*?text:c\s*=\s*["']\s*(\d+)""")  # <text:s text:c="N"/>: N spaces
_TABLE_NAME = re.compile(rb"""table:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _repeat(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    """A repeat count; of duplicated attributes the largest (whichever a reader takes, it is covered)."""
    return max([int(n) for n in pattern.findall(attrs)] or [1]) or 1


def _check_ods(data: bytes, file: str, limits: Limits) -> None:
    """Rows and cells of content.xml in order with their repeats; a cell with a value (a value
    type or content) that lands beyond the limits refuses the file. Empty repeats are free
    (LibreOffice writes the rest of every sheet that way)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("content.xml")
    long_at = _long_text(xml, limits)
    # spaces written as a count (<text:s text:c="2000000000"/>) are expanded by the reader: summed per cell
    spaces = [(m.start(), int(m[1])) for m in _SPACES.finditer(xml)] if b"text:c" in xml else []
    spaced, in_cell = 0, 0
    last_cell = None  # (sheet, row, col) of the latest cell start, to name the cell of a long text
    sheet, row, row_repeat, col, filled = None, 0, 1, 0, False
    deepest = widest = 0  # rows and columns with a value in this sheet (a repeated value counts in full)
    for m in _ODS_TOKEN.finditer(xml):
        closing, tag, attrs, empty = m[1], m[2], m[3], m[4]
        if long_at is not None and m.start() > long_at:
            raise _too_long(file, last_cell[0] if last_cell else None, cell_name(*last_cell[1:]) if last_cell else None, limits)
        while spaced < len(spaces) and spaces[spaced][0] < m.start():
            in_cell += spaces[spaced][1]
            spaced += 1
        if in_cell > limits.cell_chars:
            raise _too_long(file, last_cell[0] if last_cell else sheet, cell_name(*last_cell[1:]) if last_cell else None, limits)
        if tag == b"table":
            if not closing:
                name = _TABLE_NAME.search(attrs)
                sheet = (name[1] if name[1] is not None else name[2]).decode("utf-8", "replace")[:100] if name else None
                row = deepest = widest = 0
            continue
        if tag == b"table-row":
            if not closing:
                row_repeat, col, filled = _repeat(_ROWS_REPEATED, attrs), 0, False
            if closing or empty:
                if filled and row + row_repeat > limits.rows:
                    raise _far(file, sheet, row + row_repeat - 1, 0, limits)
                if filled:
                    deepest = max(deepest, row + row_repeat)
                    if deepest * widest > MAX_CELLS:
                        raise _too_many_cells(file, sheet, deepest, widest)
                row += row_repeat
                row_repeat, col, filled = 1, 0, False
            continue
        if closing:
            continue
        last_cell, in_cell = (sheet, row, col), 0
        repeat = _repeat(_COLS_REPEATED, attrs)
        if not empty or b"value-type" in attrs:
            filled = True
            if col + repeat > limits.columns:
                raise _far(file, sheet, row, col + repeat - 1, limits)
            if row >= limits.rows:
                raise _far(file, sheet, row, col, limits)
            widest = max(widest, col + repeat)
        col += repeat
    if long_at is not None or in_cell + sum(n for _, n in spaces[spaced:]) > limits.cell_chars:
        raise _too_long(file, last_cell[0] if last_cell else None, cell_name(*last_cell[1:]) if last_cell else None, limits)


# --- xls (BIFF8 in an OLE2 compound file) ---------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
# BIFF records that hold one cell with a value, each starting with row (u16) and column (u16)
_CELL_RECORDS = {0x0006, 0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x00D6, 0x0406}
_MULRK, _BOF, _BOUNDSHEET, _DIMENSIONS, _FILEPASS = 0x00BD, 0x0809, 0x0085, 0x0200, 0x002F
BIFF8_ROWS, BIFF8_COLUMNS = 65_536, 256


class _Damaged(Exception):
    """The compound file's structure is broken (a chain out of range or in a loop)."""


def workbook_stream(data: bytes) -> bytes:
    """The 'Workbook' (BIFF8) or 'Book' (BIFF5) stream of an OLE2 compound file."""
    if len(data) < 512 or data[:8] != OLE:
        raise _Damaged
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or not 2 <= mini_shift < shift:
        raise _Damaged
    size = 1 << shift
    n_fat, first_dir, _, cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from("<IIIIIIII", data, 0x2C)
    sectors = (len(data) - 512) // size + 1

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise _Damaged
        return data[(n + 1) * size : (n + 2) * size]

    difat = [n for n in struct.unpack_from("<109I", data, 0x4C) if n not in (_FREE, _END)]
    n, seen = first_difat, 0
    while n not in (_FREE, _END) and seen < sectors:
        block = struct.unpack(f"<{size // 4}I", sector(n).ljust(size, b"\0"))
        difat += [x for x in block[:-1] if x not in (_FREE, _END)]
        n, seen = block[-1], seen + 1
    fat_bytes = b"".join(sector(n) for n in difat[: min(n_fat, sectors)])
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes[: len(fat_bytes) // 4 * 4])

    def chain(start: int, table, read) -> bytes:
        out, n, steps = [], start, 0
        while n not in (_FREE, _END):
            if n >= len(table) or steps > len(table):
                raise _Damaged
            out.append(read(n))
            n, steps = table[n], steps + 1
        return b"".join(out)

    directory = chain(first_dir, fat, sector)
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        name_len = min(struct.unpack_from("<H", directory, offset + 64)[0], 64)
        name = directory[offset : offset + max(name_len - 2, 0)].decode("utf-16-le", "replace")
        kind = directory[offset + 66]
        start, length = struct.unpack_from("<IQ", directory, offset + 116)
        entries.append((name, kind, start, length))
    if not entries:
        raise _Damaged
    root = entries[0]
    for name, kind, start, length in entries:
        if kind == 2 and name.lower() in ("workbook", "book"):
            if length >= cutoff:
                return chain(start, fat, sector)[:length]
            mini_size = 1 << mini_shift
            ministream = chain(root[2], fat, sector)
            minifat_bytes = chain(first_minifat, fat, sector) if n_minifat else b""
            minifat = struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes[: len(minifat_bytes) // 4 * 4])
            return chain(start, minifat, lambda m: ministream[m * mini_size : (m + 1) * mini_size])[:length]
    raise _Damaged


def _check_xls(data: bytes, file: str, limits: Limits) -> None:
    try:
        stream = workbook_stream(data)
    except (_Damaged, struct.error):
        raise _refuse(file, None, "het bestand is beschadigd en kan niet worden geopend als Excel-bestand (.xls)") from None
    names: dict[int, str] = {}
    sheet, pos, end, deepest, widest = None, 0, len(stream), 0, 0
    while pos + 4 <= end:
        rid, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        if rid == _BOUNDSHEET and len(body) >= 8:
            count, flags = body[6], body[7] if len(body) > 7 else 0
            raw = body[8 : 8 + count * (2 if flags & 1 else 1)]
            names[struct.unpack_from("<I", body)[0]] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
        elif rid == _BOF:
            sheet, deepest, widest = names.get(pos), 0, 0
        elif rid == _FILEPASS:
            raise _refuse(file, None, "het bestand is met een wachtwoord beveiligd. Haal de beveiliging eraf en sla het opnieuw op")
        elif rid == _DIMENSIONS and len(body) >= 10:
            # calamine sizes the sheet from this record (a claimed A1:XFD4000000000 aborts it)
            # (formatted empty cells count in it, so up to BIFF8's own 65,536 × 256 is allowed)
            rows, cols = struct.unpack_from("<I2xH", body, 4) if len(body) >= 14 else struct.unpack_from("<xxHxxH", body)
            if rows > max(limits.rows, BIFF8_ROWS) or cols > max(limits.columns, BIFF8_COLUMNS):
                raise _far(file, sheet, max(rows, 1) - 1, max(cols, 1) - 1, limits)
            if rows * cols > MAX_CELLS:
                raise _too_many_cells(file, sheet, rows, cols)
        elif rid in _CELL_RECORDS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            if row >= limits.rows or col >= limits.columns:
                raise _far(file, sheet, row, col, limits)
            deepest, widest = max(deepest, row + 1), max(widest, col + 1)
            if deepest * widest > MAX_CELLS:
                raise _too_many_cells(file, sheet, deepest, widest)
        elif rid == _MULRK and len(body) >= 6:
            row, _ = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            if row >= limits.rows or last >= limits.columns:
                raise _far(file, sheet, row, last, limits)
        pos += 4 + length

