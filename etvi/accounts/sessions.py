"""Browser sessions that can be ended: one ``UserSession`` row per login.

The signed cookie only carries the user id and a random session id; a request counts as logged
in when the database still has that session. So logout, a password reset, disabling an account
and a beheerder's "log out everywhere" end every copy of a cookie at once, on every worker and
every app server: the database is the one store they all share. Only the SHA-256 of the session
id is stored, so a copy of the table does not give anyone a usable cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from etvi.accounts.clock import aware, utcnow
from etvi.accounts.policy import Principal
from models.tables import User, UserSession

SESSION_HOURS = 12


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start(s: Session, user_id: int, hours: float = SESSION_HOURS, now: datetime | None = None) -> str:
    """Record a new session for ``user_id`` and return its id (for the signed cookie).

    Sessions that have expired, of anyone, are removed on the way: logins are rare enough that
    this keeps the table small without a separate clean-up job."""
    now = now or utcnow()
    s.execute(delete(UserSession).where(UserSession.expires_at < now))
    session_id = secrets.token_urlsafe(32)
    s.add(UserSession(id_hash=_digest(session_id), user_id=user_id, created_at=now, expires_at=now + timedelta(hours=hours)))
    return session_id


def user_for(s: Session, user_id, session_id, now: datetime | None = None) -> User | None:
    """The user of a live session: the id must be recorded for this user and not have expired.
    Whether the account is still active is the caller's check (it has the user)."""
    if not isinstance(session_id, str) or not session_id or len(session_id) > 200 or not isinstance(user_id, int):
        return None
    now = now or utcnow()
    row = s.exec(
        select(User, UserSession.expires_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.id_hash == _digest(session_id), User.id == user_id)
    ).first()
    if row is None or aware(row[1]) <= now:
        return None
    return row[0]


def principal(s: Session, user_id, session_id) -> Principal | None:
    """The active user of a live browser session, or ``None`` (logged out, expired, ended by a
    password reset or "log out everywhere", account disabled or gone)."""
    user = user_for(s, user_id, session_id)
    return Principal.from_user(user) if user is not None and user.active else None


def end(s: Session, session_id) -> None:
    """End one session (logout in this browser)."""
    if isinstance(session_id, str) and session_id:
        s.execute(delete(UserSession).where(UserSession.id_hash == _digest(session_id)))


def end_all(s: Session, user_id: int) -> int:
    """End every session of a user; returns how many there were."""
    result = s.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0


def count(s: Session, user_id: int, now: datetime | None = None) -> int:
    """How many live sessions a user has (for ``etvi gebruiker list`` and the tests)."""
    now = now or utcnow()
    q = select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id, UserSession.expires_at > now)
    return s.exec(q).one()
