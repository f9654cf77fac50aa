"""Hand-built hostile spreadsheets for the safety and fuzz tests: the XML of one sheet written as
bytes (so cells can sit anywhere, without references, or repeated), an .ods content.xml, and an
.xls with one BIFF record rewritten. Small on disk, enormous to a reader that trusts them."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def status_rows(codes: tuple[str, ...] = ("GM0363",), status: str = "geen", extra: str = "") -> str:
    """A peildatum row, a header (gemeentecode, woonzorgvisie, toelichting) and one row per code."""
    rows = [
        '<row r="1">' + text_cell("A1", "Peildatum") + text_cell("B1", "1-3-2024") + "</row>",
        '<row r="2">' + text_cell("A2", "gemeentecode") + text_cell("B2", "woonzorgvisie") + text_cell("C2", "toelichting") + "</row>",
    ]
    for i, code in enumerate(codes, start=3):
        rows.append(f'<row r="{i}">' + text_cell(f"A{i}", code) + text_cell(f"B{i}", status) + "</row>")
    return "".join(rows) + extra


def xlsx_bytes(sheet_data: str, *, dimension: str | None = None, sheet: str = "Status", shared: list[str] | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    strings = "".join(f"<si><t>{s}</t></si>" for s in shared or [])
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB.format(sheet=sheet))
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", xml)
        zf.writestr("xl/sharedStrings.xml", sst)
    return buffer.getvalue()


def ods_cell(text: str, attrs: str = "") -> str:
    return f'<table:table-cell{attrs} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def ods_status_rows(codes: tuple[str, ...] = ("GM0363",), status: str = "geen") -> str:
    rows = [
        "<table:table-row>" + ods_cell("Peildatum") + ods_cell("1-3-2024") + "</table:table-row>",
        "<table:table-row>" + ods_cell("gemeentecode") + ods_cell("woonzorgvisie") + ods_cell("toelichting") + "</table:table-row>",
    ]
    rows += ["<table:table-row>" + ods_cell(code) + ods_cell(status) + "</table:table-row>" for code in codes]
    return "".join(rows)


def ods_bytes(table_body: str, sheet: str = "Status") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{table_body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def biff_records(data: bytes, record: int) -> list[int]:
    """File offsets of every BIFF record header with id ``record`` whose length matches its kind
    (found by byte search: a fixture saved by LibreOffice keeps its Workbook stream contiguous)."""
    lengths = {0x027E: 10, 0x0200: 14, 0x00FD: 10}
    needle = struct.pack("<HH", record, lengths[record])
    found, at = [], data.find(needle)
    while at != -1:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


def xls_with(source: Path, *, cell: tuple[int, int] | None = None, dimensions: tuple[int, int] | None = None) -> bytes:
    """``source`` (an .xls) with its first RK number cell moved to 0-based ``cell`` and/or the
    first sheet's DIMENSIONS claiming ``dimensions`` (last row + 1, last column + 1)."""
    data = bytearray(source.read_bytes())
    if cell is not None:
        at = biff_records(bytes(data), 0x027E)[0]
        data[at + 4 : at + 8] = struct.pack("<HH", *cell)
    if dimensions is not None:
        at = biff_records(bytes(data), 0x0200)[0]
        data[at + 8 : at + 12] = struct.pack("<I", dimensions[0])
        data[at + 14 : at + 16] = struct.pack("<H", dimensions[1])
    return bytes(data)
