"""``etvi init``, ``etvi db …`` and ``etvi regio …``: getting a database ready."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from etl.bootstrap import initialize, load_region_lists
from geo import boundaries, shapes
from models import db, queries

out = Console()
db_app = typer.Typer(help="Databaseschema beheren.", no_args_is_help=True)
regio_app = typer.Typer(help="Regio-indelingen bekijken en laden.", no_args_is_help=True)
geo_app = typer.Typer(help="Grensbestanden en kaartvormen.", no_args_is_help=True)


def init() -> None:
    """Database aanmaken of bijwerken en referentiegegevens laden.

    Laadt gemeenten, provincies, regio's, statussen, mijlpalen en fusies. Twee keer draaien verandert niets.
    """
    result = initialize(report=lambda msg: out.print(f"• {msg}", highlight=False))
    for warning in result.warnings:
        out.print(f"[yellow]Waarschuwing:[/] {warning}", highlight=False, soft_wrap=True)
    table = Table(title=f"Referentiegegevens (grenzen {result.year})", show_header=True)
    table.add_column("Onderdeel")
    table.add_column("Aantal", justify="right")
    table.add_row("gemeenten", str(result.gemeenten))
    table.add_row("provincies", str(result.provincies))
    for region_type, count in sorted(result.region_types.items()):
        table.add_row(f"regio's: {region_type}", str(count))
    out.print(table)
    print_shape_sizes(result.shapes)
    changed = [name for name, did in result.changed.items() if did]
    out.print("Gewijzigd: " + ", ".join(changed) if changed else "Alles was al actueel; niets gewijzigd.")


def print_shape_sizes(paths: dict[str, Path]) -> None:
    if not paths:
        return
    table = Table("Kaartlaag", "Grootte", "Gecomprimeerd (gzip)", title="Kaartvormen voor de browser")
    for level, size in sorted(shapes.shape_sizes(paths).items()):
        table.add_row(level, f"{size.raw / 1024:.1f} KB", f"{size.gzip / 1024:.1f} KB")
    out.print(table)


def geo_build() -> None:
    """Kaartvormen voor de browser (opnieuw) maken en hun grootte tonen."""
    year = boundaries.choose_year(boundaries.boundary_dir())
    memberships = queries.region_memberships()
    print_shape_sizes(shapes.build_shapes(year, memberships=memberships if len(memberships) else None))


def geo_info() -> None:
    """Welke grensbestanden (niveaus en jaren) beschikbaar zijn en welk jaar wordt gebruikt."""
    directory = boundaries.boundary_dir()
    found = boundaries.available(directory)
    table = Table("Niveau", "Jaren", title=f"Grensbestanden in {directory}")
    for level, years in found.items():
        table.add_row(level, ", ".join(map(str, years)))
    out.print(table)
    if found:
        out.print(f"Gebruikt jaar: {boundaries.choose_year(directory)}")


def upgrade() -> None:
    """Het databaseschema bijwerken naar de nieuwste versie (Alembic)."""
    db.upgrade()
    out.print(f"Schema is bij: versie {db.current_revision()}")


def status() -> None:
    """De schemaversie van de database tonen."""
    out.print(f"Schemaversie: {db.current_revision() or 'geen (voer etvi init uit)'}")


def regio_list() -> None:
    """Geladen regio-indelingen met het aantal regio's en gemeenten."""
    frame = queries.region_memberships()
    if frame.empty:
        out.print("Er zijn nog geen regio-indelingen geladen. Voer eerst etvi init uit.")
        return
    table = Table("Regiotype", "Regio's", "Gemeenten")
    for region_type, group in frame.groupby("region_type"):
        table.add_row(region_type, str(group.region_code.nunique()), str(group.gemeente_code.nunique()))
    out.print(table)


def regio_load(
    files: list[Path] = typer.Argument(..., help="Lidmaatschapslijst(en): CSV of xlsx met gemeentecode, regiotype, regiocode, regionaam."),
) -> None:
    """Regio-lidmaatschappen laden uit een lijst (voor indelingen zonder grensbestand, zoals woningmarktregio).

    Een lijst vervangt de indeling van zijn regiotype(n); wat een grensbestand voor hetzelfde
    regiotype gaf, blijft staan. Oude gemeentecodes en -namen (van vóór een fusie) worden met een
    waarschuwing omgezet naar de huidige gemeente. Staat een gemeente voor één regiotype in twee
    regio's, dan wordt niets gewijzigd.
    """
    before = queries.region_memberships()
    result = load_region_lists(list(files))
    for warning in result.warnings:
        out.print(f"[yellow]Waarschuwing:[/] {warning}", highlight=False, soft_wrap=True)
    frame = result.memberships
    for region_type, group in frame.groupby("region_type"):
        out.print(f"{region_type}: {group.region_code.nunique()} regio's, {group.gemeente_code.nunique()} gemeenten")
        old = before[before.region_type == region_type] if not before.empty else before
        if result.changed and not old.empty:
            old_pairs = set(zip(old.region_code.astype(str), old.gemeente_code))
            new_pairs = set(zip(group.region_code.astype(str), group.gemeente_code))
            if old_pairs != new_pairs:
                out.print(
                    f"Let op: dit vervangt de bestaande indeling {region_type}: "
                    f"{old.gemeente_code.nunique()} → {group.gemeente_code.nunique()} gemeenten "
                    f"({old.region_code.nunique()} → {group.region_code.nunique()} regio's)."
                )
    out.print("Geladen." if result.changed else "Niets gewijzigd: deze indeling was al geladen.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    db_app.command("upgrade")(upgrade)
    db_app.command("status")(status)
    regio_app.command("list")(regio_list)
    regio_app.command("load")(regio_load)
    app.add_typer(db_app, name="db")
    app.add_typer(regio_app, name="regio")
    geo_app.command("info")(geo_info)
    geo_app.command("vormen")(geo_build)
    app.add_typer(geo_app, name="geo")
