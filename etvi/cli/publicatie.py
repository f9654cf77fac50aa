"""``etvi publicatie maak`` and ``etvi publicatie list``: figures that can be cited and never change."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from etl.dates import EXAMPLES, DateError, parse_date
from etvi import publicatie as publicaties
from etvi.cli.actor import cli_actor
from etvi.publicatie import PublicatieError

console = Console(highlight=False)
app = typer.Typer(help="Publicaties: cijfers die je kunt citeren en die nooit meer veranderen.", no_args_is_help=True)
AMSTERDAM_FORMAT = "%d-%m-%Y %H:%M:%S"



@app.command("maak")
def maak(
    titel: Annotated[str, typer.Option("--titel", help="De titel, bv. 'Kamerbrief maart 2026'.")],
    peildatum: Annotated[Optional[str], typer.Option("--peildatum", help="De stand op deze datum (standaard vandaag), bv. 2026-03-01.")] = None,
) -> None:
    """Publiceer de stand op een peildatum zoals die nu bekend is; het nummer staat op de laatste regel."""
    when = None
    if peildatum is not None:
        try:
            when = parse_date(peildatum)
        except DateError as exc:
            raise PublicatieError(f"--peildatum: {str(exc).rstrip('.')}. Toegestaan: {', '.join(EXAMPLES[1:])}.") from None
    made = publicaties.make(titel, cli_actor(), peildatum=when)
    console.print(f"Publicatie gemaakt: '{escape(made.titel)}', stand op {made.peildatum:%d-%m-%Y} zoals bekend op {made.kennis:{AMSTERDAM_FORMAT}} UTC.")
    console.print(str(made.id))


@app.command("list")
def list_() -> None:
    """Toon alle publicaties, de nieuwste eerst."""
    rows = publicaties.all_publicaties()
    if not rows:
        console.print("Er zijn nog geen publicaties. Maak er een met: etvi publicatie maak --titel TITEL")
        return
    table = Table("Nr", "Titel", "Peildatum", "Bekend op (UTC)", "Door")
    for p in rows:
        table.add_row(str(p.id), escape(p.titel), f"{p.peildatum:%d-%m-%Y}", f"{p.kennis:{AMSTERDAM_FORMAT}}", escape(p.username))
    console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="publicatie")
