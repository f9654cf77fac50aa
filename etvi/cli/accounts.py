"""``etvi gebruiker`` (accounts for the web upload and the HTTP API) and ``etvi sessiesleutel``
(the key that signs the session cookies of every app server).

Nothing here ever waits for input unless ``--wachtwoord-stdin`` is given: a generated password
or token is printed once (as the last line, so scripts can take it with ``tail -n 1``).
"""

from __future__ import annotations

import getpass
import sys
from contextlib import contextmanager
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.table import Table

from etvi import signing_keys
from etvi.accounts import clock, policy, sessions, token_warnings, tokens, users
from etvi.accounts.errors import AccountError
from etvi.cli.actor import cli_actor
from etvi.config import settings
from etvi.smtp import SmtpError
from models import db
from models.tables import Gemeente, Provincie

gebruiker = typer.Typer(help="Gebruikers beheren: accounts, rollen, wachtwoorden en API-tokens.", no_args_is_help=True)
sessiesleutel = typer.Typer(
    help="De sleutel waarmee alle app-servers de sessiecookies ondertekenen (staat in de database).", no_args_is_help=True
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(gebruiker, name="gebruiker")
    app.add_typer(sessiesleutel, name="sessiesleutel")



@contextmanager
def _session() -> Iterator:
    """A database session; account errors become a Dutch message and exit code 2."""
    try:
        _require_schema()
        with db.session() as s:
            yield s
    except AccountError as exc:
        err.print(f"[bold red]Fout:[/] {exc}")
        raise typer.Exit(2) from None


def _require_schema() -> None:
    if not db.has_schema():
        err.print("[bold red]Fout:[/] de database heeft nog geen tabellen. Voer eerst [bold]etvi init[/] uit.")
        raise typer.Exit(2)


def _read_password_from_stdin() -> str:
    if sys.stdin is None:
        err.print("[bold red]Fout:[/] --wachtwoord-stdin gegeven, maar er is geen invoer.")
        raise typer.Exit(2)
    if sys.stdin.isatty():
        first = getpass.getpass("Wachtwoord: ")
        second = getpass.getpass("Herhaal het wachtwoord: ")
        if first != second:
            err.print("[bold red]Fout:[/] de twee wachtwoorden zijn niet gelijk.")
            raise typer.Exit(2)
        return first
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        err.print("[bold red]Fout:[/] --wachtwoord-stdin gegeven, maar de invoer bevat geen wachtwoord.")
        raise typer.Exit(2)
    return password


def _scope(user) -> str:
    if user.role == "gemeente":
        return user.gemeente_codes.replace(",", ", ")
    if user.role == "provincie":
        return user.provincie_code or ""
    return "alles"


def _print_secret(label: str, secret: str) -> None:
    out.print(f"{label} (wordt maar één keer getoond; bewaar het veilig):")
    # Plain print so the secret is the last line exactly, without markup or wrapping.
    print(secret, flush=True)


@gebruiker.command("add")
def add(
    naam: str = typer.Argument(..., help="Gebruikersnaam, bijvoorbeeld amsterdam of j.jansen@vng.nl."),
    rol: str = typer.Option(..., "--rol", help="beheerder, provincie of gemeente."),
    gemeente: Optional[List[str]] = typer.Option(
        None, "--gemeente", help="Gemeentecode (GM0363) waarvoor deze gebruiker mag aanleveren; herhaalbaar."
    ),
    provincie: Optional[str] = typer.Option(None, "--provincie", help="Provinciecode (PV27) voor rol provincie."),
    email: Optional[str] = typer.Option(
        None, "--email", help="E-mailadres voor herinneringen van een uitvraag; verplicht voor rol gemeente en provincie."
    ),
    wachtwoord_stdin: bool = typer.Option(
        False, "--wachtwoord-stdin", help="Lees het wachtwoord van standaardinvoer in plaats van er een te maken."
    ),
) -> None:
    """Maak een gebruiker aan. Zonder --wachtwoord-stdin wordt een wachtwoord gemaakt en één keer getoond."""
    password = _read_password_from_stdin() if wachtwoord_stdin else None
    with _session() as s:
        user, generated = users.create_user(
            s, naam, rol, gemeente or [], provincie, password=password, actor=cli_actor(), email=email, email_required=True
        )
        names = ""
        if user.role == "gemeente":
            names = " (" + ", ".join(
                f"{c} {s.get(Gemeente, c).name}" for c in policy.split_codes(user.gemeente_codes)
            ) + ")"
        elif user.role == "provincie":
            names = f" ({user.provincie_code} {s.get(Provincie, user.provincie_code).name})"
    out.print(f"Gebruiker [bold]{user.username}[/] aangemaakt met rol {user.role}{names}.")
    if generated:
        _print_secret("Wachtwoord", generated)


@gebruiker.command("list")
def list_() -> None:
    """Toon alle gebruikers met hun rol, bereik en status."""
    with _session() as s:
        found = users.list_users(s)
        live = {u.id: sessions.count(s, u.id) for u in found}
        made = {u.id: tokens.count(s, u) for u in found}
    if not found:
        out.print("Er zijn nog geen gebruikers. Maak er een aan met: etvi gebruiker add NAAM --rol beheerder")
        return
    table = Table(title="Gebruikers")
    for col in ("naam", "rol", "bereik", "e-mail", "actief", "API-tokens", "sessies", "aangemaakt", "geblokkeerd tot"):
        table.add_column(col)
    now = clock.utcnow()
    for u in found:
        locked = clock.aware(u.locked_until)
        table.add_row(
            u.username,
            u.role,
            _scope(u),
            u.email or "",
            "ja" if u.active else "nee",
            str(made[u.id]),
            str(live[u.id]),
            u.created_at.strftime("%Y-%m-%d %H:%M") if u.created_at else "",
            locked.strftime("%Y-%m-%d %H:%M UTC") if locked and locked > now else "",
        )
    out.print(table)


@gebruiker.command("email")
def email_(
    naam: str = typer.Argument(..., help="Gebruikersnaam."),
    adres: str = typer.Argument(..., help="Het nieuwe e-mailadres (leeg: geen adres; niet voor gemeente en provincie)."),
) -> None:
    """Wijzig het e-mailadres van een gebruiker (waar herinneringen van een uitvraag heen gaan)."""
    with _session() as s:
        user = users.set_email(s, naam, adres, actor=cli_actor())
    shown = user.email or "geen"
    out.print(f"E-mailadres van [bold]{user.username}[/] is nu: {shown}.")


@gebruiker.command("disable")
def disable(naam: str = typer.Argument(..., help="Gebruikersnaam.")) -> None:
    """Schakel een gebruiker uit: inloggen, lopende sessies en de API-tokens werken direct niet meer."""
    with _session() as s:
        user = users.disable_user(s, naam, actor=cli_actor())
    out.print(f"Gebruiker [bold]{user.username}[/] is uitgeschakeld; inloggen, lopende sessies en de API-tokens werken niet meer.")


@gebruiker.command("logout")
def logout(naam: str = typer.Argument(..., help="Gebruikersnaam.")) -> None:
    """Log een gebruiker overal uit: elke browsersessie van het account eindigt direct.

    De API-tokens blijven werken; trek ze in (etvi gebruiker token-intrekken) of schakel de gebruiker uit om dat te stoppen."""
    with _session() as s:
        ended = users.end_sessions(s, naam, actor=cli_actor())
        user = users.get_user(s, naam)
        left = tokens.count(s, user)
    sessies = "sessie" if ended == 1 else "sessies"
    token = f" {left} API-token(s) werken nog (etvi gebruiker tokens {user.username})." if left else ""
    out.print(f"Gebruiker [bold]{user.username}[/] is overal uitgelogd ({ended} {sessies} beëindigd).{token}")


@gebruiker.command("enable")
def enable(naam: str = typer.Argument(..., help="Gebruikersnaam.")) -> None:
    """Schakel een uitgeschakelde gebruiker weer in (maak daarna zo nodig een nieuw token)."""
    with _session() as s:
        user = users.enable_user(s, naam, actor=cli_actor())
    out.print(f"Gebruiker [bold]{user.username}[/] is weer ingeschakeld.")


@gebruiker.command("reset-password")
def reset_password(
    naam: str = typer.Argument(..., help="Gebruikersnaam."),
    wachtwoord_stdin: bool = typer.Option(
        False, "--wachtwoord-stdin", help="Lees het nieuwe wachtwoord van standaardinvoer."
    ),
) -> None:
    """Stel een nieuw wachtwoord in (gemaakt en één keer getoond) en hef een inlogblokkade op."""
    password = _read_password_from_stdin() if wachtwoord_stdin else None
    with _session() as s:
        generated = users.reset_password(s, naam, password=password, actor=cli_actor())
        name = users.get_user(s, naam).username
    out.print(f"Nieuw wachtwoord ingesteld voor [bold]{name}[/]; bestaande sessies zijn beëindigd.")
    if generated:
        _print_secret("Wachtwoord", generated)


@gebruiker.command("token")
def token(
    naam: str = typer.Argument(..., help="Gebruikersnaam."),
    label: str = typer.Option("", "--label", help="Waarvoor het token is, bijvoorbeeld het systeem dat het gebruikt."),
    verloopt: str = typer.Option(
        "",
        "--verloopt",
        help="Vervaldatum JJJJ-MM-DD (na vandaag, hoogstens ETVI_TOKEN_MAX_DAYS dagen vooruit); standaard vandaag + ETVI_TOKEN_DAYS.",
    ),
) -> None:
    """Maak een extra API-token; de andere tokens van de gebruiker blijven werken. Het token staat op de laatste regel."""
    with _session() as s:
        new_token = users.create_token(s, naam, actor=cli_actor(), label=label, verloopt=verloopt)
        user = users.get_user(s, naam)
        total = tokens.count(s, user)
        made = tokens.kenmerk(tokens.hash_token(new_token))
        day = next(t["verloopt"] for t in tokens.listed(s, user) if t["kenmerk"] == made)
    shown = tokens.clean_label(label)
    others = f"; de {total - 1} andere token(s) blijven werken" if total > 1 else ""
    out.print(
        f"Nieuw API-token {made} ({shown}) voor [bold]{user.username}[/], geldig tot {day.isoformat()}{others}. "
        "Trek een oud token in met etvi gebruiker token-intrekken."
    )
    out.print("Gebruik: Authorization: Bearer <token>")
    _print_secret("Token", new_token)


@gebruiker.command("tokens")
def list_tokens(naam: str = typer.Argument(..., help="Gebruikersnaam.")) -> None:
    """Toon de API-tokens van een gebruiker: kenmerk, label, wanneer gemaakt en vervaldatum (nooit het token zelf)."""
    with _session() as s:
        user = users.get_user(s, naam)
        listed = tokens.listed(s, user)
    if not listed:
        out.print(f"Gebruiker [bold]{user.username}[/] heeft geen API-token.")
        return
    table = Table(title=f"API-tokens van {user.username}")
    for col in ("kenmerk", "label", "aangemaakt", "door", "verloopt", "werkt"):
        table.add_column(col)
    for item in listed:
        made = clock.aware(item["aangemaakt"])
        table.add_row(
            item["kenmerk"],
            item["label"],
            made.strftime("%Y-%m-%d %H:%M UTC") if made else "onbekend",
            item["aangemaakt_door"] or "",
            item["verloopt"].isoformat() if item["verloopt"] else "nooit",
            _works(user.active, item),
        )
    out.print(table)


def _works(active: bool, item: dict) -> str:
    if item["actief"]:
        return "ja"
    return "nee (account uitgeschakeld)" if not active else "nee (verlopen)"


@gebruiker.command("token-intrekken")
def revoke_token(
    naam: str = typer.Argument(..., help="Gebruikersnaam."),
    kenmerk: str = typer.Argument(..., help="Het kenmerk van het token (zie etvi gebruiker tokens)."),
) -> None:
    """Trek één API-token in: het werkt direct nergens meer; de andere tokens blijven werken."""
    with _session() as s:
        users.revoke_token(s, naam, kenmerk, actor=cli_actor())
    out.print(f"Het API-token {kenmerk.strip().lower()} van [bold]{naam.strip().lower()}[/] is ingetrokken; het werkt niet meer.")


@gebruiker.command("tokens-waarschuwen")
def warn_tokens(
    dagen: Optional[str] = typer.Option(None, "--dagen", help="Waarschuw voor tokens die binnen zoveel dagen verlopen (standaard ETVI_TOKEN_WARN_DAYS, 30)."),
    proef: bool = typer.Option(False, "--proef", help="Toon wie welke waarschuwing zou krijgen; verstuur en registreer niets."),
) -> None:
    """Mail eigenaars van API-tokens die binnenkort verlopen (voor cron). Over elk token één keer; accounts zonder e-mailadres worden genoemd.

    Exitcode 0 als alles goed ging; 1 als er geen mailserver is ingesteld of een mail mislukte (die
    wordt niet vastgelegd, dus de volgende keer opnieuw geprobeerd); 2 bij foute invoer."""
    try:
        days = token_warnings.check_days(dagen, settings().token_warn_days)
        _require_schema()
        report = token_warnings.warn(cli_actor(), days, dry_run=proef)
    except (AccountError, SmtpError) as exc:
        err.print(f"[bold red]Fout:[/] {exc}")
        raise typer.Exit(2) from None
    raise typer.Exit(_finish_warnings(report, proef))


def _finish_warnings(report: token_warnings.WarningReport, dry_run: bool) -> int:
    """Print who gets (or got) what and a Dutch summary; the exit code."""
    labels = {token_warnings.VERSTUURD: "verstuurd", token_warnings.MISLUKT: "MISLUKT", token_warnings.PROEF: "zou krijgen",
              token_warnings.GEEN_ADRES: "geen e-mailadres"}  # fmt: skip
    for o in report.outcomes:
        listed = "; ".join(f"{t.label} ({t.kenmerk}) verloopt {t.verloopt.isoformat()}" for t in o.owner.tokens)
        reason = f" — {o.reason}" if o.reason else ""
        address = f" <{o.owner.email}>" if o.owner.email else ""
        out.print(f"{labels[o.status]:<16} {o.owner.username}{address}: {listed}{reason}", markup=False)
    window = f"tokens die uiterlijk {report.until.isoformat()} verlopen (binnen {report.days} dagen)"
    missing = report.count(token_warnings.GEEN_ADRES)
    no_address = f"; {missing} account(s) zonder e-mailadres (vul het adres aan of waarschuw ze zelf)" if missing else ""
    if not report.outcomes:
        out.print(f"Geen waarschuwingen nodig: geen werkende, nog niet gemelde {window}.")
        return 0
    if dry_run:
        out.print(f"Proef: {report.count(token_warnings.PROEF)} waarschuwing(en) zou(den) verstuurd worden over {window}{no_address}; er is niets verstuurd of vastgelegd.")
        return 0
    if not report.configured and report.count(token_warnings.MISLUKT):
        err.print(f"[bold red]Niet verstuurd:[/] {token_warnings.NOT_CONFIGURED}")
        out.print(f"0 waarschuwing(en) verstuurd over {window}{no_address}.")
        return 1
    failed = report.count(token_warnings.MISLUKT)
    extra = f", {failed} mislukt (niet vastgelegd; de volgende keer opnieuw)" if failed else ""
    out.print(f"{report.count(token_warnings.VERSTUURD)} waarschuwing(en) verstuurd over {window}{extra}{no_address}.")
    if failed:
        err.print(f"[bold red]Fout:[/] {failed} waarschuwing(en) niet verstuurd; zie MISLUKT hierboven.")
    return 1 if failed else 0


@sessiesleutel.command("vernieuw")
def vernieuw() -> None:
    """Maak een nieuwe sessiesleutel; de vorige blijft ETVI_SECRET_KEY_GRACE_HOURS uur geldig.

    Ingelogde gebruikers blijven zo ingelogd; elke server en worker neemt de nieuwe sleutel binnen
    ETVI_SECRET_KEY_REFRESH_SECONDS seconden over, zonder herstart."""
    _require_schema()
    ring, until = signing_keys.rotate()
    kept = (
        f"De vorige sleutel blijft geldig tot {until.astimezone().strftime('%d-%m-%Y %H:%M')}; "
        "wie nu is ingelogd, blijft ingelogd."
        if settings().secret_key_grace_hours > 0
        else "ETVI_SECRET_KEY_GRACE_HOURS is 0: de vorige sleutel geldt niet meer, iedereen moet opnieuw inloggen."
    )
    out.print(f"Nieuwe sessiesleutel gemaakt (versie {ring.version}). {kept}")
