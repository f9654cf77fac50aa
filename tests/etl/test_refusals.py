"""Every way a file's content can be wrong: refused with a message that names the cell and says what
is allowed, all problems at once, the attempt logged, and no status record written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from etl.errors import EtlError
from etvi.upload.service import load_file
from tests.support.etl import FX, refused, simple_rows, uploads, write_csv, write_xlsx


def test_unknown_gemeente_names_the_cell_and_suggests(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["", "Amsterdm", "vastgesteld", None, None, None]))
    texts = refused(ref_db, load_file(path), "status.xlsx, blad Status, rij 3, kolom 'gemeente': 'Amsterdm' is geen bekende gemeente")
    assert "Amsterdam (GM0363)" in texts[0]


def test_ambiguous_bergen(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["", "Bergen", "vastgesteld", None, None, None]))
    refused(ref_db, load_file(path), "rij 3, kolom 'gemeente': 'Bergen' is niet eenduidig", "Bergen (NH.) (GM0373)", "Bergen (L.) (GM0893)")


def test_wrong_status_word_lists_the_allowed_words(ref_db, tmp_path):
    rows = [["Peildatum", date(2024, 3, 1)], [], ["Gemeentecode", "Gemeente", "Verordening"], ["GM0363", "Amsterdam", "vastgesteld"]]
    rows += [[code, "", "in voorbereiding"] for code in ("GM0599", "GM0518", "GM0014", "GM0034", "GM0153", "GM0202", "GM0268", "GM0917", "GM0796")]
    rows += [["GM0344", "Utrecht", "klaar"]]
    path = write_xlsx(tmp_path / "status.xlsx", rows)
    assert load_workbook(path)["Status"].cell(row=14, column=3).value == "klaar"  # where the user sees it
    texts = refused(ref_db, load_file(path))
    assert texts == [
        "status.xlsx, blad Status, rij 14, kolom 'Verordening': 'klaar' is geen geldige status. "
        "Toegestaan: geen, in voorbereiding, vastgesteld."
    ]


def test_bad_date(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["GM0363", "", "vastgesteld", "31-02-2024", None, None]))
    refused(ref_db, load_file(path), "rij 3, kolom 'woonzorgvisie vastgesteld op': '31-02-2024' is geen bestaande datum", "Toegestaan: een datumcel, 2024-03-01")


def test_date_without_status(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["GM0363", "", None, "1-3-2024", "geen", None]))
    refused(ref_db, load_file(path), "kolom 'woonzorgvisie vastgesteld op': er staat een datum bij woonzorgvisie, maar geen status")


def test_formula_without_cached_value(ref_db):
    refused(ref_db, load_file(FX / "formule_zonder_waarde.xlsx"), "blad Status, rij 3, kolom 'verordening': de cel bevat een formule", "zonder berekende waarde")


def test_missing_peildatum(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["GM0363", "", "vastgesteld", None, None, None], peildatum=None))
    refused(ref_db, load_file(path), "er is geen peildatum")
    assert load_file(path, peildatum=date(2024, 3, 1)).outcome == "geladen"  # given when loading: fine


def test_empty_peildatum_cell(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["GM0363", "", "vastgesteld", None, None, None], peildatum=""))
    refused(ref_db, load_file(path), "rij 1, kolom 'Peildatum': de peildatum is niet ingevuld")


def test_bad_and_future_peildatum(ref_db, tmp_path):
    bad = write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "vastgesteld", None, None, None], peildatum="ergens in maart"))
    refused(ref_db, load_file(bad), "rij 1, kolom 'Peildatum': 'ergens in maart' is geen datum")
    future = write_xlsx(tmp_path / "b.xlsx", simple_rows(["GM0363", "", "vastgesteld", None, None, None], peildatum=date.today() + timedelta(days=30)))
    refused(ref_db, load_file(future), "ligt in de toekomst")


@pytest.mark.parametrize("link", ["ftp://example.org/besluit.pdf", "javascript:alert(1)", "www.gemeente.nl/besluit", "file:///etc/passwd"])
def test_bron_must_be_http_or_https(ref_db, tmp_path, link):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["GM0363", "", "vastgesteld", None, None, link]))
    refused(ref_db, load_file(path), f"rij 3, kolom 'bron': '{link}' is geen geldige link; alleen links die beginnen met http:// of https://")


def test_row_for_a_gemeente_that_is_not_allowed_refuses_the_whole_file(ref_db, tmp_path):
    rows = simple_rows(["GM0363", "", "vastgesteld", None, None, None], ["GM0599", "", "in concept", None, None, None], ["GM0344", "", "geen", None, None, None])
    path = write_xlsx(tmp_path / "status.xlsx", rows)
    texts = refused(ref_db, load_file(path, allowed_gemeenten={"GM0363"}, username="ams", channel="web"))
    assert len(texts) == 2
    assert "rij 4, kolom 'gemeentecode': u mag alleen gegevens aanleveren voor Amsterdam (GM0363); deze rij gaat over Rotterdam (GM0599)" in texts[0]
    assert "Utrecht (GM0344)" in texts[1]
    logged = uploads(ref_db)[-1]
    assert (logged.username, logged.channel, logged.gemeente_codes) == ("ams", "web", "GM0344,GM0363,GM0599")
    assert load_file(path, allowed_gemeenten={"GM0363", "GM0599", "GM0344"}).outcome == "geladen"


def test_merged_gemeente_counts_as_its_successor_for_permissions(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["GM0457", "Weesp", "vastgesteld", None, None, None]))
    result = load_file(path, allowed_gemeenten={"GM0363"})
    assert result.outcome == "geladen" and any("Weesp" in w.message for w in result.warnings)


def test_no_header(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", [["Naam", "Stand"], ["Amsterdam", "vastgesteld"]])
    refused(ref_db, load_file(path), "status.xlsx: geen kopregel gevonden in de eerste 20 rijen", "'gemeente' of 'gemeentecode'")


def test_header_below_row_20_is_not_found(ref_db, tmp_path):
    rows = [["titel"]] * 20 + [["gemeentecode", "verordening"], ["GM0363", "vastgesteld"]]
    refused(ref_db, load_file(write_xlsx(tmp_path / "status.xlsx", rows), peildatum=date(2024, 3, 1)), "geen kopregel gevonden")


@pytest.mark.parametrize("content", [b"", b"   \r\n  ", "\ufeff".encode()])
def test_empty_files(ref_db, tmp_path, content):
    path = tmp_path / "leeg.csv"
    path.write_bytes(content)
    refused(ref_db, load_file(path))


def test_empty_workbook(ref_db, tmp_path):
    refused(ref_db, load_file(write_xlsx(tmp_path / "leeg.xlsx", [])), "geen kopregel gevonden")


def test_unfilled_template_has_no_status(ref_db, tmp_path):
    from etl.template import write_template

    path = write_template(tmp_path / "leeg_sjabloon.xlsx", peildatum=date(2024, 3, 1), url=ref_db)
    refused(ref_db, load_file(path), "het bestand bevat geen enkele status")


def test_code_and_name_disagree(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "status.xlsx", simple_rows(["GM0363", "Rotterdam", "vastgesteld", None, None, None]))
    refused(ref_db, load_file(path), "kolom 'gemeentecode': gemeentecode GM0363 hoort bij Amsterdam, maar de naam is Rotterdam (GM0599)")


def test_conflicting_rows_for_the_same_gemeente(ref_db, tmp_path):
    rows = simple_rows(["GM0363", "", "vastgesteld", None, None, None], ["", "Amsterdam", "in concept", None, None, None])
    refused(ref_db, load_file(write_xlsx(tmp_path / "status.xlsx", rows)), "rij 4", "ook al andere gegevens in rij 3")


def test_identical_duplicate_row_is_only_a_warning(ref_db, tmp_path):
    rows = simple_rows(["GM0363", "", "vastgesteld", None, None, None], ["", "Amsterdam", "vastgesteld", None, None, None])
    result = load_file(write_xlsx(tmp_path / "status.xlsx", rows))
    assert result.outcome == "geladen" and result.records_written == 1
    assert any("staat dubbel" in w.message for w in result.warnings)


def test_duplicate_columns(ref_db, tmp_path):
    rows = [["Peildatum", date(2024, 3, 1)], ["gemeentecode", "Verordening", "Huisvestingsverordening"], ["GM0363", "geen", "vastgesteld"]]
    refused(ref_db, load_file(write_xlsx(tmp_path / "status.xlsx", rows)), "de kolommen 'Verordening' en 'Huisvestingsverordening' betekenen hetzelfde")


def test_every_problem_in_the_file_is_reported(ref_db, tmp_path):
    rows = simple_rows(
        ["GM0363", "", "klaar", None, None, None],
        ["", "Bergen", "vastgesteld", None, None, None],
        ["GM0599", "", "vastgesteld", "2024-02-30", None, None],
        ["GM0344", "", None, None, "bijna", "ftp://x"],
        ["GM0518", "", "vastgesteld", None, None, None],  # fine
    )
    texts = refused(ref_db, load_file(write_xlsx(tmp_path / "status.xlsx", rows)))
    assert [t.split(",")[2].strip() for t in texts] == ["rij 3", "rij 4", "rij 5", "rij 6", "rij 6"]


def test_named_sheet(ref_db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "2023"
    for row in simple_rows(["GM0363", "", "in concept", None, None, None], peildatum=date(2023, 12, 31)):
        wb["2023"].append(row)
    ws = wb.create_sheet("2024")
    for row in simple_rows(["GM0363", "", "vastgesteld", None, None, None], peildatum=date(2024, 12, 31)):
        ws.append(row)
    wb.save(tmp_path / "jaren.xlsx")
    result = load_file(tmp_path / "jaren.xlsx", sheet="2024")
    assert result.outcome == "geladen" and result.peildatum == date(2024, 12, 31)
    both = load_file(tmp_path / "jaren.xlsx")  # same bytes, every sheet: other records, so it loads
    assert both.outcome == "geladen" and both.records_written == 2 and both.peildatum is None
    missing = load_file(tmp_path / "jaren.xlsx", sheet="2025")
    assert missing.outcome == "geweigerd"
    assert missing.problems[0].render() == "jaren.xlsx: het blad '2025' bestaat niet. Toegestaan: 2023, 2024."


def test_error_count_beyond_the_listed_problems(ref_db, tmp_path, monkeypatch):
    monkeypatch.setattr("etl.validate.MAX_PROBLEMS", 5)
    rows = simple_rows(*[["GM0363", "", "klaar", None, None, None]] * 12)
    result = load_file(write_xlsx(tmp_path / "status.xlsx", rows))
    assert result.error_count == 12 and len(result.problems) == 6
    assert "en nog 7 fouten" in result.problems[-1].message


def test_missing_file_is_an_etl_error(ref_db, tmp_path):
    with pytest.raises(EtlError, match="Bestand niet gevonden"):
        load_file(tmp_path / "bestaat-niet.xlsx")


def test_uninitialised_database_says_run_etvi_init(db_url, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["gemeentecode", "verordening"], ["GM0363", "geen"]])
    with pytest.raises(EtlError, match="etvi init"):
        load_file(path, peildatum=date(2024, 3, 1))


def test_hidden_sheets_are_read_with_a_warning_and_can_be_named(ref_db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    hidden = wb.active
    hidden.title = "Oud"
    for row in simple_rows(["GM0363", "", "geen", None, None, None]):
        hidden.append(row)
    hidden.sheet_state = "hidden"
    visible = wb.create_sheet("Nieuw")
    for row in simple_rows(["GM0363", "", "vastgesteld", None, None, None]):
        visible.append(row)
    wb.save(tmp_path / "verborgen.xlsx")
    result = load_file(tmp_path / "verborgen.xlsx", dry_run=True)
    assert result.outcome == "geweigerd"  # the hidden sheet is read, and contradicts the visible one
    assert [p.render() for p in result.problems] == [
        "verborgen.xlsx, blad Nieuw, rij 3, kolom 'gemeentecode': Amsterdam (GM0363) heeft voor woonzorgvisie op peildatum "
        "01-03-2024 ook al andere gegevens in blad Oud, rij 3; laat één rij staan."
    ]
    assert [w.sheet for w in result.warnings] == ["Oud"] and "verborgen" in result.warnings[0].message
    named = load_file(tmp_path / "verborgen.xlsx", dry_run=True, sheet="oud")
    assert list(named.changes.nieuwe_status) == ["geen"] and named.warnings == []  # asked for: no word about hidden
    assert list(load_file(tmp_path / "verborgen.xlsx", dry_run=True, sheet="Nieuw").changes.nieuwe_status) == ["vastgesteld"]
