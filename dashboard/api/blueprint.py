"""The blueprint every /api/v1 route is registered on, the tags that group them in the document,
``API-Version`` on every answer, and the database of the app."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_openapi3 import APIBlueprint
from flask_openapi3.models import Tag

from dashboard.api_models import API_VERSION, VERSION_HEADER, Probleem

PREFIX = "/api/v1"
BEARER = [{"bearer": []}]
AANLEVEREN = Tag(name="aanleveren", description="Bestanden aanleveren en het uploadlog.")
STAND = Tag(name="stand", description="De stand van zaken per gemeente.")
REFERENTIE = Tag(name="referentie", description="Gemeenten, provincies, regio's, mijlpalen en statuswoorden.")
BEHEER = Tag(name="beheer", description="Gebruikers beheren (beheerder).")
UITVRAGEN = Tag(name="uitvragen", description="Uitvraagrondes: gemeenten antwoorden, herinneringen, de respons.")


def problem_answers(*codes: int) -> dict:
    """The error answers ``codes`` of an operation in the document: problem details."""
    return {code: Probleem for code in codes}


# Every operation may answer these; each route adds its own.
bp = APIBlueprint(
    "etvi_api",
    __name__,
    url_prefix=PREFIX,
    abp_responses=problem_answers(400, 500, 503),
    operation_id_callback=lambda name, path, method: name,  # operationId: the view's name
)
# The document lists the groups in this order, whichever module registers its routes first.
for _tag in (AANLEVEREN, STAND, BEHEER, REFERENTIE, UITVRAGEN):
    bp.tags.append(_tag)
    bp.tag_names.append(_tag.name)


@bp.after_app_request
def _version_header(response: Response) -> Response:
    """``API-Version`` on every answer under /api/v1 (ADR /core/version-header), errors included."""
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        response.headers[VERSION_HEADER] = API_VERSION
    return response


def database_url() -> str | None:
    """The database of this app (tests and benchmarks run several side by side)."""
    return current_app.config.get("ETVI_DATABASE_URL")
