"""``etvi sessiesleutel``: the key that signs the session cookies of every app server."""

from __future__ import annotations

import typer
from rich.console import Console

sessiesleutel = typer.Typer(
    help="De sleutel waarmee alle app-servers de sessiecookies ondertekenen (staat in de database).",
    no_args_is_help=True,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(sessiesleutel, name="sessiesleutel")


@sessiesleutel.command("vernieuw")
def vernieuw() -> None:
    """Maak een nieuwe sessiesleutel; de vorige blijft ETVI_SECRET_KEY_GRACE_HOURS uur geldig.

    Ingelogde gebruikers blijven zo ingelogd; elke server en worker neemt de nieuwe sleutel binnen
    ETVI_SECRET_KEY_REFRESH_SECONDS seconden over, zonder herstart."""
    from etvi import signing_keys
    from etvi.config import settings
    from models import db

    if not db.has_schema():
        err.print("[bold red]Fout:[/] de database heeft nog geen tabellen. Voer eerst [bold]etvi init[/] uit.")
        raise typer.Exit(2)
    ring, until = signing_keys.rotate()
    kept = (
        f"De vorige sleutel blijft geldig tot {until.astimezone().strftime('%d-%m-%Y %H:%M')}; "
        "wie nu is ingelogd, blijft ingelogd."
        if settings().secret_key_grace_hours > 0
        else "ETVI_SECRET_KEY_GRACE_HOURS is 0: de vorige sleutel geldt niet meer, iedereen moet opnieuw inloggen."
    )
    out.print(f"Nieuwe sessiesleutel gemaakt (versie {ring.version}). {kept}")
