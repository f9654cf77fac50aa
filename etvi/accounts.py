"""Accounts, roles and scopes: user management, password and token checks, and the audit trail.

Roles:

- ``beheerder`` (VNG): everything — uploads for any gemeente, the audit log, user management.
- ``provincie``: scoped to one provincie; views, and sees the delivery status of its gemeenten.
- ``gemeente``: scoped to one or more gemeentecodes; uploads for those only.

Passwords are hashed with Argon2id (argon2-cffi); API tokens are 256-bit random strings of which
only the SHA-256 is stored. Repeated failed logins lock the account for a while, and repeated
failures from one client address (whatever the usernames) block that address for a while; a refused
login answers the same, in words and in time, whether the name exists, is locked or disabled, so
account names cannot be discovered. Browser sessions live in the database (``etvi.sessions``), so
logout, a password reset, disabling an account and "log out everywhere" end them at once. The permission
checks (``can_*``) are pure functions of a user, so the web server, the API and the tests all use
the same rules. Every management action and every login is written to ``AuditEvent``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from etvi import sessions
from etvi.errors import UserError
from models.tables import AuditEvent, Gemeente, Provincie, StatusRecord, Upload, User

ROLES = ("beheerder", "provincie", "gemeente")
ROLE_LABELS = {
    "beheerder": "beheerder (VNG)",
    "provincie": "provincie",
    "gemeente": "gemeente",
}
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "etvi_"

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters (RFC 9106 low-memory)
_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist (or is locked or disabled), so that
    case takes as long as a wrong password. Made on first use, not at import (every ``etvi``
    command imports this); the web server makes it at start-up (``prepare_login``)."""
    params = _hasher.time_cost, _hasher.memory_cost, _hasher.parallelism
    key = repr(params)
    if key not in _dummy:
        _dummy[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy[key]


def prepare_login() -> None:
    """Make the dummy hash now, so the first refused login of a server process does not take
    a hash longer than the others."""
    _dummy_hash()


class AccountError(UserError, ValueError):
    """A user-management or login problem; ``str()`` is a Dutch message for the user."""


class LoginError(AccountError):
    """Login refused. ``locked_until`` is set (with ``per_address``) when the client address is
    temporarily blocked; a refusal for the account itself never says why, see ``authenticate``."""

    def __init__(self, message: str, locked_until: datetime | None = None, per_address: bool = False):
        super().__init__(message)
        self.locked_until = locked_until
        self.per_address = per_address


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


# --------------------------------------------------------------------------------------------
# The detached view of a user that the web layer keeps, and the pure permission checks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """A logged-in user as the web layer sees it: plain data, no database session attached."""

    id: int
    username: str
    role: str
    gemeente_codes: frozenset[str]
    provincie_code: str | None
    active: bool

    @classmethod
    def from_user(cls, user: User) -> "Principal":
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            gemeente_codes=frozenset(split_codes(user.gemeente_codes)),
            provincie_code=user.provincie_code,
            active=bool(user.active),
        )

    @property
    def scope_label(self) -> str:
        if self.role == "gemeente":
            return ", ".join(sorted(self.gemeente_codes))
        if self.role == "provincie":
            return self.provincie_code or ""
        return "alle gemeenten"


def split_codes(value: str | None) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def _codes(user) -> frozenset[str]:
    codes = getattr(user, "gemeente_codes", "")
    if isinstance(codes, str):
        return frozenset(split_codes(codes))
    return frozenset(codes or ())


def _active(user) -> bool:
    return user is not None and bool(getattr(user, "active", False))


def can_view(user, public: bool) -> bool:
    """Viewing the dashboard and the status API: anyone when public, else any active account."""
    return public or _active(user)


def can_upload(user) -> bool:
    """Whether the user may upload at all (for some gemeente)."""
    if not _active(user):
        return False
    if user.role == "beheerder":
        return True
    return user.role == "gemeente" and bool(_codes(user))


def upload_scope(user) -> set[str] | None:
    """The gemeentecodes the user may upload for; ``None`` means all (beheerder).

    Raises ``AccountError`` for a user who may not upload at all, so a caller can never
    mistake "no restriction" for "no rights".
    """
    if not can_upload(user):
        raise AccountError("Dit account mag geen gegevens aanleveren.")
    if user.role == "beheerder":
        return None
    return set(_codes(user))


def can_upload_for(user, gemeente_codes: Iterable[str]) -> bool:
    """True when the user may deliver statuses for every one of the given gemeenten."""
    if not can_upload(user):
        return False
    wanted = set(gemeente_codes)
    if user.role == "beheerder":
        return True
    return bool(wanted) and wanted <= _codes(user)


def can_see_audit(user) -> bool:
    """The full audit log of uploads (and downloading stored originals): beheerder only."""
    return _active(user) and user.role == "beheerder"


def can_manage_users(user) -> bool:
    return _active(user) and user.role == "beheerder"


def can_see_delivery(user, provincie_code: str | None = None) -> bool:
    """Who delivered what and when for the gemeenten of a provincie (or all, for the beheerder)."""
    if not _active(user):
        return False
    if user.role == "beheerder":
        return True
    return user.role == "provincie" and provincie_code is not None and user.provincie_code == provincie_code


# --------------------------------------------------------------------------------------------
# Passwords and tokens
# --------------------------------------------------------------------------------------------


def generate_password() -> str:
    """A random password of about 115 bits, in groups that are easy to copy: xxxxx-xxxxx-xxxxx-xxxxx."""
    groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(5)) for _ in range(4)]
    return "-".join(groups)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Het wachtwoord is te kort: gebruik minstens {MIN_PASSWORD_LENGTH} tekens.")
    if password.strip() != password:
        raise AccountError("Het wachtwoord mag niet met een spatie beginnen of eindigen.")
    if len(set(password)) < 4:
        raise AccountError("Het wachtwoord is te eenvoudig: gebruik meer verschillende tekens.")


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Audit trail
# --------------------------------------------------------------------------------------------


def audit(s: Session, actor: str, action: str, **detail) -> None:
    """Add an ``AuditEvent`` in the caller's transaction. ``detail`` is stored as JSON; its
    ``adres`` (client address) also goes into the event's ``address`` column."""
    address = detail.get("adres")
    s.add(
        AuditEvent(
            username=actor or "onbekend",
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True) if detail else None,
            address=str(address) if address else None,
        )
    )


# --------------------------------------------------------------------------------------------
# Validation of names and scopes against the reference tables
# --------------------------------------------------------------------------------------------


def normalise_username(name: str) -> str:
    name = (name or "").strip().lower()
    if not USERNAME_RE.match(name):
        raise AccountError(
            f"Ongeldige gebruikersnaam {name!r}: gebruik 2 tot 64 tekens, alleen letters, cijfers en . _ @ -, "
            "beginnend met een letter of cijfer."
        )
    return name


def _cbs_code(raw: str, prefix: str, width: int, what: str, example: str) -> str:
    """``raw`` as a CBS code (``GM0363``, ``PV27``): the prefix is optional, leading zeros are added."""
    text = (raw or "").strip().upper()
    digits = text[len(prefix) :] if text.startswith(prefix) else text
    if not digits.isdigit() or len(digits) > width:
        raise AccountError(f"Ongeldige {what} {raw!r}: gebruik de CBS-code, zoals {example}.")
    return prefix + digits.zfill(width)


def normalise_gemeente_code(s: Session, raw: str) -> str:
    code = _cbs_code(raw, "GM", 4, "gemeentecode", "GM0363")
    gemeente = s.get(Gemeente, code)
    if gemeente is None or gemeente.valid_to is not None:
        raise AccountError(f"Gemeentecode {code} bestaat niet (of niet meer). Gebruik een huidige CBS-code, zoals GM0363.")
    return code


def normalise_provincie_code(s: Session, raw: str) -> str:
    code = _cbs_code(raw, "PV", 2, "provinciecode", "PV27")
    if s.get(Provincie, code) is None:
        raise AccountError(f"Provinciecode {code} bestaat niet. Gebruik een CBS-code, zoals PV27 (Noord-Holland).")
    return code


def _scope_for_role(s: Session, role: str, gemeenten: Iterable[str], provincie: str | None) -> tuple[str, str | None]:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise AccountError(f"Onbekende rol {role!r}. Kies uit: {', '.join(ROLES)}.")
    gemeenten = [g for g in gemeenten if g and g.strip()]
    if role == "gemeente":
        if not gemeenten:
            raise AccountError("Een gebruiker met rol gemeente heeft minstens één gemeentecode nodig (--gemeente GM0363).")
        if provincie:
            raise AccountError("Een gebruiker met rol gemeente krijgt geen provincie; geef alleen --gemeente.")
        codes = sorted({normalise_gemeente_code(s, g) for g in gemeenten})
        return ",".join(codes), None
    if role == "provincie":
        if not provincie:
            raise AccountError("Een gebruiker met rol provincie heeft een provinciecode nodig (--provincie PV27).")
        if gemeenten:
            raise AccountError("Een gebruiker met rol provincie krijgt geen gemeentecodes; geef alleen --provincie.")
        return "", normalise_provincie_code(s, provincie)
    if gemeenten or provincie:
        raise AccountError("Een beheerder heeft rechten op alle gemeenten; geef geen --gemeente of --provincie.")
    return "", None


# --------------------------------------------------------------------------------------------
# User management
# --------------------------------------------------------------------------------------------


def get_user(s: Session, username: str) -> User:
    name = (username or "").strip().lower()
    user = s.exec(select(User).where(User.username == name)).first()
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
) -> tuple[User, str | None]:
    """Create an account. Returns the user and the generated password (``None`` if one was given).

    The plain password is never stored; the caller shows a generated one exactly once.
    """
    name = normalise_username(username)
    if s.exec(select(User).where(User.username == name)).first() is not None:
        raise AccountError(f"Gebruiker {name!r} bestaat al.")
    codes, provincie = _scope_for_role(s, role, gemeente_codes, provincie_code)
    generated = None
    if password is None:
        password = generated = generate_password()
    else:
        check_password_strength(password)
    user = User(
        username=name,
        role=role.strip().lower(),
        gemeente_codes=codes,
        provincie_code=provincie,
        password_hash=hash_password(password),
        active=True,
    )
    s.add(user)
    s.flush()
    audit(s, actor, "gebruiker_aangemaakt", gebruiker=name, rol=user.role, gemeenten=codes, provincie=provincie)
    return user, generated


def list_users(s: Session) -> list[User]:
    return list(s.exec(select(User).order_by(User.username)).all())


def disable_user(s: Session, username: str, actor: str = "cli") -> User:
    """Deactivate an account: its sessions end now, and its token stops working at the next
    request (``user_for_token`` checks ``active``)."""
    user = get_user(s, username)
    user.active = False  # its token stays recorded, so a later attempt with it can be named in the log
    s.add(user)
    ended = sessions.end_all(s, user.id)
    audit(s, actor, "gebruiker_uitgeschakeld", gebruiker=user.username, sessies_beeindigd=ended)
    return user


def end_sessions(s: Session, username: str, actor: str = "cli") -> int:
    """Log a user out everywhere: end every browser session of the account (its API token is
    separate and keeps working). Returns the number of sessions ended."""
    user = get_user(s, username)
    ended = sessions.end_all(s, user.id)
    audit(s, actor, "sessies_beeindigd", gebruiker=user.username, aantal=ended)
    return ended


def enable_user(s: Session, username: str, actor: str = "cli") -> User:
    user = get_user(s, username)
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    audit(s, actor, "gebruiker_ingeschakeld", gebruiker=user.username)
    return user


def reset_password(s: Session, username: str, password: str | None = None, actor: str = "cli") -> str | None:
    """Set a new password (generated when none is given), lift a login lock and end the
    account's browser sessions.

    Returns the generated password, or ``None`` when the caller supplied one.
    """
    user = get_user(s, username)
    generated = None
    if password is None:
        password = generated = generate_password()
    else:
        check_password_strength(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    ended = sessions.end_all(s, user.id)  # whoever knew the old password is logged out
    audit(s, actor, "wachtwoord_opnieuw_ingesteld", gebruiker=user.username, sessies_beeindigd=ended)
    return generated


def create_token(s: Session, username: str, actor: str = "cli") -> str:
    """A new API token for the user; replaces any earlier one. Only its SHA-256 is stored."""
    user = get_user(s, username)
    if not user.active:
        raise AccountError(f"Gebruiker {user.username!r} is uitgeschakeld; een token is dan niet bruikbaar.")
    token = generate_token()
    user.token_hash = hash_token(token)
    s.add(user)
    audit(s, actor, "token_aangemaakt", gebruiker=user.username)
    return token


# --------------------------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------------------------

LOGIN_FAILED_MESSAGE = (
    "Inloggen is niet gelukt: de gebruikersnaam of het wachtwoord klopt niet, of het account is na "
    f"{MAX_FAILED_LOGINS} mislukte pogingen op rij tijdelijk ({LOCK_MINUTES} minuten) geblokkeerd. "
    "Probeer het later opnieuw, of vraag de beheerder om een nieuw wachtwoord."
)
# Audit actions of a refused login for an account; they count towards the limit per client address.
# Every such refusal counts alike (unknown name, wrong password, locked, disabled), so that limit
# does not reveal which names exist either; refusals of a blocked address do not count.
FAILED_LOGIN_ACTIONS = ("inloggen_mislukt", "account_geblokkeerd")


def _minutes(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return f"{minutes} {'minuut' if minutes == 1 else 'minuten'}"


def _address_message(until: datetime, now: datetime) -> str:
    return (
        "Te veel mislukte inlogpogingen vanaf uw internetadres. Inloggen vanaf dit adres is tijdelijk "
        f"geblokkeerd; probeer het over {_minutes(until, now)} opnieuw. Werkt u met collega's achter "
        "hetzelfde adres, wacht dan even of neem contact op met de beheerder bij VNG."
    )


def address_blocked_until(
    s: Session, address: str | None, now: datetime | None = None, max_failures: int | None = None, window_minutes: int | None = None
) -> datetime | None:
    """Until when logins from ``address`` are refused, or ``None`` when they are not.

    Counts the refused logins for accounts (unknown name, wrong password, locked or disabled
    account, whatever the usernames) from that address
    in the last ``window_minutes`` (``ETVI_LOGIN_IP_WINDOW_MINUTES``); at ``max_failures``
    (``ETVI_LOGIN_IP_MAX_FAILURES``; 0 switches the check off) the address waits until the oldest
    of those leaves the window. The failures are the audit trail's own login events, so every
    server worker and both database backends see the same count.
    """
    if not address:
        return None
    if max_failures is None or window_minutes is None:
        from etvi.config import settings

        cfg = settings()
        max_failures = cfg.login_ip_max_failures if max_failures is None else max_failures
        window_minutes = cfg.login_ip_window_minutes if window_minutes is None else window_minutes
    if max_failures <= 0:
        return None
    now = now or utcnow()
    window = timedelta(minutes=window_minutes)
    q = (
        select(AuditEvent.created_at)
        .where(AuditEvent.address == address)
        .where(AuditEvent.created_at > now - window, AuditEvent.created_at <= now)
        .where(AuditEvent.action.in_(FAILED_LOGIN_ACTIONS))
        .order_by(AuditEvent.created_at.desc())
        .limit(max_failures)
    )
    times = list(s.exec(q).all())
    if len(times) < max_failures:
        return None
    return _aware(times[-1]) + window


def _refuse(s: Session, actor: str, action: str, **detail) -> LoginError:
    """Record a refused login (committed: the caller's session rolls back on the error) and
    return the one answer every refusal for an account gets."""
    audit(s, actor, action, **detail)
    s.commit()
    return LoginError(LOGIN_FAILED_MESSAGE)


def authenticate(
    s: Session, username: str, password: str, now: datetime | None = None, source: str = "", address: str | None = None
) -> User:
    """Check a username and password; returns the user or raises ``LoginError`` (Dutch message).

    Two limits:

    - per client ``address`` (the web layer passes the request's address), checked first: after
      ``ETVI_LOGIN_IP_MAX_FAILURES`` failed logins from one address within
      ``ETVI_LOGIN_IP_WINDOW_MINUTES``, whatever the usernames, that address is refused until the
      window has moved on (``LoginError.per_address``, with the time to wait); see
      ``address_blocked_until``;
    - per account: after ``MAX_FAILED_LOGINS`` wrong passwords in a row the account is locked for
      ``LOCK_MINUTES``; while locked even the right password is refused. Success resets the
      counter. The counter is incremented in SQL so concurrent attempts in several workers all count.

    Account names cannot be discovered: an unknown name, a wrong password, a locked and a
    disabled account all get the same ``LOGIN_FAILED_MESSAGE`` (which mentions the lock), and
    every one of them costs exactly one Argon2 verification (against a dummy hash when there is
    no usable one), so neither the answer nor its time tells them apart. Why it was refused is
    in the audit trail for the beheerder.
    """
    now = now or utcnow()
    where = {"bron": source, **({"adres": address} if address else {})}
    try:
        name = normalise_username(username)
    except AccountError:
        name = None
    actor = (name or (username or "")[:64]) or "onbekend"
    blocked_until = address_blocked_until(s, address, now)
    if blocked_until is not None:
        audit(s, actor, "inloggen_geweigerd", reden="te veel mislukte pogingen vanaf dit adres", **where)
        s.commit()
        raise LoginError(_address_message(blocked_until, now), blocked_until, per_address=True)
    user = s.exec(select(User).where(User.username == name)).first() if name else None
    locked_until = _aware(user.locked_until) if user is not None else None
    usable = user is not None and user.active and not (locked_until is not None and locked_until > now)
    # Exactly one Argon2 verification on every path.
    correct = verify_password(user.password_hash if usable else _dummy_hash(), password or "") and usable
    if user is None:
        raise _refuse(s, actor, "inloggen_mislukt", reden="onbekende gebruiker", **where)
    if locked_until is not None and locked_until > now:
        raise _refuse(s, user.username, "inloggen_mislukt", reden="geblokkeerd", tot=locked_until.isoformat(), **where)
    if not user.active:
        raise _refuse(s, user.username, "inloggen_mislukt", reden="uitgeschakeld", **where)
    if not correct:
        s.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        s.flush()
        s.refresh(user)
        detail = {"reden": "onjuist wachtwoord", "pogingen": user.failed_logins, **where}
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            s.add(user)
            raise _refuse(s, user.username, "account_geblokkeerd", tot=user.locked_until.isoformat(), **detail)
        raise _refuse(s, user.username, "inloggen_mislukt", **detail)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    audit(s, user.username, "ingelogd", **where)
    return user


def token_owner(s: Session, token: str | None) -> User | None:
    """The user whose API token this is, active or not (for the audit trail), or ``None``."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    user = s.exec(select(User).where(User.token_hash == digest)).first()
    if user is None or not hmac.compare_digest(user.token_hash or "", digest):
        return None
    return user


def user_for_token(s: Session, token: str | None) -> User | None:
    """The active user whose API token this is, or ``None``."""
    user = token_owner(s, token)
    return user if user is not None and user.active else None


def start_session(s: Session, user: User) -> str:
    """A new browser session for a user who just logged in; returns the id for the cookie."""
    return sessions.start(s, user.id)


def session_principal(s: Session, user_id, session_id) -> Principal | None:
    """The active user of a live browser session, or ``None`` (logged out, expired, ended by a
    password reset or "log out everywhere", account disabled or gone)."""
    user = sessions.user_for(s, user_id, session_id)
    return Principal.from_user(user) if user is not None and user.active else None


def end_session(s: Session, session_id) -> None:
    """Logout in one browser: that session (and every copy of its cookie) ends."""
    sessions.end(s, session_id)


# --------------------------------------------------------------------------------------------
# Delivery views: who delivered what and when
# --------------------------------------------------------------------------------------------


def delivery_overview(s: Session, provincie_code: str | None = None) -> list[dict]:
    """Per gemeente (of one provincie, or all): the newest peildatum delivered, when, by whom and
    how, and the latest attempt of any outcome (refused ones included).

    Gemeenten that never delivered are included with empty fields. The ``laatste_poging_*`` fields
    describe the newest upload attempt for the gemeente, whether it was loaded, unchanged or refused
    (see ``latest_attempts``); ``geweigerd_sinds_levering`` counts the refused attempts after the
    last delivery (all of them when there was none), so "tried but refused" is visible.
    """
    gq = select(Gemeente).where(Gemeente.valid_to.is_(None))
    if provincie_code:
        gq = gq.where(Gemeente.provincie_code == provincie_code)
    gemeenten = {g.code: g for g in s.exec(gq.order_by(Gemeente.name)).all()}
    rows = {
        code: {
            "gemeente_code": code,
            "gemeente": g.name,
            "provincie_code": g.provincie_code,
            "laatste_peildatum": None,
            "laatst_aangeleverd": None,
            "door": None,
            "kanaal": None,
            "upload_id": None,
            "laatste_poging": None,
            "laatste_poging_uitkomst": None,
            "laatste_poging_door": None,
            "laatste_poging_bestand": None,
            "laatste_poging_id": None,
            "geweigerd_sinds_levering": 0,
        }
        for code, g in gemeenten.items()
    }
    if not rows:
        return []
    latest = (
        select(
            StatusRecord.gemeente_code,
            func.max(StatusRecord.upload_id).label("upload_id"),
            func.max(StatusRecord.peildatum).label("peildatum"),
        )
        .where(StatusRecord.gemeente_code.in_(list(rows)))
        .group_by(StatusRecord.gemeente_code)
        .subquery()
    )
    q = select(
        latest.c.gemeente_code, latest.c.peildatum, Upload.id, Upload.created_at, Upload.username, Upload.channel, Upload.file_name
    ).join(Upload, Upload.id == latest.c.upload_id, isouter=True)
    for code, peildatum, upload_id, created_at, username, channel, file_name in s.execute(q).all():
        row = rows[code]
        row.update(laatste_peildatum=peildatum, laatst_aangeleverd=created_at, door=username, kanaal=channel, upload_id=upload_id)
        if upload_id is not None:
            row.update(
                laatste_poging=created_at,
                laatste_poging_uitkomst="geladen",
                laatste_poging_door=username,
                laatste_poging_bestand=file_name,
                laatste_poging_id=upload_id,
            )
    for code, attempts in latest_attempts(s, set(rows)).items():
        row = rows[code]
        newest = attempts[0]
        if row["laatste_poging_id"] is None or (newest["tijdstip"], newest["id"]) > (_aware(row["laatste_poging"]), row["laatste_poging_id"]):
            row.update(
                laatste_poging=newest["tijdstip"],
                laatste_poging_uitkomst=newest["uitkomst"],
                laatste_poging_door=newest["door"],
                laatste_poging_bestand=newest["bestand"],
                laatste_poging_id=newest["id"],
            )
        since = _aware(row["laatst_aangeleverd"])
        row["geweigerd_sinds_levering"] = sum(
            1 for a in attempts if a["uitkomst"] == "geweigerd" and (since is None or a["tijdstip"] > since)
        )
    return list(rows.values())


def attempt_gemeenten(file_codes: str | None, scope: set[str] | None) -> set[str]:
    """The gemeenten an upload attempt was for.

    ``file_codes``: the gemeenten the file was about (``Upload.gemeente_codes``, known once the
    file could be read, also when it was refused); ``scope``: the uploading gemeente account's own
    gemeenten (``None`` for the beheerder, the CLI and other accounts). A gemeente account delivers
    only for itself, so its attempt counts for its own gemeenten in the file, or for all of them
    when the file names none of them (unreadable, too large, someone else's rows only).
    """
    codes = set(split_codes(file_codes))
    if scope is None:
        return codes
    return (codes & scope) or set(scope)


def latest_attempts(s: Session, codes: set[str]) -> dict[str, list[dict]]:
    """Per gemeente in ``codes``: its upload attempts that did not load (refused or unchanged),
    newest first, as dicts with ``id``, ``tijdstip``, ``uitkomst``, ``door``, ``bestand``.

    Loaded uploads are found through their status records (``delivery_overview``); these are the
    attempts that left no record, attributed with ``attempt_gemeenten``.
    """
    scopes = {u.username: set(split_codes(u.gemeente_codes)) for u in s.exec(select(User).where(User.role == "gemeente")).all()}
    q = (
        select(Upload.id, Upload.created_at, Upload.outcome, Upload.username, Upload.file_name, Upload.gemeente_codes)
        .where(Upload.outcome != "geladen")
        .order_by(Upload.created_at.desc(), Upload.id.desc())
    )
    found: dict[str, list[dict]] = {}
    for upload_id, created_at, outcome, username, file_name, file_codes in s.execute(q).all():
        hit = attempt_gemeenten(file_codes, scopes.get(username)) & codes
        if not hit:
            continue
        attempt = {"id": upload_id, "tijdstip": _aware(created_at), "uitkomst": outcome, "door": username, "bestand": file_name}
        for code in hit:
            found.setdefault(code, []).append(attempt)
    return found


def uploads_visible_to(s: Session, user, limit: int = 50) -> list[Upload]:
    """Upload history a user may see, newest first: everything for the beheerder; for a gemeente
    user its own attempts, and other accounts' attempts that were only about its gemeenten.

    An attempt is about the gemeenten in its file (``Upload.gemeente_codes``; for an old upload
    without them, those of the records it wrote), or, when the file named none (unreadable), the
    uploading gemeente account's own gemeenten. So an account sharing a gemeente with another sees
    the other's uploads for that gemeente, but not those that touch gemeenten outside its own
    scope; a file that also covered other gemeenten (a beheerder's national load) is not listed,
    as its name and counts are about those too. Other roles see nothing.
    """
    newest = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc())
    if can_see_audit(user):
        return list(s.exec(newest.limit(limit)).all())
    own = set(_codes(user)) if _active(user) and user.role == "gemeente" else set()
    if not own:
        return []
    scopes = {u.username: set(split_codes(u.gemeente_codes)) for u in s.exec(select(User).where(User.role == "gemeente")).all()}
    colleagues = sorted(name for name, scope in scopes.items() if scope & own) or [user.username]
    # A cheap pre-selection in SQL (uploads by accounts that share a gemeente, or naming one of
    # ours, or with a record for one of ours); the exact rule is applied below.
    with_records = select(StatusRecord.upload_id).where(StatusRecord.gemeente_code.in_(sorted(own))).distinct()
    candidates = newest.where(
        Upload.username.in_(colleagues)
        | or_(*(Upload.gemeente_codes.contains(code) for code in sorted(own)))
        | Upload.id.in_(with_records)
    )
    found: list[Upload] = []
    batch, offset = max(limit * 4, 200), 0
    while len(found) < limit:
        uploads = list(s.exec(candidates.offset(offset).limit(batch)).all())
        if not uploads:
            break
        offset += len(uploads)
        missing = [u.id for u in uploads if not split_codes(u.gemeente_codes)]
        written: dict[int, set[str]] = {}
        if missing:
            rows = s.execute(
                select(StatusRecord.upload_id, StatusRecord.gemeente_code).where(StatusRecord.upload_id.in_(missing)).distinct()
            ).all()
            for upload_id, code in rows:
                written.setdefault(upload_id, set()).add(code)
        for u in uploads:
            about = set(split_codes(u.gemeente_codes)) or written.get(u.id) or scopes.get(u.username) or set()
            if u.username == user.username or (about and about <= own):
                found.append(u)
                if len(found) == limit:
                    break
    return found
