"""Health checks for a load balancer or orchestrator: ``GET /health/live`` and ``GET /health/ready``.

They are answered in front of the Flask app (a small WSGI wrapper installed by ``install``), so
they are cheap and outside everything a page goes through: no login wall (also with
``ETVI_PUBLIC=false``), no session or CSRF cookie, no login throttling, no request log line.

- ``/health/live``: the process answers (200); never touches the database.
- ``/health/ready``: the database answers and its schema is at the code's Alembic head
  revision (200); else 503 with a short Dutch JSON body saying which.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache

from alembic.script import ScriptDirectory

from models import db

LIVE = "/health/live"
READY = "/health/ready"

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration this code ships (read once: the code does not change while running)."""
    return ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()


def readiness(url: str | None) -> tuple[int, dict]:
    """``(status, body)`` of ``/health/ready`` for the database at ``url``."""
    try:
        current = db.current_revision(url)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database means "not ready"
        log.warning("gereedheidscontrole: database niet bereikbaar (%s)", type(exc).__name__)
        return 503, {"status": "niet gereed", "fout": "De database is niet bereikbaar."}
    expected = head_revision()
    if current is None:
        return 503, {"status": "niet gereed", "fout": "De database heeft nog geen tabellen. Voer 'etvi init' uit."}
    if current != expected:
        return 503, {
            "status": "niet gereed",
            "fout": f"Het databaseschema heeft versie {current}, de software verwacht {expected}. Voer 'etvi db upgrade' uit.",
        }
    return 200, {"status": "gereed", "schema": current}


class HealthChecks:
    """WSGI wrapper: answers the two health paths itself, passes everything else to ``app``."""

    def __init__(self, app, url: str | None):
        self.app = app
        self.url = url

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path not in (LIVE, READY):
            return self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _answer(start_response, 405, {"fout": "Alleen GET is toegestaan."}, environ, [("Allow", "GET, HEAD")])
        status, body = (200, {"status": "actief"}) if path == LIVE else readiness(self.url)
        return _answer(start_response, status, body, environ)


_REASONS = {200: "OK", 405: "METHOD NOT ALLOWED", 503: "SERVICE UNAVAILABLE"}


def _answer(start_response, status: int, body: dict, environ, extra: list | None = None):
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(data))),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] + (extra or [])
    start_response(f"{status} {_REASONS[status]}", headers)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [data]


def install(server, url: str | None = None) -> None:
    """Put the health checks in front of ``server`` (a Flask app) for the database at ``url``."""
    server.wsgi_app = HealthChecks(server.wsgi_app, url)
