"""File-level checks that run before any parser sees the bytes.

Spreadsheets come from outside (upload form, API, e-mail), so the type is decided by the content,
not trusted from the name; macro-enabled files are refused outright; and xlsx/ods (zip archives)
are measured before they are expanded, so a small file that inflates to gigabytes (a zip bomb)
never reaches the parser. The sizes in the zip directory are summed first; every member is then
inflated in bounded chunks and counted, so a directory that lies about sizes is caught as well.
Last, ``etl.extent`` measures how far each sheet really reaches (a stray cell at XFD1048576 would
make the reader allocate the whole dense range) and how long its texts are.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from etl import extent
from etl.errors import FileRefused, Problem
from etl.read import FIELD_LIMIT, HEADER_SEARCH_ROWS
from etvi.config import Settings

KINDS = {".xlsx": "xlsx", ".ods": "ods", ".csv": "csv", ".txt": "csv", ".xls": "xls"}
REFUSED = {
    ".xlsm": "bestanden met macro's (.xlsm) worden geweigerd; sla het bestand op als Excel-werkmap (.xlsx)",
    ".xltm": "bestanden met macro's (.xltm) worden geweigerd; sla het bestand op als Excel-werkmap (.xlsx)",
    ".xlam": "bestanden met macro's (.xlam) worden geweigerd; sla het bestand op als Excel-werkmap (.xlsx)",
    ".xlsb": "binaire Excel-bestanden (.xlsb) worden niet gelezen; sla het bestand op als Excel-werkmap (.xlsx)",
    ".xlt": "dit is een sjabloon (.xlt); sla het bestand op als .xlsx",
    ".ots": "dit is een sjabloon (.ots); sla het bestand op als .ods",
    ".xltx": "dit is een sjabloon (.xltx); sla het bestand op als .xlsx",
}
SUPPORTED = "Toegestaan: .xlsx, .ods, .csv of .xls"
ZIP = b"PK\x03\x04"
OLE = extent.OLE
XLSB = "dit is een binair Excel-bestand (.xlsb); sla het op als Excel-werkmap (.xlsx)"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_ZIP_ENTRIES = 10_000
# what zipfile raises on a damaged archive (names that are not UTF-8, impossible offsets …)
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, struct.error, UnicodeDecodeError, ValueError, OverflowError, KeyError, NotImplementedError, RuntimeError)
_CHUNK = 1 << 20


def refuse(name: str, message: str) -> FileRefused:
    return FileRefused([Problem(message, file=name)])


def check_size(path: Path, name: str, s: Settings) -> None:
    """Before reading anything into memory."""
    size = path.stat().st_size
    if size == 0:
        raise refuse(name, "het bestand is leeg")
    if size > s.max_file_mb * 1024 * 1024:
        raise refuse(
            name,
            f"het bestand is {size / 1024 / 1024:.1f} MB; het maximum is {s.max_file_mb} MB. "
            "Splits het bestand of laat de beheerder ETVI_MAX_FILE_MB verhogen",
        )


def kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in REFUSED:
        raise refuse(name, REFUSED[suffix])
    if suffix not in KINDS:
        raise refuse(name, f"bestanden met de extensie '{suffix or '(geen)'}' worden niet gelezen. {SUPPORTED}")
    return KINDS[suffix]


class _Doctype(Exception):
    """An XML member declares a DTD or entities (never written by Excel or LibreOffice)."""


_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def _is_xml_member(info: zipfile.ZipInfo) -> bool:
    return info.filename.lower().endswith((".xml", ".rels"))


def _scan_dtd(previous: bytes, chunk: bytes) -> bytes:
    window = previous + chunk
    if b"<!" in window and any(m in window for m in _DTD_MARKERS):
        raise _Doctype
    return window[-16:]


def _inflated_size(data: bytes, info: zipfile.ZipInfo, cap: int) -> int:
    """Bytes a member really inflates to, counting in chunks and stopping just past ``cap``.
    XML members are scanned on the way for a DTD or entity declaration (refused: entity
    expansion and external entities are never needed in a spreadsheet)."""
    scan = _is_xml_member(info)
    tail = b""
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != ZIP:
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_len + extra_len
    body = data[start : start + info.compress_size]
    if len(body) != info.compress_size:
        raise zipfile.BadZipFile("truncated member")
    if info.compress_type == zipfile.ZIP_STORED:
        if scan:
            _scan_dtd(b"", body)
        if zlib.crc32(body) != info.CRC:
            raise zipfile.BadZipFile("bad CRC")
        return len(body)
    inflater = zlib.decompressobj(-15)
    total, pending, crc = 0, body, 0
    while True:
        out = inflater.decompress(pending, _CHUNK)
        if scan:
            tail = _scan_dtd(tail, out)
        total += len(out)
        crc = zlib.crc32(out, crc)
        if total > cap:
            return total
        pending = inflater.unconsumed_tail
        if not pending and not out:
            rest = inflater.flush()
            if zlib.crc32(rest, crc) != info.CRC:  # a damaged member: later readers would fail on it
                raise zipfile.BadZipFile("bad CRC")
            return total + len(rest)


def check_zip(data: bytes, name: str, kind: str, s: Settings) -> None:
    cap = s.max_uncompressed_mb * 1024 * 1024
    expected = "Excel-werkmap (.xlsx)" if kind == "xlsx" else "OpenDocument-rekenblad (.ods)"
    if data[:8] == OLE:
        raise refuse(name, _ole_message(data))
    if data[:4] != ZIP:
        raise refuse(name, f"de inhoud past niet bij de extensie: dit is geen {expected}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise refuse(name, f"het bestand bevat {len(infos)} onderdelen; dat is geen gewoon rekenblad")
            declared = sum(i.file_size for i in infos)
            if declared > cap:
                raise refuse(
                    name,
                    f"het bestand zou uitgepakt {declared / 1024 / 1024:.0f} MB worden; het maximum is "
                    f"{s.max_uncompressed_mb} MB. Het is niet geopend",
                )
            if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
                raise refuse(name, "het bestand gebruikt een compressie die rekenbladen niet gebruiken")
            if any(i.flag_bits & 0x1 for i in infos):
                raise refuse(name, "het bestand is versleuteld; haal de beveiliging eraf en sla het opnieuw op")
            names = {i.filename for i in infos}
            _check_members(zf, names, name, kind, expected)
            total = 0
            for info in infos:
                size = _inflated_size(data, info, cap - total)
                if size > info.file_size:
                    raise refuse(name, "het bestand is beschadigd of gemanipuleerd (de opgegeven grootte klopt niet)")
                total += size
    except _Doctype:
        raise refuse(
            name,
            "het bestand bevat een DTD of entiteitsdefinitie (<!DOCTYPE>/<!ENTITY>); Excel en LibreOffice "
            "schrijven die nooit, dus het bestand wordt niet geopend. Sla het opnieuw op in Excel of LibreOffice",
        ) from None
    except ZIP_ERRORS:
        raise refuse(name, f"het bestand is beschadigd en kan niet worden geopend als {expected}") from None


def _check_members(zf: zipfile.ZipFile, names: set[str], name: str, kind: str, expected: str) -> None:
    is_ods = "mimetype" in names and zf.read("mimetype").strip() == ODS_MIME
    is_xlsx = "xl/workbook.xml" in names or "xl/workbook.bin" in names
    if kind == "xlsx":
        if is_ods:
            raise refuse(name, "de inhoud past niet bij de extensie: dit is een OpenDocument-rekenblad; geef het de extensie .ods")
        if not is_xlsx or "[Content_Types].xml" not in names:
            raise refuse(name, f"de inhoud past niet bij de extensie: dit is geen {expected}")
        if "xl/workbook.bin" in names:  # before the macro check: every xlsb is typed "macroEnabled"
            raise refuse(name, XLSB)
        content_types = zf.read("[Content_Types].xml").lower()
        if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroenabled" in content_types:
            raise refuse(name, "het bestand bevat macro's en wordt geweigerd; sla het op als Excel-werkmap (.xlsx) zonder macro's")
    else:
        if is_xlsx:
            raise refuse(name, "de inhoud past niet bij de extensie: dit is een Excel-werkmap; geef het de extensie .xlsx")
        if not is_ods or "content.xml" not in names:
            raise refuse(name, f"de inhoud past niet bij de extensie: dit is geen {expected}")
        if any(n.startswith(("Basic/", "Scripts/")) for n in names):
            raise refuse(name, "het bestand bevat macro's en wordt geweigerd; sla het op zonder macro's")


def _ole_message(data: bytes) -> str:
    """An OLE2 compound file where a zip was expected: an old .xls, or an encrypted xlsx/ods."""
    try:
        extent.workbook_stream(data)
    except Exception:  # noqa: BLE001 - not a readable .xls: say what it most likely is
        return (
            "het bestand is met een wachtwoord beveiligd (of beschadigd). Haal de beveiliging eraf en sla het "
            "opnieuw op als Excel-werkmap (.xlsx)"
        )
    return "de inhoud past niet bij de extensie: dit is een oud Excel-bestand (.xls); geef het de extensie .xls of sla het op als .xlsx"


def check_ole(data: bytes, name: str) -> None:
    """An .xls must be an OLE2 compound file with a workbook stream, not encrypted."""
    if data[:4] == ZIP:
        raise refuse(name, "de inhoud past niet bij de extensie: dit is een Excel- of OpenDocument-bestand; geef het de extensie .xlsx of .ods")
    if data[:8] != OLE:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
            what = "een webpagina (HTML/XML) met de extensie .xls"
        else:
            what = "geen Excel-bestand (.xls)"
        raise refuse(name, f"de inhoud past niet bij de extensie: dit is {what}. Open het in Excel of LibreOffice en sla het op als Excel-werkmap (.xlsx)")


def check_text(data: bytes, name: str) -> None:
    if data[:4] == ZIP:
        raise refuse(name, "de inhoud past niet bij de extensie: dit is een Excel- of OpenDocument-bestand, geen CSV")
    if data[:8] == OLE:
        raise refuse(name, "de inhoud past niet bij de extensie: dit is een oud Excel-bestand (.xls), geen CSV")
    head = data[:65536]
    # a stray NUL (wherever it is) is dropped while reading, with a warning; many NULs are a
    # binary file or UTF-16 without a byte-order mark
    if head.count(0) > len(head) // 100 + 8 and not head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        pairs = head[: len(head) // 2 * 2]
        if pairs and (pairs[1::2].count(0) > len(pairs) // 4 or pairs[0::2].count(0) > len(pairs) // 4) and b"\x00\x00" not in pairs:
            raise refuse(
                name,
                "het bestand is opgeslagen als UTF-16 zonder byte-order-markering en kan niet betrouwbaar worden "
                "gelezen; sla het op als CSV UTF-8 (in Excel: 'CSV UTF-8 (door komma's gescheiden)')",
            )
        raise refuse(name, "de inhoud past niet bij de extensie: dit is geen tekstbestand (CSV)")


def check_content(data: bytes, name: str, s: Settings) -> str:
    """The file kind ('xlsx', 'ods', 'xls' or 'csv') after every content check; raises FileRefused."""
    kind = kind_of(name)
    if not data.strip():
        raise refuse(name, "het bestand is leeg")
    if kind == "csv":
        check_text(data, name)
        return kind
    if kind == "xls":
        check_ole(data, name)
    else:
        check_zip(data, name, kind, s)
    extent.check(data, name, kind, extent.Limits(rows=s.max_rows + HEADER_SEARCH_ROWS, columns=s.max_columns, cell_chars=FIELD_LIMIT))
    return kind
