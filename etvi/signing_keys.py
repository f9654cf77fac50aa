"""The key that signs session cookies, kept in the database so every app server and worker uses
the same one without configuration.

``ETVI_SECRET_KEY`` wins when set. Otherwise the first process to start on a fresh database
stores a random key in the ``meta`` table (insert-if-absent, then everyone reads back what won, so
workers starting at once agree); an older ``secret_key`` file in the data folder is taken over
once, so sessions from before survive the upgrade, and is ignored from then on.

``rotate`` makes a new key current and keeps the old one as a fallback for
``ETVI_SECRET_KEY_GRACE_HOURS``: cookies signed with it stay valid until then, new cookies get the
new key. The keys live in one ``meta`` row as JSON; ``version`` goes up with every rotation.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from etvi.config import ConfigError, settings
from models import db
from models.tables import Meta

META_KEY = "session_keys"
LEGACY_FILE = "secret_key"


@dataclass(frozen=True)
class KeyRing:
    """The key to sign with, the older keys still accepted (oldest first) and the version."""

    current: str
    fallbacks: tuple[str, ...]
    version: int
    from_environment: bool = False


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _new_key() -> str:
    return secrets.token_hex(32)


def _legacy_key(data_dir: Path) -> str | None:
    """The key of the ``secret_key`` file older versions wrote into the data folder, if any."""
    try:
        key = (Path(data_dir) / LEGACY_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError):
        return None
    return key or None


def _ring(raw: str, now: datetime) -> KeyRing:
    doc = json.loads(raw)
    live = [p for p in doc.get("previous", []) if datetime.fromisoformat(p["until"]) > now]
    return KeyRing(doc["current"], tuple(p["key"] for p in reversed(live)), int(doc.get("version", 1)))


def _create_if_absent(url: str | None) -> None:
    """Store a first key unless another process already did; the loser's insert fails on the
    primary key and is rolled back, on SQLite and PostgreSQL alike."""
    key = _legacy_key(settings().data_dir) or _new_key()
    try:
        with db.session(url) as s:
            s.add(Meta(key=META_KEY, value=json.dumps({"current": key, "previous": [], "version": 1})))
    except IntegrityError:
        pass


def load(url: str | None = None, now: datetime | None = None) -> KeyRing:
    """The keys to use now: ``ETVI_SECRET_KEY``, else the database's (created on first use)."""
    configured = settings().secret_key
    if configured:
        return KeyRing(configured, (), 0, from_environment=True)
    raw = db.get_meta(META_KEY, url=url)
    if raw is None:
        _create_if_absent(url)
        raw = db.get_meta(META_KEY, url=url)
    return _ring(raw, now or _now())


def rotate(url: str | None = None, now: datetime | None = None) -> tuple[KeyRing, datetime]:
    """Make a new key current; the old one stays valid until the returned moment. Keys whose
    grace period is over are dropped on the way."""
    if settings().secret_key:
        raise ConfigError(
            "ETVI_SECRET_KEY is ingesteld, dus de sleutel in de database wordt niet gebruikt. "
            "Vervang ETVI_SECRET_KEY op elke server (of haal de variabele weg om de sleutel in de database te gebruiken)."
        )
    now = now or _now()
    load(url, now)  # make sure there is a key to replace
    until = now + timedelta(hours=settings().secret_key_grace_hours)
    with db.session(url) as s:
        row = s.exec(select(Meta).where(Meta.key == META_KEY).with_for_update()).one()
        doc = json.loads(row.value)
        previous = [p for p in doc.get("previous", []) if datetime.fromisoformat(p["until"]) > now]
        if until > now:
            previous.insert(0, {"key": doc["current"], "until": until.isoformat()})
        doc = {"current": _new_key(), "previous": previous, "version": int(doc.get("version", 1)) + 1}
        row.value = json.dumps(doc)
        s.add(row)
    return _ring(json.dumps(doc), now), until
