"""The export: one row per gemeente, csv the way Dutch Excel opens it, xlsx with real dates, and no
cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from etl.export import export_columns, neutralise, write_export
from etl.lookups import load_reference
from etvi.upload.service import load_file
from tests.support import fixture_specs as spec
from tests.support.etl import FX, write_xlsx

NASTY = ["=HYPERLINK(\"http://evil\",\"klik\")", "+31 20 1234567", "-1+1", "@SUM(A1)", "\t=1"]


@pytest.mark.parametrize("value", NASTY)
def test_formula_like_text_is_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Metropoolregio Amsterdam") == "Metropoolregio Amsterdam"
    assert neutralise(date(2024, 1, 1)) == date(2024, 1, 1) and neutralise(None) is None


def _load_nasty(url, tmp_path):
    header = ["gemeentecode", "koploper", "koploperregio"]
    codes = ["GM0363", "GM0599", "GM0344", "GM0518", "GM0014"]
    rows = [["Peildatum", date(2024, 3, 1)], header] + [[c, "ja", v] for c, v in zip(codes, NASTY)]
    path = write_xlsx(tmp_path / "k.xlsx", rows)
    wb = load_workbook(path)
    for row in wb.active.iter_rows(min_row=3):
        row[2].data_type = "s"  # the user typed text, not a formula
    wb.save(path)
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    return {code: value.strip() for code, value in zip(codes, NASTY)}  # cells are read without surrounding spaces


def test_csv_for_dutch_excel(ref_db, tmp_path):
    load_file(FX / "template_ingevuld.xlsx")
    nasty = _load_nasty(ref_db, tmp_path)
    path = write_export(tmp_path / "export.csv", peildatum=date(2024, 6, 1), url=ref_db)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    ref = load_reference(ref_db)
    assert rows[0] == export_columns(ref) and len(rows) == 343
    by_code = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    amsterdam = by_code["GM0363"]
    assert amsterdam["gemeente"] == "Amsterdam" and amsterdam["provincie"] == "Noord-Holland"
    assert amsterdam["woonzorgvisie"] == "vastgesteld" and amsterdam["woonzorgvisie vastgesteld op"] == "2023-06-15"
    assert amsterdam["woonzorgvisie peildatum"] == spec.TEMPLATE_PEILDATUM.isoformat()
    assert by_code["GM0080"]["woonzorgvisie"] == "" and by_code["GM0080"]["woonzorgvisie peildatum"] == ""
    for code, value in nasty.items():
        assert by_code[code]["koploperregio"] == "'" + value
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for r in rows for cell in r)


def test_xlsx_has_real_dates_and_no_formulas(ref_db, tmp_path):
    load_file(FX / "template_ingevuld.xlsx")
    nasty = _load_nasty(ref_db, tmp_path)
    path = write_export(tmp_path / "export.xlsx", peildatum=date(2024, 6, 1), url=ref_db)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    ws = load_workbook(path)["Export"]
    header = [c.value for c in ws[1]]
    rows = {r[0].value: {h: c for h, c in zip(header, r)} for r in ws.iter_rows(min_row=2)}
    adopted = rows["GM0363"]["woonzorgvisie vastgesteld op"]
    assert adopted.value.date() == date(2023, 6, 15) and adopted.number_format == "DD-MM-YYYY"
    for code, value in nasty.items():
        cell = rows[code]["koploperregio"]
        assert cell.value == value and cell.data_type == "s" and cell.quotePrefix  # text, shown as typed
    assert ws.freeze_panes == "C2"


def test_export_at_an_earlier_peildatum(ref_db, tmp_path):
    load_file(FX / "windows1252_puntkomma.csv")
    early = write_export(tmp_path / "a.csv", peildatum=date(2023, 12, 31), url=ref_db)
    late = write_export(tmp_path / "b.csv", peildatum=date(2024, 12, 31), url=ref_db)
    read = lambda p: {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig")), delimiter=";")}  # noqa: E731
    assert read(early)["GM1900"]["woonzorgvisie"] == "in voorbereiding" and read(early)["GM0153"]["woonzorgvisie"] == ""
    assert read(late)["GM1900"]["woonzorgvisie"] == "vastgesteld" and read(late)["GM1900"]["woonzorgvisie vastgesteld op"] == "2024-05-15"


def test_export_round_trip_through_csv_matches_the_file(ref_db, tmp_path):
    load_file(FX / "rommelig.xlsx")
    path = write_export(tmp_path / "export.csv", peildatum=spec.MESSY_PEILDATUM, url=ref_db)
    rows = {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";")}
    shown = {}
    for code, row in rows.items():
        for onderdeel in ("woonzorgvisie", "verordening", "verdeling opgave", "koploper"):
            if row[onderdeel]:
                adopted = row.get(f"{onderdeel} vastgesteld op") or None
                shown.setdefault(code, {})[onderdeel] = (row[onderdeel], date.fromisoformat(adopted) if adopted else None)
                assert row[f"{onderdeel} peildatum"] == spec.MESSY_PEILDATUM.isoformat()
    assert shown == spec.MESSY_EXPECTED
    assert rows["GM0518"]["koploperregio"] == "Haaglanden"


def test_unknown_format_is_a_dutch_error(ref_db, tmp_path):
    from etl.errors import EtlError

    with pytest.raises(EtlError, match="Onbekend exportformaat 'pdf'"):
        write_export(tmp_path / "a.pdf", url=ref_db)
