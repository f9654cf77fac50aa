"""API tokens: 256-bit random strings with a recognisable prefix, of which only the SHA-256 is stored
(table ``apitoken``). An account may have several, each with a label (which system uses it) and
when it was made; making one more leaves the others working.

A token is shown by its ``kenmerk`` (the first characters of that SHA-256): enough to list and
revoke it, useless to call the API with, and never the token itself."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from etvi.accounts.errors import AccountError
from models.tables import ApiToken, User

TOKEN_PREFIX = "etvi_"
KENMERK_LENGTH = 12
LABEL_MAX = 100
DEFAULT_LABEL = "token"


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_owner(s: Session, token: str | None) -> User | None:
    """The user whose API token this is, active or not (for the audit trail), or ``None``."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    row = s.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return s.get(User, row.user_id)


def user_for_token(s: Session, token: str | None) -> User | None:
    """The active user whose API token this is, or ``None``."""
    user = token_owner(s, token)
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


def add(s: Session, user: User, label: str | None, actor: str) -> tuple[str, ApiToken]:
    """Make one more token for ``user`` (the others keep working): ``(token, row)``. Only the
    SHA-256 is stored; the token itself is returned once."""
    name = clean_label(label)
    while True:  # a kenmerk names one token of the user: never two with the same
        token = generate_token()
        digest = hash_token(token)
        if all(kenmerk(t.token_hash) != kenmerk(digest) for t in of_user(s, user)):
            break
    row = ApiToken(user_id=user.id, token_hash=digest, label=name, created_by=actor)
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
    and whether it works (not while the account is disabled). Never the token or its hash."""
    return [
        {
            "kenmerk": kenmerk(t.token_hash),
            "label": t.label,
            "aangemaakt": t.created_at,
            "aangemaakt_door": t.created_by or None,
            "actief": bool(user.active),
        }
        for t in of_user(s, user)
    ]
