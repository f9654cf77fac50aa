"""User management: create, list, disable, enable, reset a password, make an API token, log out
everywhere. Every action is written to the audit trail, with who did it (``actor``).

A gemeente account names its gemeenten, a provincie account its provincie, by CBS code
(``etvi.codes``); each must exist in the reference tables.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterable

from sqlmodel import Session, select

from etvi import codes
from etvi.accounts import audit, passwords, sessions, tokens
from etvi.accounts.errors import AccountError, TokenLimitError
from etvi.accounts.policy import ROLES
from etvi.config import PREFIX, settings
from models.tables import Gemeente, Provincie, User

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}$")
EMAIL_REQUIRED = ("gemeente", "provincie")  # the roles reminders of a round (uitvraag) go to


def normalise_username(name: str) -> str:
    name = (name or "").strip().lower()
    if not USERNAME_RE.match(name):
        raise AccountError(
            f"Ongeldige gebruikersnaam {name!r}: gebruik 2 tot 64 tekens, alleen letters, cijfers en . _ @ -, "
            "beginnend met een letter of cijfer."
        )
    return name


def normalise_gemeente_code(s: Session, raw: str) -> str:
    code = codes.gemeente_code(raw)
    if code is None:
        raise AccountError(f"Ongeldige gemeentecode {raw!r}: gebruik de CBS-code, zoals GM0363.")
    gemeente = s.get(Gemeente, code)
    if gemeente is None or gemeente.valid_to is not None:
        raise AccountError(f"Gemeentecode {code} bestaat niet (of niet meer). Gebruik een huidige CBS-code, zoals GM0363.")
    return code


def normalise_provincie_code(s: Session, raw: str) -> str:
    code = codes.provincie_code(raw)
    if code is None:
        raise AccountError(f"Ongeldige provinciecode {raw!r}: gebruik de CBS-code, zoals PV27.")
    if s.get(Provincie, code) is None:
        raise AccountError(f"Provinciecode {code} bestaat niet. Gebruik een CBS-code, zoals PV27 (Noord-Holland).")
    return code


def normalise_email(raw: str | None) -> str | None:
    """An e-mail address as stored (trimmed), ``None`` for none; a bad one raises AccountError."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > 254 or not EMAIL_RE.match(text):
        raise AccountError(f"Ongeldig e-mailadres {text!r}: gebruik een adres zoals naam@gemeente.nl.")
    return text


def require_email(role: str, email: str | None) -> None:
    """New gemeente and provincie accounts need an address (reminders of a round go there)."""
    if (role or "").strip().lower() in EMAIL_REQUIRED and not (email or "").strip():
        raise AccountError(f"Een gebruiker met rol {role.strip().lower()} heeft een e-mailadres nodig (--email naam@organisatie.nl).")


def scope_for_role(s: Session, role: str, gemeenten: Iterable[str], provincie: str | None) -> tuple[str, str | None]:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise AccountError(f"Onbekende rol {role!r}. Kies uit: {', '.join(ROLES)}.")
    gemeenten = [g for g in gemeenten if g and g.strip()]
    if role == "gemeente":
        if not gemeenten:
            raise AccountError("Een gebruiker met rol gemeente heeft minstens één gemeentecode nodig (--gemeente GM0363).")
        if provincie:
            raise AccountError("Een gebruiker met rol gemeente krijgt geen provincie; geef alleen --gemeente.")
        found = sorted({normalise_gemeente_code(s, g) for g in gemeenten})
        return ",".join(found), None
    if role == "provincie":
        if not provincie:
            raise AccountError("Een gebruiker met rol provincie heeft een provinciecode nodig (--provincie PV27).")
        if gemeenten:
            raise AccountError("Een gebruiker met rol provincie krijgt geen gemeentecodes; geef alleen --provincie.")
        return "", normalise_provincie_code(s, provincie)
    if gemeenten or provincie:
        raise AccountError("Een beheerder heeft rechten op alle gemeenten; geef geen --gemeente of --provincie.")
    return "", None


def get_user(s: Session, username: str, for_update: bool = False) -> User:
    """``for_update``: lock the row (PostgreSQL) until the transaction ends, so two changes to
    one account do not both act on what they read before the other wrote."""
    name = (username or "").strip().lower()
    query = select(User).where(User.username == name)
    user = s.exec(query.with_for_update() if for_update else query).first()
    if user is None:
        raise AccountError(f"Gebruiker {name!r} bestaat niet. Bekijk de gebruikers met: etvi gebruiker list")
    return user


def create_user(
    s: Session,
    username: str,
    role: str,
    gemeente_codes: Iterable[str] = (),
    provincie_code: str | None = None,
    password: str | None = None,
    actor: str = "cli",
    email: str | None = None,
    email_required: bool = False,
) -> tuple[User, str | None]:
    """Create an account. Returns the user and the generated password (``None`` if one was given).

    ``email_required``: refuse a gemeente or provincie account without an address (the CLI and the
    page ask for one; older callers and tests make accounts without).

    The plain password is never stored; the caller shows a generated one exactly once.
    """
    name = normalise_username(username)
    if s.exec(select(User).where(User.username == name)).first() is not None:
        raise AccountError(f"Gebruiker {name!r} bestaat al.")
    scope_codes, provincie = scope_for_role(s, role, gemeente_codes, provincie_code)
    address = normalise_email(email)
    if email_required:
        require_email(role, address)
    password, generated = passwords.new_password(password)
    user = User(
        username=name,
        role=role.strip().lower(),
        gemeente_codes=scope_codes,
        provincie_code=provincie,
        password_hash=passwords.hash_password(password),
        active=True,
        email=address,
    )
    s.add(user)
    s.flush()
    audit.record(
        s, actor, "gebruiker_aangemaakt", gebruiker=name, rol=user.role, gemeenten=scope_codes, provincie=provincie, email=address
    )
    return user, generated


def set_email(s: Session, username: str, email: str | None, actor: str = "cli") -> User:
    """Change (or, with an empty value, remove) an account's e-mail address."""
    user = get_user(s, username)
    address = normalise_email(email)
    if address is None and user.role in EMAIL_REQUIRED:
        raise AccountError(f"Een gebruiker met rol {user.role} heeft een e-mailadres nodig; geef een nieuw adres.")
    old, user.email = user.email, address
    s.add(user)
    audit.record(s, actor, "email_gewijzigd", gebruiker=user.username, oud=old, nieuw=address)
    return user


def list_users(s: Session) -> list[User]:
    return list(s.exec(select(User).order_by(User.username)).all())


def disable_user(s: Session, username: str, actor: str = "cli") -> User:
    """Deactivate an account: its sessions end now, and its tokens stop working at the next
    request (``user_for_token`` checks ``active``)."""
    user = get_user(s, username)
    user.active = False  # its tokens stay recorded, so a later attempt with one can be named in the log
    s.add(user)
    ended = sessions.end_all(s, user.id)
    audit.record(s, actor, "gebruiker_uitgeschakeld", gebruiker=user.username, sessies_beeindigd=ended)
    return user


def end_sessions(s: Session, username: str, actor: str = "cli") -> int:
    """Log a user out everywhere: end every browser session of the account (its API tokens are
    separate and keep working). Returns the number of sessions ended."""
    user = get_user(s, username)
    ended = sessions.end_all(s, user.id)
    audit.record(s, actor, "sessies_beeindigd", gebruiker=user.username, aantal=ended)
    return ended


def enable_user(s: Session, username: str, actor: str = "cli") -> User:
    user = get_user(s, username)
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    audit.record(s, actor, "gebruiker_ingeschakeld", gebruiker=user.username)
    return user


def reset_password(s: Session, username: str, password: str | None = None, actor: str = "cli") -> str | None:
    """Set a new password (generated when none is given), lift a login lock and end the
    account's browser sessions.

    Returns the generated password, or ``None`` when the caller supplied one.
    """
    user = get_user(s, username)
    password, generated = passwords.new_password(password)
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    ended = sessions.end_all(s, user.id)  # whoever knew the old password is logged out
    audit.record(s, actor, "wachtwoord_opnieuw_ingesteld", gebruiker=user.username, sessies_beeindigd=ended)
    return generated


def create_token(
    s: Session, username: str, actor: str = "cli", label: str | None = None, verloopt: date | str | None = None
) -> str:
    """One more API token for the user, named by ``label`` (which system uses it); the user's
    other tokens keep working. Only its SHA-256 is stored; the token is returned once.

    The one place for the rules of a new token, whoever asks (the CLI, the beheerder, the user
    itself): the account is active, and has fewer than ``ETVI_MAX_TOKENS_PER_USER`` tokens
    (``TokenLimitError``; the row lock keeps the cap under simultaneous requests); and it expires
    on ``verloopt`` (``JJJJ-MM-DD``), after today and at most ``ETVI_TOKEN_MAX_DAYS`` away, by
    default today + ``ETVI_TOKEN_DAYS`` (``TokenExpiryError``)."""
    config = settings()
    day = tokens.choose_expiry(verloopt, config.token_days, config.token_max_days)
    user = get_user(s, username, for_update=True)
    if not user.active:
        raise AccountError(f"Gebruiker {user.username!r} is uitgeschakeld; een token is dan niet bruikbaar.")
    cap = config.max_tokens_per_user
    made = tokens.count(s, user)
    if made >= cap:
        raise TokenLimitError(
            f"Gebruiker {user.username!r} heeft al {made} API-tokens; meer dan {cap} per account kan niet "
            f"({PREFIX}MAX_TOKENS_PER_USER). Trek eerst een token in dat niet meer nodig is."
        )
    token, row = tokens.add(s, user, label, actor, day)
    audit.record(
        s, actor, "token_aangemaakt", gebruiker=user.username, kenmerk=tokens.kenmerk(row.token_hash), label=row.label, verloopt=day.isoformat()
    )
    return token


def revoke_token(s: Session, username: str, token_kenmerk: str, actor: str = "cli") -> None:
    """Revoke the user's API token named by ``token_kenmerk`` (``tokens.kenmerk``): it stops
    working at once on every server (only its hash was stored, and that is gone); the user's
    other tokens keep working."""
    user = get_user(s, username)
    found = tokens.find(s, user, token_kenmerk)
    if found is None:
        raise AccountError(f"Gebruiker {user.username!r} heeft geen API-token met kenmerk {token_kenmerk!r}.")
    wanted = tokens.kenmerk(found.token_hash)
    s.delete(found)
    audit.record(s, actor, "token_ingetrokken", gebruiker=user.username, kenmerk=wanted, label=found.label)
