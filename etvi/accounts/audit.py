"""The audit trail: every management action and every login is an ``AuditEvent``. ``record``
writes one; ``events`` reads them (the /auditlog page and ``GET /api/v1/audit``)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, func, select

from models.tables import AuditEvent


def record(s: Session, actor: str, action: str, **detail) -> None:
    """Add an ``AuditEvent`` in the caller's transaction. ``detail`` is stored as JSON; its
    ``adres`` (client address) also goes into the event's ``address`` column."""
    address = detail.get("adres")
    s.add(
        AuditEvent(
            username=actor or "onbekend",
            action=action,
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True) if detail else None,
            address=str(address) if address else None,
        )
    )


def detail_of(event: AuditEvent) -> dict:
    """The event's details as a dict (``{"tekst": …}`` for a detail that is not a JSON object)."""
    if not event.detail:
        return {}
    try:
        found = json.loads(event.detail)
    except ValueError:
        return {"tekst": event.detail}
    return found if isinstance(found, dict) else {"tekst": event.detail}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def events(
    s: Session,
    *,
    gebruiker: str | None = None,
    actie: str | None = None,
    vanaf: datetime | None = None,
    tot: datetime | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[int, list[AuditEvent]]:
    """``(total, page)`` of the audit events, newest first. ``gebruiker``: events done by that
    account (as itself, or through the API as ``api:<naam>``) or about it (``gebruiker`` in the
    details); ``actie``: that action; ``vanaf`` (inclusive) and ``tot`` (exclusive): aware moments."""
    q = select(AuditEvent)
    if gebruiker:
        name = gebruiker.strip().lower()
        about = '%"gebruiker": ' + _like_escape(json.dumps(name, ensure_ascii=False)) + "%"
        q = q.where(or_(AuditEvent.username == name, AuditEvent.username == f"api:{name}", AuditEvent.detail.like(about, escape="\\")))
    if actie:
        q = q.where(AuditEvent.action == actie.strip())
    if vanaf is not None:
        q = q.where(AuditEvent.created_at >= vanaf)
    if tot is not None:
        q = q.where(AuditEvent.created_at < tot)
    total = s.exec(select(func.count()).select_from(q.subquery())).one()
    rows = s.exec(q.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)).all()
    return total, list(rows)
