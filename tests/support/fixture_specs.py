"""What the committed fixture files say, written down once: ``make_fixtures.py`` writes the files
from these specs and the tests compare the database and the export against them."""

from __future__ import annotations

from datetime import date

# --- the filled-in template (and its LibreOffice copies) -------------------------------------
TEMPLATE_PEILDATUM = date(2024, 3, 1)
TEMPLATE_VALUES: dict[str, dict[str, object]] = {
    "GM0363": {
        "woonzorgvisie": "vastgesteld", "woonzorgvisie vastgesteld op": date(2023, 6, 15),
        "verordening": "vastgesteld", "verordening vastgesteld op": date(2022, 7, 1),
        "verdeling opgave": "in gesprek",
        "koploper": "ja", "koploperregio": "Metropoolregio Amsterdam",
        "toelichting": "Regionale woonzorgvisie MRA", "bron": "https://www.amsterdam.nl/wonen/",
    },
    "GM0518": {"woonzorgvisie": "in concept", "verordening": "in voorbereiding", "koploper": "ja", "koploperregio": "Haaglanden"},
    "GM0014": {"woonzorgvisie": "opgenomen in volkshuisvestingsprogramma", "woonzorgvisie vastgesteld op": date(2023, 1, 20)},
    "GM1900": {"verordening": "geen", "verdeling opgave": "geen afspraken", "koploper": "nee"},
    "GM0373": {"woonzorgvisie": "in voorbereiding"},
    "GM0893": {"verordening": "vastgesteld", "verordening vastgesteld op": date(2021, 11, 30)},
    "GM0344": {"verdeling opgave": "afspraken vastgesteld", "verdeling opgave vastgesteld op": date(2023, 12, 12)},
}  # fmt: skip

# The formula fixture: a status computed by a formula (cached by LibreOffice, uncached by openpyxl).
FORMULA_CODE = "GM0599"
FORMULA = '=IF(1=1,"vastgesteld","geen")'
# The legacy .xls with text formulas (their results are STRING records after each FORMULA record).
XLS_FORMULA = '="vast"&"gesteld"'
XLS_NOTE_FORMULA = '=REPT("ab",40)'

# --- the messy hand-made workbook ------------------------------------------------------------
MESSY_PEILDATUM = date(2024, 3, 31)
MESSY_HEADER = [
    "Gemeente", "CBS_code", "WOONZORGVISIE", "Woonzorgvisie vastgesteld-op", "Huisvestingsverordening",
    "Datum vaststelling verordening", "Verdeling van de opgave", "Koploper", "Koploper regio", "Contactpersoon",
    "Opmerkingen", "Link",
]  # fmt: skip
# (cells in header order, expected: code → {onderdeel: (status, adopted_on)}); None marks an empty cell.
MESSY_ROWS: list[list[object]] = [
    ["Den Haag", None, "Vastgesteld ", date(2023, 9, 14), "in voorbereiding", None, "In Gesprek", "ja", "Haaglanden", "J. Jansen", None, "https://denhaag.raadsinformatie.nl/besluit/1"],
    ["gemeente Den Bosch", "796", "concept", None, "vastgesteld", "1-3-2024", None, "nee", None, None, "via mail", None],
    ["Sudwest Fryslan", None, "in voorbereiding", None, None, None, "in gesprek", None, None, None, None, None],
    ["Bergen (NH)", None, None, None, "VASTGESTELD", "2023-11-02", None, None, None, None, None, None],
    ["Nuenen", "0820", "vastgesteld", 45352, None, None, None, None, None, None, None, None],
    ["Weesp", None, "in concept", None, None, None, None, None, None, None, "nu Amsterdam", None],
    ["Utrecht", "GM0344", "opgenomen in VHP", "1 maart 2024", None, None, None, None, None, None, None, None],
    ["Hengelo", None, None, None, "vastgesteld", "01-03-2024", None, None, None, None, None, None],
    [None] * 12,
    ["Noardeast-Fryslân", None, None, None, None, None, "concept", None, None, None, None, None],
    ["Bron: eigen inventarisatie, maart 2024", None, None, None, None, None, None, None, None, None, None, None],
]  # fmt: skip
MESSY_EXPECTED: dict[str, dict[str, tuple[str, date | None]]] = {
    "GM0518": {"woonzorgvisie": ("vastgesteld", date(2023, 9, 14)), "verordening": ("in voorbereiding", None),
               "verdeling opgave": ("in gesprek", None), "koploper": ("ja", None)},
    "GM0796": {"woonzorgvisie": ("in concept", None), "verordening": ("vastgesteld", date(2024, 3, 1)), "koploper": ("nee", None)},
    "GM1900": {"woonzorgvisie": ("in voorbereiding", None), "verdeling opgave": ("in gesprek", None)},
    "GM0373": {"verordening": ("vastgesteld", date(2023, 11, 2))},
    "GM0820": {"woonzorgvisie": ("vastgesteld", date(2024, 3, 1))},
    "GM0363": {"woonzorgvisie": ("in concept", None)},
    "GM0344": {"woonzorgvisie": ("opgenomen in volkshuisvestingsprogramma", date(2024, 3, 1))},
    "GM0164": {"verordening": ("vastgesteld", date(2024, 3, 1))},
    "GM1970": {"verdeling opgave": ("afspraken in concept", None)},
}  # fmt: skip

# --- the Windows-1252 semicolon csv (a history: rows with their own peildatum) ----------------
CSV_HEADER = [
    "Gemeentecode", "Gemeente", "Peildatum", "Woonzorgvisie", "Woonzorgvisie vastgesteld op", "Verordening",
    "Verordening vastgesteld op", "Verdeling opgave", "Koploper", "Koploperregio", "Toelichting", "Bron",
]  # fmt: skip
CSV_ROWS: list[list[object]] = [
    ["GM1900", "Súdwest-Fryslân", date(2023, 6, 30), "in voorbereiding", None, "geen", None, None, "nee", None, "Eerste opgave; één regio", None],
    ["GM1900", "Súdwest-Fryslân", date(2024, 6, 30), "vastgesteld", date(2024, 5, 15), "in voorbereiding", None, "in gesprek", None, None, "Kosten € 12.500", "https://sudwestfryslan.nl/woonzorgvisie"],
    [None, "Noardeast-Fryslân", date(2024, 6, 30), "in concept", None, None, None, None, None, None, "Coöperatie met buurgemeenten", None],
    ["153", "Enschede", date(2024, 6, 30), "vastgesteld", date(2023, 2, 1), "vastgesteld", date(2022, 12, 8), "afspraken in concept", "ja", "Enschede (Twente)", None, None],
]  # fmt: skip
CSV_EXPECTED: dict[tuple[str, date], dict[str, tuple[str, date | None]]] = {
    ("GM1900", date(2023, 6, 30)): {"woonzorgvisie": ("in voorbereiding", None), "verordening": ("geen", None), "koploper": ("nee", None)},
    ("GM1900", date(2024, 6, 30)): {"woonzorgvisie": ("vastgesteld", date(2024, 5, 15)), "verordening": ("in voorbereiding", None),
                                    "verdeling opgave": ("in gesprek", None)},
    ("GM1970", date(2024, 6, 30)): {"woonzorgvisie": ("in concept", None)},
    ("GM0153", date(2024, 6, 30)): {"woonzorgvisie": ("vastgesteld", date(2023, 2, 1)), "verordening": ("vastgesteld", date(2022, 12, 8)),
                                    "verdeling opgave": ("afspraken in concept", None), "koploper": ("ja", None)},
}  # fmt: skip

# --- a workbook with a sheet per regio (issue 9, item 11) -------------------------------------
# Every sheet with a header is read, a hidden one too (with a warning); "Uitleg" has no header and
# no gemeenten (silent), "Notities" has no header but names gemeenten (a warning naming it).
REGIO_PEILDATUM = date(2024, 6, 30)
REGIO_HEADER = ["gemeentecode", "gemeente", "woonzorgvisie", "woonzorgvisie vastgesteld op", "verordening"]
REGIO_SHEETS: dict[str, list[list[object]]] = {
    "Noord": [["GM0014", "Groningen", "vastgesteld", date(2023, 5, 1), None], ["GM0080", "Leeuwarden", None, None, "in voorbereiding"]],
    "Zuid": [["GM0935", "Maastricht", "in concept", None, None], ["GM0855", "Tilburg", None, None, "vastgesteld"]],
    "Oud": [["GM0363", "Amsterdam", "in voorbereiding", None, "geen"]],  # hidden
}  # fmt: skip
REGIO_HIDDEN = "Oud"
REGIO_EXPECTED: dict[str, dict[str, tuple[str, date | None]]] = {
    "GM0014": {"woonzorgvisie": ("vastgesteld", date(2023, 5, 1))},
    "GM0080": {"verordening": ("in voorbereiding", None)},
    "GM0935": {"woonzorgvisie": ("in concept", None)},
    "GM0855": {"verordening": ("vastgesteld", None)},
    "GM0363": {"woonzorgvisie": ("in voorbereiding", None), "verordening": ("geen", None)},
}  # fmt: skip

# --- a header over two rows (item 12): group titles merged over their sub-headers -----------------
TWO_ROW_PEILDATUM = date(2024, 9, 30)
TWO_ROW_GROUPS = ["gemeentecode", "gemeente", "Woonzorgvisie", None, "Verordening", None, "Verdeling opgave", None, "Koploper", None]
TWO_ROW_SUBS = [None, None, "status", "vastgesteld op", "status", "datum", "status", "datum", "ja/nee", "regio"]
TWO_ROW_DATA: list[list[object]] = [
    ["GM0599", "Rotterdam", "vastgesteld", date(2024, 2, 1), "in voorbereiding", None, "in gesprek", None, "ja", "Rijnmond"],
    ["GM0344", "Utrecht", "in concept", None, "vastgesteld", date(2023, 7, 6), None, None, "nee", None],
    ["GM1876", "Bronckhorst", None, None, None, None, "afspraken vastgesteld", date(2024, 4, 15), None, None],
]  # fmt: skip
TWO_ROW_EXPECTED: dict[str, dict[str, tuple[str, date | None]]] = {
    "GM0599": {"woonzorgvisie": ("vastgesteld", date(2024, 2, 1)), "verordening": ("in voorbereiding", None),
               "verdeling opgave": ("in gesprek", None), "koploper": ("ja", None)},
    "GM0344": {"woonzorgvisie": ("in concept", None), "verordening": ("vastgesteld", date(2023, 7, 6)), "koploper": ("nee", None)},
    "GM1876": {"verdeling opgave": ("afspraken vastgesteld", date(2024, 4, 15))},
}  # fmt: skip

# --- rows below (and between) the data that are not gemeenten (item 13) ---------------------------
# Gemeenten whose names start like the words that mark those rows (Bronckhorst, Someren, Opmeer)
# are data. Each skipped row: (row number in the file, a phrase of its warning).
TOTALS_PEILDATUM = date(2024, 12, 31)
TOTALS_HEADER = ["gemeente", "woonzorgvisie", "verordening", "toelichting"]
TOTALS_ROWS: list[list[object]] = [
    ["Bronckhorst", "vastgesteld", None, None],
    ["Someren", "in concept", "geen", None],
    TOTALS_HEADER,  # a second list pasted below the first, with its header
    ["Opmeer", None, "vastgesteld", "Bron: raadsbesluit"],
    ["Totaal", 3, 2, None],
    ["Gemiddelde", 1.5, 1, None],
    ["Aantal gemeenten", 3, None, None],
    [None, None, None, None],
    ["Bron: provinciale inventarisatie", None, None, None],
    ["* in concept: nog niet door de raad", None, None, None],
    [None, None, None, "Toelichting: cijfers voorlopig"],
]  # fmt: skip
TOTALS_SKIPPED: list[tuple[int, str]] = [
    (5, "de kopregel staat hier nog een keer"),
    (7, "'Totaal' is een totaalrij"),
    (8, "'Gemiddelde' is een totaalrij"),
    (9, "'Aantal gemeenten' is een totaalrij"),
    (11, "'Bron: provinciale inventarisatie' is een opmerking"),
    (12, "'* in concept: nog niet door de raad' is een opmerking"),
    (13, "'Toelichting: cijfers voorlopig' is een opmerking"),
]
TOTALS_EXPECTED: dict[str, dict[str, tuple[str, date | None]]] = {
    "GM1876": {"woonzorgvisie": ("vastgesteld", None)},
    "GM0847": {"woonzorgvisie": ("in concept", None), "verordening": ("geen", None)},
    "GM0432": {"verordening": ("vastgesteld", None)},
}

# --- an Excel table (ListObject) with a totals row (item 13) ---------------------------------------
TABLE_PEILDATUM = date(2025, 3, 31)
TABLE_HEADER = ["gemeentecode", "gemeente", "woonzorgvisie", "koploper"]
TABLE_ROWS: list[list[object]] = [["GM0363", "Amsterdam", "vastgesteld", "ja"], ["GM0599", "Rotterdam", "in concept", "nee"]]
TABLE_EXPECTED: dict[str, dict[str, tuple[str, date | None]]] = {
    "GM0363": {"woonzorgvisie": ("vastgesteld", None), "koploper": ("ja", None)},
    "GM0599": {"woonzorgvisie": ("in concept", None), "koploper": ("nee", None)},
}
