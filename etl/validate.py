"""Rows of a ``Table`` → status records, with every problem in the file collected, not just the first.

One record per row and onderdeel with a status; an empty status cell is "no news" and writes
nothing. Conversions are memoised per distinct cell value, so a 100,000-row history file with a
few hundred distinct names, words and dates costs little more than reading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, NamedTuple
from urllib.parse import urlsplit

from etl.cells import ERROR_VALUES, ErrorValue, clean, error_message, has_invisible
from etl.contract import KOPLOPER, NOTE, TOTAL, header_key, row_kind
from etl.dates import EXAMPLES, DateError, format_date, parse_date
from etl.errors import ERROR, WARNING, Problem, show
from etl.lookups import Reference
from etl.read import FIELD_LIMIT, Sheets, SkippedSheet, Table
from etvi.config import settings

MAX_PROBLEMS = 1000
BLANK = object()  # an empty status cell: no news
_record = tuple.__new__  # builds a Record without NamedTuple's Python-level __new__ (hot loop)
PROGRESS_EVERY = 2000
NO_DATA_SKIPPED = "is geen bekende gemeente en de rij heeft geen statussen; de rij is overgeslagen"
NO_STATUS = "het bestand bevat geen enkele status; vul per gemeente minstens één status in"


class Record(NamedTuple):
    gemeente_code: str
    onderdeel: str
    status: str
    adopted_on: date | None
    peildatum: date
    comment: str | None
    source_url: str | None
    koploperregio: str | None


@dataclass
class Validated:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    error_count: int = 0
    peildatum: date | None = None  # the file-level peildatum, if there is one
    gemeenten: set[str] = field(default_factory=set)  # every gemeente a data row was about, also refused rows


def _empty(value: object) -> bool:
    if value is None or value == "":
        return True
    if value.__class__ is str or isinstance(value, str):
        text = value.strip()
        return not text or (has_invisible(text) and not clean(text).strip())
    return False


def as_text(value: object) -> str:
    if isinstance(value, str):
        return clean(value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return format_date(value)
    return str(value).strip()


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_url(text: str) -> str | None:
    """An error message, or None for an acceptable http(s) link."""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        return f"'{show(text)}' is geen geldige link; alleen links die beginnen met http:// of https:// zijn toegestaan"
    return None


class _Collector:
    """Errors up to a cap; warnings folded per message so a merger in 300 rows is one line."""

    def __init__(self, file: str, sheet: str | None):
        self.file, self.sheet = file, sheet
        self.errors: list[Problem] = []
        self.error_count = 0
        self._warnings: dict[tuple, list] = {}

    def error(self, message: str, row: int | None = None, column: str | None = None, value=None, allowed=()) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_PROBLEMS:
            shown = None if _empty(value) else show(value)
            self.errors.append(Problem(message, self.file, self.sheet, row, column, shown, tuple(allowed), ERROR))

    def warning(self, message: str, row: int | None = None, column: str | None = None, value=None, kind: str | None = None) -> None:
        """Warnings of one kind in one column are shown once, with the number of other rows."""
        key = (kind or message, column)
        if key in self._warnings:
            self._warnings[key][1] += 1
            return
        shown = None if _empty(value) else show(value)
        self._warnings[key] = [Problem(message, self.file, self.sheet, row, column, shown, (), WARNING), 0]

    def warnings(self) -> list[Problem]:
        result = []
        folded = list(self._warnings.values())
        for problem, more in folded[:MAX_PROBLEMS]:
            if more:
                problem = Problem(
                    f"{problem.message} (en in nog {more} andere rij{'en' if more > 1 else ''})",
                    problem.file, problem.sheet, problem.row, problem.column, problem.value, problem.allowed, WARNING,
                )  # fmt: skip
            result.append(problem)
        if len(folded) > MAX_PROBLEMS:
            rest = len(folded) - MAX_PROBLEMS
            result.append(Problem(f"… en nog {rest} andere waarschuwingen die niet afzonderlijk worden getoond", self.file, self.sheet, severity=WARNING))
        return result

    def truncated(self) -> list[Problem]:
        if self.error_count <= len(self.errors):
            return self.errors
        rest = self.error_count - len(self.errors)
        return self.errors + [Problem(f"… en nog {rest} fouten die niet afzonderlijk worden getoond", self.file, self.sheet)]


def validate(
    table: Table,
    ref: Reference,
    *,
    peildatum: date | None = None,
    allowed_gemeenten: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    seen: dict | None = None,
    alone: bool = True,
) -> Validated:
    """Check every row of one sheet; ``peildatum`` (command line / upload form) overrides the
    file's cell. ``seen``: the records of the sheets checked before, to find the same gemeente
    and onderdeel on two sheets; ``alone``: this sheet is the whole file (so no status at all is
    an error here rather than for the file)."""
    today = today or date.today()
    cfg = settings()
    max_note, max_bron = cfg.max_toelichting, cfg.max_bron
    out = _Collector(table.file, table.sheet)
    for w in table.warnings:
        out.warning(w.message, w.row, w.column, w.value)
    for p in table.errors:
        if p.is_error:
            out.error(p.message, p.row, p.column, p.value)
        else:
            out.warning(p.message, p.row, p.column, p.value)
    contract, resolver = ref.contract, ref.resolver
    cols = table.columns
    idx = {name: place[0] for name, place in cols.items()}
    head = {name: place[1] for name, place in cols.items()}

    # The file-level peildatum: the explicit parameter wins over the cell above the header.
    file_peildatum: date | None = peildatum
    if table.peildatum is not None:
        raw, row, label = table.peildatum
        try:
            in_file = parse_date(raw)
        except DateError as exc:
            in_file = None
            if peildatum is None:
                out.error(str(exc), row, label, raw, EXAMPLES)
        if in_file is None and peildatum is None and _empty(raw) and "peildatum" not in idx:
            out.error("de peildatum is niet ingevuld; vul de datum in naast 'Peildatum'", row, label)
        if in_file and peildatum and in_file != peildatum:
            out.warning(
                f"de peildatum in het bestand ({format_date(in_file)}) wijkt af van de opgegeven peildatum "
                f"({format_date(peildatum)}); de opgegeven peildatum is gebruikt",
                row, label, raw,
            )  # fmt: skip
        file_peildatum = peildatum or in_file
    if file_peildatum is None and "peildatum" not in idx and table.peildatum is None:
        out.error(
            "er is geen peildatum. Vul de cel 'Peildatum' boven de kopregel in, voeg een kolom 'peildatum' toe, "
            "of geef de peildatum op bij het laden (--peildatum)"
        )
    if file_peildatum and file_peildatum > today:
        out.error(f"de peildatum {format_date(file_peildatum)} ligt in de toekomst")
        file_peildatum = None

    status_cols = [(o, idx[f"status:{o}"], head[f"status:{o}"]) for o in contract.onderdelen if f"status:{o}" in idx]
    date_cols = {o: (idx[f"datum:{o}"], head[f"datum:{o}"]) for o in contract.onderdelen if f"datum:{o}" in idx}
    for o in date_cols:
        if f"status:{o}" not in idx:
            out.warning(f"er is een datumkolom voor {o} maar geen statuskolom; de datums worden genegeerd", table.header_row, date_cols[o][1])
    i_code, i_name = idx.get("gemeentecode"), idx.get("gemeente")
    i_peil, i_regio, i_note, i_bron = idx.get("peildatum"), idx.get("koploperregio"), idx.get("toelichting"), idx.get("bron")
    data_indexes = [i for _, i, _ in status_cols] + [i for i, _ in date_cols.values()] + [i for i in (i_regio, i_note, i_bron) if i is not None]
    gemeente_column = head.get("gemeentecode") or head.get("gemeente")

    width = 1 + max([i for i in idx.values()] or [0])
    padding = [""] * width
    words = {o: {} for o, _, _ in status_cols}  # raw cell → status (None: not a valid word)
    dates: dict[object, tuple[date | None, str | None]] = {}
    urls: dict[str, str | None] = {}
    places: dict[tuple[object, object], object] = {}  # (code cell, name cell) → Resolution
    plan = [(o, i, header, date_cols.get(o, (None, None))) for o, i, header in status_cols]
    checked = sorted({i: head[name] for name, i in idx.items()}.items())  # every column that is read

    def to_date(raw: object) -> tuple[date | None, str | None]:
        try:
            return dates[raw]
        except KeyError:
            try:
                result = (parse_date(clean(raw)), None)
            except DateError as exc:
                result = (None, str(exc))
            dates[raw] = result
            return result

    result = Validated(peildatum=file_peildatum)
    seen = {} if seen is None else seen  # (code, onderdeel, peildatum) → (sheet, row, record)
    totals_rows = table.totals_rows
    header_keys = [{c: header_key(v) for c, v in enumerate(h) if isinstance(v, str) and v.strip()} for h in table.header_rows]

    def repeats_header(cells: list) -> bool:
        texts = {c: header_key(v) for c, v in enumerate(cells) if isinstance(v, str) and v.strip()}
        return bool(texts) and any(all(keys.get(c) == k for c, k in texts.items()) for keys in header_keys)

    def not_a_gemeente(cells: list, no_data: bool) -> str | None:
        """Why a row whose gemeente cells name no gemeente is no data row (a totals row, a note,
        the header again, a text without statuses), or None: then it is a data row after all."""
        labels = [v for v in (cells[i_code] if i_code is not None else "", cells[i_name] if i_name is not None else "") if not _empty(v)]
        if not labels:  # "Totaal" or a note may stand in another column than the gemeente
            first = next((c for c in cells if isinstance(c, str) and not _empty(c)), None)
            labels = [first] if first is not None else []
        texts = [as_text(v) for v in labels]
        if any(resolver.known(t) for t in texts):
            return None
        for text in texts:
            kind = row_kind(text)
            if kind == TOTAL:
                return f"'{show(text)}' is een totaalrij, geen gemeente; de rij is overgeslagen"
            if kind == NOTE:
                return f"'{show(text)}' is een opmerking, geen gemeente; de rij is overgeslagen"
            if contract.field_for(text) in ("gemeente", "gemeentecode"):
                return "de kopregel staat hier nog een keer; de rij is overgeslagen"
        if repeats_header(cells):
            return "de kopregel staat hier nog een keer; de rij is overgeslagen"
        if no_data and texts:
            return f"'{show(texts[0])}' {NO_DATA_SKIPPED}"
        return None

    def skip(why: str, number: int) -> None:
        """Totals, notes and a repeated header are few and each named; texts without statuses may be
        a long list of anything, so those are folded into one line with a count."""
        out.warning(why, number, kind="geen gemeente, geen statussen" if why.endswith(NO_DATA_SKIPPED) else None)

    records, about = result.records, result.gemeenten
    rows_read = 0
    total = table.total_rows
    for number, cells in table.rows:
        for c in cells:
            if c != "" and c is not None:
                break
        else:
            continue  # an empty row
        rows_read += 1
        if progress and rows_read % PROGRESS_EVERY == 0:
            progress(rows_read, total)
        if len(cells) < width:
            cells = list(cells) + padding[len(cells) :]
        if number in totals_rows:
            out.warning("dit is de totaalrij van de Excel-tabel, geen gemeente; de rij is overgeslagen", number)
            continue
        broken = None
        too_long = False
        for i, header in checked:
            value = cells[i]
            if value.__class__ is str and len(value) > FIELD_LIMIT:
                out.error(f"de cel is langer dan {_thousands(FIELD_LIMIT)} tekens; dat is geen statusbestand", number, header, value)
                too_long = True
            elif type(value) is ErrorValue or value in ERROR_VALUES:
                broken = (broken or []) + [(header, value)]
        if too_long:
            continue  # the row is refused for its oversized cell
        if broken:
            # the row is refused for its error cells (its other cells say nothing reliable), unless
            # it is no data row at all: a "Gemiddelde" row showing #DEEL/0! is skipped like any total
            why = not_a_gemeente(cells, False)
            if why:
                skip(why, number)
                continue
            for header, value in broken:
                out.error(error_message(value), number, header, value)
            continue
        for i in data_indexes:
            if not _empty(cells[i]):
                break
        else:
            why = not_a_gemeente(cells, True)  # None: a prefilled gemeente row without news
            if why:
                skip(why, number)
            continue
        code_raw = cells[i_code] if i_code is not None else ""
        name_raw = cells[i_name] if i_name is not None else ""
        try:
            found = places[(code_raw, name_raw)]
        except KeyError:
            found = places[(code_raw, name_raw)] = resolver.resolve(clean(code_raw), clean(name_raw))
        except TypeError:
            found = resolver.resolve(clean(code_raw), clean(name_raw))
        code = found.code
        if code is not None:
            about.add(code)
        if code is None and (why := not_a_gemeente(cells, False)):
            skip(why, number)
            continue
        if code is None:
            use_code = found.field == "gemeentecode" and i_code is not None
            column = head.get("gemeentecode") if use_code else (head.get("gemeente") or gemeente_column)
            out.error(found.error, number, column, code_raw if use_code else name_raw)
        else:
            if found.warning:
                by_code = not _empty(code_raw) and not found.homoglyph
                out.warning(found.warning, number, head.get("gemeentecode" if by_code else "gemeente"), code_raw if by_code else name_raw)
            if allowed_gemeenten is not None and code not in allowed_gemeenten:
                mine = ", ".join(resolver.label(c) for c in sorted(allowed_gemeenten)) or "geen enkele gemeente"
                out.error(
                    f"u mag alleen gegevens aanleveren voor {mine}; deze rij gaat over {resolver.label(code)}",
                    number, gemeente_column, code_raw if not _empty(code_raw) else name_raw,
                )  # fmt: skip
                code = None

        row_peildatum = file_peildatum
        if i_peil is not None:
            raw_peil = cells[i_peil]
            if not _empty(raw_peil):
                value, error = to_date(raw_peil)
                if error:
                    out.error(error, number, head["peildatum"], raw_peil, EXAMPLES)
                    row_peildatum = None
                elif value > today:
                    out.error(f"de peildatum {format_date(value)} ligt in de toekomst", number, head["peildatum"], raw_peil)
                    row_peildatum = None
                else:
                    row_peildatum = value
            elif file_peildatum is None:
                out.error("de peildatum is leeg en het bestand heeft geen peildatum voor alle rijen", number, head["peildatum"])

        note = as_text(cells[i_note]) if i_note is not None else ""
        bron = as_text(cells[i_bron]) if i_bron is not None else ""
        if len(note) > max_note:
            out.error(
                f"de toelichting is {_thousands(len(note))} tekens lang; het maximum is {_thousands(max_note)}. Kort de tekst in "
                "of zet een link naar het stuk in de kolom bron",
                number, head["toelichting"], note,
            )  # fmt: skip
            note = ""
        if len(bron) > max_bron:
            out.error(f"de link is {_thousands(len(bron))} tekens lang; het maximum is {_thousands(max_bron)}", number, head["bron"], bron)
            bron = ""
        if bron:
            if bron not in urls:
                urls[bron] = check_url(bron)
            if urls[bron]:
                out.error(urls[bron], number, head["bron"], bron)
        regio = as_text(cells[i_regio]) if i_regio is not None else ""

        row_records: list[Record] = []
        koploper_seen = False
        for onderdeel, i, header, (i_date, date_header) in plan:
            raw = cells[i]
            date_raw = cells[i_date] if i_date is not None else ""
            known = words[onderdeel]
            try:
                status = known[raw]
            except KeyError:
                text = as_text(raw) if raw is not None else ""
                status = known[raw] = BLANK if not text else contract.status(onderdeel, text)
            if status is BLANK:
                if date_raw != "" and not _empty(date_raw):
                    out.error(f"er staat een datum bij {onderdeel}, maar geen status; vul ook de status in", number, date_header, date_raw)
                continue
            if status is None:
                out.error(f"'{show(as_text(raw))}' is geen geldige status", number, header, raw, contract.levels[onderdeel])
                continue
            adopted = None
            if date_raw != "":
                adopted, error = to_date(date_raw)
                if error:
                    out.error(error, number, date_header, date_raw, EXAMPLES)
                    continue
                if row_peildatum and adopted > row_peildatum:
                    # a status cannot have been adopted after the day it describes: the map would
                    # show a status that did not exist yet on that peildatum
                    out.error(
                        f"de datum vastgesteld op ({format_date(adopted)}) ligt na de peildatum ({format_date(row_peildatum)}); "
                        f"op {format_date(row_peildatum)} was {onderdeel} nog niet vastgesteld. Corrigeer de datum of de peildatum",
                        number, date_header, date_raw,
                    )  # fmt: skip
                    continue
            row_regio = None
            if onderdeel == KOPLOPER:
                koploper_seen = True
                if status == "ja":
                    row_regio = regio or None
                    if not regio:
                        out.warning("koploper is 'ja' maar de koploperregio is niet ingevuld", number, head.get("koploperregio") or header)
                elif regio:
                    out.warning(
                        f"koploperregio '{show(regio)}' is genegeerd omdat koploper '{status}' is", number, head.get("koploperregio"), regio,
                        kind="regio bij nee",
                    )  # fmt: skip
            if code is not None and row_peildatum is not None:
                row_records.append(_record(Record, (code, onderdeel, status, adopted, row_peildatum, note or None, bron or None, row_regio)))
        if regio and not koploper_seen and i_regio is not None:
            out.warning("koploperregio is ingevuld zonder koploper ja/nee; de regio is genegeerd", number, head["koploperregio"], regio)
        if not row_records and (note or bron) and all(_empty(cells[i]) for _, i, _ in status_cols):
            out.warning("toelichting of bron zonder status wordt niet opgeslagen", number, head.get("toelichting") or head.get("bron"))
        for record in row_records:
            key = (record.gemeente_code, record.onderdeel, record.peildatum)
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = (table.sheet, number, record)
                records.append(record)
                continue
            there = f"rij {earlier[1]}" if earlier[0] == table.sheet else f"blad {earlier[0]}, rij {earlier[1]}"
            if earlier[2] == record:
                out.warning(
                    f"{resolver.label(record.gemeente_code)} staat dubbel voor {record.onderdeel} (zelfde gegevens als {there})",
                    number, gemeente_column, kind="dubbel",
                )  # fmt: skip
            else:
                out.error(
                    f"{resolver.label(record.gemeente_code)} heeft voor {record.onderdeel} op peildatum "
                    f"{format_date(record.peildatum)} ook al andere gegevens in {there}; laat één rij staan",
                    number, gemeente_column,
                )  # fmt: skip
    if progress:
        progress(rows_read, max(total, rows_read))
    if alone and not records and out.error_count == 0:
        out.error(NO_STATUS)
    result.rows_read = rows_read
    result.problems = out.truncated()
    result.error_count = out.error_count
    result.warnings = out.warnings()
    if result.peildatum is None and records:
        peildata = {r.peildatum for r in records}
        if len(peildata) == 1:
            result.peildatum = next(iter(peildata))
    return result


def validate_sheets(
    sheets: Sheets,
    ref: Reference,
    *,
    peildatum: date | None = None,
    allowed_gemeenten: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> Validated:
    """Every table of the file as one: the sheets are checked in order with their records shared,
    so the same gemeente and onderdeel on two sheets is a duplicate (same data: a warning) or a
    contradiction (an error naming both places). Skipped sheets that hold gemeenten are named."""
    tables = sheets.tables
    total = sum(t.total_rows for t in tables)
    seen: dict = {}
    parts: list[Validated] = []
    done = 0
    for table in tables:
        step = None
        if progress is not None:
            step = lambda n, _total, base=done: progress(base + n, max(total, base + n))  # noqa: E731
        part = validate(
            table, ref, peildatum=peildatum, allowed_gemeenten=allowed_gemeenten, progress=step, today=today,
            seen=seen, alone=len(tables) == 1,
        )  # fmt: skip
        parts.append(part)
        done += part.rows_read
    extra = [w for s in sheets.skipped if (w := skipped_sheet_warning(s, tables[0].file, ref)) is not None]
    if len(parts) == 1:
        parts[0].warnings += extra
        return parts[0]
    result = Validated()
    listed: list[Problem] = []
    for table, part in zip(tables, parts):
        result.records += part.records
        result.rows_read += part.rows_read
        result.error_count += part.error_count
        result.gemeenten |= part.gemeenten
        result.warnings += part.warnings
        listed += part.problems[:MAX_PROBLEMS]  # without a sheet's "… en nog" line
        if not part.records and part.error_count == 0:
            result.warnings.append(
                Problem(
                    "dit blad heeft een herkenbare kopregel, maar er staat geen enkele status in; er is niets uit gelezen",
                    table.file, table.sheet, severity=WARNING,
                )  # fmt: skip
            )
    if not result.records and result.error_count == 0:
        listed.append(Problem(NO_STATUS, tables[0].file))
        result.error_count = 1
    result.problems = listed[:MAX_PROBLEMS]
    if result.error_count > len(result.problems):
        rest = result.error_count - len(result.problems)
        result.problems.append(Problem(f"… en nog {rest} fouten die niet afzonderlijk worden getoond", tables[0].file))
    result.warnings += extra
    peildata = {p.peildatum for p in parts}
    if len(peildata) == 1:
        result.peildatum = next(iter(peildata))
    if result.peildatum is None and result.records:
        days = {r.peildatum for r in result.records}
        if len(days) == 1:
            result.peildatum = next(iter(days))
    return result


def skipped_sheet_warning(sheet: SkippedSheet, file: str, ref: Reference) -> Problem | None:
    """A sheet without a recognisable header is not read; that is worth a word only when it holds
    gemeenten (an instruction sheet or a list of choices stays silent)."""
    hits: list[tuple[int, str]] = []
    for number, cells in sheet.rows:
        for cell in cells:
            if isinstance(cell, str) and cell.strip():
                text = clean(cell).strip()
                if text and not text[0].isdigit() and ref.resolver.known(text):
                    hits.append((number, text))
                    break
    if not hits:
        return None
    number, text = hits[0]
    more = f" en nog {len(hits) - 1} andere rij{'en' if len(hits) > 2 else ''}" if len(hits) > 1 else ""
    hidden = " (verborgen)" if sheet.hidden else ""
    return Problem(
        f"dit blad{hidden} is niet gelezen: het heeft geen herkenbare kopregel (een rij met 'gemeente' of 'gemeentecode' "
        f"en minstens één van: {', '.join(ref.contract.onderdelen)}), maar er staan wel gemeenten op (rij {number}: "
        f"{show(text)}{more}). Moet het blad meetellen, zet er dan zo'n kopregel boven",
        file, sheet.name, severity=WARNING,
    )  # fmt: skip
