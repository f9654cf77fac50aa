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
