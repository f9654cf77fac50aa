"""``etvi demo``: the whole product in one command — init, synthetic history, dashboard.

Without ``ETVI_DATABASE_URL`` the demo uses its own SQLite file (``data/demo.sqlite``), so it
never mixes with a real database at the default location.
"""

from __future__ import annotations

import os
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from etl.demo import load_demo_data
from etvi.cli.serve import serve
from etvi.cli.setup_commands import init
from etvi.config import settings
from etvi.upload import service

out = Console()


def demo(
    host: Optional[str] = typer.Option(None, "--host", help="Adres om op te luisteren (standaard ETVI_HOST, 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", help="Poort (standaard ETVI_PORT, 8050)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Aantal serverprocessen (standaard ETVI_WORKERS, 2)."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Alleen inrichten en demogegevens laden, niet starten."),
) -> None:
    """Demo: database inrichten, fictieve gegevens 2022–vandaag laden en het dashboard starten."""
    if not os.environ.get("ETVI_DATABASE_URL"):
        os.environ["ETVI_DATABASE_URL"] = f"sqlite:///{settings().data_dir / 'demo.sqlite'}"
    out.print(f"Demodatabase: {settings().database_url}", highlight=False)
    init()
    with Progress(TextColumn("Demogegevens laden"), BarColumn(), MofNCompleteColumn(), console=out) as bar:
        task = bar.add_task("demo", total=None)
        result = load_demo_data(load_file=service.load_file, progress=lambda done, total: bar.update(task, completed=done, total=total))
    if result.skipped:
        out.print("Demogegevens waren al geladen.")
    else:
        out.print(f"Demogegevens geladen: {len(result.files)} kwartaalbestanden, {result.records} statussen ({result.seconds:.1f} s).")
    if not no_serve:
        serve(host=host, port=port, workers=workers, dev=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
