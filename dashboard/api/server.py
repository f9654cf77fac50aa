"""The Flask server of the dashboard (a ``flask_openapi3.OpenAPI``) and the ``info`` of its document."""

from __future__ import annotations

import os

from flask_openapi3 import OpenAPI
from flask_openapi3.models import Contact, Info, Server

from dashboard.api.blueprint import PREFIX
from dashboard.api.errors import validation_problem
from dashboard.api_models import API_VERSION, Probleem


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
        validation_error_callback=validation_problem,
        **kwargs,
    )
