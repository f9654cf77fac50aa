"""File-level refusals before parsing: size, macros, content that does not match the extension,
zip bombs (declared and lying sizes), row limits. Each is logged and writes no status record."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
from datetime import date

import pytest

from etl import safety
from etl.load import load_file
from etvi.config import settings
from tests.etl.conftest import FX, counts, simple_rows, uploads, write_xlsx
from tests.etl.test_refusals import refused

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


def test_old_xls_or_password_protected_file(ref_db, tmp_path):
    path = tmp_path / "status.xlsx"
    path.write_bytes(safety.OLE + b"\x00" * 4096)
    refused(ref_db, load_file(path), "oud Excel-bestand (.xls) of een met een wachtwoord beveiligd bestand")


def test_binary_content_named_csv(ref_db, tmp_path):
    path = tmp_path / "status.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    refused(ref_db, load_file(path), "dit is geen tekstbestand")


def test_unsupported_extension(ref_db, tmp_path):
    path = tmp_path / "status.pdf"
    path.write_bytes(b"%PDF-1.4")
    refused(ref_db, load_file(path), "bestanden met de extensie '.pdf' worden niet gelezen. Toegestaan: .xlsx, .ods of .csv")


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
    refused(ref_db, load_file(TEMPLATE), "blad Gegevens: het blad heeft 342 rijen; het maximum is 100")
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
