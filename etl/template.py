"""The xlsx template gemeenten fill in: an instruction sheet that states the input contract, and a
data sheet with dropdowns, date validation, a frozen header and one row per gemeente.

The status words come from the database (StatusLevel), so the dropdowns always match what the
loader accepts. A filled-in template loads without edits; the demo data is written with it too.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from etl.contract import KOPLOPER, STATUS_SYNONYMS, date_column, has_date
from etl.dates import EARLIEST, LATEST
from etl.errors import EtlError
from etl.lookups import Reference, load_reference
from etvi.config import settings

DATA_SHEET = "Gegevens"
INSTRUCTION_SHEET = "Instructie"
LISTS_SHEET = "Keuzelijsten"
HEADER_ROW = 5
PEILDATUM_CELL = "B2"
EXTRA_ROWS = 200  # validated empty rows below the gemeenten, for added lines
DATE_FORMAT = "DD-MM-YYYY"
FIXED_TIME = datetime(2022, 1, 1)  # document properties: no wall-clock time in the file

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _excel_serial(value: date) -> int:
    return (value - date(1899, 12, 30)).days


def instructions(ref: Reference) -> list[tuple[str, str]]:
    """The input contract in Dutch, as (kop, tekst) lines; also the source for the README section."""
    c = ref.contract
    cfg = settings()
    lines: list[tuple[str, str]] = [
        ("Aanlevering 'Een thuis voor iedereen'", ""),
        ("", "Vul op het blad 'Gegevens' per gemeente de stand van zaken in op de peildatum. "
             "Lever het bestand aan via de uploadpagina of met: etvi load BESTAND."),
        ("Peildatum", "De datum waarop de statussen betrekking hebben. Vul de cel naast 'Peildatum' boven de tabel in, "
                      "of voeg een kolom 'peildatum' toe (per rij), of geef de peildatum op bij het laden. Verplicht."),
        ("Gemeente", "Kolom 'gemeentecode' (GM0363; ook 363 of 0363) en/of 'gemeente' (naam). Staan beide er, dan telt de code "
                     "en moet de naam erbij passen. Gangbare namen werken ook (Den Haag, Den Bosch, Friese namen met of zonder "
                     "accenten, Bergen (NH) en Bergen (L)). Een naam of code van vóór een herindeling wordt omgezet naar de "
                     "huidige gemeente, met een waarschuwing. 'Bergen' alleen is niet eenduidig."),
        ("Kolomnamen", "Hoofdletters, accenten, spaties, liggende streepjes en koppeltekens in kolomnamen tellen niet mee. "
                       "De kopregel mag in de eerste 20 rijen staan; titels erboven mogen. Een kopregel over twee rijen mag ook: "
                       "een groepstitel (Woonzorgvisie) boven 'status' en 'vastgesteld op'. Onbekende kolommen worden genegeerd "
                       "(met een waarschuwing)."),
    ]  # fmt: skip
    for onderdeel in c.onderdelen:
        words = " · ".join(c.levels[onderdeel])
        synonyms = {k: v for k, v in STATUS_SYNONYMS.get(onderdeel, {}).items() if v in c.levels[onderdeel]}
        extra = f" Ook geaccepteerd: {', '.join(f'{k} (= {v})' for k, v in synonyms.items())}." if synonyms else ""
        text = f"Kolom '{onderdeel}'. Toegestaan, van laag naar hoog: {words}.{extra}"
        if has_date(onderdeel):
            text += f" Datum van vaststelling in kolom '{date_column(onderdeel)}'."
        if onderdeel == KOPLOPER:
            text += " Bij 'ja' vult u in kolom 'koploperregio' de naam van de koploperregio in."
        lines.append((onderdeel, text))
    lines += [
        ("Lege cel", "Een lege statuscel betekent 'geen nieuws': er wordt niets vastgelegd. Vul 'geen' alleen in als er echt "
                     "niets is. Hoofdletters en spaties rond het woord tellen niet mee."),
        ("Datums", "Een datumcel, of als tekst 2024-03-01, 1-3-2024, 01-03-2024 of 1 maart 2024. De dag staat altijd vóór de maand. "
                  "Een datum van vaststelling na de peildatum is een fout."),
        ("Toelichting", f"Vrije tekst bij de rij, hoogstens {cfg.max_toelichting} tekens."),
        ("Bron", f"Een link naar het document (raadsbesluit, visie), hoogstens {cfg.max_bron} tekens. Alleen links die beginnen met http:// of https://."),
        ("Bestanden", f"Excel-werkmap (.xlsx of het oude .xls), OpenDocument (.ods) of CSV (.csv, met ; of , als scheidingsteken; UTF-8 of "
                      f"Windows-1252). Maximaal {cfg.max_file_mb} MB en {cfg.max_rows} rijen. Formules moeten een berekende "
                      "waarde hebben (sla het bestand op in Excel of LibreOffice). Bestanden met macro's (.xlsm) worden geweigerd. "
                      "Alle bladen met een herkenbare kopregel worden gelezen (ook verborgen bladen, met een waarschuwing); "
                      "met --sheet leest u één blad. Totaalrijen en opmerkingen onder de tabel worden overgeslagen."),
        ("Controle", "Het hele bestand wordt eerst gecontroleerd. Bij één fout wordt niets geladen en krijgt u een lijst met "
                     "alle fouten (blad, rij, kolom, waarde en wat wel mag). Hetzelfde bestand nog eens laden verandert niets."),
        ("Geschiedenis", "Niets wordt overschreven: een nieuwe aanlevering voor dezelfde gemeente en peildatum komt erbij en "
                         "telt vanaf dan (de nieuwste aanlevering wint)."),
    ]  # fmt: skip
    return lines


def write_template(
    path: str | Path,
    *,
    gemeenten: list[str] | None = None,
    peildatum: date | None = None,
    values: dict[str, dict[str, object]] | None = None,
    title: str | None = None,
    reference: Reference | None = None,
    url: str | None = None,
) -> Path:
    """Write the template; ``gemeenten`` limits the prefilled rows (codes), ``values`` fills cells
    per gemeente code and column name (used by the demo data and the tests)."""
    ref = reference or load_reference(url)
    codes = gemeenten or sorted(ref.names, key=lambda c: ref.names[c])
    unknown = [c for c in codes if c not in ref.names]
    if unknown:
        raise EtlError(f"Onbekende gemeentecode(s): {', '.join(unknown)}. Gebruik de vorm GM0363.")
    columns = ref.contract.columns()
    wb = Workbook()
    wb.properties.creator = "ETVI-monitor"
    wb.properties.created = wb.properties.modified = FIXED_TIME

    info = wb.active
    info.title = INSTRUCTION_SHEET
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 120
    for row, (head, text) in enumerate(instructions(ref), start=1):
        info.cell(row=row, column=1, value=head).font = _BOLD
        cell = info.cell(row=row, column=2, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    ws = wb.create_sheet(DATA_SHEET)
    wb.active = 1
    ws["A1"] = title or "Een thuis voor iedereen: stand van zaken per gemeente"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Peildatum"
    ws["A2"].font = _BOLD
    ws[PEILDATUM_CELL] = peildatum
    ws[PEILDATUM_CELL].number_format = DATE_FORMAT
    ws["A3"] = "Vul per gemeente de statussen in. Een lege cel betekent: geen nieuws. Zie het blad 'Instructie'."
    for col, name in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=name)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = max(14, min(len(name) + 4, 40))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    values = values or {}
    date_cols = {date_column(o) for o in ref.contract.onderdelen if has_date(o)}
    for offset, code in enumerate(codes):
        row = HEADER_ROW + 1 + offset
        filled = values.get(code, {})
        base = {"gemeentecode": code, "gemeente": ref.names[code], "provincie": ref.provincies.get(code, "")}
        for col, name in enumerate(columns, start=1):
            value = base.get(name, filled.get(name))
            if value is None or value == "":
                if name in date_cols:
                    ws.cell(row=row, column=col).number_format = DATE_FORMAT
                continue
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # never let a typed value become a formula
            if name in date_cols:
                cell.number_format = DATE_FORMAT
    last = HEADER_ROW + len(codes) + EXTRA_ROWS

    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for col, onderdeel in enumerate(ref.contract.onderdelen, start=1):
        lists.cell(row=1, column=col, value=f"keuzes {onderdeel}")
        for i, word in enumerate(ref.contract.levels[onderdeel], start=2):
            lists.cell(row=i, column=col, value=word)
        letter = get_column_letter(col)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(ref.contract.levels[onderdeel]) + 1}"
        dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        dv.errorTitle, dv.error = "Ongeldige status", f"Kies een status voor {onderdeel} uit de lijst, of laat de cel leeg."
        dv.promptTitle, dv.prompt = onderdeel, "Kies uit de lijst; leeg = geen nieuws."
        target = get_column_letter(columns.index(onderdeel) + 1)
        dv.add(f"{target}{HEADER_ROW + 1}:{target}{last}")
        ws.add_data_validation(dv)
    date_dv = DataValidation(
        type="date", operator="between", formula1=str(_excel_serial(EARLIEST)), formula2=str(_excel_serial(LATEST)),
        allow_blank=True, showErrorMessage=True,
    )  # fmt: skip
    date_dv.errorTitle, date_dv.error = "Ongeldige datum", "Vul een datum in, bijvoorbeeld 1-3-2024 (dag-maand-jaar)."
    date_dv.add(PEILDATUM_CELL)
    for name in sorted(date_cols):
        letter = get_column_letter(columns.index(name) + 1)
        date_dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
    ws.add_data_validation(date_dv)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + len(codes)}"

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
