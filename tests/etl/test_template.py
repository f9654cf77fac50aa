"""The template: its sheets, dropdowns and validation follow the status table, and a filled-in
template loads without edits."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from sqlmodel import Session

from etl.lookups import load_reference
from etl.template import DATA_SHEET, HEADER_ROW, INSTRUCTION_SHEET, LISTS_SHEET, PEILDATUM_CELL, write_template
from etvi.upload.service import load_file
from models.db import engine
from models.queries import status_history
from models.tables import StatusLevel


def test_template_structure(ref_db, tmp_path):
    ref = load_reference(ref_db)
    path = write_template(tmp_path / "sjabloon.xlsx", peildatum=date(2024, 3, 1), url=ref_db)
    wb = load_workbook(path)
    assert wb.sheetnames == [INSTRUCTION_SHEET, DATA_SHEET, LISTS_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    ws = wb[DATA_SHEET]
    assert ws["A2"].value == "Peildatum" and ws[PEILDATUM_CELL].value.date() == date(2024, 3, 1)
    header = [c.value for c in ws[HEADER_ROW] if c.value]
    assert header == ref.contract.columns()
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    codes = [ws.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + 342)]
    assert sorted(codes) == sorted(ref.names) and ws.cell(row=HEADER_ROW + 343, column=1).value is None
    names = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(HEADER_ROW + 1, HEADER_ROW + 343)}
    assert names["GM0518"] == "'s-Gravenhage"

    lists = wb[LISTS_SHEET]
    validations = list(ws.data_validations.dataValidation)
    for onderdeel, words in ref.contract.levels.items():
        column = header.index(onderdeel) + 1
        letter = ws.cell(row=1, column=column).column_letter
        dv = [v for v in validations if v.type == "list" and str(v.sqref).startswith(f"{letter}{HEADER_ROW + 1}:")]
        assert len(dv) == 1, onderdeel
        sheet_ref, cells = dv[0].formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        listed = [c.value for row in lists[f"{first}:{last}"] for c in row]
        assert listed == words
    dates = [v for v in validations if v.type == "date"]
    assert len(dates) == 1
    covered = str(dates[0].sqref)
    assert PEILDATUM_CELL in covered
    for onderdeel in ("woonzorgvisie", "verordening", "verdeling opgave"):
        letter = ws.cell(row=1, column=header.index(f"{onderdeel} vastgesteld op") + 1).column_letter
        assert f"{letter}{HEADER_ROW + 1}:" in covered

    text = " ".join(str(c.value) for row in wb[INSTRUCTION_SHEET].iter_rows() for c in row if c.value)
    for onderdeel, words in ref.contract.levels.items():
        assert f"Kolom '{onderdeel}'" in text and " · ".join(words) in text
    for phrase in ("Peildatum", "geen nieuws", "http://", "1 maart 2024", "Bergen (NH)", ".xlsm", "dag staat altijd vóór de maand"):
        assert phrase in text


def test_template_for_one_gemeente(ref_db, tmp_path):
    path = write_template(tmp_path / "a.xlsx", gemeenten=["GM0363"], url=ref_db)
    ws = load_workbook(path)[DATA_SHEET]
    assert ws.cell(row=HEADER_ROW + 1, column=1).value == "GM0363" and ws.cell(row=HEADER_ROW + 2, column=1).value is None
    assert ws[PEILDATUM_CELL].value is None


def test_filled_in_template_loads_without_edits(ref_db, tmp_path):
    """Fill it the way a user does: open, type in the cells, save."""
    ref = load_reference(ref_db)
    path = write_template(tmp_path / "sjabloon.xlsx", url=ref_db)
    wb = load_workbook(path)
    ws = wb[DATA_SHEET]
    header = [c.value for c in ws[HEADER_ROW]]
    col = {name: header.index(name) + 1 for name in header if name}
    rows = {ws.cell(row=r, column=1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value}
    ws[PEILDATUM_CELL] = date(2024, 9, 30)
    filled = {}
    codes = sorted(ref.names)
    # every word of every dropdown appears at least once
    for onderdeel, words in ref.contract.levels.items():
        for i, word in enumerate(words):
            code = codes[(len(filled) * 7 + i) % len(codes)]
            while (code, onderdeel) in filled:
                code = codes[(codes.index(code) + 1) % len(codes)]
            ws.cell(row=rows[code], column=col[onderdeel], value=word)
            filled[(code, onderdeel)] = word
            if onderdeel == "koploper" and word == "ja":
                ws.cell(row=rows[code], column=col["koploperregio"], value="Groningen")
            if f"{onderdeel} vastgesteld op" in col and word in ref.done[onderdeel]:
                ws.cell(row=rows[code], column=col[f"{onderdeel} vastgesteld op"], value=date(2024, 1, 15))
    wb.save(path)
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert result.warnings == []
    loaded = {(r.gemeente_code, r.onderdeel): r.status for r in status_history(ref_db).itertuples()}
    assert loaded == filled


def test_status_words_come_from_the_database(ref_db, tmp_path):
    with Session(engine(ref_db)) as s:
        s.add(StatusLevel(onderdeel="verordening", rank=3, status="geëvalueerd", is_done=True, label="Geëvalueerd"))
        s.commit()
    path = write_template(tmp_path / "a.xlsx", gemeenten=["GM0363"], peildatum=date(2024, 3, 1), url=ref_db)
    wb = load_workbook(path)
    assert "geëvalueerd" in [c.value for c in wb[LISTS_SHEET]["B"]]
    ws = wb[DATA_SHEET]
    header = [c.value for c in ws[HEADER_ROW]]
    ws.cell(row=HEADER_ROW + 1, column=header.index("verordening") + 1, value="Geëvalueerd")
    wb.save(path)
    result = load_file(path)
    assert result.outcome == "geladen" and status_history(ref_db).status.tolist() == ["geëvalueerd"]
