"""File-level refusals before parsing: size, macros, content that does not match the extension,
zip bombs (declared and lying sizes), row limits, sheets that reach far beyond what is read (a
stray cell at XFD1048576 made the reader allocate 512 GB and abort). Each is logged and writes no
status record; the same files through the real ``etvi load`` exit 1 with the Dutch message."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
from datetime import date

import pytest

from etl import safety
from etvi.config import settings
from etvi.upload.service import load_file
from tests.support import hostile
from tests.support.cli import run_cli
from tests.support.etl import FX, counts, refused, simple_rows, uploads, write_xlsx

TEMPLATE = FX / "template_ingevuld.xlsx"


def test_xlsm_is_refused_by_extension(ref_db, tmp_path):
    path = tmp_path / "status.xlsm"
    shutil.copy(TEMPLATE, path)
    refused(ref_db, load_file(path), "status.xlsm: bestanden met macro's (.xlsm) worden geweigerd")


def test_macro_inside_a_file_named_xlsx_is_refused(ref_db, tmp_path):
    path = tmp_path / "status.xlsx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    refused(ref_db, load_file(path), "het bestand bevat macro's en wordt geweigerd")


@pytest.mark.parametrize(
    "source, name, message",
    [
        ("windows1252_puntkomma.csv", "status.xlsx", "de inhoud past niet bij de extensie: dit is geen Excel-werkmap"),
        ("template_ingevuld_libreoffice.ods", "status.xlsx", "dit is een OpenDocument-rekenblad; geef het de extensie .ods"),
        ("template_ingevuld.xlsx", "status.ods", "dit is een Excel-werkmap; geef het de extensie .xlsx"),
        ("template_ingevuld.xlsx", "status.csv", "dit is een Excel- of OpenDocument-bestand, geen CSV"),
    ],
)
def test_content_must_match_the_extension(ref_db, tmp_path, source, name, message):
    path = tmp_path / name
    shutil.copy(FX / source, path)
    refused(ref_db, load_file(path), message)


def test_old_xls_named_xlsx_or_password_protected_file(ref_db, tmp_path):
    path = tmp_path / "status.xlsx"
    path.write_bytes(safety.OLE + b"\x00" * 4096)
    refused(ref_db, load_file(path), "status.xlsx: het bestand is met een wachtwoord beveiligd (of beschadigd)")
    shutil.copy(FX / "template_ingevuld_libreoffice.xls", path)
    refused(ref_db, load_file(path), "dit is een oud Excel-bestand (.xls); geef het de extensie .xls")


@pytest.mark.parametrize(
    "content, message",
    [
        (lambda: (FX / "template_ingevuld.xlsx").read_bytes(), "dit is een Excel- of OpenDocument-bestand; geef het de extensie .xlsx of .ods"),
        (lambda: b"<html><body><table><tr><td>gemeentecode</td></tr></table></body></html>", "dit is een webpagina (HTML/XML) met de extensie .xls"),
        (lambda: b"gemeentecode\tverordening\nGM0363\tgeen\n", "dit is geen Excel-bestand (.xls)"),
        (lambda: (FX / "template_ingevuld_libreoffice.xls").read_bytes()[:20_000], "beschadigd"),
        # cut inside its directory sector: calamine panics (pyo3's PanicException, a BaseException)
        (lambda: (FX / "template_ingevuld_libreoffice.xls").read_bytes()[:66_576], "status.xls: het bestand kan niet worden gelezen (PanicException)"),
    ],
)
def test_xls_content_must_be_an_excel_97_workbook(ref_db, tmp_path, content, message):
    path = tmp_path / "status.xls"
    path.write_bytes(content())
    refused(ref_db, load_file(path), message)


def test_xlsb_renamed_to_xlsx_is_called_what_it_is(ref_db, tmp_path):
    """Every .xlsb declares a 'macroEnabled' content type, so it used to be called a macro file."""
    path = tmp_path / "status.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types><Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
        zf.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    texts = refused(ref_db, load_file(path), "status.xlsx: dit is een binair Excel-bestand (.xlsb); sla het op als Excel-werkmap (.xlsx)")
    assert not any("macro" in t for t in texts)


# --- sheets that reach too far ------------------------------------------------------------------

FAR = "ligt buiten het bereik dat wordt gelezen (A1:GR200020: hoogstens 200.020 rijen en 200 kolommen)"
_STATUS = hostile.status_rows()


def _ods_repeat_rows() -> bytes:
    body = hostile.ods_status_rows() + '<table:table-row table:number-rows-repeated="1048000">' + hostile.ods_cell("x") + "</table:table-row>"
    return hostile.ods_bytes(body)


def _ods_empty_then_value() -> bytes:
    empty = '<table:table-row table:number-rows-repeated="999997"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    return hostile.ods_bytes(hostile.ods_status_rows() + empty + "<table:table-row>" + hostile.ods_cell("x") + "</table:table-row>")


FAR_FILES = {
    "xlsx-XFD1048576": ("ver.xlsx", lambda: hostile.xlsx_bytes(_STATUS + '<row r="1048576">' + hostile.text_cell("XFD1048576", "x") + "</row>"), "cel XFD1048576"),
    "xlsx-XFD150000": ("ver.xlsx", lambda: hostile.xlsx_bytes(_STATUS + '<row r="150000">' + hostile.text_cell("XFD150000", "x") + "</row>"), "cel XFD150000"),
    "xlsx-lowercase": ("ver.xlsx", lambda: hostile.xlsx_bytes(_STATUS + '<row r="150000"><c r="xfd150000"><v>1</v></c></row>'), "cel XFD150000"),
    "xlsx-row-limit": ("ver.xlsx", lambda: hostile.xlsx_bytes(_STATUS + '<row r="1000000">' + hostile.text_cell("B1000000", "x") + "</row>"), "cel B1000000"),
    "xlsx-no-references": ("ver.xlsx", lambda: hostile.xlsx_bytes(_STATUS + '<row r="5">' + "<c><v>1</v></c>" * 201 + "</row>"), "cel GS5"),
    "xlsx-prefixed": (
        "ver.xlsx",
        lambda: hostile.xlsx_bytes(_STATUS + '<row r="7"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="XFD7"><x:v>1</x:v></x:c></row>'),
        "cel XFD7",
    ),
    "ods-repeated-columns": (
        "ver.ods",
        lambda: hostile.ods_bytes(hostile.ods_status_rows() + "<table:table-row>" + hostile.ods_cell("x", ' table:number-columns-repeated="16384"') + "</table:table-row>"),
        "cel XFD4",
    ),
    "ods-repeated-rows": ("ver.ods", _ods_repeat_rows, "cel A1048003"),
    "ods-empty-then-value": ("ver.ods", _ods_empty_then_value, "cel A1000001"),
    "xls-far-column": ("ver.xls", lambda: hostile.xls_with(FX / "template_ingevuld_libreoffice.xls", cell=(5, 0xFFFF)), "cel CRXP6"),
    "xls-far-row": ("ver.xls", lambda: hostile.xls_with(FX / "template_ingevuld_libreoffice.xls", cell=(0xFFFF, 201)), "cel GT65536"),
    "xls-lying-dimensions": ("ver.xls", lambda: hostile.xls_with(FX / "template_ingevuld_libreoffice.xls", dimensions=(0xFFFFFFF0, 0xFFF0)), FAR),
}


@pytest.mark.parametrize("case", FAR_FILES)
def test_a_sheet_reaching_beyond_the_limits_is_refused_naming_sheet_and_cell(ref_db, tmp_path, case):
    name, build, cell = FAR_FILES[case]
    path = tmp_path / name
    path.write_bytes(build())
    assert path.stat().st_size < 70_000
    texts = refused(ref_db, load_file(path), cell, FAR)
    assert len(texts) == 1 and texts[0].startswith(f"{name}, blad "), texts


def test_far_cells_through_the_cli_exit_1_not_abort(ref_db, tmp_path):
    """The 1.7 KB file that aborted the process (exit 134) is one refusal in a batch that goes on."""
    folder = tmp_path / "map"
    folder.mkdir()
    for case in ("xlsx-XFD1048576", "ods-repeated-columns", "xls-far-column"):
        name, build, _ = FAR_FILES[case]
        (folder / f"{case}{name[3:]}").write_bytes(build())
    shutil.copy(TEMPLATE, folder / "zz_goed.xlsx")
    proc = run_cli("load", str(folder), url=ref_db, tmp_path=tmp_path)
    text = proc.stdout + proc.stderr
    assert proc.returncode == 1, text
    assert "Traceback" not in text and "3 van 4 bestand(en) geweigerd" in text, text
    assert "xlsx-XFD1048576.xlsx, blad Status: cel XFD1048576 " + FAR in text
    assert "ods-repeated-columns.ods, blad Status: cel XFD4 " + FAR in text
    assert {u.file_name: u.outcome for u in uploads(ref_db)}["zz_goed.xlsx"] == "geladen"


@pytest.mark.parametrize(
    "name, build",
    [
        ("dimensie.xlsx", lambda: hostile.xlsx_bytes(_STATUS, dimension="A1:XFD1048576")),
        ("opmaak.xlsx", lambda: hostile.xlsx_bytes(_STATUS + '<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>')),
        ("leeg.ods", lambda: hostile.ods_bytes(hostile.ods_status_rows() + '<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>')),
    ],
)
def test_claimed_extent_and_empty_formatting_far_away_are_harmless(ref_db, name, build, tmp_path):
    """A <dimension> that lies, a formatted empty cell and LibreOffice's empty repeats are not content."""
    path = tmp_path / name
    path.write_bytes(build())
    result = load_file(path)
    assert result.outcome == "geladen" and result.records_written == 1, [p.render() for p in result.problems]


def test_binary_content_named_csv(ref_db, tmp_path):
    path = tmp_path / "status.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    refused(ref_db, load_file(path), "dit is geen tekstbestand")


def test_unsupported_extension(ref_db, tmp_path):
    path = tmp_path / "status.pdf"
    path.write_bytes(b"%PDF-1.4")
    refused(ref_db, load_file(path), "bestanden met de extensie '.pdf' worden niet gelezen. Toegestaan: .xlsx, .ods, .csv of .xls")


def test_truncated_zip(ref_db, tmp_path):
    path = tmp_path / "status.xlsx"
    path.write_bytes(TEMPLATE.read_bytes()[:3000])
    refused(ref_db, load_file(path), "beschadigd")


def _bomb(members: int, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(members):
            zf.writestr(f"xl/worksheets/sheet{i + 1}.xml", b"\x00" * size)
    return buffer.getvalue()


def test_zip_bomb_refused_from_the_directory_before_expanding(ref_db, tmp_path, monkeypatch):
    monkeypatch.setenv("ETVI_MAX_UNCOMPRESSED_MB", "2")
    path = tmp_path / "bom.xlsx"
    path.write_bytes(_bomb(3, 1024 * 1024))  # 3 MB of zeros in a few kB
    assert path.stat().st_size < 50_000
    inflated = []
    monkeypatch.setattr(safety, "_inflated_size", lambda *a: inflated.append(a) or 0)
    refused(ref_db, load_file(path), "zou uitgepakt 3 MB worden; het maximum is 2 MB")
    assert inflated == []  # refused on the declared sizes alone


def _lie_about_sizes(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size of ``member`` in its local header and the central directory."""
    out = bytearray(data)
    lie = struct.pack("<I", size)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
        offset = zf.start_dir
    out[info.header_offset + 22 : info.header_offset + 26] = lie
    while out[offset : offset + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", out[offset + 28 : offset + 34])
        if out[offset + 46 : offset + 46 + name_len] == member.encode():
            out[offset + 24 : offset + 28] = lie
        offset += 46 + name_len + extra_len + comment_len
    return bytes(out)


def test_zip_bomb_with_lying_sizes_is_caught_while_counting(ref_db, tmp_path, monkeypatch):
    monkeypatch.setenv("ETVI_MAX_UNCOMPRESSED_MB", "2")
    data = _lie_about_sizes(_bomb(1, 5 * 1024 * 1024), "xl/worksheets/sheet1.xml", 1000)
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) < 2000  # the directory looks harmless
    path = tmp_path / "leugen.xlsx"
    path.write_bytes(data)
    refused(ref_db, load_file(path), "beschadigd of gemanipuleerd")


def test_too_big_file_is_refused_before_reading(ref_db, tmp_path, monkeypatch):
    monkeypatch.setenv("ETVI_MAX_FILE_MB", "1")
    path = tmp_path / "groot.csv"
    path.write_bytes(b"gemeentecode;verordening\n" + b"GM0363;geen\n" * 100_000)
    read = []
    original = type(path).read_bytes
    monkeypatch.setattr(type(path), "read_bytes", lambda self: read.append(self) or original(self))
    refused(ref_db, load_file(path, peildatum=date(2024, 3, 1)), "het bestand is 1.1 MB; het maximum is 1 MB")
    assert read == []


def test_too_many_rows(ref_db, tmp_path, monkeypatch):
    monkeypatch.setenv("ETVI_MAX_ROWS", "100")
    refused(ref_db, load_file(TEMPLATE), "blad Gegevens: cel A121 ligt buiten het bereik dat wordt gelezen (A1:GR120", "ETVI_MAX_ROWS verhogen")
    csv_path = tmp_path / "veel.csv"
    csv_path.write_text("gemeentecode;verordening\n" + "GM0363;geen\n" * 101, encoding="utf-8")
    refused(ref_db, load_file(csv_path, peildatum=date(2024, 3, 1)), "het blad heeft 101 rijen; het maximum is 100")


def test_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ETVI_MAX_FILE_MB", "7")
    assert settings().max_file_mb == 7


def test_refused_attempts_keep_sha_and_name(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "fout.xlsx", simple_rows(["GM0363", "", "klaar", None, None, None]))
    result = load_file(path, original_name="Aanlevering maart.xlsx")
    logged = uploads(ref_db)[-1]
    assert (logged.file_name, logged.sha256, logged.stored_path) == ("Aanlevering maart.xlsx", result.sha256, None)
    assert counts(ref_db)["records"] == 0


def test_a_value_repeated_over_a_whole_ods_sheet_is_refused(ref_db, tmp_path):
    """199 columns × 199,000 rows of one repeated value, inside both limits, in a 1 KB file: 40
    million cells (1.3 GB in the reader) are refused by their number."""
    repeated = '<table:table-row table:number-rows-repeated="199000">' + hostile.ods_cell("x", ' table:number-columns-repeated="199"') + "</table:table-row>"
    path = tmp_path / "herhaald.ods"
    path.write_bytes(hostile.ods_bytes(hostile.ods_status_rows() + repeated))
    assert path.stat().st_size < 2_000
    refused(
        ref_db, load_file(path),
        "herhaald.ods, blad Status: het blad loopt tot cel GQ199003: 39.601.597 cellen; er worden hoogstens 10.000.000 cellen per blad gelezen",
    )  # fmt: skip


def test_xls_dimensions_of_formatted_cells_are_allowed_up_to_biff8s_own_maximum(ref_db, tmp_path):
    """Excel counts formatted empty cells in DIMENSIONS (up to column IV); only a range no .xls
    can have, or more cells than are read, is refused."""
    path = tmp_path / "opgemaakt.xls"
    path.write_bytes(hostile.xls_with(FX / "template_ingevuld_libreoffice.xls", dimensions=(400, 256)))
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    path.write_bytes(hostile.xls_with(FX / "template_ingevuld_libreoffice.xls", dimensions=(65_536, 256)))
    second = load_file(path)
    assert second.outcome == "geweigerd" and uploads(ref_db)[-1].outcome == "geweigerd"
    assert "cel IV65536: 16.777.216 cellen; er worden hoogstens 10.000.000 cellen per blad gelezen" in second.problems[0].render()
