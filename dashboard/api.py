"""The HTTP API, ``/api/v1``, to the NL GOV API Design Rules (ADR). ``install(app)`` registers it on
a Dash app's Flask server, which must be a ``flask_openapi3.OpenAPI`` (``make_server``): the
OpenAPI document is generated from the routes and their pydantic models (``dashboard.api_models``)
and published by ``dashboard.api_docs`` at ``/api/v1/openapi.json`` (with ``/api/v1/docs``).

- ``POST /api/v1/uploads`` — Bearer token (or a browser session plus CSRF token); multipart field
  ``file`` (or ``bestand``); optional ``peildatum`` (YYYY-MM-DD) and ``sheet``; ``?dryRun=1``
  validates and previews without writing. Answers with the outcome and the same problem list as
  ``etvi load``. A gemeente account may only deliver rows for its own gemeenten: a file with any
  other gemeente in it is refused whole (422, problem details with the list in ``problemen``).
- ``GET /api/v1/status?peildatum=YYYY-MM-DD&format=json|csv`` — one row per gemeente, as
  ``etvi export``. Public when the dashboard is public, else needs a token or session.
- ``GET /api/v1/uploads`` — the audit log of all upload attempts (beheerder).
- ``GET /api/v1/audit`` — the audit log of management and logins, filtered on ``gebruiker``,
  ``actie``, ``vanaf``/``tot`` (date-times with a time zone), in pages (beheerder).
- ``GET/POST /api/v1/gebruikers/{naam}/tokens``, ``DELETE …/tokens/{kenmerk}`` and the same under
  ``/ik/tokens`` (list and revoke only) — an account's API tokens (several, each with a label).
- ``GET /api/v1/uploads/{id}/bestand`` — the stored original of an upload (beheerder).
- ``GET /api/v1/aanlevering?provincie=PV27`` — who delivered what and when per gemeente
  (beheerder: any provincie or all; provincie account: its own).
- ``GET /api/v1/gebruikers``, ``POST /api/v1/gebruikers`` (JSON ``naam``, ``rol``, ``gemeenten``,
  ``provincie``, ``email``; the generated password is in the answer, once), ``PATCH /api/v1/gebruikers/{naam}``
  (JSON ``{"actief": false}`` disables, ``true`` enables; ``email`` changes the address) and ``DELETE …/{naam}/sessies``
  (log out everywhere) — user management (beheerder).
- ``GET/POST /api/v1/uitvragen``, ``GET/PATCH /api/v1/uitvragen/{id}``, ``…/antwoorden``,
  ``POST …/herinneringen`` and ``POST …/bevestigingen`` ("Niets veranderd") — reporting rounds,
  through ``etvi.uitvraag`` like the CLI and the pages.
- ``GET /api/v1/uploads/{id}/rapport`` — an upload's errors and warnings as CSV (beheerder).
- ``GET /api/v1/ik`` — who is logged in.

Every upload attempt leaves a row in the upload log (``Upload``), refused ones included; an
attempt without a valid account is written to ``AuditEvent`` because it has no user to name.
A dry run writes nothing, not even to the log, exactly like ``etvi load --dry-run``.

Every answer carries ``API-Version``; every error is ``application/problem+json`` (RFC 9457,
``dashboard.problems``) with Dutch ``title`` and ``detail``. Old names (``?dry_run=``,
``POST …/uitschakelen``, ``POST …/uitloggen``) answer with a problem that names what to call instead.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from functools import wraps
from typing import NamedTuple
from urllib.parse import urlencode

import pandas as pd
from flask import Response, current_app, g, jsonify, request, send_file
from flask_openapi3 import APIBlueprint, OpenAPI, validate_request
from flask_openapi3.models import Contact, Info, Server, Tag
from pydantic import ValidationError
from sqlmodel import func, select
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dashboard import api_docs, problems, security
from dashboard.api_models import (
    API_VERSION,
    VERSION_HEADER,
    Aanlevering,
    AanleveringQuery,
    Antwoorden,
    AntwoordenQuery,
    AuditLijst,
    AuditQuery,
    Bevestiging,
    Gebruiker,
    GebruikerPath,
    Gebruikers,
    GebruikerTokenPath,
    GebruikerWijziging,
    Gemeenten,
    GemeentePath,
    Herinnering,
    Herinneringen,
    HerinneringQuery,
    Historie,
    HistorieQuery,
    Ik,
    Mijlpalen,
    NieuweBevestiging,
    NieuweGebruiker,
    NieuweGebruikerAntwoord,
    NieuweUitvraag,
    NieuwToken,
    NieuwTokenAntwoord,
    Probleem,
    Provincies,
    Regiotypen,
    StatusAntwoord,
    StatusQuery,
    Statussen,
    TeVeelVerzoeken,
    TokenPath,
    Tokens,
    Uitgelogd,
    UitvraagMetRespons,
    UitvraagPath,
    UitvraagWijziging,
    Uitvragen,
    UploadDetail,
    UploadForm,
    UploadLijst,
    UploadPath,
    UploadQuery,
    UploadResultaat,
    UploadsQuery,
    Voortgang,
    VoortgangQuery,
)
from dashboard.api_models import Uitvraag as UitvraagModel
from dashboard.data import DataSource
from dashboard.runtime import Runtime
from etl import export
from etl.contract import KOPLOPER, date_column
from etvi.accounts import audit, policy, ratelimit, tokens, users
from etvi.accounts.errors import AccountError
from etvi.accounts.policy import Principal
from etvi.config import settings
from etvi.uitvraag import confirmation, mail, responses, rounds
from etvi.uitvraag.rounds import UitvraagError
from etvi.upload import log, problem_lists, service
from models import db, queries
from models.tables import Gemeente, Uitvraag, Upload

PREFIX = "/api/v1"
ALLOWED_SUFFIXES = (".xlsx", ".ods", ".csv")
FORM_OVERHEAD = 256 * 1024
BEARER = [{"bearer": []}]
AANLEVEREN = Tag(name="aanleveren", description="Bestanden aanleveren en het uploadlog.")
STAND = Tag(name="stand", description="De stand van zaken per gemeente.")
REFERENTIE = Tag(name="referentie", description="Gemeenten, provincies, regio's, mijlpalen en statuswoorden.")
BEHEER = Tag(name="beheer", description="Gebruikers beheren (beheerder).")
UITVRAGEN = Tag(name="uitvragen", description="Uitvraagrondes: gemeenten antwoorden, herinneringen, de respons.")


def _errors(*codes: int) -> dict:
    return {code: Probleem for code in codes}


# Every operation may answer these; each route adds its own.
bp = APIBlueprint(
    "etvi_api",
    __name__,
    url_prefix=PREFIX,
    abp_responses=_errors(400, 500, 503),
    operation_id_callback=lambda name, path, method: name,  # operationId: the view's name
)


# --------------------------------------------------------------------------------------------
# The server and its OpenAPI description
# --------------------------------------------------------------------------------------------


def info() -> Info:
    """``info`` of the document: the contact comes from ETVI_API_CONTACT_NAME/_EMAIL/_URL."""
    contact = Contact(
        name=os.environ.get("ETVI_API_CONTACT_NAME") or "VNG, team ETVI-monitor",
        email=os.environ.get("ETVI_API_CONTACT_EMAIL") or "etvi-monitor@vng.nl",
        url=os.environ.get("ETVI_API_CONTACT_URL") or "https://vng.nl",
    )
    return Info(
        title="ETVI-monitor API",
        version=API_VERSION,
        description="De stand van de Wet versterking regie volkshuisvesting per gemeente, aanleveren en beheer. "
        "Foutmeldingen zijn problem details (RFC 9457) met Nederlandse titel en uitleg.",
        contact=contact,
    )


def make_server(import_name: str, **kwargs) -> OpenAPI:
    """The Flask server of the dashboard: a ``flask_openapi3.OpenAPI`` (a Flask subclass) that
    knows the routes of the API and their models. Its own documentation pages are off; ours are
    served by ``dashboard.api_docs`` (own assets, own CSP)."""
    return OpenAPI(
        import_name,
        info=info(),
        servers=[Server(url=PREFIX, description="Versie 1 van de API")],
        security_schemes={"bearer": {"type": "http", "scheme": "bearer", "description": "Een API-token van etvi gebruiker token."}},
        doc_ui=False,
        validation_error_status=400,
        validation_error_model=Probleem,
        validation_error_callback=_validation_problem,
        **kwargs,
    )


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
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


def throttle(bucket: str) -> None:
    """Count this request against the client's limit in ``bucket`` (``etvi.accounts.ratelimit``,
    shared through the database); over it: 429 with ``Retry-After`` and a Dutch problem."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    token = value.strip() if scheme.lower() == "bearer" and value.strip() else None
    client = ratelimit.client_key(token, request.remote_addr)
    with db.session(_url()) as s:
        verdict = ratelimit.hit(s, bucket, client)
    if not verdict.allowed:
        headers = {"Retry-After": str(verdict.retry_after), "RateLimit-Limit": str(verdict.limit)}
        raise ApiError(429, ratelimit.message(bucket, verdict), headers=headers)


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


@bp.after_app_request
def _version_header(response: Response) -> Response:
    """``API-Version`` on every answer under /api/v1 (ADR /core/version-header), errors included."""
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        response.headers[VERSION_HEADER] = API_VERSION
    return response


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


def _shown(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"


def _validation_problem(e: ValidationError) -> Response:
    """A request that does not fit its model: 400 with every invalid parameter, in Dutch
    (``invalidParams``, ADR /core/error-handling/invalid-input)."""
    invalid = []
    for error in e.errors():
        name = ".".join(str(part) for part in error.get("loc", ())) or "body"
        reason = _reason(error)
        if error.get("type") not in ("missing", "model_type", "model_attributes_type", "dict_type") and "input" in error:
            reason = f"ongeldige waarde {_shown(error['input'])!r}: {reason}"
        invalid.append({"name": name, "reason": reason})
    detail = "Ongeldige invoer bij " + "; ".join(f"{p['name']}: {p['reason']}" for p in invalid) + "."
    return problems.response(400, detail, invalidParams=invalid)


def _url() -> str | None:
    return current_app.config.get("ETVI_DATABASE_URL")


def _invalid(name: str, reason: str) -> ApiError:
    """A 400 that names the one parameter it is about (``invalidParams``, like a model's)."""
    return ApiError(400, f"Ongeldige invoer bij {name}: {reason}.", invalidParams=[{"name": name, "reason": reason}])


# --------------------------------------------------------------------------------------------
# Pages of lists that grow (ADR): page/pageSize, links in _links and in the Link header
# --------------------------------------------------------------------------------------------


class Window(NamedTuple):
    """The page a list request asks for: ``size`` items from ``offset``."""

    offset: int
    size: int

    @classmethod
    def of(cls, query) -> Window:
        """``page``/``pageSize`` when given, else ``offset``/``limit``."""
        size = query.pageSize or query.limit
        if query.page is None:
            return cls(query.offset, size)
        if "offset" in request.args:
            raise _invalid("offset", "gebruik page of offset, niet allebei")
        offset = (query.page - 1) * size
        if offset > 2**31 - 1:
            raise _invalid("page", f"dit mag hoogstens {(2**31 - 1) // size + 1} zijn bij pageSize {size}")
        return cls(offset, size)

    def cut(self, rows: Sequence) -> Sequence:
        """This page of a list (or a data frame, by position) that is already read whole."""
        return getattr(rows, "iloc", rows)[self.offset : self.offset + self.size]

    def answer(self, data: dict, total: int) -> Response:
        """``data`` as this page of ``total``: see ``paged``."""
        return paged(data, total, self.offset, self.size)


def _page_href(offset: int, size: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "pageSize", "limit", "offset")]
    if offset % size == 0:
        args += [("page", str(offset // size + 1)), ("pageSize", str(size))]
    else:
        args += [("offset", str(offset)), ("limit", str(size))]
    return request.path + "?" + urlencode(args)


def paged(data: dict, total: int, offset: int, size: int) -> Response:
    """``data`` as one page of ``total``: ``_links`` (self, first, prev, next, last), ``totaal``,
    ``page``/``pageSize``, and the same links in ``Link`` (RFC 8288) with ``X-Total-Count``."""
    base = offset % size  # the last page keeps the grid of this one
    last = base + max(0, (total - 1 - base) // size) * size if total > base else 0
    links = {"self": offset, "first": 0, "last": last}
    if offset > 0:
        links["prev"] = max(0, offset - size)
    if offset + size < total:
        links["next"] = offset + size
    hal = {rel: {"href": _page_href(at, size)} for rel, at in links.items()}
    resp = jsonify({"_links": hal, "totaal": total, "offset": offset, "page": offset // size + 1, "pageSize": size, **data})
    resp.headers["Link"] = ", ".join(f'<{v["href"]}>; rel="{rel}"' for rel, v in hal.items() if rel != "self")
    resp.headers["X-Total-Count"] = str(total)
    return resp


# --------------------------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------------------------


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "Gebruik de kop Authorization: Bearer <token>.")
    return value.strip()


LOGIN_REQUIRED = "Inloggen is vereist: stuur een API-token als Authorization: Bearer <token>."


def _principal(required: bool) -> Principal | None:
    """The caller: from a Bearer token when one is sent (the session is then ignored), else the
    browser session. A bad token is always a 401, even on public endpoints."""
    token = _bearer()
    if token is not None:
        with db.session(_url()) as s:
            user = tokens.user_for_token(s, token)
            principal = Principal.from_user(user) if user else None
        if principal is None:
            raise ApiError(401, "Ongeldig, verlopen of ingetrokken API-token.")
        security.set_request_user(principal)
        return principal
    principal = security.current_user()
    if principal is None and required:
        raise ApiError(401, LOGIN_REQUIRED)
    return principal


def _caller(endpoint: str) -> Principal | None:
    """The caller, when the access policy lets it call ``endpoint`` (a key of
    ``policy.ENDPOINTS``); else 401 (no valid login) or 403 with the policy's Dutch reason."""
    principal = _principal(required=False)
    access = policy.endpoint_access(principal, endpoint, security.is_public())
    if access is policy.Access.LOGIN:
        raise ApiError(401, LOGIN_REQUIRED)
    if access is policy.Access.DENY:
        raise ApiError(403, policy.ENDPOINTS[endpoint].refused)
    return principal


def guarded(endpoint: str):
    """Check the caller's rights before the request is validated against its model (so an
    anonymous caller learns it must log in, not what its body lacks); the caller is ``g.caller``.
    Goes above ``flask_openapi3.validate_request()``."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            if policy.ENDPOINTS[endpoint].public:
                throttle("lezen")
            g.etvi_api_caller = _caller(endpoint)
            return func(*args, **kwargs)

        return wrapper

    return decorator


def endpoint(name: str, summary: str, description: str, tag: Tag, ok: dict, errors: tuple[int, ...], body: dict | None = None):
    """Register a view as the API endpoint ``name`` of the access policy (``policy.ENDPOINTS``):
    its method and path come from there (``<id>`` is an integer), the caller is checked first
    (``guarded``), then the request is validated against the view's models. Public endpoints
    are rate limited (429), the others need a login (``security``). ``body``: a request body
    described by hand (read by the view itself)."""
    spec = policy.ENDPOINTS[name]
    responses = {**ok, **_errors(*errors)}
    extra: dict = {}
    if spec.public:
        responses[429] = TeVeelVerzoeken
    else:
        extra["security"] = BEARER
    if body is not None:
        extra["openapi_extensions"] = {"requestBody": body}
    path = spec.path.removeprefix(PREFIX).replace("<id>", "<int:id>")
    route = getattr(bp, spec.method.lower())(path, summary=summary, description=description, tags=[tag], responses=responses, **extra)

    def decorator(func):
        return route(guarded(name)(validate_request()(func)))

    return decorator


def _actor() -> str:
    """How the audit log names the caller of this request."""
    return f"api:{g.etvi_api_caller.username}"


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
        raise _invalid(name, str(exc).rstrip(".")) from None


def answer(data: dict, status: int = 200, headers: dict | None = None) -> Response:
    """``data`` as JSON with ``status`` and ``headers``."""
    resp = jsonify(data)
    resp.status_code = status
    resp.headers.update(headers or {})
    return resp


NO_STORE = {"Cache-Control": "no-store"}  # an answer with a secret in it (a password, a token)


def refused_file(message: str, data: dict, **extra) -> Response:
    """A refused file (422): every problem in ``problemen``, in the API's Dutch words."""
    return problems.response(422, message, problemen=[_file_problem(p) for p in data["problems"]], **extra)


def _caller_label(url: str | None = None) -> str:
    """How the log names a caller without a valid account."""
    header = request.headers.get("Authorization", "")
    if not header:
        return "anoniem"
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        with db.session(url) as s:
            owner = tokens.token_owner(s, value.strip())
            if owner is not None:
                return f"{owner.username} (uitgeschakeld)"
    return "ongeldig-token"


def _posted_file_name() -> str | None:
    """The name of the posted file when the body is small enough to parse, for the log."""
    limit = settings().max_file_mb * 1024 * 1024 + FORM_OVERHEAD
    if request.content_length is None or request.content_length > limit:
        return None
    request.max_content_length = limit
    file = request.files.get("file") or request.files.get("bestand")
    return file.filename if getattr(file, "filename", None) else None


OUTCOME_STATUS = {"geladen": 201, "ongewijzigd": 200, "proef": 200, "geweigerd": 422}


def parse_peildatum(raw: str | None) -> date | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ApiError(400, f"Ongeldige peildatum {_shown(text)!r}: gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, f"Ongeldige peildatum {text!r}: die datum bestaat niet.") from None


FLAG_TRUE = ("1", "true", "ja", "yes", "on")
FLAG_FALSE = ("0", "false", "nee", "no", "off")


def _flag(raw: str | None, name: str = "dryRun") -> bool:
    """A yes/no parameter; anything else is a 400 that lists what is allowed."""
    text = (raw or "").strip().lower()
    if not text or text in FLAG_FALSE:
        return False
    if text in FLAG_TRUE:
        return True
    raise ApiError(400, f"Ongeldige waarde {_shown(raw)!r} voor {name}. Toegestaan: 1, 0, true, false, ja, nee.")


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


def _moment(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value is not None else None


# --------------------------------------------------------------------------------------------
# Uploads
# --------------------------------------------------------------------------------------------

UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": UploadForm.model_json_schema(ref_template="#/components/schemas/{model}")}},
}


@bp.post(
    "/uploads",
    summary="Een bestand aanleveren (of met dryRun alleen controleren)", description='Stuur een spreadsheet (.xlsx, .ods, .xls of .csv) als multipart-veld file. Een gemeenteaccount levert alleen voor de eigen gemeente(n) aan. 201: geladen; 200: ongewijzigd, of proef bij dryRun=1 (er wordt dan niets opgeslagen, ook niet in het uploadlog); 422: geweigerd, met alle problemen in problemen. Elke andere poging komt in het uploadlog.', tags=[AANLEVEREN],
    responses={200: UploadResultaat, 201: UploadResultaat, **_errors(401, 403, 413, 422), 429: TeVeelVerzoeken},
    security=BEARER,
    openapi_extensions={"requestBody": UPLOAD_BODY},
)
def post_upload(query: UploadQuery):
    """Reads the body itself, after the rights: a file that is too large is refused, and logged,
    before it is parsed. 201 geladen, 200 ongewijzigd or proef, 422 geweigerd (problem details
    with every problem in ``problemen``)."""
    url = _url()
    limit = settings().max_file_mb * 1024 * 1024
    throttle("upload")  # before anything is read or logged: a flood must not fill the upload log
    try:
        principal = _principal(required=True)
    except ApiError as exc:
        service.record_anonymous_attempt(_caller_label(url), "api", exc.message, _posted_file_name(), request.remote_addr, url)
        raise
    small = request.content_length is not None and request.content_length <= limit + FORM_OVERHEAD
    if small:
        request.max_content_length = limit + FORM_OVERHEAD
    if "dry_run" in request.args or (small and "dry_run" in request.form):
        raise ApiError(400, LEGACY_DRY_RUN)
    # A dry run writes nothing, not even a refusal to the upload log (README; like etvi load
    # --dry-run). The query string is read first: the form body may be too large to parse.
    raw_dry_run = query.dryRun
    if raw_dry_run is None and small:
        raw_dry_run = request.form.get("dryRun")
    try:
        dry_run = _flag(raw_dry_run)
    except ApiError as exc:  # not known to be a dry run: logged like any refused attempt
        name, content = _peek_file(limit)
        service.record_refusal(principal.username, "api", exc.message, name, content, url)
        raise

    def refuse(message: str, *args) -> None:
        if not dry_run:
            service.record_refusal(principal.username, "api", message, *args, url=url)

    if policy.endpoint_access(principal, "upload", security.is_public()) is not policy.Access.ALLOW:
        message = policy.ENDPOINTS["upload"].refused
        name, content = _peek_file(limit) if not dry_run else ("", None)
        refuse(message, name, content)
        raise ApiError(403, message)
    if not small and request.content_length is not None:
        message = f"Het bestand is te groot; de grens is {settings().max_file_mb} MB."
        refuse(message, "(te groot, niet gelezen)", None)
        raise ApiError(413, message)
    request.max_content_length = limit + FORM_OVERHEAD
    try:
        upload = request.files.get("file") or request.files.get("bestand")
    except RequestEntityTooLarge:
        message = f"Het bestand is te groot; de grens is {settings().max_file_mb} MB."
        refuse(message, "(te groot, niet gelezen)", None)
        raise ApiError(413, message) from None
    if upload is None or not upload.filename:
        message = (
            "Geen bestand ontvangen: stuur het als multipart-veld 'file' (een formulier dat niet te lezen is, "
            "bijvoorbeeld met een bestandsnaam die geen geldige UTF-8 is, telt ook als geen bestand)."
        )
        refuse(message)
        raise ApiError(400, message)
    content = upload.read(limit + 1)
    original = upload.filename  # as sent: cleaned where it is stored or shown (etl.names)
    if len(content) > limit:
        message = f"Het bestand is te groot; de grens is {settings().max_file_mb} MB."
        refuse(message, original, None)
        raise ApiError(413, message)
    try:
        peildatum = parse_peildatum(request.values.get("peildatum"))
    except ApiError as exc:
        refuse(exc.message, original, content)
        raise
    sheet = (request.values.get("sheet") or "").strip() or None
    try:
        result = service.load_bytes(
            content, original, principal=principal, channel="api", peildatum=peildatum, sheet=sheet, dry_run=dry_run, url=url
        )
    except service.NotKept as exc:
        raise ApiError(503, str(exc), uploadId=exc.upload_id, upload_id=exc.upload_id) from None
    data = service.result_dict(result)
    data["melding"] = service.OUTCOME_MESSAGES.get(data["outcome"], "")
    if data["outcome"] == "geweigerd":
        return refused_file(data["melding"], data, **data)
    return answer(data, OUTCOME_STATUS.get(data["outcome"], 200))


def _file_problem(p: dict) -> dict:
    """One problem of a refused file in the API's Dutch words (``problemen``)."""
    return {
        "bestand": p.get("file"),
        "blad": p.get("sheet"),
        "rij": p.get("row"),
        "kolom": p.get("column"),
        "waarde": p.get("value"),
        "toegestaan": list(p.get("allowed") or []),
        "tekst": p.get("text") or p.get("message") or "",
    }


def _peek_file(limit: int) -> tuple[str, bytes | None]:
    """The name and content of the posted file when it is small enough to read, for the log."""
    if request.content_length is None or request.content_length > limit + FORM_OVERHEAD:
        return "(niet gelezen)", None
    upload = request.files.get("file") or request.files.get("bestand")
    if upload is None or not upload.filename:
        return "(geen bestand)", None
    return upload.filename, upload.read(limit + 1)


@endpoint(
    "status",
    "De stand per gemeente op een peildatum",
    "Eén rij per gemeente, precies zoals etvi export: als JSON of met format=csv als CSV; te filteren op provincie, regio "
    "(regioType en regioCode) en onderdeel. Openbaar als het dashboard openbaar is, anders met een token of sessie.",
    STAND,
    {200: StatusAntwoord},
    (401,),
)
def get_status(query: StatusQuery):
    """One row per gemeente, exactly as ``etvi export`` (JSON, or CSV with ``format=csv``)."""
    peildatum = query.peildatum or date.today()
    frame = status_frame(peildatum, _url())
    codes = _selected_gemeenten(query)
    if codes is not None:
        frame = frame[frame["gemeentecode"].isin(codes)].reset_index(drop=True)
    if query.onderdeel is not None:
        onderdeel = _known_onderdeel(query.onderdeel)
        frame = frame[[c for c in frame.columns if c in ("gemeentecode", "gemeente", "provincie") or _of_onderdeel(c, onderdeel)]]
    if query.format == "csv":
        return Response(
            status_csv(frame),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="etvi-status-{peildatum.isoformat()}.csv"'},
        )
    rows = [{k: service.jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return jsonify({"peildatum": peildatum.isoformat(), "aantal": len(rows), "gemeenten": rows})


def _data() -> DataSource:
    """The dashboard's cached data source (the maps' numbers), or one for this database."""
    runtime = current_app.extensions.get("etvi")
    if isinstance(runtime, Runtime):
        return runtime.data
    if "etvi_api_data" not in current_app.extensions:
        current_app.extensions["etvi_api_data"] = DataSource(_url())
    return current_app.extensions["etvi_api_data"]


def _known_onderdeel(raw: str) -> str:
    onderdelen = _data().reference().onderdelen
    value = raw.strip().lower()
    if value not in onderdelen:
        raise _invalid("onderdeel", f"onbekend onderdeel {_shown(raw)!r}; kies {', '.join(onderdelen)}")
    return value


def _of_onderdeel(column: str, onderdeel: str) -> bool:
    """A column of the export that belongs to ``onderdeel`` (status, date, peildatum, koploperregio)."""
    if column in (onderdeel, date_column(onderdeel), export.peildatum_column(onderdeel)):
        return True
    return column == "koploperregio" and onderdeel == KOPLOPER


def _selected_gemeenten(query) -> set[str] | None:
    """The gemeenten of ``provincie`` and of the region ``regioType``/``regioCode`` (both when
    both are given), or ``None`` for all; an unknown value is a 400 that names the parameter."""
    ref = _data().reference()
    codes = None
    if query.provincie is not None:
        provincie = query.provincie.strip().upper()
        if provincie not in set(ref.provincies["code"]):
            raise _invalid("provincie", f"onbekende provincie {_shown(query.provincie)!r}; zie /api/v1/provincies voor de codes")
        codes = set(ref.gemeenten.loc[ref.gemeenten["provincie_code"] == provincie, "code"])
    if query.regioType is None and query.regioCode is not None:
        raise _invalid("regioType", "geef ook het regiotype van regioCode (zie /api/v1/regiotypen)")
    if query.regioType is not None:
        kind = query.regioType.strip().lower()
        if kind not in ref.region_types:
            raise _invalid("regioType", f"onbekend regiotype {_shown(query.regioType)!r}; kies {', '.join(ref.region_types) or 'geen: er zijn geen regio-indelingen geladen'}")
        if query.regioCode is None:
            raise _invalid("regioCode", "geef de code van een regio van dit regiotype (zie /api/v1/gemeenten)")
        members = ref.memberships[ref.memberships["region_type"] == kind]
        wanted = query.regioCode.strip().upper()
        found = members[members["region_code"].astype(str).str.upper() == wanted]
        if found.empty:
            raise _invalid("regioCode", f"onbekende {kind} {_shown(query.regioCode)!r}; zie /api/v1/gemeenten voor de regio's")
        region = set(found["gemeente_code"].astype(str))
        codes = region if codes is None else codes & region
    return codes


@endpoint(
    "voortgang",
    "Het aandeel gereed per provincie of regio",
    "Per onderdeel en per provincie (of regio van een regiotype) hoeveel gemeenten het onderdeel af hebben "
    "op de peildatum, en een jaar eerder: dezelfde getallen als de kaart van het dashboard.",
    STAND,
    {200: Voortgang},
    (401,),
)
def progress(query: VoortgangQuery):
    peildatum = query.peildatum or date.today()
    data = _data()
    version = data.version()
    ref = data.reference(version)
    niveau = query.niveau.strip().lower()
    if niveau not in ref.levels_available():
        raise _invalid("niveau", f"onbekend niveau {_shown(query.niveau)!r}; kies {', '.join(ref.levels_available())}")
    onderdelen = [_known_onderdeel(query.onderdeel)] if query.onderdeel is not None else ref.onderdelen
    groups = []
    for onderdeel in onderdelen:
        frame = data.group_shares(peildatum, onderdeel, niveau, version)
        for r in frame.itertuples():
            groups.append(
                {
                    "onderdeel": onderdeel,
                    "code": str(r.group_code),
                    "naam": str(r.group_name),
                    "aantal": int(r.n),
                    "gereed": int(r.n_done),
                    "gemeld": int(r.n_reported),
                    "aandeel": _number(r.share),
                    "gereedVorigJaar": None if _number(r.n_done_prev) is None else int(r.n_done_prev),
                    "aandeelVorigJaar": _number(r.share_prev),
                }
            )
    return jsonify({"peildatum": peildatum.isoformat(), "niveau": niveau, "groepen": groups})


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def status_frame(peildatum: date, url: str | None):
    """The export table (one row per gemeente), exactly as ``etvi export`` builds it."""
    return export.export_frame(peildatum, url)


def status_csv(frame) -> bytes:
    """The CSV exactly as ``etvi export --format csv`` writes it (UTF-8 with BOM, ';', neutralised)."""
    return export._csv_text(frame).encode("utf-8-sig")


@endpoint(
    "uploads",
    "Het auditlog van alle uploadpogingen",
    "Nieuwste eerst, geweigerde pogingen inbegrepen; per pagina (page en pageSize, of limit en offset), met links in _links "
    "en de kop Link. Alleen voor de beheerder.",
    AANLEVEREN,
    {200: UploadLijst},
    (401, 403),
)
def list_uploads(query: UploadsQuery):
    """Newest first; refused attempts included."""
    q = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc())
    if query.gebruiker:
        q = q.where(Upload.username == query.gebruiker.strip().lower())
    if query.uitkomst:
        q = q.where(Upload.outcome == query.uitkomst)
    page = Window.of(query)
    with db.session(_url()) as s:
        total = s.exec(select(func.count()).select_from(q.order_by(None).subquery())).one()
        items = [upload_dict(u) for u in s.exec(q.offset(page.offset).limit(page.size)).all()]
    return page.answer({"aantal": len(items), "uploads": items}, total)


def upload_dict(u) -> dict:
    def _load(text):
        if not text:
            return []
        try:
            return json.loads(text)
        except ValueError:
            return [{"message": text, "text": text}]

    return {
        "id": u.id,
        "tijdstip": _moment(u.created_at),
        "gebruiker": u.username,
        "kanaal": u.channel,
        "bestand": u.file_name,
        "sha256": u.sha256,
        "peildatum": u.peildatum.isoformat() if u.peildatum else None,
        "uitkomst": u.outcome,
        "rijen_gelezen": u.rows_read,
        "records_geschreven": u.records_written,
        "fouten": _load(u.error_report),
        "waarschuwingen": _load(u.warnings),
        "demo": bool(u.is_demo),
        "origineel": f"{PREFIX}/uploads/{u.id}/bestand" if u.stored_path else None,
        "rapport": f"{PREFIX}/uploads/{u.id}/rapport",
    }


def _upload(upload_id: int) -> dict:
    """One attempt of the upload log as ``upload_dict``; 404 when there is none."""
    with db.session(_url()) as s:
        upload = s.get(Upload, upload_id)
        if upload is None:
            raise ApiError(404, f"Upload {upload_id} bestaat niet.")
        return upload_dict(upload)


@endpoint(
    "upload_detail",
    "Eén uploadpoging met haar rapport",
    "Wie, wanneer, welk bestand, de uitkomst en alle fouten en waarschuwingen. Alleen voor de beheerder.",
    AANLEVEREN,
    {200: UploadDetail},
    (401, 403, 404),
)
def get_upload(path: UploadPath, **_):
    return jsonify(_upload(path.id))


def file_answer(description: str, media_type: str, schema: dict) -> dict:
    """The OpenAPI description of an answer that is a file, not JSON (with ``API-Version``)."""
    return {
        "description": description,
        "headers": {VERSION_HEADER: {"description": "De volledige versie van de API.", "schema": {"type": "string"}}},
        "content": {media_type: {"schema": schema}},
    }


REPORT_RESPONSE = file_answer(
    "Het rapport als CSV (puntkomma, UTF-8 met BOM, zoals Excel het opent).",
    "text/csv",
    {"type": "string", "description": "Kolommen Soort, Blad, Rij, Kolom, Waarde, Melding."},
)


@endpoint(
    "upload_report",
    "Het rapport van een upload als CSV",
    "Alle fouten en waarschuwingen van een uploadpoging, één per regel (Soort fout of waarschuwing, Blad, Rij, "
    "Kolom, Waarde, Melding): dezelfde lijst als de download op de aanleverpagina. Alleen voor de beheerder.",
    AANLEVEREN,
    {200: REPORT_RESPONSE},
    (401, 403, 404),
)
def download_report(path: UploadPath, **_):
    data = _upload(path.id)
    rows = [
        [kind, p.get("sheet"), p.get("row"), p.get("column"), p.get("value"), p.get("text") or p.get("message")]
        for kind, items in (("fout", data["fouten"]), ("waarschuwing", data["waarschuwingen"]))
        for p in items
        if isinstance(p, dict)
    ]
    frame = pd.DataFrame(rows, columns=["Soort", *problem_lists.CSV_COLUMNS], dtype=object)
    return Response(
        export.to_csv_bytes(frame.where(frame.notna(), None)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="upload-{path.id}-rapport.csv"', "Cache-Control": "no-store"},
    )


ORIGINAL_RESPONSE = file_answer("Het bewaarde originele bestand.", "application/octet-stream", {"type": "string", "format": "binary"})


@endpoint(
    "original",
    "Het bewaarde origineel van een upload",
    "Het bestand zoals het is aangeleverd, uit de database; het downloaden wordt vastgelegd. Alleen voor de beheerder.",
    AANLEVEREN,
    {200: ORIGINAL_RESPONSE},
    (401, 403, 404),
)
def download_original(path: UploadPath, **_):
    """From the database, so any app server can hand it out; the download is logged."""
    found = service.original(path.id, g.etvi_api_caller.username, _url())
    if found is None:
        raise ApiError(404, f"Upload {path.id} bestaat niet.")
    name, content = found
    if content is None:
        raise ApiError(404, f"Van upload {path.id} is geen origineel bewaard (bijvoorbeeld omdat het geweigerd is).")
    return send_file(io.BytesIO(content), as_attachment=True, download_name=name, max_age=0, mimetype="application/octet-stream")


@endpoint(
    "delivery",
    "Wie wat en wanneer aanleverde, per gemeente",
    "Per gemeente de laatste levering en de laatste poging. De beheerder ziet elke provincie (of alle), een provincieaccount "
    "de eigen provincie.",
    AANLEVEREN,
    {200: Aanlevering},
    (401, 403),
)
def delivery(query: AanleveringQuery):
    """Beheerder: any provincie or all; a provincie account: its own."""
    principal = g.etvi_api_caller
    provincie = (query.provincie or "").strip().upper() or None
    if principal.role == "provincie" and provincie is None:
        provincie = principal.provincie_code
    if not policy.may_see_delivery(principal, provincie):
        raise ApiError(403, f"Uw account heeft geen rechten voor de aanleverstatus van {provincie or 'alle provincies'}.")
    with db.session(_url()) as s:
        rows = log.delivery_overview(s, provincie)
    return jsonify({"provincie": provincie, "gemeenten": service.jsonable(aware(rows))})


@endpoint(
    "audit",
    "Het auditlog van beheer en inloggen",
    "Elke vastgelegde gebeurtenis behalve uploads (die staan in /uploads): inloggen en uitloggen, gebruikersbeheer, "
    "API-tokens, uitvragen, publicaties. Nieuwste eerst; te filteren op gebruiker, actie en een periode (vanaf, tot: datum en tijd "
    "met tijdzone); per pagina (page en pageSize, of limit en offset), met links in _links en de kop Link. Alleen voor de beheerder.",
    BEHEER,
    {200: AuditLijst},
    (401, 403),
)
def list_audit_events(query: AuditQuery):
    """The same reader as the /auditlog page (``etvi.accounts.audit.events``)."""
    if query.vanaf is not None and query.tot is not None and query.tot <= query.vanaf:
        raise _invalid("tot", "dit moet na vanaf liggen")
    page = Window.of(query)
    with db.session(_url()) as s:
        total, rows = audit.events(s, gebruiker=query.gebruiker, actie=query.actie, vanaf=query.vanaf, tot=query.tot, offset=page.offset, limit=page.size)
        items = []
        for e in rows:
            details = audit.detail_of(e)
            about = details.get("gebruiker")
            items.append(
                {
                    "id": e.id,
                    "tijdstip": _moment(e.created_at),
                    "door": e.username,
                    "actie": e.action,
                    "gebruiker": about if isinstance(about, str) else None,
                    "details": details,
                }
            )
    return page.answer({"aantal": len(items), "gebeurtenissen": items}, total)


# --------------------------------------------------------------------------------------------
# User management (beheerder). The CLI ``etvi gebruiker`` offers the same.
# --------------------------------------------------------------------------------------------


def _user_dict(s, u) -> dict:
    made = tokens.count(s, u)
    return {
        "naam": u.username,
        "rol": u.role,
        "gemeenten": policy.split_codes(u.gemeente_codes),
        "provincie": u.provincie_code,
        "actief": bool(u.active),
        "email": u.email,
        "api_token": made > 0,
        "api_tokens": made,
        "aangemaakt": _moment(u.created_at),
    }


@endpoint("users", "Alle gebruikers", "Op naam gesorteerd; alleen voor de beheerder.", BEHEER, {200: Gebruikers}, (401, 403))
def list_users():
    """Sorted by name."""
    with db.session(_url()) as s:
        return jsonify({"gebruikers": [_user_dict(s, u) for u in users.list_users(s)]})


@endpoint(
    "create_user",
    "Een gebruiker aanmaken",
    "Het gegenereerde wachtwoord staat alleen in dit antwoord. Alleen voor de beheerder.",
    BEHEER,
    {201: NieuweGebruikerAntwoord},
    (401, 403),
)
def create_user(body: NieuweGebruiker):
    """The generated password is in this answer only (``Cache-Control: no-store``)."""
    with refused_as(400, AccountError, reword=lambda exc: str(exc).replace("(--email ", '(veld "email", bijvoorbeeld ')):
        with db.session(_url()) as s:
            user, password = users.create_user(
                s,
                body.naam,
                body.rol,
                list(body.gemeenten),
                body.provincie,
                actor=_actor(),
                email=body.email,
                email_required=True,  # like etvi gebruiker add: gemeente and provincie accounts need an address
            )
            data = _user_dict(s, user)
    return answer({**data, "wachtwoord": password}, 201, NO_STORE)  # the password is shown once


@endpoint(
    "update_user",
    "Een gebruiker in- of uitschakelen of het e-mailadres wijzigen",
    '{"actief": false} schakelt het account uit: de sessies eindigen en het API-token werkt niet meer. {"actief": true} '
    'schakelt het weer in. {"email": "adres"} wijzigt het e-mailadres voor herinneringen (null of leeg verwijdert het). '
    "Alleen voor de beheerder.",
    BEHEER,
    {200: Gebruiker},
    (401, 403, 404),
)
def update_user(path: GebruikerPath, body: GebruikerWijziging, **_):
    """``actief`` false disables the account (its sessions end, its token stops working), true
    enables it; ``email`` changes the address (as ``etvi gebruiker email``). Both in one go."""
    if not body.model_fields_set & {"actief", "email"} or ("actief" in body.model_fields_set and body.actief is None):
        raise _invalid("body", 'geef "actief" (true of false) en/of "email"')
    actor = _actor()
    with refused_as(404, AccountError), db.session(_url()) as s:
        user = users.get_user(s, path.naam)
        if "email" in body.model_fields_set:
            with invalid_as("email", AccountError):
                user = users.set_email(s, path.naam, body.email, actor=actor)
        if body.actief is not None:
            user = (users.enable_user if body.actief else users.disable_user)(s, path.naam, actor=actor)
        data = _user_dict(s, user)
    return jsonify(data)


@endpoint(
    "end_user_sessions",
    "Alle sessies van een gebruiker beëindigen (overal uitloggen)",
    "Beëindigt elke browsersessie van het account, op elke server tegelijk. De API-tokens blijven werken: "
    "trek ze in (/gebruikers/{naam}/tokens) of schakel het account uit om dat te stoppen. Alleen voor de beheerder.",
    BEHEER,
    {200: Uitgelogd},
    (401, 403, 404),
)
def end_user_sessions(path: GebruikerPath, **_):
    """Every browser session of the account ends at once (its API tokens are separate; revoke
    them or disable the account to stop those too). Was ``POST …/uitloggen`` (a verb in the path)."""
    with refused_as(404, AccountError), db.session(_url()) as s:
        ended = users.end_sessions(s, path.naam, actor=_actor())
        data = {**_user_dict(s, users.get_user(s, path.naam)), "sessies_beeindigd": ended}
    return jsonify(data)


# --------------------------------------------------------------------------------------------
# API tokens: listed and revoked per user (the beheerder for anyone, every account its own)
# --------------------------------------------------------------------------------------------


def _tokens_of(username: str) -> Response:
    """The tokens of ``username`` (never the tokens themselves); 404 for an unknown user."""
    with refused_as(404, AccountError), db.session(_url()) as s:
        user = users.get_user(s, username)
        listed = [{**t, "aangemaakt": _moment(t["aangemaakt"])} for t in tokens.listed(s, user)]
        return jsonify({"gebruiker": user.username, "tokens": listed})


def _revoke(username: str, kenmerk: str) -> Response:
    with refused_as(404, AccountError), db.session(_url()) as s:
        users.revoke_token(s, username, kenmerk, actor=_actor())
    return _tokens_of(username)


@endpoint(
    "user_tokens",
    "De API-tokens van een gebruiker",
    "Per token het kenmerk, het label en wanneer en door wie het is gemaakt; nooit het token zelf. Alleen voor de beheerder.",
    BEHEER,
    {200: Tokens},
    (401, 403, 404),
)
def list_user_tokens(path: GebruikerPath, **_):
    return _tokens_of(path.naam)


@endpoint(
    "create_user_token",
    "Een extra API-token voor een gebruiker maken",
    "Een nieuw token met een label (waarvoor het is); de andere tokens van de gebruiker blijven werken. Het token "
    "zelf staat alleen in dit antwoord; daarna toont de lijst alleen het kenmerk. Alleen voor de beheerder.",
    BEHEER,
    {201: NieuwTokenAntwoord},
    (401, 403, 404, 409),
)
def create_user_token(path: GebruikerPath, body: NieuwToken, **_):
    """Like ``etvi gebruiker token NAAM --label …``; the answer is never cached."""
    with refused_as(404, AccountError), db.session(_url()) as s:
        user = users.get_user(s, path.naam)
    if not user.active:
        raise ApiError(409, f"Gebruiker {user.username!r} is uitgeschakeld; een token is dan niet bruikbaar. Schakel het account eerst in (PATCH).")
    with invalid_as("label", AccountError), db.session(_url()) as s:
        token = users.create_token(s, user.username, actor=_actor(), label=body.label)
        user = users.get_user(s, user.username)
        made = tokens.kenmerk(tokens.hash_token(token))
        row = next(t for t in tokens.listed(s, user) if t["kenmerk"] == made)
    return answer({"gebruiker": user.username, **row, "aangemaakt": _moment(row["aangemaakt"]), "token": token}, 201, NO_STORE)


@endpoint(
    "revoke_user_token",
    "Een API-token van een gebruiker intrekken",
    "Dit ene token werkt direct nergens meer; de andere tokens van de gebruiker blijven werken. Antwoordt met de tokens die "
    "overblijven. Alleen voor de beheerder.",
    BEHEER,
    {200: Tokens},
    (401, 403, 404),
)
def revoke_user_token(path: GebruikerTokenPath, **_):
    return _revoke(path.naam, path.kenmerk)


@endpoint(
    "own_tokens",
    "Mijn API-tokens",
    "De API-tokens van het eigen account: kenmerk, label en wanneer gemaakt; nooit het token zelf.",
    BEHEER,
    {200: Tokens},
    (401, 403),
)
def list_own_tokens():
    return _tokens_of(g.etvi_api_caller.username)


@endpoint(
    "revoke_own_token",
    "Een eigen API-token intrekken",
    "Dit ene token werkt direct nergens meer (ook als u er deze vraag mee stuurt); uw andere tokens blijven werken. Antwoordt "
    "met de tokens die overblijven.",
    BEHEER,
    {200: Tokens},
    (401, 403, 404),
)
def revoke_own_token(path: TokenPath, **_):
    return _revoke(g.etvi_api_caller.username, path.kenmerk)


# --------------------------------------------------------------------------------------------
# Reference data: public like the status (ETVI_PUBLIC), for the systems that integrate
# --------------------------------------------------------------------------------------------


def _text(value) -> str | None:
    """A cell of a query frame as text; pandas' NaN/None become None."""
    return None if value is None or value != value else str(value)


@endpoint(
    "provincies",
    "Alle provincies",
    "Code en naam, op naam gesorteerd.",
    REFERENTIE,
    {200: Provincies},
    (401,),
)
def list_provincies():
    frame = queries.provincies(_url())
    return jsonify({"provincies": [{"code": r.code, "naam": r.name} for r in frame.itertuples()]})


@endpoint(
    "gemeenten",
    "Alle huidige gemeenten met hun regio's",
    "Per gemeente de provincie en de regio's per regiotype (ggdregio, woningmarktregio, koploperregio, …), op naam gesorteerd.",
    REFERENTIE,
    {200: Gemeenten},
    (401,),
)
def list_gemeenten():
    url = _url()
    regios: dict[str, list[dict]] = {}
    for r in queries.region_memberships(url=url).itertuples():
        regios.setdefault(r.gemeente_code, []).append({"type": r.region_type, "code": _text(r.region_code), "naam": _text(r.region_name)})
    rows = [
        {
            "code": r.code,
            "naam": r.name,
            "provincie_code": _text(r.provincie_code),
            "provincie": _text(r.provincie_name),
            "regios": regios.get(r.code, []),
        }
        for r in queries.gemeenten(url).itertuples()
    ]
    return jsonify({"gemeenten": rows})


@endpoint(
    "history",
    "De geschiedenis van één gemeente",
    "Elk statusrecord van de gemeente, in de volgorde waarin het bekend werd; per pagina (page en pageSize, of limit en offset), met links in _links en de kop Link.",
    STAND,
    {200: Historie},
    (401, 404),
)
def gemeente_history(path: GemeentePath, query: HistorieQuery, **_):
    code = path.code.strip().upper()
    url = _url()
    with db.session(url) as s:
        gemeente = s.get(Gemeente, code)
        name = gemeente.name if gemeente is not None else None
    if name is None:
        raise ApiError(404, f"Gemeente {_shown(code)!r} bestaat niet. Zie /api/v1/gemeenten voor alle codes.")
    page = Window.of(query)
    frame = queries.status_history(url, codes=[code])
    records = [
        {
            "onderdeel": r.onderdeel,
            "status": _text(r.status),
            "vastgesteld_op": r.adopted_on.isoformat() if isinstance(r.adopted_on, date) else None,
            "peildatum": r.peildatum.isoformat(),
            "toelichting": _text(r.comment),
            "bron": _text(r.source_url),
            "koploperregio": _text(r.koploperregio),
            "upload_id": None if r.upload_id is None or r.upload_id != r.upload_id else int(r.upload_id),
        }
        for r in page.cut(frame).itertuples()
    ]
    return page.answer({"gemeente_code": code, "gemeente": name, "records": records}, len(frame))


@endpoint(
    "regiotypen",
    "De regiotypen",
    "De soorten regio's waarin gemeenten zijn ingedeeld.",
    REFERENTIE,
    {200: Regiotypen},
    (401,),
)
def list_region_types():
    return jsonify({"regiotypen": queries.region_types(_url())})


@endpoint(
    "mijlpalen",
    "De mijlpalen",
    "Wettelijke en programmamijlpalen met datum (voor zover bekend), zekerheid en bron.",
    REFERENTIE,
    {200: Mijlpalen},
    (401,),
)
def list_milestones():
    rows = [
        {
            "id": r.id,
            "titel": r.title,
            "datum": r.date.isoformat() if isinstance(r.date, date) else None,
            "precisie": r.date_precision,
            "soort": r.kind,
            "onderdeel": _text(r.onderdeel),
            "min_status": _text(r.min_status),
            "niveau": r.level,
            "zekerheid": r.confidence,
            "bron": _text(r.source_url),
            "toelichting": r.note or "",
        }
        for r in queries.milestones(_url()).itertuples()
    ]
    return jsonify({"mijlpalen": rows})


@endpoint(
    "statussen",
    "De statuswoorden per onderdeel",
    "De toegestane statussen per onderdeel in hun volgorde, en of een onderdeel met die status af is.",
    REFERENTIE,
    {200: Statussen},
    (401,),
)
def list_status_words():
    rows = [
        {"onderdeel": r.onderdeel, "volgorde": int(r.rank), "status": r.status, "gereed": bool(r.is_done), "label": r.label or ""}
        for r in queries.status_levels(_url()).itertuples()
    ]
    return jsonify({"statussen": rows})


# --------------------------------------------------------------------------------------------
# Reporting rounds (uitvragen): the same service as `etvi uitvraag` and the pages
# --------------------------------------------------------------------------------------------


def _round_dict(r: Uitvraag) -> dict:
    return {
        "id": r.id,
        "titel": r.title,
        "peildatum": r.peildatum.isoformat(),
        "deadline": r.deadline.isoformat(),
        "onderdelen": rounds.onderdelen_of(r),
        "staat": r.state,
        "aangemaakt_door": r.created_by,
        "aangemaakt": _moment(r.created_at),
        "geopend_door": r.opened_by,
        "geopend": _moment(r.opened_at),
        "gesloten_door": r.closed_by,
        "gesloten": _moment(r.closed_at),
    }


def _round_scope(principal: Principal) -> set[str] | None:
    """The gemeenten whose answers ``principal`` sees: all (``None``) for the beheerder, a
    provincie's current gemeenten, a gemeente account its own (as the pages /uitvragen and /uitvraag/…)."""
    if principal.role == "beheerder":
        return None
    if principal.role == "provincie":
        with db.session(_url()) as s:
            return set(s.exec(select(Gemeente.code).where(Gemeente.provincie_code == principal.provincie_code, Gemeente.valid_to.is_(None))).all())
    return set(policy.gemeenten_of(principal))


def _round_or_404(round_id: int) -> dict:
    with db.session(_url()) as s:
        found = s.get(Uitvraag, round_id)
        if found is None:
            raise ApiError(404, f"Uitvraag {round_id} bestaat niet. Zie /api/v1/uitvragen voor alle uitvragen.")
        return _round_dict(found)


def _answers(round_id: int):
    _round_or_404(round_id)
    with refused_as(404, UitvraagError):
        return responses.answers(round_id, _url(), _round_scope(g.etvi_api_caller))[1]


@endpoint(
    "rounds",
    "Alle uitvragen",
    "Nieuwste eerst, met titel, peildatum, deadline, gevraagde onderdelen en staat (concept, open, gesloten). "
    "Voor de beheerder, een provincie en een gemeente.",
    UITVRAGEN,
    {200: Uitvragen},
    (401, 403),
)
def list_rounds():
    with db.session(_url()) as s:
        return jsonify({"uitvragen": [_round_dict(r) for r in rounds.list_rounds(s)]})


@endpoint(
    "create_round",
    "Een uitvraag aanmaken",
    "Een nieuwe uitvraag in de staat concept (zoals etvi uitvraag open zonder te openen); open hem met PATCH. "
    "Zonder onderdelen worden alle onderdelen gevraagd. Alleen voor de beheerder.",
    UITVRAGEN,
    {201: UitvraagModel},
    (401, 403),
)
def create_round(body: NieuweUitvraag):
    with refused_as(400, UitvraagError, reword=lambda exc: str(exc).replace(" (--titel)", "")), db.session(_url()) as s:
        data = _round_dict(rounds.create_round(s, body.titel, body.peildatum, body.deadline, body.onderdelen, actor=_actor(), url=_url()))
    return answer(data, 201, {"Location": f"{PREFIX}/uitvragen/{data['id']}"})


@endpoint(
    "round",
    "Eén uitvraag met de respons",
    "De uitvraag en hoeveel gemeenten geantwoord hebben, per antwoord en per provincie. "
    "Een provincie telt alleen de eigen gemeenten, een gemeente alleen de eigen.",
    UITVRAGEN,
    {200: UitvraagMetRespons},
    (401, 403, 404),
)
def get_round(path: UitvraagPath, **_):
    data = _round_or_404(path.id)
    found = _answers(path.id)
    return jsonify({**data, "respons": {**responses.summary(found), "samenvatting": responses.summary_line(found)}})


@endpoint(
    "update_round",
    "Een uitvraag openen of sluiten",
    '{"staat": "open"} opent een concept (één open uitvraag per peildatum); {"staat": "gesloten"} sluit een open '
    "uitvraag: antwoorden tellen daarna niet meer en de cijfers worden definitief. Alleen voor de beheerder.",
    UITVRAGEN,
    {200: UitvraagModel},
    (401, 403, 404, 409),
)
def update_round(path: UitvraagPath, body: UitvraagWijziging, **_):
    _round_or_404(path.id)
    change = rounds.open_round if body.staat == rounds.OPEN else rounds.close_round
    with refused_as(409, UitvraagError), db.session(_url()) as s:
        data = _round_dict(change(s, path.id, actor=_actor()))
    return jsonify(data)


@endpoint(
    "round_answers",
    "Het antwoord per gemeente",
    "Eén rij per gemeente zoals etvi uitvraag status: antwoord (geen, ongewijzigd, gewijzigd, geweigerd), wanneer, "
    "door wie en via welk kanaal. Een provincie ziet de eigen gemeenten, een gemeente de eigen. Per pagina (page en pageSize, "
    "of limit en offset), met links in _links en de kop Link.",
    UITVRAGEN,
    {200: Antwoorden},
    (401, 403, 404),
)
def list_round_answers(path: UitvraagPath, query: AntwoordenQuery, **_):
    found = _answers(path.id)
    page = Window.of(query)
    rows = [
        {
            "gemeentecode": a.gemeente_code,
            "gemeente": a.gemeente,
            "provincie": a.provincie,
            "antwoord": a.antwoord,
            "wanneer": responses.when_text(a.wanneer) or None,
            "door": a.door,
            "kanaal": a.kanaal,
            "upload_id": a.upload_id,
        }
        for a in page.cut(found)
    ]
    return page.answer({"uitvraag_id": path.id, "antwoorden": rows}, len(found))


REMINDER_BODY = {
    "required": False,
    "content": {"application/json": {"schema": Herinnering.model_json_schema(ref_template="#/components/schemas/{model}")}},
}


@endpoint(
    "round_reminders",
    "Herinneringen versturen",
    "Een herinnering per e-mail aan de gemeenteaccounts (met een adres) van gemeenten die nog niet antwoordden, "
    "of alleen van de gekozen gemeenten (JSON {\"gemeenten\": [\"GM0363\"]}). Een gekozen gemeente die al antwoordde of niet bestaat: "
    "400 met een Nederlandse melding en er gaat niets uit. Een tweede herinnering dezelfde dag aan hetzelfde adres wordt overgeslagen. "
    "dryRun=true: alleen laten zien wie een herinnering zou krijgen. Zonder mailserver wordt niets verstuurd en zegt melding "
    "waarom. Alleen voor de beheerder.",
    UITVRAGEN,
    {200: Herinneringen},
    (400, 401, 403, 404, 409),
    body=REMINDER_BODY,
)
def send_round_reminders(path: UitvraagPath, query: HerinneringQuery, **_):
    """The body is optional (no body: everyone who has not answered), so it is read here."""
    raw = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(raw, dict):
        raise _invalid("body", "stuur een JSON-object, bijvoorbeeld {\"gemeenten\": [\"GM0363\"]}, of niets")
    try:
        body = Herinnering.model_validate(raw)
    except ValidationError as exc:
        return _validation_problem(exc)
    state = _round_or_404(path.id)["staat"]
    if state != rounds.OPEN:
        raise ApiError(409, f"Uitvraag {path.id} is {state}; herinneringen gaan alleen uit voor een open uitvraag.")
    with refused_as(400, UitvraagError):
        report = mail.send_reminders(path.id, _actor(), gemeenten=body.gemeenten or None, dry_run=query.dryRun, url=_url())
    message = report.message or (
        f"{report.count(mail.PROEF)} herinnering(en) zouden worden verstuurd (proef)." if query.dryRun else f"{report.sent} herinnering(en) verstuurd."
    )
    return jsonify(
        {
            "uitvraag_id": path.id,
            "proef": query.dryRun,
            "geconfigureerd": report.configured,
            "verstuurd": report.sent,
            "melding": message,
            "al_geantwoord": [],  # a selected gemeente that answered is refused (400) since issue 12 item 4
            "uitkomsten": [{"email": o.email, "gemeenten": list(o.gemeenten), "status": o.status, "reden": o.reason} for o in report.outcomes],
        }
    )


CONFIRMED = {
    "geladen": "Bevestigd: niets veranderd. De stand is vastgelegd op de peildatum van de uitvraag.",
    "ongewijzigd": "Dit was al bevestigd; er is niets veranderd.",
}


@endpoint(
    "round_confirmation",
    "Bevestigen dat er niets veranderd is",
    "Zoals de knop Niets veranderd: de bekende status van elk gevraagd onderdeel van de gemeente wordt ongewijzigd "
    "vastgelegd op de peildatum van de uitvraag (een upload via het kanaal API). Een gemeenteaccount bevestigt alleen voor de "
    "eigen gemeente(n). 201: vastgelegd; 409: de uitvraag is niet open of de peildatum is nog niet bereikt; 422: er is niets te "
    "bevestigen of de bevestiging is geweigerd.",
    UITVRAGEN,
    {201: Bevestiging, 200: Bevestiging},
    (401, 403, 404, 409, 422),
)
def confirm_round_unchanged(path: UitvraagPath, body: NieuweBevestiging, **_):
    principal = g.etvi_api_caller
    round_ = _round_or_404(path.id)
    code = body.gemeentecode.strip().upper()
    scope = policy.upload_scope(principal)
    if scope is not None and code not in scope:
        raise ApiError(403, f"U mag niet antwoorden voor {_shown(code)}; uw account hoort bij {', '.join(sorted(scope)) or 'geen gemeente'}.")
    with db.session(_url()) as s:
        if s.get(Gemeente, code) is None:
            raise _invalid("gemeentecode", f"onbekende gemeente {_shown(code)!r}; zie /api/v1/gemeenten voor de codes")
    if round_["staat"] != rounds.OPEN:
        raise ApiError(409, f"Uitvraag {path.id} is {round_['staat']}; alleen in een open uitvraag kunt u antwoorden.")
    if date.fromisoformat(round_["peildatum"]) > date.today():
        raise ApiError(409, f"De peildatum {round_['peildatum']} is nog niet bereikt; bevestigen kan vanaf die dag.")
    with refused_as(422, UitvraagError), refused_as(503, service.NotKept):
        result = confirmation.confirm_unchanged(path.id, code, principal, channel="api", url=_url())
    data = service.result_dict(result)
    if data["outcome"] == "geweigerd":
        return refused_file(service.OUTCOME_MESSAGES.get("geweigerd", ""), data)
    confirmed = {
        "uitvraag_id": path.id,
        "gemeentecode": code,
        "uitkomst": data["outcome"],
        "upload_id": data.get("upload_id"),
        "records_geschreven": data.get("records_written") or 0,
        "melding": CONFIRMED.get(data["outcome"], ""),
    }
    return answer(confirmed, 201 if data["outcome"] == "geladen" else 200)


@bp.get("/ik", summary="Wie is er ingelogd", description='Wie deze sessie of dit token is, en of het dashboard openbaar is.', tags=[STAND], responses={200: Ik})
def whoami():
    """The Dash pages and scripts use it; never refused."""
    return security.whoami_view()


def install(app, url: str | None = None) -> None:
    """Register the API on a Dash app's server (a ``flask_openapi3.OpenAPI``, see
    ``make_server``) with its documentation (``dashboard.api_docs``). Idempotent.

    Installs ``dashboard.security`` first when that has not happened yet (the API relies on
    its sessions and CSRF check)."""
    server = getattr(app, "server", app)
    if not isinstance(server, OpenAPI):
        raise TypeError("De API vraagt een server van dashboard.api.make_server (flask_openapi3.OpenAPI).")
    if "etvi_security" not in server.extensions:
        security.install(app, url=url)
    if "etvi_api" in server.blueprints:
        return
    server.register_api(bp)
    api_docs.install(server)
