"""Accounts, roles and scopes: user management, password and token checks, and the audit trail.

Roles:

- ``beheerder`` (VNG): everything — uploads for any gemeente, the audit log, user management.
- ``provincie``: scoped to one provincie; views, and sees the delivery status of its gemeenten.
- ``gemeente``: scoped to one or more gemeentecodes; uploads for those only.

Passwords are hashed with Argon2id (argon2-cffi); API tokens are 256-bit random strings of which
only the SHA-256 is stored. Repeated failed logins lock the account for a while. The permission
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
from sqlalchemy import func, update
from sqlmodel import Session, select

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
    """A hash to verify against when the user does not exist, so that case takes as long as a
    wrong password. Made on first use, not at import (every ``etvi`` command imports this)."""
    params = _hasher.time_cost, _hasher.memory_cost, _hasher.parallelism
    key = repr(params)
    if key not in _dummy:
        _dummy[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy[key]


class AccountError(ValueError):
    """A user-management or login problem; ``str()`` is a Dutch message for the user."""


class LoginError(AccountError):
    """Login refused. ``locked_until`` is set when the account is temporarily locked."""

    def __init__(self, message: str, locked_until: datetime | None = None):
        super().__init__(message)
        self.locked_until = locked_until


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
    credential_tag: str = ""  # changes when the password changes, which ends existing sessions

    @classmethod
    def from_user(cls, user: User) -> "Principal":
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            gemeente_codes=frozenset(split_codes(user.gemeente_codes)),
            provincie_code=user.provincie_code,
            active=bool(user.active),
            credential_tag=credential_tag(user),
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


def credential_tag(user: User) -> str:
    """A short fingerprint of the password hash; a session remembers it, a reset invalidates it."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


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
    """Add an ``AuditEvent`` in the caller's transaction. ``detail`` is stored as JSON."""
    s.add(
        AuditEvent(
            username=actor or "onbekend",
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True) if detail else None,
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


def normalise_gemeente_code(s: Session, raw: str) -> str:
    text = (raw or "").strip().upper()
    digits = text[2:] if text.startswith("GM") else text
    if not digits.isdigit() or len(digits) > 4:
        raise AccountError(f"Ongeldige gemeentecode {raw!r}: gebruik de CBS-code, zoals GM0363.")
    code = "GM" + digits.zfill(4)
    gemeente = s.get(Gemeente, code)
    if gemeente is None or gemeente.valid_to is not None:
        raise AccountError(f"Gemeentecode {code} bestaat niet (of niet meer). Gebruik een huidige CBS-code, zoals GM0363.")
    return code


def normalise_provincie_code(s: Session, raw: str) -> str:
    text = (raw or "").strip().upper()
    digits = text[2:] if text.startswith("PV") else text
    if not digits.isdigit() or len(digits) > 2:
        raise AccountError(f"Ongeldige provinciecode {raw!r}: gebruik de CBS-code, zoals PV27.")
    code = "PV" + digits.zfill(2)
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
    """Deactivate an account: its sessions and its token stop working at the next request."""
    user = get_user(s, username)
    user.active = False  # its token stays recorded, so a later attempt with it can be named in the log
    s.add(user)
    audit(s, actor, "gebruiker_uitgeschakeld", gebruiker=user.username)
    return user


def enable_user(s: Session, username: str, actor: str = "cli") -> User:
    user = get_user(s, username)
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    audit(s, actor, "gebruiker_ingeschakeld", gebruiker=user.username)
    return user


def reset_password(s: Session, username: str, password: str | None = None, actor: str = "cli") -> str | None:
    """Set a new password (generated when none is given) and lift a login lock.

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
    audit(s, actor, "wachtwoord_opnieuw_ingesteld", gebruiker=user.username)
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

LOGIN_FAILED_MESSAGE = "Onbekende gebruikersnaam of onjuist wachtwoord."


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return (
        f"Te veel mislukte inlogpogingen. Dit account is tijdelijk geblokkeerd; probeer het over "
        f"{minutes} minuut{'en' if minutes != 1 else ''} opnieuw, of vraag de beheerder om een nieuw wachtwoord."
    )


def authenticate(s: Session, username: str, password: str, now: datetime | None = None, source: str = "") -> User:
    """Check a username and password; returns the user or raises ``LoginError`` (Dutch message).

    After ``MAX_FAILED_LOGINS`` failures in a row the account is locked for ``LOCK_MINUTES``;
    while locked the password is not even checked. Success resets the counter. The counter is
    incremented in SQL so concurrent attempts in several workers all count. A failed attempt
    commits its audit event (and counter) before raising, so it survives the caller's rollback.
    """
    now = now or utcnow()
    try:
        name = normalise_username(username)
    except AccountError:
        name = None
    user = s.exec(select(User).where(User.username == name)).first() if name else None
    if user is None:
        verify_password(_dummy_hash(), password or "")  # same cost as a real check
        audit(s, (name or (username or "")[:64]) or "onbekend", "inloggen_mislukt", reden="onbekende gebruiker", bron=source)
        s.commit()
        raise LoginError(LOGIN_FAILED_MESSAGE)
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        audit(s, user.username, "inloggen_geweigerd", reden="geblokkeerd", bron=source)
        s.commit()
        raise LoginError(_locked_message(locked_until, now), locked_until)
    if not user.active:
        verify_password(_dummy_hash(), password or "")
        audit(s, user.username, "inloggen_mislukt", reden="uitgeschakeld", bron=source)
        s.commit()
        raise LoginError(LOGIN_FAILED_MESSAGE)
    if not verify_password(user.password_hash, password or ""):
        s.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        s.flush()
        s.refresh(user)
        detail = {"reden": "onjuist wachtwoord", "pogingen": user.failed_logins, "bron": source}
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            s.add(user)
            audit(s, user.username, "account_geblokkeerd", tot=user.locked_until.isoformat(), **detail)
            # Commit the lock even though we raise: the caller's session rolls back on error.
            s.commit()
            raise LoginError(_locked_message(user.locked_until, now), user.locked_until)
        audit(s, user.username, "inloggen_mislukt", **detail)
        s.commit()
        raise LoginError(LOGIN_FAILED_MESSAGE)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    audit(s, user.username, "ingelogd", bron=source)
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


def load_principal(s: Session, user_id: int) -> Principal | None:
    user = s.get(User, user_id)
    return Principal.from_user(user) if user is not None else None


# --------------------------------------------------------------------------------------------
# Delivery views: who delivered what and when
# --------------------------------------------------------------------------------------------


def delivery_overview(s: Session, provincie_code: str | None = None) -> list[dict]:
    """Per gemeente (of one provincie, or all): the newest peildatum delivered, when, by whom and how.

    Gemeenten that never delivered are included with empty fields.
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
    q = select(latest.c.gemeente_code, latest.c.peildatum, Upload.id, Upload.created_at, Upload.username, Upload.channel).join(
        Upload, Upload.id == latest.c.upload_id, isouter=True
    )
    for code, peildatum, upload_id, created_at, username, channel in s.execute(q).all():
        row = rows[code]
        row.update(
            laatste_peildatum=peildatum,
            laatst_aangeleverd=created_at,
            door=username,
            kanaal=channel,
            upload_id=upload_id,
        )
    return list(rows.values())


def uploads_visible_to(s: Session, user, limit: int = 50) -> list[Upload]:
    """Upload history a user may see: everything for the beheerder; for a gemeente user the
    attempts by accounts sharing one of its gemeenten plus uploads that wrote records for them."""
    q = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc()).limit(limit)
    if can_see_audit(user):
        return list(s.exec(q).all())
    codes = sorted(_codes(user)) if _active(user) and user.role == "gemeente" else []
    if not codes:
        return []
    colleagues = [
        u.username
        for u in s.exec(select(User).where(User.role == "gemeente")).all()
        if set(split_codes(u.gemeente_codes)) & set(codes)
    ]
    with_records = select(StatusRecord.upload_id).where(StatusRecord.gemeente_code.in_(codes)).distinct()
    q = q.where((Upload.username.in_(colleagues or [user.username])) | (Upload.id.in_(with_records)))
    return list(s.exec(q).all())
