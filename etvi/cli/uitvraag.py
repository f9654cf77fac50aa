"""``etvi uitvraag``: reporting rounds from the command line (open, list, sluit, status, herinner).

Bad input ends in a Dutch message and exit code 2 (``UitvraagError`` through ``etvi.cli.main``);
the database is left unchanged. ``open`` prints the new round's id as its last line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from etl.dates import format_date
from etvi import publicatie as publicaties
from etvi.cli.actor import cli_actor
from etvi.uitvraag import mail, responses, rounds
from models import db

uitvraag = typer.Typer(
    help="Uitvragen: openen, sluiten, wie antwoordde en herinneringen mailen. VNG vraagt alle gemeenten naar hun stand op een peildatum.",
    no_args_is_help=True,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(uitvraag, name="uitvraag")



def _require_schema() -> None:
    if not db.has_schema():
        err.print("[bold red]Fout:[/] de database heeft nog geen tabellen. Voer eerst [bold]etvi init[/] uit.")
        raise typer.Exit(2)


def _print_report(report: mail.MailReport) -> None:
    labels = {mail.VERSTUURD: "verstuurd", mail.MISLUKT: "MISLUKT", mail.OVERGESLAGEN: "overgeslagen", mail.PROEF: "zou krijgen"}
    for o in report.outcomes:
        reason = f": {o.reason}" if o.reason else ""
        out.print(f"{labels[o.status]:<13} {o.email} ({', '.join(o.gemeenten)}){reason}")


def _print_texts(report: mail.MailReport) -> None:
    for recipient, subject, body in report.texts:
        out.print(f"\n--- Aan: {recipient.email}\nOnderwerp: {subject}\n\n{body}", markup=False)


def _write_texts(report: mail.MailReport, path: Path) -> None:
    try:
        path.write_text(mail.texts_csv(report), encoding="utf-8")
    except OSError as exc:
        raise rounds.UitvraagError(f"Kan {path} niet schrijven: {exc.strerror or exc}.") from None


def _finish_mail(report: mail.MailReport, dry_run: bool, uitvoer: Optional[Path], what: str) -> int:
    """Print the report; returns the exit code (1 when nothing could be sent or a mail failed)."""
    _print_report(report)
    if uitvoer is not None:
        _write_texts(report, uitvoer)
        out.print(f"Ontvangers en tekst geschreven naar {uitvoer}.")
    if dry_run:
        out.print(f"Proef: {report.count(mail.PROEF)} {what} zou(den) verstuurd worden; er is niets verstuurd.")
        return 0
    if not report.configured:
        _print_texts(report)
        err.print(f"[bold red]Niet verstuurd:[/] {report.message}")
        out.print(f"0 {what} verstuurd ({len(report.texts)} ontvangers, zie hierboven).")
        return 1
    failed = report.count(mail.MISLUKT)
    skipped = report.count(mail.OVERGESLAGEN)
    extra = (f", {failed} mislukt" if failed else "") + (f", {skipped} overgeslagen (vandaag al verstuurd)" if skipped else "")
    out.print(f"{report.sent} {what} verstuurd{extra}.")
    return 1 if failed else 0


@uitvraag.command("open")
def open_(
    titel: str = typer.Option(..., "--titel", help="Titel van de uitvraag, bijvoorbeeld 'Uitvraag najaar 2026'."),
    peildatum: str = typer.Option(..., "--peildatum", help="Peildatum JJJJ-MM-DD: de datum waarop gemeenten hun stand geven."),
    deadline: str = typer.Option(..., "--deadline", help="Deadline JJJJ-MM-DD (niet voor de peildatum)."),
    onderdeel: Optional[List[str]] = typer.Option(None, "--onderdeel", help="Gevraagd onderdeel; herhaalbaar. Standaard: alle."),
    aankondigen: bool = typer.Option(False, "--aankondigen", help="Mail alle gemeenteaccounts met een adres dat de uitvraag open is."),
) -> None:
    """Maak een uitvraag en open hem. Het nummer staat op de laatste regel."""
    _require_schema()
    actor = cli_actor()
    with db.session() as s:
        made = rounds.create_round(s, titel, peildatum, deadline, onderdeel, actor=actor)
        rounds.open_round(s, made.id, actor=actor)
        round_id, title, peil, due, asked = made.id, made.title, made.peildatum, made.deadline, rounds.onderdelen_of(made)
    out.print(f"Uitvraag {round_id} '{title}' is open: peildatum {format_date(peil)}, deadline {format_date(due)}; gevraagd: {', '.join(asked)}.")
    code = 0
    if aankondigen:
        code = _finish_mail(mail.send_announcement(round_id, actor), False, None, "aankondiging(en)")
    print(round_id, flush=True)
    if code:
        raise typer.Exit(code)


@uitvraag.command("list")
def list_() -> None:
    """Toon alle uitvragen, de nieuwste eerst."""
    _require_schema()
    with db.session() as s:
        found = rounds.list_rounds(s)
        rows = [(str(r.id), r.title, format_date(r.peildatum), format_date(r.deadline), r.state, ", ".join(rounds.onderdelen_of(r))) for r in found]
    if not rows:
        out.print("Er zijn nog geen uitvragen. Open er een met: etvi uitvraag open --titel … --peildatum … --deadline …")
        return
    table = Table(title="Uitvragen")
    for col in ("nummer", "titel", "peildatum", "deadline", "status", "onderdelen"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    out.print(table)


@uitvraag.command("sluit")
def sluit(
    nummer: str = typer.Argument(..., help="Nummer van de uitvraag (zie etvi uitvraag list)."),
    publiceer: bool = typer.Option(False, "--publiceer", help="Publiceer meteen de stand op de peildatum van de uitvraag; het publicatienummer staat op de laatste regel."),
) -> None:
    """Sluit een open uitvraag: latere aanleveringen tellen niet meer als antwoord; de cijfers zijn definitief."""
    _require_schema()
    published = None
    with db.session() as s:
        closed = rounds.close_round(s, nummer, actor=cli_actor())
        round_id, title = closed.id, closed.title
        if publiceer:
            published = publicaties.for_round(s, closed, actor=cli_actor())
    _, answers = responses.answers(round_id)
    out.print(f"Uitvraag {round_id} '{title}' is gesloten; {responses.summary_line(answers)}.")
    if published is not None:
        out.print(f"Gepubliceerd als publicatie {published.id}: /publicatie/{published.id}")
        out.print(str(published.id))


@uitvraag.command("status")
def status(
    nummer: str = typer.Argument(..., help="Nummer van de uitvraag."),
    format_: str = typer.Option("tabel", "--format", help="tabel of csv (csv naar standaarduitvoer, de samenvatting naar stderr)."),
) -> None:
    """Per gemeente: antwoord (geen, ongewijzigd, gewijzigd, geweigerd), wanneer, door wie en via welk kanaal."""
    kind = format_.strip().lower()
    if kind not in ("tabel", "csv"):
        raise rounds.UitvraagError(f"Onbekend formaat {format_!r}: kies tabel of csv.")
    _require_schema()
    round_, answers = responses.answers(nummer)
    line = responses.summary_line(answers)
    if kind == "csv":
        sys.stdout.write(responses.csv_text(answers))
        sys.stdout.flush()
        err.print(line)
        return
    table = Table(title=f"Uitvraag {round_.id} '{round_.title}' (peildatum {format_date(round_.peildatum)}, {round_.state})")
    for col in responses.CSV_COLUMNS:
        table.add_column(col)
    for a in answers:
        when = a.wanneer.astimezone().strftime("%d-%m-%Y %H:%M") if a.wanneer else ""
        table.add_row(a.gemeente_code, a.gemeente, a.provincie, a.antwoord, when, a.door or "", a.kanaal or "")
    out.print(table)
    out.print(line)


@uitvraag.command("herinner")
def herinner(
    nummer: str = typer.Argument(..., help="Nummer van de uitvraag."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Toon wie een herinnering zou krijgen; verstuur niets."),
    gemeente: Optional[List[str]] = typer.Option(None, "--gemeente", help="Alleen deze gemeente (GM0363), een die nog niet antwoordde; herhaalbaar."),
    opnieuw: bool = typer.Option(False, "--opnieuw", help="Ook naar adressen die vandaag al een herinnering kregen."),
    uitvoer: Optional[Path] = typer.Option(None, "--uitvoer", help="Schrijf ontvangers en tekst ook naar dit CSV-bestand."),
) -> None:
    """Mail een herinnering aan de gemeenten die nog niet antwoordden (gemeenteaccounts met een e-mailadres)."""
    _require_schema()
    report = mail.send_reminders(nummer, cli_actor(), gemeenten=gemeente, dry_run=dry_run, force=opnieuw)
    code = _finish_mail(report, dry_run, uitvoer, "herinnering(en)")
    if code:
        raise typer.Exit(code)
