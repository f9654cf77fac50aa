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
- ``samengevoegd.xlsx`` and ``samengevoegd_libreoffice.ods``: D2:D3 merged over two data rows;
- ``formule_tekst_libreoffice.xls``: a legacy .xls (LibreOffice) with text formulas.

Hand-built hostile workbooks (far cells, huge repeats, megabyte cells) come from ``hostile.py``.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import date

import pytest
from openpyxl import Workbook

from etvi.upload.service import load_file
from models.queries import status_history
from tests.support import hostile
from tests.support.cli import run_cli
from tests.support.etl import FX, counts, refused, uploads, write_csv, write_xlsx

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
    texts = refused(ref_db, load_file(path), "status.csv: het bestand kan niet worden gelezen of gecontroleerd", "KeyError")
    assert len(texts) == 1


def test_unterminated_quote_names_the_row_where_it_opened(ref_db, tmp_path):
    rows = "gemeentecode;peildatum;woonzorgvisie;toelichting\r\nGM0599;1-3-2024;geen;ok\r\nGM0363;1-3-2024;geen;\"open\r\nGM0518;1-3-2024;geen;weg\r\n"
    path = tmp_path / "status.csv"
    path.write_text(rows, encoding="utf-8", newline="")
    refused(ref_db, load_file(path), 'status.csv, rij 3: aanhalingsteken (") niet afgesloten')
    # a quoted cell with a line break that is closed is fine
    path.write_text(rows.replace('"open\r\n', '"open\r\nen dicht"\r\n'), encoding="utf-8", newline="")
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert result.records_written == 3


@pytest.mark.parametrize("name", ["foutwaarden.xlsx", "foutwaarden_libreoffice.xlsx", "foutwaarden_libreoffice.ods"])
def test_error_cells_are_reported_with_row_and_column(ref_db, name):
    texts = refused(ref_db, load_file(FX / name))
    sheet = "Status"
    assert texts == [
        f"{name}, blad {sheet}, rij 2, kolom 'woonzorgvisie vastgesteld op': de cel bevat een foutwaarde (#VALUE!); vul een geldige waarde in.",
        f"{name}, blad {sheet}, rij 2, kolom 'verordening': de cel bevat een foutwaarde (#N/A); vul een geldige waarde in.",
        f"{name}, blad {sheet}, rij 3, kolom 'woonzorgvisie': de cel bevat een foutwaarde (#REF!); vul een geldige waarde in.",
        f"{name}, blad {sheet}, rij 4, kolom 'gemeentecode': de cel bevat een foutwaarde (#N/A); vul een geldige waarde in.",
    ]


def test_error_text_in_a_csv_is_reported_too(ref_db, tmp_path):
    path = write_csv(tmp_path / "status.csv", [["gemeentecode", "peildatum", "Woonzorgvisie"], ["GM0363", "1-3-2024", "#DIV/0!"]])
    refused(ref_db, load_file(path), "status.csv, rij 2, kolom 'Woonzorgvisie': de cel bevat een foutwaarde (#DIV/0!); vul een geldige waarde in.")


@pytest.mark.parametrize("name", ["samengevoegd.xlsx", "samengevoegd_libreoffice.ods"])
def test_merged_cells_over_data_rows_are_an_error(ref_db, name):
    refused(
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
    refused(ref_db, load_file(utf16), "utf16.csv: het bestand is opgeslagen als UTF-16 zonder byte-order-markering")
    utf32 = tmp_path / "utf32.csv"
    utf32.write_bytes(text.encode("utf-32"))
    result = load_file(utf32)
    assert result.outcome == "geladen" and result.records_written == 1, [p.render() for p in result.problems]


# --- small files that expand into huge records (issue 9, item 4) ---------------------------------


def _big_text_xlsx(text: str) -> bytes:
    """The toelichting as a shared string (as Excel stores text): 5 MB of it zips to a few kB."""
    rows = hostile.status_rows(extra='<row r="4"><c r="A4" t="inlineStr"><is><t>GM0599</t></is></c>'
                               '<c r="B4" t="inlineStr"><is><t>geen</t></is></c><c r="C4" t="s"><v>1</v></c></row>')
    return hostile.xlsx_bytes(rows, shared=["ongebruikt", text])


def _big_text_ods(text: str) -> bytes:
    row = "<table:table-row>" + hostile.ods_cell("GM0599") + hostile.ods_cell("geen") + hostile.ods_cell(text) + "</table:table-row>"
    return hostile.ods_bytes(hostile.ods_status_rows() + row)


@pytest.mark.parametrize(
    "name, build, where",
    [
        ("groot.xlsx", _big_text_xlsx, "groot.xlsx: cel C4 (blad Status) bevat meer dan 131.072 tekens"),
        ("groot.ods", _big_text_ods, "groot.ods, blad Status: cel C4 bevat meer dan 131.072 tekens"),
        # two billion spaces written as one count: the reader used to expand them and abort
        ("spaties.ods", lambda _: _big_text_ods('a<text:s text:c="2000000000"/>b'), "spaties.ods, blad Status: cel C4 bevat meer dan 131.072 tekens"),
        ("veel_spaties.ods", lambda _: _big_text_ods('a<text:s text:c="100000"/>' * 300), "veel_spaties.ods, blad Status: cel C4 bevat meer dan"),
    ],
)
def test_a_megabyte_cell_in_a_small_workbook_is_refused_before_reading(ref_db, tmp_path, name, build, where):
    path = tmp_path / name
    path.write_bytes(build("x" * 5_000_000))
    assert path.stat().st_size < 30_000
    texts = refused(ref_db, load_file(path), where)
    assert len(json.dumps(texts)) < 2_000


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_toelichting_and_bron_have_a_maximum_naming_the_cell(ref_db, tmp_path, monkeypatch, kind):
    header = ["gemeentecode", "peildatum", "woonzorgvisie", "toelichting", "bron"]
    rows = [header, ["GM0363", "1-3-2024", "geen", "t" * 2_500, "https://example.nl/"], ["GM0599", "1-3-2024", "geen", "kort", "https://example.nl/" + "a" * 2_000]]
    path = write_xlsx(tmp_path / "lang.xlsx", rows) if kind == "xlsx" else write_csv(tmp_path / "lang.csv", rows)
    texts = refused(ref_db, load_file(path))
    sheet = ", blad Status" if kind == "xlsx" else ""
    assert texts == [
        f"{path.name}{sheet}, rij 2, kolom 'toelichting': de toelichting is 2.500 tekens lang; het maximum is 2.000. Kort de tekst in of zet een link naar het stuk in de kolom bron.",
        f"{path.name}{sheet}, rij 3, kolom 'bron': de link is 2.019 tekens lang; het maximum is 2.000.",
    ]
    monkeypatch.setenv("ETVI_MAX_TOELICHTING", "3000")
    monkeypatch.setenv("ETVI_MAX_BRON", "3000")
    result = load_file(path)
    assert result.outcome == "geladen" and result.records_written == 2, [p.render() for p in result.problems]


def test_a_csv_with_a_million_columns_is_refused_quickly_with_a_short_report(ref_db, tmp_path):
    """9.3 MB of unknown column names took 28 s and 2.2 GB and stored 355 MB of warnings."""
    path = tmp_path / "breed.csv"
    names = ";".join(f"k{i}" for i in range(1_200_000))
    path.write_text(f"gemeentecode;peildatum;woonzorgvisie;{names}\nGM0363;1-3-2024;geen\n", encoding="utf-8")
    started = time.perf_counter()
    result = load_file(path)
    assert time.perf_counter() - started < 20
    texts = refused(ref_db, result, "breed.csv, rij 1: de regel heeft 1.200.003 kolommen; er worden hoogstens 200 gelezen")
    assert len(uploads(ref_db)[-1].error_report) < 2_000 and len(texts) == 1


def test_many_unknown_columns_are_one_warning(ref_db, tmp_path):
    header = ["gemeentecode", "peildatum", "woonzorgvisie"] + [f"extra {i}" for i in range(150)]
    path = write_csv(tmp_path / "extra.csv", [header, ["GM0363", "1-3-2024", "geen"]])
    result = load_file(path)
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    assert [w.render() for w in result.warnings] == [
        "extra.csv, rij 1: 150 onbekende kolommen worden genegeerd, waaronder 'extra 0', 'extra 1', 'extra 2', 'extra 3', 'extra 4' …."
    ]


def test_refusals_are_capped_with_a_count(ref_db, tmp_path):
    """1,500 formulas without a cached value: 1,000 problems and one line with the rest."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Status"
    ws.append(["Peildatum", date(2024, 3, 1)])
    ws.append(["gemeentecode", "woonzorgvisie"])
    for _ in range(1_500):
        ws.append(["GM0363", '=IF(1=1,"geen","geen")'])
    wb.save(tmp_path / "formules.xlsx")
    texts = refused(ref_db, load_file(tmp_path / "formules.xlsx"))
    assert len(texts) == 1_001 and texts[-1] == "formules.xlsx, blad Status: … en nog 500 fouten die niet afzonderlijk worden getoond."


def test_long_sheet_and_header_names_are_bounded_in_the_report(ref_db, tmp_path):
    header = ["gemeentecode", "peildatum", "woonzorgvisie " + "x" * 100_000]
    path = write_csv(tmp_path / "kop.csv", [header] + [["GM0363", "1-3-2024", "klaar"]] * 3)
    texts = refused(ref_db, load_file(path))
    assert len(texts) == 1 and len(uploads(ref_db)[-1].error_report) < 3_000


# --- CSV line endings and NUL characters (items 14 and 16) ---------------------------------------

CSV_TEXT = 'gemeentecode;peildatum;woonzorgvisie;toelichting\nGM0363;1-3-2024;geen;"met\nregelovergang"\nGM0599;1-3-2024;in concept;x\n'


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"], ids=["mac-cr", "windows-crlf", "unix-lf"])
def test_csv_line_endings_old_mac_windows_and_unix(ref_db, tmp_path, ending):
    path = tmp_path / "status.csv"
    path.write_bytes(CSV_TEXT.replace("\n", ending).encode("utf-8"))
    result = load_file(path)
    assert result.outcome == "geladen" and result.records_written == 2, [p.render() for p in result.problems]
    assert result.warnings == []


@pytest.mark.parametrize(
    "where, text",
    [
        ("first-line", CSV_TEXT.replace("gemeentecode", "gemeente\x00code")),
        ("middle", CSV_TEXT.replace("in concept", "in con\x00cept")),
        ("inside-quotes", CSV_TEXT.replace("met\n", "met\x00\n")),
        ("last-byte", CSV_TEXT + "\x00"),
    ],
)
def test_a_nul_character_is_handled_the_same_wherever_it_is(ref_db, tmp_path, where, text):
    path = tmp_path / "status.csv"
    path.write_bytes(text.encode("utf-8"))
    result = load_file(path)
    assert result.outcome == "geladen" and result.records_written == 2, [p.render() for p in result.problems]
    warnings = [w.render() for w in result.warnings]
    assert len(warnings) == 1 and warnings[0].startswith("status.csv: het bestand bevat 1 NUL-teken (onzichtbaar; het eerste op regel "), warnings
    assert warnings[0].endswith("die zijn genegeerd.")


# --- look-alike letters in a gemeente name (item 16) -----------------------------------------


def test_a_cyrillic_letter_in_a_gemeente_name_gets_a_warning(ref_db, tmp_path):
    rows = [["gemeentecode", "gemeente", "peildatum", "woonzorgvisie"], ["GM0363", "\u0410msterdam", "1-3-2024", "geen"], ["", "R\u043etterdam", "1-3-2024", "geen"]]
    result = load_file(write_csv(tmp_path / "namen.csv", rows))
    assert result.outcome == "geladen" and result.gemeente_codes == ["GM0363", "GM0599"], [p.render() for p in result.problems]
    assert [w.render() for w in result.warnings] == [
        "namen.csv, rij 2, kolom 'gemeente': de naam '\u0410msterdam' bevat 1 letter uit een ander schrift (Cyrillisch of Grieks) "
        "die op Latijnse letters lijken; gelezen als Amsterdam. Typ de naam opnieuw in.",
        "namen.csv, rij 3, kolom 'gemeente': de naam 'R\u043etterdam' bevat 1 letter uit een ander schrift (Cyrillisch of Grieks) "
        "die op Latijnse letters lijken; gelezen als Rotterdam. Typ de naam opnieuw in.",
    ]
    # a look-alike name next to the code of another gemeente is still a contradiction
    rows[1][0] = "GM0599"
    refused = load_file(write_csv(tmp_path / "tegenstrijdig.csv", rows[:2]))
    assert refused.outcome == "geweigerd" and counts(ref_db)["records"] == 2
    assert "gemeentecode GM0599 hoort bij Rotterdam, maar de naam is Amsterdam (GM0363)" in refused.problems[0].render()


def test_legacy_xls_with_text_formulas_loads(ref_db):
    """The STRING record after a text formula holds no cell position (it was once read as one)."""
    result = load_file(FX / "formule_tekst_libreoffice.xls")
    assert result.outcome == "geladen", [p.render() for p in result.problems]
    history = status_history(ref_db)
    assert list(zip(history.gemeente_code, history.onderdeel, history.status, history.comment)) == [("GM0599", "verordening", "vastgesteld", "ab" * 40)]
