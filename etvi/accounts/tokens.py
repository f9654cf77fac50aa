"""API tokens: 256-bit random strings with a recognisable prefix, of which only the SHA-256 is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from models.tables import User

TOKEN_PREFIX = "etvi_"


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
