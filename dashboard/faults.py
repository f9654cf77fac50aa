"""Failures answered in Dutch: a database that is down, an unknown asset, any unexpected error.

``install(server)`` registers Flask error handlers so that no request ever gets Werkzeug's
English 500 page:

- the database unreachable (a connection refused or dropped, a database that does not accept
  connections, SQLite locked): HTTP 503 with ``Retry-After`` and one log line per failed request
  (no traceback; an outage is not a bug). The app recovers by itself: the engine pings pooled
  connections before use (``models.db``), so the first request after the outage reconnects;
- an unknown ``/_dash-component-suites/...`` path: 404 instead of Dash's 500;
- anything else: HTTP 500 with a Dutch message, the traceback in the log for the beheerder.

Every answer comes from ``security.error_response``, the one error answer of the site: an HTML
page in the site's frame (``templates/error.html``) for pages, JSON ``{"fout", "status"}`` for
the API and Dash's callback requests; a 5xx names the request id. In the browser,
``assets/storing.js`` shows the ``fout`` of a failed callback as a visible notice, since Dash's
renderer shows failed callbacks only in its debug tools.
"""

from __future__ import annotations

import logging

import psycopg
from dash.exceptions import DependencyException, InvalidResourceError
from flask import Flask, g, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from dashboard import requestlog, security

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "De database is even niet bereikbaar. Probeer het over een paar seconden opnieuw."
UNEXPECTED = "Er ging iets mis op de server. Probeer het opnieuw; blijft dit gebeuren, meld het dan aan de beheerder."
UNKNOWN_ASSET = "Dit bestand bestaat niet."


DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached or used right now (not a bug in a
    query): a connection error, or any DBAPI error on a connection the pool had to invalidate."""
    if isinstance(exc, DATABASE_ERRORS):
        return True
    return bool(getattr(exc, "connection_invalidated", False))


def _first_line(exc: BaseException) -> str:
    detail = getattr(exc, "orig", None) or exc
    text = str(detail).strip().splitlines()
    return f"{type(detail).__name__}: {text[0] if text else ''}"


def database_unavailable(exc: BaseException):
    log.warning("database niet bereikbaar: %s %s -> 503 (%s) [%s]", request.method, request.path, _first_line(exc), requestlog.request_id())
    g.etvi_user = None  # the menu of the error page must not ask the database again
    resp = security.error_response(503, UNAVAILABLE)
    resp.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return resp


def unexpected(exc: BaseException):
    """Every exception no other handler took; HTTP errors (404, 405, …) pass through unchanged."""
    if isinstance(exc, InternalServerError) and exc.original_exception is not None:
        exc = exc.original_exception
    if isinstance(exc, HTTPException) and not isinstance(exc, InternalServerError):
        return exc
    if is_database_unavailable(exc):
        return database_unavailable(exc)
    log.error("onverwachte fout: %s %s -> 500 [%s]", request.method, request.path, requestlog.request_id(), exc_info=exc)
    g.etvi_user = None
    return security.error_response(500, UNEXPECTED)


def unknown_asset(_exc: BaseException):
    return security.error_response(404, UNKNOWN_ASSET)


def install(server: Flask) -> None:
    """Register the handlers on ``server`` (after Dash's own, which they partly replace)."""
    for exc_type in DATABASE_ERRORS:
        server.register_error_handler(exc_type, database_unavailable)
    server.register_error_handler(DependencyException, unknown_asset)
    server.register_error_handler(InvalidResourceError, unknown_asset)
    server.register_error_handler(Exception, unexpected)
    server.register_error_handler(InternalServerError, unexpected)
