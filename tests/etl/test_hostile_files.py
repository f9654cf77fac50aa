"""Broken and hostile files through the real ``etvi load``: a Dutch message naming the file (and
row and column where known), the attempt logged as ``geweigerd``, the database unchanged, the
batch going on with the next file, and never a traceback or "Onverwachte fout".

Fixtures (tests/fixtures/etl):
- ``xml_*.xlsx``: workbooks whose XML is broken or declares entities (junk after the root,
  an undefined entity, a billion-laughs DTD, an external entity, junk after workbook.xml);
- ``aanhalingsteken_open.csv``: a quote opened in row 2 and never closed;
- ``foutwaarden.xlsx`` (openpyxl, error cells as written by Excel without formulas) and its
  LibreOffice copies ``foutwaarden_libreoffice.ods``/``.xlsx`` (``soffice --headless
  --convert-to``): #VALUE!, #N/A and #REF! cells;
- ``samengevoegd.xlsx`` and ``samengevoegd_libreoffice.ods``: D2:D3 merged over two data rows.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from openpyxl import Workbook

from etl.load import load_file
from tests.etl.conftest import FX, counts, run_cli, uploads, write_csv, write_xlsx

HOSTILE_XML = {
    "xml_rommel_na_einde.xlsx": "is geen geldige XML (junk after document element)",
    "xml_onbekende_entiteit.xlsx": "is geen geldige XML (undefined entity)",
    "xml_werkmap_rommel.xlsx": "het onderdeel xl/workbook.xml is geen geldige XML",
    "xml_entiteitenbom.xlsx": "bevat een DTD of entiteitsdefinitie",
    "xml_externe_entiteit.xlsx": "bevat een DTD of entiteitsdefinitie",
}


def clean_output(proc) -> str:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "Onverwachte fout" not in text, text
    return text


def refused_and_logged(url: str, result, *fragments: str) -> list[str]:
    texts = [p.render() for p in result.problems]
    assert result.outcome == "geweigerd", texts
    for fragment in fragments:
        assert any(fragment in t for t in texts), (fragment, texts)
    assert counts(url)["records"] == 0
    logged = uploads(url)[-1]
    assert logged.id == result.upload_id and logged.outcome == "geweigerd"
    assert [p["text"] for p in json.loads(logged.error_report)] == texts
    return texts


def test_a_batch_of_hostile_files_is_refused_file_by_file_and_summarised(ref_db, tmp_path):
    folder = tmp_path / "aanlevering"
    folder.mkdir()
    for name in HOSTILE_XML:
        shutil.copy(FX / name, folder / name)
    shutil.copy(FX / "aanhalingsteken_open.csv", folder)
    long_cell = write_csv(folder / "lange_cel.csv", [["gemeentecode", "peildatum", "woonzorgvisie", "toelichting"], ["GM0363", "1-3-2024", "geen", "x" * 200_000]])
    shutil.copy(FX / "template_ingevuld.xlsx", folder / "zz_goed.xlsx")  # last: the batch must reach it
    proc = run_cli("load", str(folder), url=ref_db, tmp_path=tmp_path)
    text = clean_output(proc)
    assert proc.returncode == 1
    assert "Samenvatting" in proc.stdout and "7 van 8 bestand(en) geweigerd" in proc.stdout
    for name, fragment in HOSTILE_XML.items():
        assert f"{name}: " in text and fragment in text, (name, text)
    assert 'aanhalingsteken_open.csv, rij 2: aanhalingsteken (") niet afgesloten' in text
    assert f"{long_cell.name}, rij 2: een cel is langer dan 131.072 tekens" in text
    logged = {u.file_name: u.outcome for u in uploads(ref_db)}
    assert logged == {**{n: "geweigerd" for n in HOSTILE_XML}, "aanhalingsteken_open.csv": "geweigerd", "lange_cel.csv": "geweigerd", "zz_goed.xlsx": "geladen"}


def test_an_unexpected_failure_while_reading_is_a_logged_refusal(ref_db, tmp_path, monkeypatch):
    """Whatever a parser raises on some file no test foresaw, the user gets a refusal, not a crash."""
    import etl.load

    def boom(*args, **kwargs):
        raise KeyError("xl/sharedStrings.xml")

    monkeypatch.setattr(etl.load, "read_tables", boom)
    path = write_csv(tmp_path / "status.csv", [["gemeentecode", "peildatum", "woonzorgvisie"], ["GM0363", "1-3-2024", "geen"]])
    texts = refused_and_logged(ref_db, load_file(path), "status.csv: het bestand kan niet worden gelezen of gecontroleerd", "KeyError")
    assert len(texts) == 1


def test_unterminated_quote_names_the_row_where_it_opened(ref_db, tmp_path):
    rows = "gemeentecode;peildatum;woonzorgvisie;toelichting\r\nGM0599;1-3-2024;geen;ok\r\nGM0363;1-3-2024;geen;\"open\r\nGM0518;1-3-2024;geen;weg\r\n"
    path = tmp_path / "status.csv"
    path.write_text(rows, encoding="utf-8", newline="")
    refused_and_logged(ref_db, load_file(path), 'status.csv, rij 3: aanhalingsteken (") niet afgesloten')
    # a quoted cell with a line break that is closed is fine
    path.write_text(rows.replace('"open\r\n', '"open\r\nen dicht"\r\n'), encoding="utf-8", newline="")
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert result.records_written == 3


@pytest.mark.parametrize("name", ["foutwaarden.xlsx", "foutwaarden_libreoffice.xlsx", "foutwaarden_libreoffice.ods"])
def test_error_cells_are_reported_with_row_and_column(ref_db, name):
    texts = refused_and_logged(ref_db, load_file(FX / name))
    sheet = "Status"
    assert texts == [
        f"{name}, blad {sheet}, rij 2, kolom 'woonzorgvisie vastgesteld op': de cel bevat een foutwaarde (#VALUE!); vul een geldige waarde in.",
        f"{name}, blad {sheet}, rij 2, kolom 'verordening': de cel bevat een foutwaarde (#N/A); vul een geldige waarde in.",
        f"{name}, blad {sheet}, rij 3, kolom 'woonzorgvisie': de cel bevat een foutwaarde (#REF!); vul een geldige waarde in.",
        f"{name}, blad {sheet}, rij 4, kolom 'gemeentecode': de cel bevat een foutwaarde (#N/A); vul een geldige waarde in.",
    ]


def test_error_text_in_a_csv_is_reported_too(ref_db, tmp_path):
    path = write_csv(tmp_path / "status.csv", [["gemeentecode", "peildatum", "Woonzorgvisie"], ["GM0363", "1-3-2024", "#DIV/0!"]])
    refused_and_logged(ref_db, load_file(path), "status.csv, rij 2, kolom 'Woonzorgvisie': de cel bevat een foutwaarde (#DIV/0!); vul een geldige waarde in.")


@pytest.mark.parametrize("name", ["samengevoegd.xlsx", "samengevoegd_libreoffice.ods"])
def test_merged_cells_over_data_rows_are_an_error(ref_db, name):
    refused_and_logged(
        ref_db, load_file(FX / name),
        f"{name}, blad Status, rij 2, kolom 'woonzorgvisie': cellen D2:D3 zijn samengevoegd; alleen D2 heeft een waarde",
    )  # fmt: skip


def test_merged_title_above_the_header_is_fine(ref_db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Status"
    ws.append(["Stand van zaken", None, None])
    ws.merge_cells("A1:C1")
    ws.append(["Peildatum", date(2024, 3, 1)])
    ws.append(["gemeentecode", "woonzorgvisie", "opmerking intern"])
    ws.append(["GM0363", "geen", "a"])
    ws.append(["GM0599", "geen", None])
    ws.merge_cells("C4:C5")  # an unknown column: a warning only
    wb.save(tmp_path / "status.xlsx")
    result = load_file(tmp_path / "status.xlsx")
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert any("cellen C4:C5 zijn samengevoegd" in w.render() for w in result.warnings)


def test_gemeentecode_as_decimal_text(ref_db, tmp_path):
    ok = write_csv(tmp_path / "ok.csv", [["gemeentecode", "peildatum", "woonzorgvisie"], ["363.0", "1-3-2024", "geen"], ["GM-0599", "1-3-2024", "geen"]])
    result = load_file(ok)
    assert result.outcome == "geladen" and result.gemeente_codes == ["GM0363", "GM0599"], [p.render() for p in result.problems]
    bad = write_csv(tmp_path / "fout.csv", [["gemeentecode", "peildatum", "woonzorgvisie"], ["363.5", "1-3-2024", "geen"], ["36.3", "1-3-2024", "geen"], ["-363", "1-3-2024", "geen"]])
    before = counts(ref_db)["records"]
    texts = [p.render() for p in load_file(bad).problems]
    assert texts == [
        f"fout.csv, rij {row}, kolom 'gemeentecode': '{value}' is geen gemeentecode; gebruik de vorm GM0363 (of 363)."
        for row, value in ((2, "363.5"), (3, "36.3"), (4, "-363"))
    ]
    assert counts(ref_db)["records"] == before


def test_invisible_characters_are_ignored(ref_db, tmp_path):
    rows = [
        ["Peildatum", date(2024, 3, 1)],
        ["gemeente\u200bcode", "gemeente", "woonzorgvisie", "verordening", "toelichting"],
        ["\ufeffGM0363", "Amster\u00addam", "vast\u200bgesteld", "geen\u00a0", "zero\u200dwidth"],
        ["GM0599\u2060", "", "in\u00a0concept\u200e", "", ""],
    ]
    result = load_file(write_xlsx(tmp_path / "status.xlsx", rows))
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert sorted((r.gemeente_code, r.onderdeel, r.nieuwe_status) for r in result.changes.itertuples()) == [
        ("GM0363", "verordening", "geen"), ("GM0363", "woonzorgvisie", "vastgesteld"), ("GM0599", "woonzorgvisie", "in concept"),
    ]  # fmt: skip
    csv_path = tmp_path / "status.csv"
    csv_path.write_text("gemeentecode;peildatum;woonzorgvisie\nGM\u200b0518;1-3-2024;geen\u200b\n", encoding="utf-8")
    assert load_file(csv_path).outcome == "geladen"


def test_utf32_and_utf16_without_bom(ref_db, tmp_path):
    text = "gemeentecode;peildatum;woonzorgvisie\r\nGM0363;1-3-2024;in concept\r\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.encode("utf-16-le"))
    refused_and_logged(ref_db, load_file(utf16), "utf16.csv: het bestand is opgeslagen als UTF-16 zonder byte-order-markering")
    utf32 = tmp_path / "utf32.csv"
    utf32.write_bytes(text.encode("utf-32"))
    result = load_file(utf32)
    assert result.outcome == "geladen" and result.records_written == 1, [p.render() for p in result.problems]
