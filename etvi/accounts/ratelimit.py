"""Rate limits of the API per client, counted in the database so that every worker and app server
shares them (no new service).

A client is its API token (counted under the token's SHA-256, never the token itself) or, without
one, its address. Each bucket (``lezen``: the public read endpoints; ``upload``: posting files) allows
a number of requests per fixed window of ``ETVI_API_RATE_WINDOW_SECONDS`` (default 60):
``ETVI_API_RATE_READ`` (default 1200) and ``ETVI_API_RATE_UPLOAD`` (default 120); 0 switches a limit
off. One atomic upsert per request (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on SQLite and
PostgreSQL alike) counts the request and reads the count, so concurrent requests all count.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from etvi.config import settings
from models.tables import RateCount


def limit_for(bucket: str) -> int:
    """Requests per window allowed in ``bucket`` (0: no limit)."""
    cfg = settings()
    return {"lezen": cfg.api_rate_read, "upload": cfg.api_rate_upload}[bucket]


def window_seconds() -> int:
    return settings().api_rate_window_seconds


def client_key(token: str | None, address: str | None) -> str:
    """How the count names a client: the token's SHA-256, else the address."""
    if token:
        return "token:" + hashlib.sha256(token.encode("utf-8")).hexdigest()
    return "ip:" + (address or "onbekend")[:60]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window ends


def _insert(s: Session):
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(RateCount)


def hit(s: Session, bucket: str, client: str, now: float | None = None) -> Verdict:
    """Count one request of ``client`` in ``bucket`` and say whether it is within the limit.
    The caller's session commits (``models.db.session``)."""
    limit = limit_for(bucket)
    if limit <= 0:
        return Verdict(True, 0, 0, 0)
    now = time.time() if now is None else now
    length = window_seconds()
    start = int(now // length * length)
    stmt = _insert(s).values(client=client, bucket=bucket, window_start=start, hits=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["client", "bucket", "window_start"], set_={"hits": RateCount.__table__.c.hits + 1}
    ).returning(RateCount.__table__.c.hits)
    hits = int(s.execute(stmt).scalar_one())
    if hits == 1:  # a new window: the old ones of everybody can go
        s.execute(delete(RateCount).where(RateCount.window_start < start - length))
    retry_after = max(1, math.ceil(start + length - now))
    return Verdict(hits <= limit, limit, max(0, limit - hits), retry_after)


def message(bucket: str, verdict: Verdict) -> str:
    """The Dutch answer to a client over its limit."""
    what = "uploads" if bucket == "upload" else "verzoeken"
    seconden = "seconde" if verdict.retry_after == 1 else "seconden"
    return (
        f"Te veel {what}: u mag er {verdict.limit} per {window_seconds()} seconden doen. "
        f"Probeer het over {verdict.retry_after} {seconden} opnieuw (zie de kop Retry-After)."
    )
