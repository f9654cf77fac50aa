"""The audit trail: every management action and every login is an ``AuditEvent``."""

from __future__ import annotations

import json

from sqlmodel import Session

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
