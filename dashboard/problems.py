"""Problem details (RFC 9457, ``application/problem+json``): the one shape of an error of the
HTTP API, as the NL GOV API Design Rules ask (/core/error-handling/problem-details).

``title`` and ``detail`` are Dutch; ``status`` repeats the HTTP status. ``fout`` repeats ``detail``
for clients written against the API before it answered with problem details (deprecated).
Extension members (``problemen`` for a refused file, ``uploadId``) come as keyword arguments.
Used by ``dashboard.api`` and by ``dashboard.security.error_response`` for every ``/api/`` path,
so an error from the security hooks or the fault handlers has the same shape.
"""

from __future__ import annotations

from flask import Response, json

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Formaat niet beschikbaar",
    409: "Conflict",
    410: "Adres bestaat niet meer",
    413: "Bestand te groot",
    415: "Soort inhoud niet ondersteund",
    422: "Bestand geweigerd",
    429: "Te veel verzoeken",
    500: "Interne fout",
    503: "Tijdelijk niet beschikbaar",
}
DEFAULT_TITLE = "Fout"


def body(status: int, detail: str, title: str | None = None, **extra) -> dict:
    """The problem document as data (extension members after the standard ones)."""
    return {
        "type": "about:blank",
        "title": title or TITLES.get(status, DEFAULT_TITLE),
        "status": status,
        "detail": detail,
        **extra,
        "fout": detail,
    }


def response(status: int, detail: str, title: str | None = None, **extra) -> Response:
    """The HTTP answer; a 401 names the Bearer scheme (RFC 6750)."""
    resp = Response(json.dumps(body(status, detail, title, **extra)), status=status, mimetype=MEDIA_TYPE)
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="etvi"'
    return resp
