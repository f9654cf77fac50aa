"""API tokens: 256-bit random strings with a recognisable prefix, of which only the SHA-256 is stored
(table ``apitoken``). An account may have several, each with a label (which system uses it) and
when it was made; making one more leaves the others working.

A token is shown by its ``kenmerk`` (the first characters of that SHA-256): enough to list and
revoke it, useless to call the API with, and never the token itself.

A token expires (``expires_at``): a national service expects credentials that do not live for
ever. Its date (``verloopt``) is a calendar day in the Netherlands: from 00:00 that day
(Europe/Amsterdam) the token no longer works. ``NULL`` (no expiry) is only possible for a row
written outside this module; migration 0014 gave every existing token a date."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from etvi.accounts import clock
from etvi.accounts.errors import AccountError, TokenExpiryError
from etvi.config import PREFIX
from models.tables import ApiToken, User

TOKEN_PREFIX = "etvi_"
KENMERK_LENGTH = 12
LABEL_MAX = 100
DEFAULT_LABEL = "token"


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _local():
    """The Dutch time zone of a token's date; UTC when the machine has no tz database."""
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:
        return timezone.utc


def today() -> date:
    """Today in the Netherlands: the day a new token's date is counted from."""
    return clock.utcnow().astimezone(_local()).date()


def expiry_moment(day: date) -> datetime:
    """When a token with date ``day`` stops working: 00:00 of that day in the Netherlands (UTC)."""
    return datetime.combine(day, time(0), tzinfo=_local()).astimezone(timezone.utc)


def expiry_day(moment: datetime | None) -> date | None:
    """The date (``verloopt``) of a token that stops working at ``moment``; ``None``: no expiry."""
    moment = clock.aware(moment)
    return moment.astimezone(_local()).date() if moment is not None else None


def is_expired(row: ApiToken, now: datetime | None = None) -> bool:
    moment = clock.aware(row.expires_at)
    return moment is not None and moment <= (now or clock.utcnow())


def parse_day(raw: date | str | None) -> date | None:
    """A chosen date of a new token (``JJJJ-MM-DD``), ``None`` when none is chosen."""
    if raw is None or isinstance(raw, date):
        return raw
    text = raw.strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise TokenExpiryError(f"Ongeldige vervaldatum {text!r}: gebruik JJJJ-MM-DD, bijvoorbeeld {today() + timedelta(days=90)}.") from None


def choose_expiry(raw: date | str | None, default_days: int, max_days: int) -> date:
    """The date of a new token: the chosen one (after today, at most ``max_days`` from today) or
    today + ``default_days``. Refused in Dutch (``TokenExpiryError``) otherwise."""
    now = today()
    chosen = parse_day(raw)
    if chosen is None:
        return now + timedelta(days=default_days)
    if chosen <= now:
        raise TokenExpiryError(f"De vervaldatum {chosen.isoformat()} ligt niet in de toekomst; kies een datum na vandaag ({now.isoformat()}).")
    latest = now + timedelta(days=max_days)
    if chosen > latest:
        raise TokenExpiryError(
            f"De vervaldatum {chosen.isoformat()} ligt te ver weg: een token leeft hoogstens {max_days} dagen, "
            f"dus uiterlijk {latest.isoformat()} ({PREFIX}TOKEN_MAX_DAYS)."
        )
    return chosen


def _row(s: Session, token: str | None) -> ApiToken | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = s.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row


def token_owner(s: Session, token: str | None) -> User | None:
    """The user whose API token this is, active or not, expired or not (for the audit trail), or ``None``."""
    row = _row(s, token)
    return s.get(User, row.user_id) if row is not None else None


def expired_on(s: Session, token: str | None) -> date | None:
    """The date this (known) token expired on, when it has; else ``None``."""
    row = _row(s, token)
    return expiry_day(row.expires_at) if row is not None and is_expired(row) else None


def user_for_token(s: Session, token: str | None) -> User | None:
    """The active user whose API token this is, when it has not expired; else ``None``."""
    row = _row(s, token)
    if row is None or is_expired(row):
        return None
    user = s.get(User, row.user_id)
    return user if user is not None and user.active else None


def kenmerk(token_hash: str) -> str:
    """How lists and the revoke call name a token (a prefix of its SHA-256, not the token)."""
    return token_hash[:KENMERK_LENGTH]


def clean_label(raw: str | None) -> str:
    """The label of a new token: one line of printable text (PostgreSQL refuses NUL), trimmed,
    at most ``LABEL_MAX`` characters."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in (raw or "")).split())
    if len(text) > LABEL_MAX:
        raise AccountError(f"Het label van een token is hoogstens {LABEL_MAX} tekens; dit label is {len(text)} tekens.")
    return text or DEFAULT_LABEL


def add(s: Session, user: User, label: str | None, actor: str, verloopt: date) -> tuple[str, ApiToken]:
    """Make one more token for ``user`` (the others keep working) that works until ``verloopt``:
    ``(token, row)``. Only the SHA-256 is stored; the token itself is returned once."""
    name = clean_label(label)
    while True:  # a kenmerk names one token of the user: never two with the same
        token = generate_token()
        digest = hash_token(token)
        if all(kenmerk(t.token_hash) != kenmerk(digest) for t in of_user(s, user)):
            break
    row = ApiToken(user_id=user.id, token_hash=digest, label=name, created_by=actor, expires_at=expiry_moment(verloopt))
    s.add(row)
    return token, row


def of_user(s: Session, user: User) -> list[ApiToken]:
    """The user's tokens, oldest first."""
    return list(s.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at, ApiToken.id)).all())


def count(s: Session, user: User) -> int:
    return len(of_user(s, user))


def find(s: Session, user: User, wanted: str) -> ApiToken | None:
    """The user's token with this kenmerk, or ``None``."""
    wanted = (wanted or "").strip().lower()
    if not wanted:
        return None
    return next((t for t in of_user(s, user) if kenmerk(t.token_hash) == wanted), None)


def listed(s: Session, user: User) -> list[dict]:
    """The user's API tokens, oldest first: ``kenmerk``, ``label``, when and by whom it was made,
    its date (``verloopt``) and whether it works (not while the account is disabled, nor from its
    date on). Never the token or its hash."""
    now = clock.utcnow()
    return [
        {
            "kenmerk": kenmerk(t.token_hash),
            "label": t.label,
            "aangemaakt": t.created_at,
            "aangemaakt_door": t.created_by or None,
            "verloopt": expiry_day(t.expires_at),
            "actief": bool(user.active) and not is_expired(t, now),
        }
        for t in of_user(s, user)
    ]
