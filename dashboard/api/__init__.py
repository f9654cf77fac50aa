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
- ``GET /api/v1/uploads/{id}/bestand`` — the stored original of an upload (beheerder; a gemeente
  account for its own gemeenten, ``policy.can_download_original``).
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

from flask_openapi3 import OpenAPI

from dashboard import api_docs, security
from dashboard.api import accounts, reference, status, uitvragen, uploads
from dashboard.api.blueprint import bp
from dashboard.api.server import make_server

# Importing them registers their routes on ``bp``; the document keeps the order of the tags in ``blueprint``.
ROUTES = (uploads, status, accounts, reference, uitvragen)
__all__ = ["install", "make_server"]


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
