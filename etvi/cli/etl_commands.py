"""``etvi load``, ``etvi template``, ``etvi export`` and ``etvi demo-data``: spreadsheets in and out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from etl import names
from etl.dates import EXAMPLES, DateError, format_date, parse_date
from etl.demo import load_demo_data
from etl.errors import EtlError, Problem
from etl.export import check_output_path, write_csv_bytes, write_export
from etl.load import GEWEIGERD, LoadResult
from etl.lookups import load_reference
from etl.names import printable
from etl.safety import KINDS, REFUSED
from etl.template import write_template
from etvi import publicatie as publicaties
from etvi.upload.service import load_file

console = Console(highlight=False)

OUTCOME_STYLE = {"geladen": "green", "ongewijzigd": "cyan", "proef": "yellow", "geweigerd": "bold red"}
MAX_SHOWN = 50
SKIP_PREFIXES = ("~$", ".~lock", ".")


def _date(value: Optional[str], future: bool = False) -> Optional[date]:
    """``--peildatum``: a Dutch message (EtlError, exit code 2) instead of Typer's English usage box."""
    if value is None:
        return None
    try:
        when = parse_date(value)
    except DateError as exc:
        raise EtlError(f"--peildatum: {str(exc).rstrip('.')}. Toegestaan: {', '.join(EXAMPLES[1:])}.") from None
    if not future and when > date.today():
        raise EtlError(f"--peildatum: {format_date(when)} ligt in de toekomst; een peildatum is vandaag of eerder.")
    return when


def _sentence(text: str) -> str:
    """End with one full stop (not '?.' or '..')."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir()
                if p.is_file() and not p.name.startswith(SKIP_PREFIXES) and p.suffix.lower() in {**KINDS, **REFUSED}
            )  # fmt: skip
        elif path.is_file():
            found.append(path)
        else:
            raise EtlError(f"Bestand of map niet gevonden: {printable(path)}")
    if not found:
        raise EtlError("Geen bestanden gevonden om te laden (.xlsx, .ods, .csv of .xls).")
    return found


def _print_problems(result) -> None:
    for problem in result.problems[:MAX_SHOWN]:
        console.print(f"  [red]fout[/]  {escape(problem.render())}", markup=True, highlight=False, soft_wrap=True)
    if len(result.problems) > MAX_SHOWN:
        console.print(f"  … en nog {result.error_count - MAX_SHOWN} fouten")
    for warning in result.warnings[:MAX_SHOWN]:
        console.print(f"  [yellow]let op[/] {escape(warning.render())}", markup=True, highlight=False, soft_wrap=True)
    if len(result.warnings) > MAX_SHOWN:
        console.print(f"  … en nog {len(result.warnings) - MAX_SHOWN} waarschuwingen")


def _print_changes(result) -> None:
    changes = result.changes
    if changes.empty:
        console.print("  Geen wijzigingen ten opzichte van de database.")
        return
    table = Table("gemeente", "onderdeel", "peildatum", "wat", "nu", "wordt", title=f"Wijzigingen ({len(changes)})", title_justify="left")
    for row in changes.head(MAX_SHOWN).itertuples(index=False):
        what = row.details or row.wat  # e.g. "vastgesteld op: 10-01-2026 → 15-02-2026" (etl.load.compute_changes)
        table.add_row(f"{row.gemeente} ({row.gemeente_code})", row.onderdeel, format_date(row.peildatum), what, row.huidige_status or "—", row.nieuwe_status)
    console.print(table)
    if len(changes) > MAX_SHOWN:
        console.print(f"  … en nog {len(changes) - MAX_SHOWN} wijzigingen")


def load(
    paths: Annotated[list[Path], typer.Argument(help="Bestanden (.xlsx, .ods, .csv, .xls) of mappen met zulke bestanden.", show_default=False)],
    peildatum: Annotated[Optional[str], typer.Option("--peildatum", help="Peildatum voor rijen zonder eigen peildatum, bv. 2024-03-01 of 1-3-2024. Gaat vóór de cel 'Peildatum' in het bestand.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Lees alleen dit blad (standaard: alle bladen met een herkenbare kopregel).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Alleen controleren en tonen wat er zou veranderen; niets opslaan.")] = False,
) -> None:
    """Laad statusbestanden in de database. Elk bestand wordt eerst helemaal gecontroleerd en dan in zijn geheel geladen, of niet."""
    when = _date(peildatum, future=True)  # a future peildatum is refused per file, and logged
    files = _files(paths)
    ref = load_reference()
    results = []
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        file_task = progress.add_task("Bestanden", total=len(files))
        row_task = progress.add_task("Rijen", total=None)
        for path in files:
            shown = names.clean(path.name)  # a name is data: it may hold anything, even bytes that are not UTF-8
            progress.reset(row_task, total=None, description=f"Rijen {escape(shown)}")

            def on_rows(done: int, total: int) -> None:
                progress.update(row_task, completed=done, total=max(total, done))

            try:
                result = load_file(path, peildatum=when, sheet=sheet, dry_run=dry_run, progress=on_rows, reference=ref)
            except EtlError as exc:  # this file only (e.g. it disappeared); the batch goes on
                result = LoadResult(file_name=shown, outcome=GEWEIGERD, problems=[Problem(str(exc).rstrip("."), file=shown)], error_count=1)
            results.append(result)
            style = OUTCOME_STYLE.get(result.outcome, "")
            progress.console.print(f"[bold]{escape(result.file_name)}[/]: [{style}]{result.outcome}[/]", highlight=False)
            _print_problems(result)
            if dry_run and result.outcome != GEWEIGERD:
                _print_changes(result)
            progress.advance(file_task)

    summary = Table("bestand", "uitkomst", "rijen", "records", "wijzigingen", "fouten", "waarschuwingen", title="Samenvatting", title_justify="left")
    for r in results:
        written = r.records_written if not dry_run else r.records_valid
        summary.add_row(
            escape(r.file_name), f"[{OUTCOME_STYLE.get(r.outcome, '')}]{r.outcome}[/]", str(r.rows_read), str(written),
            str(len(r.changes)), str(r.error_count), str(len(r.warnings)),
        )  # fmt: skip
    console.print(summary)
    refused = sum(r.outcome == GEWEIGERD for r in results)
    if dry_run:
        console.print("Proefrun: er is niets opgeslagen.")
    if refused:
        console.print(f"[bold red]{refused} van {len(results)} bestand(en) geweigerd.[/] Verbeter de fouten en laad het bestand opnieuw.")
        raise typer.Exit(1)


def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="Het te schrijven bestand (.xlsx).")] = Path("etvi-sjabloon.xlsx"),
    gemeente: Annotated[Optional[list[str]], typer.Option("--gemeente", help="Alleen deze gemeente (code zoals GM0363, of naam); mag vaker.")] = None,
    peildatum: Annotated[Optional[str], typer.Option("--peildatum", help="Vul de peildatum alvast in, bv. 2024-03-01.")] = None,
) -> None:
    """Schrijf het invulsjabloon: een instructieblad en een gegevensblad met keuzelijsten, één rij per gemeente."""
    if output.suffix.lower() != ".xlsx":
        raise EtlError("Het sjabloon is een Excel-werkmap: geef een bestandsnaam die eindigt op .xlsx.")
    when = _date(peildatum)
    check_output_path(output)
    ref = load_reference()
    codes = None
    if gemeente:
        codes = []
        for value in gemeente:
            found = ref.resolver.resolve(value, "") if ref.resolver.by_code(value).code else ref.resolver.by_name(value)
            if found.code is None:
                raise EtlError(f"--gemeente {value}: {_sentence(found.error)}")
            codes.append(found.code)
    try:
        path = write_template(output, gemeenten=codes, peildatum=when, reference=ref)
    except OSError as exc:
        raise EtlError(f"Kan {output} niet schrijven: {exc.strerror or exc}.") from None
    console.print(f"Sjabloon geschreven: {path} ({len(codes) if codes else len(ref.names)} gemeenten).")


def export(
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Het te schrijven bestand; '-' schrijft csv naar het scherm. Standaard etvi-export-<datum>.csv.")] = None,
    peildatum: Annotated[Optional[str], typer.Option("--peildatum", help="De stand op deze datum (standaard vandaag).")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="csv of xlsx (standaard: volgens de extensie van -o, anders csv).")] = None,
    publicatie: Annotated[Optional[str], typer.Option("--publicatie", help="De cijfers van deze publicatie (nummer uit 'etvi publicatie list'): elke keer dezelfde bytes.")] = None,
) -> None:
    """Exporteer per gemeente de status, datum van vaststelling en peildatum per onderdeel (csv voor Excel, of xlsx)."""
    if publicatie is not None:
        _export_publicatie(output, peildatum, fmt, publicatie)
        return
    when = _date(peildatum, future=True) or date.today()
    if output is None:
        output = f"etvi-export-{when.isoformat()}.{(fmt or 'csv').lower()}"
    path = write_export(output, fmt=fmt, peildatum=when)
    if path is not None:
        console.print(f"Export geschreven: {path} (stand op {when:%d-%m-%Y}).")


def _export_publicatie(output: Optional[str], peildatum: Optional[str], fmt: Optional[str], number: str) -> None:
    """A publicatie's figures as csv: the bytes stored as it was made (the state at its peildatum as
    known at its moment, with the gemeenten of then), so the same bytes on every call (an xlsx file carries the time it was written, so it is refused)."""
    if peildatum is not None:
        raise EtlError("--publicatie en --peildatum gaan niet samen: een publicatie heeft haar eigen peildatum.")
    if (fmt or "csv").strip().lower() != "csv" or (output not in (None, "-") and Path(output).suffix.lower() == ".xlsx"):
        raise EtlError("Een publicatie wordt als csv geëxporteerd (steeds dezelfde bytes); laat --format weg of kies een .csv-bestand.")
    p = publicaties.get(number)
    if output is None:
        output = f"etvi-publicatie-{p.id}.csv"
    path = write_csv_bytes(output, publicaties.csv_bytes(p))  # stored as it was made
    if path is not None:
        console.print(f"Export geschreven: {path} (publicatie {p.id}: stand op {p.peildatum:%d-%m-%Y} zoals bekend op {p.kennis:%d-%m-%Y %H:%M} UTC).")


def demo_data(
    directory: Annotated[Optional[Path], typer.Option("--dir", help="Map voor de demobestanden (standaard data/demo).")] = None,
) -> None:
    """Maak fictieve demogegevens (2022 tot vandaag) als sjabloonbestanden en laad ze; gemarkeerd als demo."""
    result = load_demo_data(directory, load_file=load_file)
    if result.skipped:
        console.print("Demogegevens zijn al geladen; er is niets veranderd.")
        return
    console.print(
        f"Demogegevens geladen: {len(result.files)} bestanden in {result.directory}, {result.records} statussen, "
        f"in {result.seconds:.1f} s. De database is gemarkeerd als demo."
    )


def register(app: typer.Typer) -> None:
    app.command("load")(load)
    app.command("template")(template)
    app.command("export")(export)
    app.command("demo-data")(demo_data)
