"""Spreadsheets as people really make them (issue 9, items 11-13 and 15): every sheet with a header
is read, headers over two rows, totals and notes below the data, Excel tables with a totals row,
and a status adopted after its peildatum. Through ``load_file``, the CLI and the HTTP API, on both
backends; the files are written by openpyxl and by LibreOffice (``make_fixtures.py``)."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from etl.demo import build_quarters
from etl.lookups import load_reference
from etvi.upload.service import load_file
from models.queries import status_history
from tests.support import fixture_specs as spec
from tests.support.app import create_actors, make_app, multipart
from tests.support.cli import run_cli
from tests.support.etl import FX, counts, refused, simple_rows, uploads, write_csv, write_xlsx

REGIO_FILES = ["per_regio.xlsx", "per_regio_libreoffice.ods", "per_regio_libreoffice.xlsx"]
TWO_ROW_FILES = ["twee_kopregels.xlsx", "twee_kopregels_libreoffice.ods", "twee_kopregels_libreoffice.csv"]
TOTALS_FILES = ["totaalrijen.xlsx", "totaalrijen_libreoffice.ods", "totaalrijen_libreoffice.xlsx"]
TABLE_FILES = ["excel_tabel_totaalrij.xlsx", "excel_tabel_totaalrij_zonder_label.xlsx", "excel_tabel_totaalrij_libreoffice.xlsx"]


def _loaded(url: str) -> dict[str, dict[str, tuple[str, date | None]]]:
    out: dict[str, dict[str, tuple[str, date | None]]] = {}
    for r in status_history(url).itertuples():
        out.setdefault(r.gemeente_code, {})[r.onderdeel] = (r.status, r.adopted_on)
    return out


def _sheets(path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> object:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def _no_traceback(proc) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


# --- item 11: every sheet with a header ------------------------------------------------------


@pytest.mark.parametrize("name", REGIO_FILES)
def test_every_sheet_with_a_header_is_read_as_one_upload(ref_db, name):
    result = load_file(FX / name)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert _loaded(ref_db) == spec.REGIO_EXPECTED
    assert [u.outcome for u in uploads(ref_db)] == ["geladen"] and result.peildatum == spec.REGIO_PEILDATUM
    assert result.records_written == sum(len(v) for v in spec.REGIO_EXPECTED.values())
    by_sheet = {w.sheet: w.render() for w in result.warnings}
    assert set(by_sheet) == {spec.REGIO_HIDDEN, "Notities"}, by_sheet
    assert "dit blad is verborgen, maar heeft een herkenbare kopregel en is daarom ook gelezen" in by_sheet["Oud"]
    assert f"{name}, blad Notities: dit blad is niet gelezen" in by_sheet["Notities"]
    assert "(rij 2: Zwolle en nog 1 andere rij)" in by_sheet["Notities"]


def test_sheet_option_still_restricts_to_one_sheet_cli(ref_db, tmp_path):
    proc = run_cli("load", str(FX / "per_regio_libreoffice.ods"), "--sheet", "zuid", url=ref_db, tmp_path=tmp_path)
    _no_traceback(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(_loaded(ref_db)) == {"GM0935", "GM0855"} and "blad Oud" not in proc.stdout
    proc = run_cli("load", str(FX / "per_regio_libreoffice.ods"), url=ref_db, tmp_path=tmp_path)
    _no_traceback(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _loaded(ref_db) == spec.REGIO_EXPECTED
    assert "blad Oud: dit blad is verborgen" in proc.stdout and "blad Notities: dit blad is niet gelezen" in proc.stdout
    assert [u.records_written for u in uploads(ref_db)] == [2, 6]


def test_multi_sheet_workbook_through_the_api(ref_db):
    app = make_app(ref_db)
    token = create_actors(ref_db)["beheerder"].token
    client = app.server.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    content = (FX / "per_regio.xlsx").read_bytes()
    resp = client.post("/api/v1/uploads", data=multipart(content, "per_regio.xlsx"), headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["records_written"] == 6 and _loaded(ref_db) == spec.REGIO_EXPECTED
    assert {w["sheet"] for w in body["warnings"]} == {"Oud", "Notities"}
    resp = client.post("/api/v1/uploads", data=multipart(content, "per_regio.xlsx"), headers=headers)
    assert resp.status_code == 200 and resp.get_json()["outcome"] == "ongewijzigd"
    resp = client.post("/api/v1/uploads", data=multipart(content, "per_regio.xlsx", sheet="Noord"), headers=headers)
    assert resp.status_code == 201 and resp.get_json()["records_written"] == 2
    resp = client.post("/api/v1/uploads", data=multipart(content, "per_regio.xlsx", sheet="West"), headers=headers)
    assert resp.status_code == 422 and "het blad 'West' bestaat niet" in resp.get_json()["problems"][0]["text"]


def test_conflicting_values_on_two_sheets_name_both_places(ref_db, tmp_path):
    path = _sheets(
        tmp_path / "regios.xlsx",
        {
            "Noord": simple_rows(["GM0363", "", "vastgesteld", None, None, None], ["GM0599", "", "geen", None, None, None]),
            "Zuid": simple_rows(["GM0599", "", "geen", None, None, None], ["GM0363", "", "in concept", None, None, None]),
        },
    )
    texts = refused(
        ref_db, load_file(path),
        "regios.xlsx, blad Zuid, rij 4, kolom 'gemeentecode': Amsterdam (GM0363) heeft voor woonzorgvisie op peildatum "
        "01-03-2024 ook al andere gegevens in blad Noord, rij 3; laat één rij staan",
    )  # fmt: skip
    assert len(texts) == 1  # Rotterdam is the same on both sheets: not an error


def test_same_values_on_two_sheets_are_stored_once_and_an_empty_sheet_is_named(ref_db, tmp_path):
    path = _sheets(
        tmp_path / "regios.xlsx",
        {
            "Noord": simple_rows(["GM0363", "", "vastgesteld", None, None, None]),
            "Zuid": simple_rows(["GM0363", "Amsterdam", "vastgesteld", None, None, None]),
            "Leeg": simple_rows(["GM0014", "", None, None, None, None]),
        },
    )
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert result.records_written == 1
    texts = [w.render() for w in result.warnings]
    assert "regios.xlsx, blad Zuid, rij 3, kolom 'gemeentecode': Amsterdam (GM0363) staat dubbel voor woonzorgvisie (zelfde gegevens als blad Noord, rij 3)." in texts
    assert any(t.startswith("regios.xlsx, blad Leeg: dit blad heeft een herkenbare kopregel, maar er staat geen enkele status in") for t in texts)


def test_problems_name_their_sheet_and_a_sheet_without_peildatum_refuses(ref_db, tmp_path):
    path = _sheets(
        tmp_path / "regios.xlsx",
        {
            "Noord": simple_rows(["GM0363", "", "vastgesteld", None, None, None]),
            "Zuid": simple_rows(["GM0599", "", "klaar", None, None, None], peildatum=None),
        },
    )
    refused(
        ref_db, load_file(path),
        "regios.xlsx, blad Zuid, rij 2, kolom 'woonzorgvisie': 'klaar' is geen geldige status",
        "regios.xlsx, blad Zuid: er is geen peildatum",
    )  # fmt: skip


def test_hidden_sheet_alone_is_read_with_a_warning(ref_db, tmp_path):
    path = _sheets(
        tmp_path / "verborgen.xlsx",
        {"Leeg": [["Niets hier"]], "Gegevens": simple_rows(["GM0363", "", "geen", None, None, None])},
        hidden=("Gegevens",),
    )
    result = load_file(path)
    assert result.outcome == "geladen" and result.records_written == 1
    assert [w.sheet for w in result.warnings] == ["Gegevens"]


def test_a_sheet_that_cannot_be_read_is_named(ref_db, tmp_path):
    """The 'Zuid' sheet points at a shared string that does not exist: the whole file is refused,
    naming that sheet (the other sheets are fine)."""
    path = tmp_path / "kapot_blad.xlsx"
    with zipfile.ZipFile(FX / "per_regio.xlsx") as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet3.xml":
                assert b"Maastricht" in body
                body = body.replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="s"><v>999</v></c></row>', 1)
            zout.writestr(item, body)
    assert refused(ref_db, load_file(path)) == ["kapot_blad.xlsx, blad Zuid: het blad kan niet worden gelezen; sla het bestand opnieuw op."]


# --- item 12: headers over two rows -----------------------------------------------------------


@pytest.mark.parametrize("name", TWO_ROW_FILES)
def test_two_row_header_with_group_titles(ref_db, name):
    result = load_file(FX / name)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert result.warnings == [] and result.rows_read == len(spec.TWO_ROW_DATA)
    assert _loaded(ref_db) == spec.TWO_ROW_EXPECTED
    koploper = status_history(ref_db).query("gemeente_code == 'GM0599' and onderdeel == 'koploper'").iloc[0]
    assert koploper.koploperregio == "Rijnmond" and koploper.peildatum == spec.TWO_ROW_PEILDATUM


def test_two_row_header_cli(ref_db, tmp_path):
    proc = run_cli("load", str(FX / "twee_kopregels_libreoffice.ods"), url=ref_db, tmp_path=tmp_path)
    _no_traceback(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _loaded(ref_db) == spec.TWO_ROW_EXPECTED


@pytest.mark.parametrize("writer", ["xlsx", "csv"])
def test_two_row_header_unmerged_group_over_gemeente_and_an_unknown_sub_column(ref_db, tmp_path, writer):
    rows = [
        ["Peildatum", "31-03-2024"],
        ["Gemeente", "", "Woonzorgvisie", "", "", "Verordening", ""],
        ["code", "naam", "status", "vastgesteld op", "contactpersoon", "status", "datum"],
        ["GM0363", "Amsterdam", "vastgesteld", "1-2-2024", "J. Jansen", "geen", ""],
        ["", "Rotterdam", "", "", "", "vastgesteld", "2-1-2024"],
    ]
    path = write_xlsx(tmp_path / "twee.xlsx", rows) if writer == "xlsx" else write_csv(tmp_path / "twee.csv", rows)
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert _loaded(ref_db) == {
        "GM0363": {"woonzorgvisie": ("vastgesteld", date(2024, 2, 1)), "verordening": ("geen", None)},
        "GM0599": {"verordening": ("vastgesteld", date(2024, 1, 2))},
    }
    assert [w.message for w in result.warnings] == ["kolom 'contactpersoon' is onbekend en wordt genegeerd"]
    assert result.warnings[0].row == 3


def test_two_row_header_grouped_by_kind_instead_of_by_onderdeel(ref_db, tmp_path):
    """'Stand van zaken' over the onderdelen and 'Vastgesteld op' over the same onderdelen: the sub
    row alone would name every onderdeel twice; with the group titles each column is distinct."""
    rows = [
        ["Peildatum", "30-06-2024"],
        [None, None, "Stand van zaken", None, "Vastgesteld op", None],
        ["gemeentecode", "gemeente", "woonzorgvisie", "verordening", "woonzorgvisie", "verordening"],
        ["GM0363", "Amsterdam", "vastgesteld", "in voorbereiding", "15-05-2024", None],
    ]
    result = load_file(write_xlsx(tmp_path / "soort.xlsx", rows))
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert result.warnings == []
    assert _loaded(ref_db) == {"GM0363": {"woonzorgvisie": ("vastgesteld", date(2024, 5, 15)), "verordening": ("in voorbereiding", None)}}


def test_a_data_row_below_a_one_row_header_is_not_taken_for_sub_headers(ref_db, tmp_path):
    """'verordening' above 'vastgesteld' reads as 'verordening vastgesteld' (a date column), but then
    the status column is lost: so it is a data row, refused for its missing gemeente."""
    rows = [["Peildatum", "1-3-2024"], ["gemeente", "woonzorgvisie", "verordening"], ["", "geen", "vastgesteld"], ["Utrecht", "geen", ""]]
    refused(ref_db, load_file(write_xlsx(tmp_path / "een.xlsx", rows)), "een.xlsx, blad Status, rij 3, kolom 'gemeente': gemeentecode en gemeente zijn allebei leeg")


# --- item 13: rows that are not gemeenten ----------------------------------------------------------


@pytest.mark.parametrize("name", TOTALS_FILES)
def test_totals_notes_and_a_repeated_header_are_skipped_with_a_warning(ref_db, name):
    result = load_file(FX / name)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert _loaded(ref_db) == spec.TOTALS_EXPECTED
    got = [(w.row, w.message) for w in result.warnings]
    assert [row for row, _ in got] == [row for row, _ in spec.TOTALS_SKIPPED]
    for (row, message), (_, phrase) in zip(got, spec.TOTALS_SKIPPED):
        assert message.startswith(phrase) and message.endswith("de rij is overgeslagen"), (row, message)


def test_totals_rows_cli(ref_db, tmp_path):
    proc = run_cli("load", str(FX / "totaalrijen_libreoffice.ods"), url=ref_db, tmp_path=tmp_path)
    _no_traceback(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "blad Status, rij 7: 'Totaal' is een totaalrij, geen gemeente; de rij is overgeslagen" in proc.stdout
    assert _loaded(ref_db) == spec.TOTALS_EXPECTED


@pytest.mark.parametrize("name", TABLE_FILES)
def test_excel_table_with_a_totals_row_loads(ref_db, name):
    result = load_file(FX / name)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert _loaded(ref_db) == spec.TABLE_EXPECTED
    skipped = [w for w in result.warnings if "overgeslagen" in w.message]
    assert [(w.row, w.message) for w in skipped] == [(5, "dit is de totaalrij van de Excel-tabel, geen gemeente; de rij is overgeslagen")]


def test_gemeenten_that_look_like_those_words_are_data_and_misspelt_ones_stay_errors(ref_db, tmp_path):
    rows = simple_rows(
        ["", "Someren", "vastgesteld", None, None, None],
        ["", "Bronckhorst", "geen", None, None, None],
        ["", "Opmeer", None, None, "vastgesteld", None],
        ["", "Sommeren", "geen", None, None, None],  # a typo with a status: an error, never skipped
        ["", "Amsterdm", None, None, None, None],  # a typo without a status: skipped with a warning
        ["", "Provincie Utrecht", None, None, None, None],  # texts without statuses: folded into one line
    )
    texts = refused(ref_db, load_file(write_xlsx(tmp_path / "s.xlsx", rows)), "s.xlsx, blad Status, rij 6, kolom 'gemeente': 'Sommeren' is geen bekende gemeente")
    assert len(texts) == 1
    good = write_xlsx(tmp_path / "goed.xlsx", rows[:5] + rows[6:])
    result = load_file(good)
    assert result.outcome == "geladen" and set(_loaded(ref_db)) == {"GM0847", "GM1876", "GM0432"}
    assert [(w.row, w.message) for w in result.warnings] == [
        (6, "'Amsterdm' is geen bekende gemeente en de rij heeft geen statussen; de rij is overgeslagen (en in nog 1 andere rij)")
    ]


@pytest.mark.parametrize("writer", ["xlsx", "csv"])
def test_a_totals_row_showing_spreadsheet_errors_is_skipped_but_a_gemeente_row_with_one_is_refused(ref_db, tmp_path, writer):
    rows = simple_rows(["GM0363", "", "vastgesteld", None, None, None], ["", "Gemiddelde", "#DIV/0!", None, "#N/A", None])
    write = write_xlsx if writer == "xlsx" else write_csv
    result = load_file(write(tmp_path / f"gem.{writer}", rows))
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert [(w.row, w.message) for w in result.warnings] == [(4, "'Gemiddelde' is een totaalrij, geen gemeente; de rij is overgeslagen")]
    rows[-1][1] = "Rotterdam"
    refused = load_file(write(tmp_path / f"fout.{writer}", rows))
    assert refused.outcome == "geweigerd" and counts(ref_db)["records"] == 1
    texts = [p.render() for p in refused.problems]
    assert [t.split(": ", 1)[1] for t in texts] == [
        "de cel bevat een foutwaarde (#DIV/0!); vul een geldige waarde in.", "de cel bevat een foutwaarde (#N/A); vul een geldige waarde in."
    ]
    assert all(", rij 4, kolom '" in t for t in texts)


# --- item 15: adopted after the peildatum -----------------------------------------------------------


def test_adopted_after_the_peildatum_is_refused_cli(ref_db, tmp_path):
    path = write_xlsx(
        tmp_path / "later.xlsx",
        simple_rows(["GM0363", "", "vastgesteld", "01-06-2025", None, None], ["GM0599", "", "vastgesteld", "01-12-2024", None, None], peildatum="01-01-2025"),
    )
    proc = run_cli("load", str(path), url=ref_db, tmp_path=tmp_path)
    _no_traceback(proc)
    assert proc.returncode == 1
    assert (
        "later.xlsx, blad Status, rij 3, kolom 'woonzorgvisie vastgesteld op': de datum vastgesteld op (01-06-2025) ligt na de "
        "peildatum (01-01-2025); op 01-01-2025 was woonzorgvisie nog niet vastgesteld" in proc.stdout
    )
    assert "rij 4" not in proc.stdout
    assert counts(ref_db)["records"] == 0 and [u.outcome for u in uploads(ref_db)] == ["geweigerd"]


def test_adopted_after_a_row_peildatum_is_refused(ref_db, tmp_path):
    rows = [["gemeentecode", "peildatum", "verordening", "verordening vastgesteld op"], ["GM0363", "2024-03-01", "vastgesteld", "2024-03-02"]]
    refused(ref_db, load_file(write_csv(tmp_path / "rij.csv", rows)), "rij 2, kolom 'verordening vastgesteld op': de datum vastgesteld op (02-03-2024) ligt na de peildatum (01-03-2024)")


def test_demo_data_never_adopts_after_its_peildatum(ref_db):
    ref = load_reference(ref_db)
    dated = 0
    for peildatum, values in build_quarters(ref, date(2026, 6, 30)):
        for cells in values.values():
            for column, value in cells.items():
                if column.endswith(" vastgesteld op"):
                    dated += 1
                    assert value <= peildatum, (peildatum, cells)
    assert dated > 100
