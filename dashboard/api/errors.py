"""Errors of the API as problem details (RFC 9457, ``dashboard.problems``) in Dutch: ``ApiError``,
the handlers for routing and HTTP errors and old names, a request that does not fit its model
(``invalidParams``), and ``refused_as``/``invalid_as`` that turn a service's refusal into one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import contextmanager

from flask import Response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from dashboard import problems
from dashboard.api.blueprint import bp, database_url
from etvi.config import settings
from models import db


class ApiError(Exception):
    """An answer of ``status`` with a Dutch ``message`` (problem details), raised anywhere in a view."""

    def __init__(self, status: int, message: str, headers: dict | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    resp = problems.response(exc.status, exc.message, **exc.extra)
    resp.headers.update(exc.headers)
    return resp


HTTP_MESSAGES = {
    400: "Ongeldig verzoek.",
    404: "Niet gevonden: dit adres bestaat niet in de API. Zie /api/v1/docs voor alle adressen.",
    405: "Deze methode is hier niet toegestaan.",
    415: "Deze soort inhoud wordt hier niet ondersteund.",
}


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    if exc.response is not None:  # already an answer (a validation problem from flask-openapi3)
        return exc.response
    code = exc.code or 500
    if code == 413:
        return problems.response(413, f"Het bestand is te groot; de grens is {settings().max_file_mb} MB.")
    resp = problems.response(code, HTTP_MESSAGES.get(code, "Er ging iets mis met dit verzoek."))
    if code == 405 and getattr(exc, "valid_methods", None):
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
    return resp


# Old names: what to call instead (ADR naming; answered before routing could say only "404").
LEGACY_PATHS = [
    (
        re.compile(r"^/api/v1/gebruikers/(?P<naam>[^/]+)/uitschakelen/?$"),
        "POST /api/v1/gebruikers/{naam}/uitschakelen bestaat niet meer. Schakel een gebruiker uit met "
        'PATCH /api/v1/gebruikers/{naam} en de JSON {{"actief": false}}.',
    ),
    (
        re.compile(r"^/api/v1/gebruikers/(?P<naam>[^/]+)/uitloggen/?$"),
        "POST /api/v1/gebruikers/{naam}/uitloggen bestaat niet meer (API-richtlijnen: geen werkwoord in het pad). "
        "Log een gebruiker overal uit met DELETE /api/v1/gebruikers/{naam}/sessies.",
    ),
]
LEGACY_DRY_RUN = "De parameter dry_run heet nu dryRun (API-richtlijnen: camelCase). Gebruik ?dryRun=1 voor een proefrun."


@bp.before_app_request
def _api_routing_errors():
    """Unknown paths and wrong methods under /api/ answer with problem details too (routing
    fails before the blueprint's own error handlers could run; Dash's catch-all page would
    otherwise answer an unknown GET)."""
    if not request.path.startswith("/api/"):
        return None
    for pattern, message in LEGACY_PATHS:
        found = pattern.match(request.path)
        if found:
            return problems.response(410, message.format(naam=found["naam"]))
    exc = request.routing_exception
    if exc is not None and isinstance(exc, HTTPException):
        return _http_error(exc)
    rule = request.url_rule
    if rule is not None and not rule.rule.startswith("/api/"):
        return problems.response(404, HTTP_MESSAGES[404])
    return None


# pydantic error types -> Dutch; the value and the parameter are named around it.
REASONS = {
    "missing": "deze ontbreekt",
    "int_parsing": "dit moet een geheel getal zijn",
    "int_type": "dit moet een geheel getal zijn",
    "bool_parsing": "dit moet true of false zijn",
    "bool_type": "dit moet true of false zijn",
    "string_type": "dit moet tekst zijn",
    "list_type": "dit moet een lijst zijn",
    "model_type": "stuur een JSON-object",
    "model_attributes_type": "stuur een JSON-object",
    "dict_type": "stuur een JSON-object",
    "string_too_short": "dit mag niet leeg zijn",
    "string_too_long": "dit is te lang",
    "too_long": "dit zijn te veel waarden",
    "date_from_datetime_parsing": "gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01",
    "date_parsing": "gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01",
    "date_type": "gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01",
    "json_invalid": "dit is geen geldige JSON",
}


def _reason(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind.startswith("etvi_"):
        return error["msg"]
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " of ")
        return f"kies {allowed}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"dit moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
    if kind in ("less_than_equal", "less_than"):
        return f"dit mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
    return REASONS.get(kind, "deze waarde is ongeldig")


def shown(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"


def validation_problem(e: ValidationError) -> Response:
    """A request that does not fit its model: 400 with every invalid parameter, in Dutch
    (``invalidParams``, ADR /core/error-handling/invalid-input)."""
    invalid = []
    for error in e.errors():
        name = ".".join(str(part) for part in error.get("loc", ())) or "body"
        reason = _reason(error)
        if error.get("type") not in ("missing", "model_type", "model_attributes_type", "dict_type") and "input" in error:
            reason = f"ongeldige waarde {shown(error['input'])!r}: {reason}"
        invalid.append({"name": name, "reason": reason})
    detail = "Ongeldige invoer bij " + "; ".join(f"{p['name']}: {p['reason']}" for p in invalid) + "."
    return problems.response(400, detail, invalidParams=invalid)


def invalid(name: str, reason: str) -> ApiError:
    """A 400 that names the one parameter it is about (``invalidParams``, like a model's)."""
    return ApiError(400, f"Ongeldige invoer bij {name}: {reason}.", invalidParams=[{"name": name, "reason": reason}])


@contextmanager
def refused_as(status: int, *errors: type[Exception], reword=str):
    """A refusal of a service (``errors``, with a Dutch message) becomes an answer of ``status``."""
    try:
        yield
    except errors as exc:
        raise ApiError(status, reword(exc)) from None


@contextmanager
def invalid_as(name: str, *errors: type[Exception]):
    """A refusal of a service (``errors``) becomes a 400 about the parameter ``name``."""
    try:
        yield
    except errors as exc:
        raise invalid(name, str(exc).rstrip(".")) from None


def row_or_404(table, key, missing: str, shown_as: Callable):
    """The row ``key`` of ``table`` as ``shown_as`` makes it (inside the session); none: 404 ``missing``."""
    with db.session(database_url()) as s:
        row = s.get(table, key)
        if row is None:
            raise ApiError(404, missing)
        return shown_as(row)
