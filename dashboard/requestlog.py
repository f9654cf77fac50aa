"""A request id and one log line per request.

``install(server)`` gives every request an id: an incoming ``X-Request-ID`` from a proxy when it is
a short safe token (letters, digits, ``-_.:``; at most 64), else a new one. It is returned as the
``X-Request-ID`` header, shown in the Dutch error pages (``dashboard.faults``) and written on the
request's log line (logger ``etvi.request``): id, method, path, status, duration in ms and user id
or ``-``. The line never holds a query string, header, cookie or body, so no token or secret.
"""

from __future__ import annotations

import logging
import re
import secrets
import time

from flask import Flask, Response, g, has_request_context, request, session

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

log = logging.getLogger("etvi.request")


def request_id() -> str:
    """The id of the current request (``-`` outside one)."""
    if not has_request_context():
        return "-"
    if "etvi_request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.etvi_request_id = incoming if SAFE_ID.fullmatch(incoming) else secrets.token_hex(8)
    return g.etvi_request_id


def _start() -> None:
    g.etvi_request_start = time.perf_counter()
    request_id()


def _user_id() -> str:
    user = g.get("etvi_user")
    if user is not None:
        return str(user.id)
    uid = session.get("uid") if session else None
    return str(uid) if uid is not None else "-"


def _finish(response: Response) -> Response:
    rid = request_id()
    response.headers[HEADER] = rid
    started = g.get("etvi_request_start")
    duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else 0.0
    user = _user_id()
    log.info(
        "%s %s %s %s %.1fms gebruiker=%s",
        rid,
        request.method,
        request.path,
        response.status_code,
        duration,
        user,
        extra={
            "request_id": rid,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration,
            "user_id": user,
        },
    )
    return response


def install(server: Flask) -> None:
    """Register the hooks: the start before every other ``before_request`` (a login redirect
    still gets an id), the line after every other ``after_request`` (the final status)."""
    server.before_request_funcs.setdefault(None, []).insert(0, _start)
    # after_request functions run in reverse order of registration: the first one runs last
    server.after_request_funcs.setdefault(None, []).insert(0, _finish)
