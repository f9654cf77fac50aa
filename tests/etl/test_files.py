"""Real files load: the filled-in template, its LibreOffice copies (.ods and .xlsx), a messy
hand-made workbook and a Windows-1252 semicolon CSV; and the export shows what they said."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from etl.export import export_frame
from etvi.upload.service import load_file
from models.queries import status_history
from tests.support import fixture_specs as spec
from tests.support.etl import FX, uploads

TEMPLATE_FILES = ["template_ingevuld.xlsx", "template_ingevuld_libreoffice.ods", "template_ingevuld_libreoffice.xlsx", "template_ingevuld_libreoffice.xls"]


def _expected_template() -> dict[str, dict[str, tuple[str, date | None]]]:
    out: dict[str, dict[str, tuple[str, date | None]]] = {}
    for code, cells in spec.TEMPLATE_VALUES.items():
        for onderdeel in ("woonzorgvisie", "verordening", "verdeling opgave", "koploper"):
            if onderdeel in cells:
                out.setdefault(code, {})[onderdeel] = (cells[onderdeel], cells.get(f"{onderdeel} vastgesteld op"))
    return out


def _loaded(url: str) -> dict[str, dict[str, tuple[str, date | None]]]:
    out: dict[str, dict[str, tuple[str, date | None]]] = {}
    for r in status_history(url).itertuples():
        out.setdefault(r.gemeente_code, {})[r.onderdeel] = (r.status, r.adopted_on)
    return out


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_filled_template_and_libreoffice_copies_load(ref_db, name):
    result = load_file(FX / name)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert result.problems == [] and result.warnings == []
    assert result.rows_read == 342
    assert _loaded(ref_db) == _expected_template()
    history = status_history(ref_db)
    assert set(history.peildatum) == {spec.TEMPLATE_PEILDATUM}
    amsterdam = history[(history.gemeente_code == "GM0363") & (history.onderdeel == "koploper")].iloc[0]
    assert amsterdam.koploperregio == "Metropoolregio Amsterdam"
    assert amsterdam.comment == "Regionale woonzorgvisie MRA" and amsterdam.source_url == "https://www.amsterdam.nl/wonen/"
    assert result.records_written == len(history) == sum(len(v) for v in _expected_template().values())
    assert uploads(ref_db)[-1].gemeente_codes == ",".join(sorted(spec.TEMPLATE_VALUES))


def test_messy_handmade_workbook_loads(ref_db):
    result = load_file(FX / "rommelig.xlsx")
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert _loaded(ref_db) == spec.MESSY_EXPECTED
    assert set(status_history(ref_db).peildatum) == {spec.MESSY_PEILDATUM}
    texts = [w.render() for w in result.warnings]
    assert any("'Contactpersoon' is onbekend" in t for t in texts)
    weesp = [w for w in result.warnings if "Weesp" in w.message]
    assert len(weesp) == 1 and weesp[0].column == "Gemeente"
    assert load_workbook(FX / "rommelig.xlsx").active.cell(row=weesp[0].row, column=1).value == "Weesp"
    bron = [w for w in result.warnings if w.message.startswith("'Bron: eigen inventarisatie")]
    assert len(bron) == 1 and "is een opmerking, geen gemeente; de rij is overgeslagen" in bron[0].message
    assert load_workbook(FX / "rommelig.xlsx").active.cell(row=bron[0].row, column=1).value.startswith("Bron:")
    notes = [w.render() for w in result.warnings if w.sheet == "Notities"]  # no header, but a gemeente: named
    assert len(notes) == 1 and "dit blad is niet gelezen" in notes[0] and "(rij 2: Amsterdam)" in notes[0]


def test_windows1252_semicolon_csv_loads_with_history(ref_db):
    raw = (FX / "windows1252_puntkomma.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really Windows-1252, as Dutch Excel writes it
    result = load_file(FX / "windows1252_puntkomma.csv")
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    history = status_history(ref_db)
    got: dict = {}
    for r in history.itertuples():
        got.setdefault((r.gemeente_code, r.peildatum), {})[r.onderdeel] = (r.status, r.adopted_on)
    assert got == spec.CSV_EXPECTED
    comments = set(history.comment.dropna())
    assert "Kosten € 12.500" in comments and "Eerste opgave; één regio" in comments and "Coöperatie met buurgemeenten" in comments
    assert result.peildatum is None  # rows carry their own peildatum


def test_libreoffice_saved_formula_has_a_cached_value_and_loads(ref_db):
    result = load_file(FX / "formule_libreoffice.xlsx")
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert _loaded(ref_db) == {spec.FORMULA_CODE: {"verordening": ("vastgesteld", None)}}


def _asof(expected_by_peildatum: list[tuple[date, dict]], when: date) -> dict[tuple[str, str], tuple[str, date | None, date]]:
    """The state the files describe at ``when``, computed independently of the database."""
    state: dict[tuple[str, str], tuple[str, date | None, date]] = {}
    for peildatum, per_code in sorted(expected_by_peildatum, key=lambda x: x[0]):
        if peildatum > when:
            continue
        for code, per_onderdeel in per_code.items():
            for onderdeel, (status, adopted) in per_onderdeel.items():
                state[(code, onderdeel)] = (status, adopted, peildatum)
    return state


def test_done_when_all_four_kinds_load_and_export_shows_exactly_what_they_said(ref_db):
    for name in ("template_ingevuld_libreoffice.ods", "rommelig.xlsx", "windows1252_puntkomma.csv", "template_ingevuld.xlsx"):
        result = load_file(FX / name)
        assert result.outcome in ("geladen",), (name, [p.render() for p in result.problems])
    described = [(spec.TEMPLATE_PEILDATUM, _expected_template()), (spec.MESSY_PEILDATUM, spec.MESSY_EXPECTED)]
    described += [(peildatum, {code: per}) for (code, peildatum), per in spec.CSV_EXPECTED.items()]
    for when in (date(2023, 12, 31), date(2024, 3, 1), date(2024, 3, 31), date(2025, 1, 1)):
        expected = _asof(described, when)
        frame = export_frame(when, ref_db)
        assert len(frame) == 342
        rows = {row["gemeentecode"]: row for row in frame.to_dict(orient="records")}
        shown = {}
        for code, row in rows.items():
            for onderdeel in ("woonzorgvisie", "verordening", "verdeling opgave", "koploper"):
                if row[onderdeel] is not None:
                    adopted = row.get(f"{onderdeel} vastgesteld op")
                    shown[(code, onderdeel)] = (row[onderdeel], adopted, row[f"{onderdeel} peildatum"])
        assert shown == expected, when
        untouched = rows["GM0080"]  # Leeuwarden: in no file
        assert all(v is None for c, v in untouched.items() if c not in ("gemeentecode", "gemeente", "provincie"))


def test_same_template_as_ods_and_xlsx_gives_identical_records(ref_db, tmp_path):
    load_file(FX / "template_ingevuld.xlsx")
    first = status_history(ref_db).drop(columns="upload_id")
    result = load_file(FX / "template_ingevuld_libreoffice.ods")
    assert result.outcome == "geladen" and result.changes.empty  # other bytes, same content: nothing changes
    history = status_history(ref_db)
    second = history[history.upload_id == result.upload_id].drop(columns="upload_id")
    pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))
