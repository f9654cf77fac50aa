"""Files checked on /aanleveren that wait for their confirm, in the database (``pendingupload``).

Several app servers share only the database, so the confirm may reach another server than the
check. The browser holds a random token; the table keeps its SHA-256, the bytes and the form's
name and peildatum. A confirm takes the file with one conditional UPDATE … RETURNING (SQLite ≥
3.35 and PostgreSQL), so of several confirms at once exactly one gets it; the row is deleted
when that load is done. Rows older than ``PENDING_HOURS`` count as gone and are removed on the
next check.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, timedelta

from sqlalchemy import delete, update
from sqlmodel import select

from models import db
from models.tables import PendingUpload, utcnow

PENDING_HOURS = 24


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _valid_token(token) -> bool:
    return bool(token) and isinstance(token, str) and len(token) < 100 and token.replace("-", "").replace("_", "").isalnum()


def _cutoff():
    return utcnow() - timedelta(hours=PENDING_HOURS)


def _meta(raw: str) -> dict:
    meta = json.loads(raw)
    meta["peildatum"] = date.fromisoformat(meta["peildatum"]) if meta.get("peildatum") else None
    return meta


def save(content: bytes, original_name: str, username: str, peildatum: date | None, url: str | None = None, channel: str = "web") -> str:
    """Keep a checked file for its confirm (``channel``: where it came from, "web" or "formulier");
    returns the token for the browser."""
    token = secrets.token_urlsafe(18)
    meta = json.dumps({"original_name": original_name, "peildatum": peildatum.isoformat() if peildatum else None, "channel": channel})  # ASCII: any name fits
    with db.session(url) as s:
        s.execute(delete(PendingUpload).where(PendingUpload.created_at < _cutoff()))
        s.add(PendingUpload(token_hash=_hash(token), username=username, meta=meta, content=content))
        s.commit()
    return token


def _row(token, username: str, claimed: bool, url: str | None):
    if not _valid_token(token):
        return None
    claim = PendingUpload.claimed_at.is_not(None) if claimed else PendingUpload.claimed_at.is_(None)
    with db.session(url) as s:
        return s.exec(
            select(PendingUpload.meta).where(
                PendingUpload.token_hash == _hash(token), PendingUpload.username == username,
                PendingUpload.created_at >= _cutoff(), claim,
            )  # fmt: skip
        ).first()


def load(token, username: str, url: str | None = None) -> dict | None:
    """The waiting file's ``original_name`` and ``peildatum``, only for the user who checked it."""
    raw = _row(token, username, False, url)
    return _meta(raw) if raw is not None else None


def being_confirmed(token, username: str, url: str | None = None) -> bool:
    """Whether a confirm of this user has taken this waiting file and is loading it now."""
    return _row(token, username, True, url) is not None


def claim(token, username: str, url: str | None = None) -> tuple[bytes, dict] | None:
    """Take the waiting file for one confirm: ``(content, meta)``, or None when another confirm
    took it, it expired or it is not this user's. The caller calls ``release`` afterwards."""
    if not _valid_token(token):
        return None
    with db.session(url) as s:
        row = s.execute(
            update(PendingUpload)
            .where(
                PendingUpload.token_hash == _hash(token), PendingUpload.username == username,
                PendingUpload.created_at >= _cutoff(), PendingUpload.claimed_at.is_(None),
            )  # fmt: skip
            .values(claimed_at=utcnow())
            .returning(PendingUpload.content, PendingUpload.meta)
        ).first()
        s.commit()
    return (bytes(row[0]), _meta(row[1])) if row is not None else None


def drop(token, url: str | None = None) -> None:
    """Forget a waiting file that no confirm has taken (cancel, a new check)."""
    if _valid_token(token):
        with db.session(url) as s:
            s.execute(delete(PendingUpload).where(PendingUpload.token_hash == _hash(token), PendingUpload.claimed_at.is_(None)))
            s.commit()


def release(token, url: str | None = None) -> None:
    """Remove a claimed file once its load is done."""
    if _valid_token(token):
        with db.session(url) as s:
            s.execute(delete(PendingUpload).where(PendingUpload.token_hash == _hash(token)))
            s.commit()
