"""API tokens: 256-bit random strings with a recognisable prefix, of which only the SHA-256 is stored.

A token is shown by its ``kenmerk`` (the first characters of that SHA-256): enough to list and
revoke it, useless to call the API with, and never the token itself."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from sqlmodel import Session, select

from models.tables import AuditEvent, User

TOKEN_PREFIX = "etvi_"
KENMERK_LENGTH = 12
CREATED_ACTION = "token_aangemaakt"


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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


def kenmerk(token_hash: str) -> str:
    """How lists and the revoke call name a token (a prefix of its SHA-256, not the token)."""
    return token_hash[:KENMERK_LENGTH]


def listed(s: Session, user: User) -> list[dict]:
    """The user's API tokens (today at most one) with ``kenmerk`` and when it was made (from the
    audit trail; ``None`` when that is no longer there)."""
    if not user.token_hash:
        return []
    created = None
    events = s.exec(select(AuditEvent).where(AuditEvent.action == CREATED_ACTION).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))
    for event in events:
        try:
            detail = json.loads(event.detail or "{}")
        except ValueError:
            continue
        if detail.get("gebruiker") == user.username:
            created = event.created_at
            break
    return [{"kenmerk": kenmerk(user.token_hash), "aangemaakt": created, "actief": bool(user.active)}]
