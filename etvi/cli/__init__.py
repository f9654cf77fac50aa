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

app = typer.Typer(
    name="etvi",
    help="ETVI-monitor: voortgang van 'Een thuis voor iedereen' per gemeente.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
err = Console(stderr=True)


def _register_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(app)


def user_errors() -> tuple[type[BaseException], ...]:
    """Exception types whose message is written for users (Dutch, says what and where)."""
    from etl.referencedata import ReferenceDataError
    from etvi.config import ConfigError

    types: list[type[BaseException]] = [ConfigError, ReferenceDataError]
    try:
        from geo.errors import GeoError

        types.append(GeoError)
    except ImportError:
        pass
    try:
        from etl.errors import EtlError

        types.append(EtlError)
    except ImportError:
        pass
    try:
        from etvi.accounts.errors import AccountError

        types.append(AccountError)
    except ImportError:
        pass
    return tuple(types)


def main() -> None:
    if os.environ.get("ETVI_DEBUG") != "1":
        # the commands say what went wrong in Dutch; the library's log lines and tracebacks
        # (meant for a server's log) would only repeat it, in English
        logging.getLogger().addHandler(logging.NullHandler())
    _register_all()
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
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if isinstance(exc, user_errors()):
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
