"""Times of the accounts tables: always compared as UTC, also when SQLite hands them back naive."""

from __future__ import annotations

from datetime import datetime, timezone

from models.tables import utcnow

__all__ = ["aware", "utcnow"]


def aware(value: datetime | None) -> datetime | None:
    """``value`` with UTC attached when the database returned it without a zone (SQLite)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
