"""The ``etvi`` command. Each module in this package adds its subcommands through ``register(app)``.

``main`` turns every expected failure into a Dutch message and an exit code; a traceback (and
the library's log output) is shown only with ``ETVI_DEBUG=1``.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError, ProgrammingError
from typer.core import TyperCommand, TyperGroup

from etvi.errors import UserError

# Every top-level command: the module in this package that defines it, and its line in ``etvi --help``.
# A command's module (and with it geopandas, Dash or the database layer) is imported only when that
# command runs, so ``etvi --help`` stays quick. tests/etvi/cli/test_commands.py holds this table to the
# modules' own ``register``.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "Demo: database inrichten, fictieve gegevens 2022–vandaag laden en het dashboard starten."),
    "load": ("etl_commands", "Laad statusbestanden in de database."),
    "template": ("etl_commands", "Schrijf het invulsjabloon: een instructieblad en een gegevensblad met keuzelijsten."),
    "export": ("etl_commands", "Exporteer per gemeente de status, datum van vaststelling en peildatum per onderdeel."),
    "demo-data": ("etl_commands", "Maak fictieve demogegevens (2022 tot vandaag) als sjabloonbestanden en laad ze."),
    "publicatie": ("publicatie", "Publicaties: cijfers die je kunt citeren en die nooit meer veranderen."),
    "serve": ("serve", "Het dashboard starten."),
    "init": ("setup_commands", "Database aanmaken of bijwerken en referentiegegevens laden."),
    "gebruiker": ("accounts", "Gebruikers beheren: accounts, rollen, wachtwoorden en API-tokens."),
    "sessiesleutel": ("accounts", "De sleutel waarmee alle app-servers de sessiecookies ondertekenen."),
    "uitvraag": ("uitvraag", "Uitvragen: openen, sluiten, wie antwoordde en herinneringen mailen."),
    "db": ("setup_commands", "Databaseschema beheren."),
    "regio": ("setup_commands", "Regio-indelingen bekijken en laden."),
    "geo": ("setup_commands", "Grensbestanden en kaartvormen."),
}


class LazyCommands(TyperGroup):
    """The ``etvi`` group: lists ``COMMANDS`` from the table and imports a command's module when it runs."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(dict.fromkeys([*COMMANDS, *self.commands]))

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | TyperGroup | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name][1])  # for the list in --help only

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        if args and args[0] not in self.commands:
            module = COMMANDS[args[0]][0] if args[0] in COMMANDS else None
            for name, command in commands_of(*([module] if module else command_modules())).items():
                self.commands.setdefault(name, command)
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="etvi",
    cls=LazyCommands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
err = Console(stderr=True)


@app.callback()
def etvi() -> None:
    """ETVI-monitor: voortgang van 'Een thuis voor iedereen' per gemeente."""


def command_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(__path__))


def commands_of(*modules: str) -> dict[str, TyperCommand | TyperGroup]:
    """The commands that ``modules`` add through their ``register(app)``."""
    collected = typer.Typer()
    for name in modules:
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "register"):
            module.register(collected)
    return dict(typer.main.get_group(collected).commands)


def _register_all() -> None:
    """Register every command on ``app`` at once (for tests that call ``app`` directly)."""
    for info in command_modules():
        module = importlib.import_module(f"{__name__}.{info}")
        if hasattr(module, "register"):
            module.register(app)


def main() -> None:
    if os.environ.get("ETVI_DEBUG") != "1":
        # the commands say what went wrong in Dutch; the library's log lines and tracebacks
        # (meant for a server's log) would only repeat it, in English
        logging.getLogger().addHandler(logging.NullHandler())
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the one place that keeps tracebacks from users
        if os.environ.get("ETVI_DEBUG") == "1":
            raise
        sys.exit(_report(exc))


def _report(exc: Exception) -> int:
    """Print a Dutch message for ``exc`` and return the exit code."""
    if isinstance(exc, UserError):
        err.print(f"[bold red]Fout:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    if isinstance(exc, (OperationalError, ProgrammingError)) and _missing_table(exc):
        err.print("[bold red]Fout:[/] de database is nog niet ingericht. Voer eerst [bold]etvi init[/] uit.", soft_wrap=True)
        return 3
    if isinstance(exc, OperationalError):
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        err.print(
            "[bold red]Fout:[/] de database is niet bereikbaar of niet bruikbaar. "
            "Controleer ETVI_DATABASE_URL en of de databaseserver draait.\n"
            f"Melding van de database: {detail}",
            highlight=False,
            soft_wrap=True,
        )
        return 3
    err.print(
        f"[bold red]Onverwachte fout:[/] {type(exc).__name__}: {exc}\n"
        "Zet ETVI_DEBUG=1 om de technische details te zien, en meld dit aan de beheerder.",
        highlight=False,
        soft_wrap=True,
    )
    return 1


def _missing_table(exc: Exception) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)
