"""What every answer shares: JSON with a status and headers, date-times with a time zone, and
the description of an answer that is a file."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, jsonify

from dashboard.api_models import VERSION_HEADER


def answer(data: dict, status: int = 200, headers: dict | None = None) -> Response:
    """``data`` as JSON with ``status`` and ``headers``."""
    resp = jsonify(data)
    resp.status_code = status
    resp.headers.update(headers or {})
    return resp


NO_STORE = {"Cache-Control": "no-store"}  # an answer with a secret in it (a password, a token)


def aware(value):
    """Date-times with a time zone (ADR /core/date-time): the database keeps UTC, SQLite without
    the zone; applied through lists and dicts."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, dict):
        return {k: aware(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [aware(v) for v in value]
    return value


def moment(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value is not None else None



def file_answer(description: str, media_type: str, schema: dict) -> dict:
    """The OpenAPI description of an answer that is a file, not JSON (with ``API-Version``)."""
    return {
        "description": description,
        "headers": {VERSION_HEADER: {"description": "De volledige versie van de API.", "schema": {"type": "string"}}},
        "content": {media_type: {"schema": schema}},
    }
