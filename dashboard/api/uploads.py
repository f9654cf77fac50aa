"""Aanleveren and the upload log: ``POST /uploads`` (through ``etvi.upload.service``), the log,
one attempt, its report and stored original, and who delivered what per gemeente."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pandas as pd
from flask import Response, g, jsonify, request, send_file
from sqlmodel import func, select
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import problems, security
from dashboard.api.access import authenticate, endpoint, sent_token, throttle
from dashboard.api.answers import answer, aware, file_answer, moment
from dashboard.api.blueprint import AANLEVEREN, BEARER, PREFIX, bp, database_url, problem_answers
from dashboard.api.errors import LEGACY_DRY_RUN, ApiError, row_or_404, shown
from dashboard.api.paging import Window
from dashboard.api_models import (
    Aanlevering,
    AanleveringQuery,
    TeVeelVerzoeken,
    UploadDetail,
    UploadForm,
    UploadLijst,
    UploadPath,
    UploadQuery,
    UploadResultaat,
    UploadsQuery,
)
from etl import export
from etvi.accounts import policy, tokens
from etvi.config import settings
from etvi.upload import log, problem_lists, service
from models import db
from models.tables import Upload

FORM_OVERHEAD = 256 * 1024  # what a multipart body may add to the file's own size


def refused_file(message: str, data: dict, **extra) -> Response:
    """A refused file (422): every problem in ``problemen``, in the API's Dutch words."""
    return problems.response(422, message, problemen=[_file_problem(p) for p in data["problems"]], **extra)


def _caller_label(url: str | None = None) -> str:
    """How the log names a caller without a valid account."""
    if not request.headers.get("Authorization", ""):
        return "anoniem"
    token = sent_token()
    if token is not None:
        with db.session(url) as s:
            owner = tokens.token_owner(s, token)
            if owner is not None:
                return f"{owner.username} (token verlopen)" if tokens.expired_on(s, token) else f"{owner.username} (uitgeschakeld)"
    return "ongeldig-token"


def _posted_file():
    """The posted file: multipart field ``file``, or ``bestand``."""
    return request.files.get("file") or request.files.get("bestand")


def _posted_file_name() -> str | None:
    """The name of the posted file when the body is small enough to parse, for the log."""
    limit = settings().max_file_mb * 1024 * 1024 + FORM_OVERHEAD
    if request.content_length is None or request.content_length > limit:
        return None
    request.max_content_length = limit
    file = _posted_file()
    return file.filename if getattr(file, "filename", None) else None


OUTCOME_STATUS = {"geladen": 201, "ongewijzigd": 200, "proef": 200, "geweigerd": 422}


def parse_peildatum(raw: str | None) -> date | None:
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ApiError(400, f"Ongeldige peildatum {shown(text)!r}: gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01.")
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
    raise ApiError(400, f"Ongeldige waarde {shown(raw)!r} voor {name}. Toegestaan: 1, 0, true, false, ja, nee.")


UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": UploadForm.model_json_schema(ref_template="#/components/schemas/{model}")}},
}


@bp.post(
    "/uploads",
    summary="Een bestand aanleveren (of met dryRun alleen controleren)", description='Stuur een spreadsheet (.xlsx, .ods, .xls of .csv) als multipart-veld file. Een gemeenteaccount levert alleen voor de eigen gemeente(n) aan. 201: geladen; 200: ongewijzigd, of proef bij dryRun=1 (er wordt dan niets opgeslagen, ook niet in het uploadlog); 422: geweigerd, met alle problemen in problemen. Elke andere poging komt in het uploadlog.', tags=[AANLEVEREN],
    responses={200: UploadResultaat, 201: UploadResultaat, **problem_answers(401, 403, 413, 422), 429: TeVeelVerzoeken},
    security=BEARER,
    openapi_extensions={"requestBody": UPLOAD_BODY},
)
def post_upload(query: UploadQuery):
    """Reads the body itself, after the rights: a file that is too large is refused, and logged,
    before it is parsed. 201 geladen, 200 ongewijzigd or proef, 422 geweigerd (problem details
    with every problem in ``problemen``)."""
    url = database_url()
    limit = settings().max_file_mb * 1024 * 1024
    throttle("upload")  # before anything is read or logged: a flood must not fill the upload log
    try:
        principal = authenticate(required=True)
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
        upload = _posted_file()
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


IN_DUTCH = {"sheet": "blad", "row": "rij", "column": "kolom", "value": "waarde"}


def _file_problem(p: dict) -> dict:
    """One problem of a refused file in the API's Dutch words (``problemen``): what the page and
    the CSV show of it (``problem_lists.item``), with the file and the allowed values."""
    shown = problem_lists.item(p)
    return {
        "bestand": p.get("file"),
        **{dutch: shown[key] for key, dutch in IN_DUTCH.items()},
        "toegestaan": list(p.get("allowed") or []),
        "tekst": shown["text"],
    }


def _peek_file(limit: int) -> tuple[str, bytes | None]:
    """The name and content of the posted file when it is small enough to read, for the log."""
    if request.content_length is None or request.content_length > limit + FORM_OVERHEAD:
        return "(niet gelezen)", None
    upload = _posted_file()
    if upload is None or not upload.filename:
        return "(geen bestand)", None
    return upload.filename, upload.read(limit + 1)


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
    with db.session(database_url()) as s:
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
        "tijdstip": moment(u.created_at),
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
    return row_or_404(Upload, upload_id, f"Upload {upload_id} bestaat niet.", upload_dict)


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
    "Het bestand zoals het is aangeleverd, uit de database; het downloaden wordt vastgelegd. De beheerder downloadt elk "
    "origineel, een gemeenteaccount dat van een aanlevering voor de eigen gemeente(n) (een bestand over meer gemeenten alleen "
    "als het dat zelf aanleverde). Een upload die u niet mag downloaden, bestaat voor u niet (404).",
    AANLEVEREN,
    {200: ORIGINAL_RESPONSE},
    (401, 403, 404),
)
def download_original(path: UploadPath, **_):
    """From the database, so any app server can hand it out; the download is logged. Another
    gemeente's upload answers as one that does not exist."""
    found = service.original(path.id, g.etvi_api_caller, database_url())
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
    with db.session(database_url()) as s:
        rows = log.delivery_overview(s, provincie)
    return jsonify({"provincie": provincie, "gemeenten": service.jsonable(aware(rows))})
