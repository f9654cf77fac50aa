"""The HTTP API, ``/api/v1``. ``install(app)`` registers it on a Dash app's Flask server.

- ``POST /api/v1/uploads`` — Bearer token (or a browser session plus CSRF token); multipart field
  ``file`` (or ``bestand``); optional ``peildatum`` (YYYY-MM-DD) and ``sheet``; ``?dry_run=1``
  validates and previews without writing. Answers with the outcome and the same problem list as
  ``etvi load``. A gemeente account may only deliver rows for its own gemeenten: a file with any
  other gemeente in it is refused whole.
- ``GET /api/v1/status?peildatum=YYYY-MM-DD&format=json|csv`` — one row per gemeente, as
  ``etvi export``. Public when the dashboard is public, else needs a token or session.
- ``GET /api/v1/uploads`` — the audit log of all upload attempts (beheerder).
- ``GET /api/v1/uploads/<id>/bestand`` — the stored original of an upload (beheerder).
- ``GET /api/v1/aanlevering?provincie=PV27`` — who delivered what and when per gemeente
  (beheerder: any provincie or all; provincie account: its own).
- ``GET /api/v1/gebruikers``, ``POST /api/v1/gebruikers`` (JSON ``naam``, ``rol``, ``gemeenten``,
  ``provincie``; the generated password is in the answer, once) and
  ``POST /api/v1/gebruikers/<naam>/uitschakelen`` — user management (beheerder).
- ``GET /api/v1/ik`` — who is logged in (registered by ``dashboard.security``).

Every upload attempt leaves a row in the upload log (``Upload``), refused ones included; an
attempt without a valid account is written to ``AuditEvent`` because it has no user to name.
A dry run writes nothing, not even to the log, exactly like ``etvi load --dry-run``.

Status codes: 201 geladen, 200 ongewijzigd/proef, 422 geweigerd (the file has errors, listed
in ``problems``: file, sheet, row, column, value, allowed, text), 400 bad request, 401 no or bad
token, 403 no rights, 404 unknown, 413 file too large.

Example::

    curl -H "Authorization: Bearer $TOKEN" -F file=@stand.xlsx -F peildatum=2026-03-01 \
         "https://monitor.example/api/v1/uploads?dry_run=1"
    curl "https://monitor.example/api/v1/status?peildatum=2026-03-01&format=csv" -o stand.csv
Errors are JSON ``{"fout": "<Dutch message>", "status": <code>}``; 503 when the server cannot
write the upload to its temporary folder, with the logged attempt's ``upload_id``.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

from flask import Blueprint, Response, current_app, jsonify, request, send_file
from sqlmodel import select
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dashboard import security
from etl import export
from etvi.accounts import policy, tokens, users
from etvi.accounts.errors import AccountError
from etvi.accounts.policy import Principal
from etvi.config import settings
from etvi.upload import log, service
from models import db
from models.tables import Upload

bp = Blueprint("etvi_api", __name__, url_prefix="/api/v1")

ALLOWED_SUFFIXES = (".xlsx", ".ods", ".csv")
FORM_OVERHEAD = 256 * 1024


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def _json_error(status: int, message: str, **extra) -> Response:
    resp = jsonify({"fout": message, "status": status, **extra})
    resp.status_code = status
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="etvi"'
    return resp


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return _json_error(exc.status, exc.message, **exc.extra)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    messages = {
        400: "Ongeldig verzoek.",
        404: "Niet gevonden.",
        405: "Deze methode is hier niet toegestaan.",
        413: f"Het bestand is te groot; de grens is {settings().max_file_mb} MB.",
    }
    return _json_error(exc.code or 500, messages.get(exc.code, exc.description or "Fout."))


@bp.before_app_request
def _api_routing_errors():
    """Unknown paths and wrong methods under /api/ answer in JSON too (routing fails before the
    blueprint's own error handlers could run)."""
    exc = request.routing_exception
    if exc is not None and request.path.startswith("/api/") and isinstance(exc, HTTPException):
        return _http_error(exc)
    return None


def _url() -> str | None:
    return current_app.config.get("ETVI_DATABASE_URL")


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
        raise ApiError(400, f"Ongeldige peildatum {text!r}: gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(400, f"Ongeldige peildatum {text!r}: die datum bestaat niet.") from None


FLAG_TRUE = ("1", "true", "ja", "yes", "on")
FLAG_FALSE = ("0", "false", "nee", "no", "off")


def _flag(raw: str | None, name: str = "dry_run") -> bool:
    """A yes/no parameter; anything else is a 400 that lists what is allowed."""
    text = (raw or "").strip().lower()
    if not text or text in FLAG_FALSE:
        return False
    if text in FLAG_TRUE:
        return True
    shown = raw if len(raw) <= 40 else raw[:37] + "…"
    raise ApiError(400, f"Ongeldige waarde {shown!r} voor {name}. Toegestaan: 1, 0, true, false, ja, nee.")


# --------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------


@bp.post("/uploads")
def post_upload():
    url = _url()
    limit = settings().max_file_mb * 1024 * 1024
    try:
        principal = _principal(required=True)
    except ApiError as exc:
        service.record_anonymous_attempt(_caller_label(url), "api", exc.message, _posted_file_name(), request.remote_addr, url)
        raise
    # A dry run writes nothing, not even a refusal to the upload log (README; like etvi load
    # --dry-run). The query string is read first: the form body may be too large to parse.
    raw_dry_run = request.args.get("dry_run")
    if raw_dry_run is None and request.content_length is not None and request.content_length <= limit + FORM_OVERHEAD:
        request.max_content_length = limit + FORM_OVERHEAD
        raw_dry_run = request.form.get("dry_run")
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
    if request.content_length is not None and request.content_length > limit + FORM_OVERHEAD:
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
        raise ApiError(503, str(exc), upload_id=exc.upload_id) from None
    data = service.result_dict(result)
    data["melding"] = service.OUTCOME_MESSAGES.get(data["outcome"], "")
    resp = jsonify(data)
    resp.status_code = OUTCOME_STATUS.get(data["outcome"], 200)
    return resp


def _peek_file(limit: int) -> tuple[str, bytes | None]:
    """The name and content of the posted file when it is small enough to read, for the log."""
    if request.content_length is None or request.content_length > limit + FORM_OVERHEAD:
        return "(niet gelezen)", None
    upload = request.files.get("file") or request.files.get("bestand")
    if upload is None or not upload.filename:
        return "(geen bestand)", None
    return upload.filename, upload.read(limit + 1)


@bp.get("/status")
def get_status():
    _caller("status")
    peildatum = parse_peildatum(request.args.get("peildatum")) or date.today()
    fmt = (request.args.get("format") or "json").strip().lower()
    if fmt not in ("json", "csv"):
        raise ApiError(400, f"Onbekend formaat {fmt!r}: kies json of csv.")
    frame = status_frame(peildatum, _url())
    if fmt == "csv":
        return Response(
            status_csv(frame),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="etvi-status-{peildatum.isoformat()}.csv"'},
        )
    rows = [{k: service.jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return jsonify({"peildatum": peildatum.isoformat(), "aantal": len(rows), "gemeenten": rows})


def status_frame(peildatum: date, url: str | None):
    """The export table (one row per gemeente), exactly as ``etvi export`` builds it."""
    return export.export_frame(peildatum, url)


def status_csv(frame) -> bytes:
    """The CSV exactly as ``etvi export --format csv`` writes it (UTF-8 with BOM, ';', neutralised)."""
    return export._csv_text(frame).encode("utf-8-sig")


@bp.get("/uploads")
def list_uploads():
    _caller("uploads")
    try:
        limit = min(max(int(request.args.get("limit", 100)), 1), 1000)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        raise ApiError(400, "limit en offset moeten gehele getallen zijn.") from None
    q = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc())
    if request.args.get("gebruiker"):
        q = q.where(Upload.username == request.args["gebruiker"].strip().lower())
    if request.args.get("uitkomst"):
        q = q.where(Upload.outcome == request.args["uitkomst"].strip().lower())
    with db.session(_url()) as s:
        rows = s.exec(q.offset(offset).limit(limit)).all()
        items = [upload_dict(u) for u in rows]
    return jsonify({"aantal": len(items), "offset": offset, "uploads": items})


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
        "tijdstip": u.created_at.isoformat() if u.created_at else None,
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
        "origineel": f"/api/v1/uploads/{u.id}/bestand" if u.stored_path else None,
    }


@bp.get("/uploads/<int:upload_id>/bestand")
def download_original(upload_id: int):
    principal = _caller("original")
    found = service.original(upload_id, principal.username, _url())
    if found is None:
        raise ApiError(404, f"Upload {upload_id} bestaat niet.")
    name, content = found
    if content is None:
        raise ApiError(404, f"Van upload {upload_id} is geen origineel bewaard (bijvoorbeeld omdat het geweigerd is).")
    return send_file(io.BytesIO(content), as_attachment=True, download_name=name, max_age=0)


@bp.get("/aanlevering")
def delivery():
    principal = _caller("delivery")
    provincie = (request.args.get("provincie") or "").strip().upper() or None
    if principal.role == "provincie" and provincie is None:
        provincie = principal.provincie_code
    if not policy.may_see_delivery(principal, provincie):
        raise ApiError(403, f"Uw account heeft geen rechten voor de aanleverstatus van {provincie or 'alle provincies'}.")
    with db.session(_url()) as s:
        rows = log.delivery_overview(s, provincie)
    return jsonify({"provincie": provincie, "gemeenten": service.jsonable(rows)})


# --------------------------------------------------------------------------------------------
# User management (beheerder). The CLI ``etvi gebruiker`` offers the same.
# --------------------------------------------------------------------------------------------


def _user_dict(u) -> dict:
    return {
        "naam": u.username,
        "rol": u.role,
        "gemeenten": policy.split_codes(u.gemeente_codes),
        "provincie": u.provincie_code,
        "actief": bool(u.active),
        "api_token": bool(u.token_hash),
        "aangemaakt": u.created_at.isoformat() if u.created_at else None,
    }


@bp.get("/gebruikers")
def list_users():
    _caller("users")
    with db.session(_url()) as s:
        return jsonify({"gebruikers": [_user_dict(u) for u in users.list_users(s)]})


@bp.post("/gebruikers")
def create_user():
    principal = _caller("create_user")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Stuur JSON zoals {\"naam\": \"amsterdam\", \"rol\": \"gemeente\", \"gemeenten\": [\"GM0363\"]}.")
    gemeenten = data.get("gemeenten") or []
    if isinstance(gemeenten, str):
        gemeenten = [gemeenten]
    try:
        with db.session(_url()) as s:
            user, password = users.create_user(
                s,
                str(data.get("naam") or ""),
                str(data.get("rol") or ""),
                [str(g) for g in gemeenten],
                data.get("provincie"),
                actor=f"api:{principal.username}",
            )
            body = _user_dict(user)
    except AccountError as exc:
        raise ApiError(400, str(exc)) from None
    body["wachtwoord"] = password  # shown once
    resp = jsonify(body)
    resp.status_code = 201
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/gebruikers/<naam>/uitschakelen")
def disable_user(naam: str):
    principal = _caller("disable_user")
    try:
        with db.session(_url()) as s:
            user = users.disable_user(s, naam, actor=f"api:{principal.username}")
            body = _user_dict(user)
    except AccountError as exc:
        raise ApiError(404, str(exc)) from None
    return jsonify(body)


@bp.post("/gebruikers/<naam>/uitloggen")
def end_user_sessions(naam: str):
    """Log a user out everywhere: every browser session of the account ends at once (its API
    token is separate; disable the account or make a new token to stop that too)."""
    principal = _caller("end_user_sessions")
    try:
        with db.session(_url()) as s:
            ended = users.end_sessions(s, naam, actor=f"api:{principal.username}")
            body = {**_user_dict(users.get_user(s, naam)), "sessies_beeindigd": ended}
    except AccountError as exc:
        raise ApiError(404, str(exc)) from None
    return jsonify(body)


def install(app, url: str | None = None) -> None:
    """Register the API on a Dash app's Flask server (or a Flask app). Idempotent.

    Installs ``dashboard.security`` first when that has not happened yet (the API relies on
    its sessions and CSRF check)."""
    server = getattr(app, "server", app)
    if "etvi_security" not in server.extensions:
        security.install(app, url=url)
    if "etvi_api" in server.blueprints:
        return
    server.register_blueprint(bp)
