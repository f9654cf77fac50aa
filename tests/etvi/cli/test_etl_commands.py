"""The commands through the real entry point in a subprocess: exit codes, Dutch output, no tracebacks."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.cli import run_cli
from tests.support.etl import FX, counts, simple_rows, uploads, write_xlsx


def no_traceback(proc) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "command, phrase",
    [
        ("load", "Laad statusbestanden in de database"),
        ("template", "Schrijf het invulsjabloon"),
        ("export", "Exporteer per gemeente"),
        ("demo-data", "Maak fictieve demogegevens"),
    ],
)
def test_help_is_dutch(tmp_path, command, phrase):
    proc = run_cli(command, "--help", url=f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path=tmp_path)
    assert proc.returncode == 0 and phrase in proc.stdout
    no_traceback(proc)


def test_load_files_and_a_folder_with_summary(ref_db, tmp_path):
    folder = tmp_path / "aanlevering"
    folder.mkdir()
    shutil.copy(FX / "rommelig.xlsx", folder)
    shutil.copy(FX / "windows1252_puntkomma.csv", folder)
    (folder / "~$rommelig.xlsx").write_bytes(b"lock")  # Excel's lock file is skipped
    (folder / "notities.txt.bak").write_text("x")
    proc = run_cli("load", str(FX / "template_ingevuld_libreoffice.ods"), str(folder), url=ref_db, tmp_path=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Samenvatting" in proc.stdout and proc.stdout.count("geladen") >= 6  # per file and in the table
    assert "Weesp (GM0457) is op 24-03-2022 opgegaan in Amsterdam (GM0363)" in proc.stdout
    assert [u.file_name for u in uploads(ref_db)] == ["template_ingevuld_libreoffice.ods", "rommelig.xlsx", "windows1252_puntkomma.csv"]


def test_a_bad_file_fails_the_command_but_not_the_other_files(ref_db, tmp_path):
    bad = write_xlsx(tmp_path / "fout.xlsx", simple_rows(["GM0363", "", "klaar", None, None, None], ["", "Bergen", "geen", None, None, None]))
    proc = run_cli("load", str(bad), str(FX / "template_ingevuld.xlsx"), url=ref_db, tmp_path=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "fout.xlsx, blad Status, rij 3, kolom 'woonzorgvisie': 'klaar' is geen geldige status. Toegestaan: geen, in voorbereiding" in proc.stdout
    assert "rij 4, kolom 'gemeente': 'Bergen' is niet eenduidig" in proc.stdout
    assert "1 van 2 bestand(en) geweigerd" in proc.stdout
    assert [u.outcome for u in uploads(ref_db)] == ["geweigerd", "geladen"]


def test_dry_run_shows_changes_and_writes_nothing(ref_db, tmp_path):
    proc = run_cli("load", "--dry-run", str(FX / "template_ingevuld.xlsx"), url=ref_db, tmp_path=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0 and "Proefrun: er is niets opgeslagen." in proc.stdout
    assert "Wijzigingen (" in proc.stdout and "Súdwest-Fryslân (GM1900)" in proc.stdout
    assert counts(ref_db)["records"] == 0 and uploads(ref_db) == []


def test_peildatum_option_and_bad_value(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "geen", None, None, None], peildatum=None))
    bad = run_cli("load", "--peildatum", "31-02-2024", str(path), url=ref_db, tmp_path=tmp_path)
    no_traceback(bad)
    assert bad.returncode == 2 and "'31-02-2024' is geen bestaande datum" in bad.stderr + bad.stdout
    good = run_cli("load", "--peildatum", "1 maart 2024", str(path), url=ref_db, tmp_path=tmp_path)
    assert good.returncode == 0 and uploads(ref_db)[-1].peildatum == date(2024, 3, 1)


def test_missing_file_and_uninitialised_database(db_url, tmp_path):
    missing = run_cli("load", str(tmp_path / "weg.xlsx"), url=db_url, tmp_path=tmp_path)
    no_traceback(missing)
    assert missing.returncode == 2 and "Bestand of map niet gevonden" in missing.stderr
    for args in (["load", str(FX / "template_ingevuld.xlsx")], ["template", "-o", "s.xlsx"], ["export", "-o", "-"], ["demo-data"]):
        proc = run_cli(*args, url=db_url, tmp_path=tmp_path)
        no_traceback(proc)
        assert proc.returncode == 2 and "Voer eerst `etvi init` uit" in proc.stderr, (args, proc.stderr)
    empty = run_cli("export", url=f"sqlite:///{tmp_path / 'leeg.sqlite'}", tmp_path=tmp_path)
    assert empty.returncode == 2 and "etvi init" in empty.stderr


def test_template_command(ref_db, tmp_path):
    proc = run_cli("template", "-o", "sjabloon.xlsx", "--gemeente", "GM0363", "--gemeente", "Den Haag", "--peildatum", "2024-03-01", url=ref_db, tmp_path=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0 and "Sjabloon geschreven" in proc.stdout
    ws = load_workbook(tmp_path / "sjabloon.xlsx")["Gegevens"]
    assert [ws.cell(row=r, column=1).value for r in (6, 7, 8)] == ["GM0363", "GM0518", None]
    unknown = run_cli("template", "-o", "x.xlsx", "--gemeente", "Bergen", url=ref_db, tmp_path=tmp_path)
    assert unknown.returncode == 2 and "niet eenduidig" in unknown.stderr
    wrong = run_cli("template", "-o", "x.csv", url=ref_db, tmp_path=tmp_path)
    assert wrong.returncode == 2 and ".xlsx" in wrong.stderr


def test_export_command(ref_db, tmp_path):
    assert run_cli("load", str(FX / "rommelig.xlsx"), url=ref_db, tmp_path=tmp_path).returncode == 0
    proc = run_cli("export", "-o", "-", "--peildatum", "2024-03-31", url=ref_db, tmp_path=tmp_path)
    no_traceback(proc)
    rows = {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(proc.stdout), delimiter=";")}
    assert len(rows) == 342 and rows["GM0820"]["woonzorgvisie vastgesteld op"] == "2024-03-01"
    xlsx = run_cli("export", "--format", "xlsx", "-o", "uit.xlsx", url=ref_db, tmp_path=tmp_path)
    assert xlsx.returncode == 0 and (tmp_path / "uit.xlsx").exists()
    default = run_cli("export", url=ref_db, tmp_path=tmp_path)
    assert default.returncode == 0 and (tmp_path / f"etvi-export-{date.today().isoformat()}.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_demo_data_command(ref_db, tmp_path):
    proc = run_cli("demo-data", "--dir", str(tmp_path / "demo"), url=ref_db, tmp_path=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0 and "Demogegevens geladen" in proc.stdout
    assert len(list((tmp_path / "demo").glob("demo_*.xlsx"))) >= 18
    again = run_cli("demo-data", "--dir", str(tmp_path / "demo"), url=ref_db, tmp_path=tmp_path)
    assert again.returncode == 0 and "al geladen" in again.stdout


def test_cli_messages_are_dutch_without_usage_box(ref_db, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", simple_rows(["GM0363", "", "geen", None, None, None], peildatum=None))
    for args in (["load", "--peildatum", "morgen", str(path)], ["export", "--peildatum", "32-1-2024", "-o", "x.csv"], ["template", "--peildatum", "2024-13-01", "-o", "s.xlsx"]):
        proc = run_cli(*args, url=ref_db, tmp_path=tmp_path)
        no_traceback(proc)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 2 and "--peildatum" in out and "Toegestaan: 2024-03-01" in out, (args, out)
        assert "Usage" not in out and "Try" not in out and "Invalid value" not in out, out
    future = date.today().replace(year=date.today().year + 1).isoformat()
    proc = run_cli("template", "--peildatum", future, "-o", "s.xlsx", url=ref_db, tmp_path=tmp_path)
    assert proc.returncode == 2 and "ligt in de toekomst" in proc.stderr and not (tmp_path / "s.xlsx").exists()
    proc = run_cli("load", "--peildatum", future, str(path), url=ref_db, tmp_path=tmp_path)
    assert proc.returncode == 1 and "ligt in de toekomst" in proc.stdout  # per file, and logged
    assert [u.outcome for u in uploads(ref_db)] == ["geweigerd"]


def test_unwritable_or_mismatched_output_is_a_dutch_message(ref_db, tmp_path):
    (tmp_path / "map").mkdir()
    cases = [
        (["export", "-o", "map"], "map is een map"),
        (["export", "-o", "bestaat/niet/x.csv"], "De map bestaat/niet bestaat niet"),
        (["template", "-o", "bestaat/niet.xlsx"], "De map bestaat bestaat niet"),
        (["template", "-o", "map.xlsx/"], "is een map"),
        (["export", "--format", "xlsx", "-o", "x.csv"], "--format xlsx past niet bij de bestandsnaam x.csv"),
    ]
    (tmp_path / "map.xlsx").mkdir()
    for args, message in cases:
        proc = run_cli(*args, url=ref_db, tmp_path=tmp_path)
        no_traceback(proc)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
    assert not (tmp_path / "x.csv").exists()
    proc = run_cli("export", "--format", "csv", "-o", "uit.txt", url=ref_db, tmp_path=tmp_path)
    assert proc.returncode == 0 and (tmp_path / "uit.txt").read_bytes().startswith(b"\xef\xbb\xbf")


def test_messages_end_with_one_full_stop(ref_db, tmp_path):
    bad = write_xlsx(tmp_path / "fout.xlsx", simple_rows(["", "Amsterdm", "geen", None, None, None]))
    proc = run_cli("load", str(bad), url=ref_db, tmp_path=tmp_path)
    assert "Bedoelt u: Amsterdam (GM0363), Asten (GM0743), Alblasserdam (GM0482)?\n" in proc.stdout
    assert "?." not in proc.stdout and ".." not in proc.stdout.replace("…", "")
    proc = run_cli("template", "-o", "x.xlsx", "--gemeente", "Amsterdm", url=ref_db, tmp_path=tmp_path)
    assert proc.returncode == 2 and "?." not in proc.stderr and "Bedoelt u" in proc.stderr


def test_xlsx_export_keeps_formula_like_text_without_apostrophe(ref_db, tmp_path):
    rows = [["Peildatum", date(2024, 3, 1)], ["gemeentecode", "koploper", "koploperregio"], ["GM0363", "ja", "-Regio Noord"]]
    assert run_cli("load", str(write_xlsx(tmp_path / "b.xlsx", rows)), url=ref_db, tmp_path=tmp_path).returncode == 0
    assert run_cli("export", "-o", "uit.xlsx", "--peildatum", "2024-03-01", url=ref_db, tmp_path=tmp_path).returncode == 0
    ws = load_workbook(tmp_path / "uit.xlsx")["Export"]
    header = [c.value for c in ws[1]]
    amsterdam = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "GM0363")
    cell = amsterdam[header.index("koploperregio")]
    assert cell.value == "-Regio Noord" and cell.data_type == "s" and cell.quotePrefix
    proc = run_cli("export", "-o", "-", "--peildatum", "2024-03-01", url=ref_db, tmp_path=tmp_path)
    assert ";'-Regio Noord" in proc.stdout  # csv keeps the apostrophe: csv has no cell types
