"""Roles and the access policy, stated once: who may open which page, call which API endpoint,
upload for which gemeente, see the audit log and the delivery status, and manage users.

Roles:

- ``beheerder`` (VNG): everything — uploads for any gemeente, the audit log, user management.
- ``provincie``: scoped to one provincie; views, and sees the delivery status of its gemeenten.
- ``gemeente``: scoped to one or more gemeentecodes; uploads for those only, and downloads the
  stored originals of its own deliveries (``can_download_original``).

Everything here is a pure function of a user (a ``Principal``, a ``User`` row or ``None``), so the
server hook, the pages, their callbacks, the API, the menu and the tests ask the same questions and
get the same answers. A disabled account has no rights at all; over HTTP it is anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterable

from etvi.accounts.errors import AccountError

ROLES = ("beheerder", "provincie", "gemeente")
ROLE_LABELS = {
    "beheerder": "beheerder (VNG)",
    "provincie": "provincie",
    "gemeente": "gemeente",
}
# What each role may do, in the words the "Geen toegang" pages use.
ROLE_RIGHTS = {
    "gemeente": "Met een gemeenteaccount kunt u de stand van zaken van uw eigen gemeente(n) aanleveren "
    "en de eerdere aanleveringen daarvan inzien en als bestand downloaden.",
    "provincie": "Met een provincieaccount kunt u het dashboard bekijken en zien welke gemeenten in uw "
    "provincie wat en wanneer hebben aangeleverd en wie op een uitvraag heeft geantwoord. Aanleveren doen de gemeenten zelf.",
    "beheerder": "Als beheerder (VNG) kunt u voor alle gemeenten aanleveren, uitvragen beheren, het auditlog "
    "inzien en gebruikers beheren.",
}
# Where each role goes after logging in when it asked for nothing in particular (or for a page it may not open).
ROLE_HOME = {"gemeente": "/aanleveren", "beheerder": "/aanleveren", "provincie": "/aanlevering"}

# Paths anyone may open, also when the dashboard is not public: logging in needs no login, and
# the glossary (/begrippen) holds only words, no data.
OPEN_PATHS = frozenset({"/login", "/logout", "/begrippen", "/favicon.ico", "/_favicon.ico"})
# Paths that show what another page shows, and so may be opened exactly by whoever may open that
# page: the map images and the embeddable map (dashboard.map_images, dashboard.embed) show the map
# of "/" — open to everyone when the dashboard is public, else after logging in.
SAME_ACCESS_AS = {"/kaart.svg": "/", "/kaart.png": "/", "/embed/kaart": "/"}


class Access(Enum):
    """The answer of the policy for one request: allowed, needs a login (HTTP 302 to /login or
    401), or refused to this account (HTTP 403)."""

    ALLOW = "allow"
    LOGIN = "login"
    DENY = "deny"


# --------------------------------------------------------------------------------------------
# The user as the web layer keeps it
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """A logged-in user as the web layer sees it: plain data, no database session attached."""

    id: int
    username: str
    role: str
    gemeente_codes: frozenset[str]
    provincie_code: str | None
    active: bool

    @classmethod
    def from_user(cls, user) -> "Principal":
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            gemeente_codes=frozenset(split_codes(user.gemeente_codes)),
            provincie_code=user.provincie_code,
            active=bool(user.active),
        )

    @property
    def scope_label(self) -> str:
        if self.role == "gemeente":
            return ", ".join(sorted(self.gemeente_codes))
        if self.role == "provincie":
            return self.provincie_code or ""
        return "alle gemeenten"


def split_codes(value: str | None) -> list[str]:
    """The gemeentecodes of ``User.gemeente_codes`` / ``Upload.gemeente_codes`` (comma-separated)."""
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def gemeenten_of(user) -> frozenset[str]:
    codes = getattr(user, "gemeente_codes", "")
    if isinstance(codes, str):
        return frozenset(split_codes(codes))
    return frozenset(codes or ())


def is_active(user) -> bool:
    return user is not None and bool(getattr(user, "active", False))


# --------------------------------------------------------------------------------------------
# The rights
# --------------------------------------------------------------------------------------------


def can_view(user, public: bool) -> bool:
    """Viewing the dashboard and the status API: anyone when public, else any active account."""
    return public or is_active(user)


def can_upload(user) -> bool:
    """Whether the user may upload at all (for some gemeente)."""
    if not is_active(user):
        return False
    if user.role == "beheerder":
        return True
    return user.role == "gemeente" and bool(gemeenten_of(user))


def upload_scope(user) -> set[str] | None:
    """The gemeentecodes the user may upload for; ``None`` means all (beheerder).

    Raises ``AccountError`` for a user who may not upload at all, so a caller can never
    mistake "no restriction" for "no rights".
    """
    if not can_upload(user):
        raise AccountError("Dit account mag geen gegevens aanleveren.")
    if user.role == "beheerder":
        return None
    return set(gemeenten_of(user))


def can_upload_for(user, gemeente_codes: Iterable[str]) -> bool:
    """True when the user may deliver statuses for every one of the given gemeenten."""
    if not can_upload(user):
        return False
    wanted = set(gemeente_codes)
    if user.role == "beheerder":
        return True
    return bool(wanted) and wanted <= gemeenten_of(user)


def can_see_audit(user) -> bool:
    """The full audit log of uploads (and downloading stored originals): beheerder only."""
    return is_active(user) and user.role == "beheerder"


def can_download_originals(user) -> bool:
    """Whether the account may download stored originals at all: the beheerder (every one) and
    a gemeente account (those of its own gemeenten, ``can_download_original``)."""
    return can_upload(user)


def can_download_original(user, uploader: str | None, gemeente_codes: Iterable[str]) -> bool:
    """May ``user`` download the stored original of one upload, sent by ``uploader`` about
    ``gemeente_codes`` (the gemeenten in the file, ``etvi.upload.log.upload_gemeenten``)?

    So a gemeente can show what it delivered. The beheerder: every original. A gemeente account:
    an upload about its own gemeenten only — also one a colleague or the beheerder delivered for
    it — but a file about several gemeenten (a region's) only when it sent that file itself, and a
    file whose gemeenten are unknown likewise: its bytes are also about the others. A provincie
    sees who delivered when (/aanlevering), not the upload log, so no originals.
    """
    if not can_download_originals(user):
        return False
    if user.role == "beheerder":
        return True
    codes, own = set(gemeente_codes), uploader is not None and uploader == user.username
    if not codes:
        return own
    return codes <= gemeenten_of(user) and (len(codes) == 1 or own)


def can_manage_users(user) -> bool:
    return is_active(user) and user.role == "beheerder"


def can_publish(user) -> bool:
    """Making a publicatie (``/publicaties``, ``etvi publicatie maak``): figures that never change
    are the beheerder's to fix. Reading publicaties is for anyone who may view the dashboard."""
    return is_active(user) and user.role == "beheerder"


def can_see_delivery(user, provincie_code: str | None = None) -> bool:
    """Who delivered what and when for the gemeenten of a provincie (or all, for the beheerder)."""
    if not is_active(user):
        return False
    if user.role == "beheerder":
        return True
    return user.role == "provincie" and provincie_code is not None and user.provincie_code == provincie_code


def may_see_delivery(user, provincie_code: str | None) -> bool:
    """The delivery status of all provincies (``None``): beheerder only; of one provincie: the
    beheerder or that provincie's account."""
    if provincie_code is None:
        return can_see_audit(user)
    return can_see_delivery(user, provincie_code)


def can_see_own_delivery(user) -> bool:
    """Whether the account has a delivery status to look at: the beheerder's, or its own provincie's."""
    return can_see_audit(user) or can_see_delivery(user, getattr(user, "provincie_code", None))


def can_manage_rounds(user) -> bool:
    """Making, opening and closing rounds (uitvragen) and sending their mail: beheerder only."""
    return is_active(user) and user.role == "beheerder"


def can_see_rounds(user) -> bool:
    """The list of rounds and their response: the beheerder (all gemeenten), a provincie (its own)."""
    return can_manage_rounds(user) or (is_active(user) and user.role == "provincie" and bool(user.provincie_code))


def can_see_round(user) -> bool:
    """One round's page: who may see the rounds, and a gemeente account (its own gemeenten;
    the reminder mail links there)."""
    return can_see_rounds(user) or (is_active(user) and user.role == "gemeente" and bool(gemeenten_of(user)))


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page that needs a login even when the dashboard is public, and who may open it.

    ``label`` is its name in the menu, ``link`` the text of a link to it elsewhere ("Verder naar"),
    ``name`` how a sentence names it ("Naar de aanleverpagina"). ``prefix``: also every path under
    it (``/uitvraag/3``); such a page is not in the menu. ``server``: a page Flask renders itself
    (a form; a full page load), not a Dash page."""

    path: str
    label: str
    link: str
    name: str
    allowed: Callable[[object], bool]
    prefix: bool = False
    server: bool = False


PAGES = (
    Page("/aanleveren", "Aanleveren", "Gegevens aanleveren", "de aanleverpagina", can_upload),
    Page("/aanlevering", "Aanleverstatus", "Aanleverstatus van de gemeenten", "de aanleverstatus", can_see_own_delivery),
    Page("/auditlog", "Auditlog", "Auditlog", "het auditlog", can_see_audit),
    Page("/uitvragen", "Uitvragen", "Uitvragen en respons", "de uitvragen", can_see_rounds),
    Page("/uitvraag", "Uitvraag", "Uitvraag", "deze uitvraag", can_see_round, prefix=True),
    # Every account manages its own API tokens (the rules: etvi.accounts.users.create_token).
    Page("/ik/tokens", "API-tokens", "Uw API-tokens", "uw API-tokens", is_active, server=True),
)
_PAGES_BY_PATH = {p.path: p for p in PAGES}
_PREFIX_PAGES = [p for p in PAGES if p.prefix]


def _clean(path: str) -> str:
    return (path or "/").split("?", 1)[0].rstrip("/") or "/"


def protected_page(path: str) -> Page | None:
    """The protected page at ``path`` (``/auditlog/`` too, ``/uitvraag/3`` for ``/uitvraag``), or
    ``None`` for every other path."""
    path = _clean(path)
    found = _PAGES_BY_PATH.get(path)
    if found is None:
        found = next((p for p in _PREFIX_PAGES if path.startswith(p.path + "/")), None)
    return found


def page_access(user, path: str, public: bool) -> Access:
    """May ``user`` (``None``: anonymous) open ``path``? ``public``: ``ETVI_PUBLIC``.

    Open paths always; a path of ``SAME_ACCESS_AS`` answers as the page it shows; a protected
    page needs an active account whose role may open it; every other page is for anyone when the dashboard is public and for any active account when not.
    The API (``/api/``) answers per endpoint, see ``endpoint_access``."""
    path = _clean(path)
    path = SAME_ACCESS_AS.get(path, path)
    if path in OPEN_PATHS:
        return Access.ALLOW
    page = protected_page(path)
    if page is None:
        return Access.ALLOW if can_view(user, public) else Access.LOGIN
    if not is_active(user):
        return Access.LOGIN
    return Access.ALLOW if page.allowed(user) else Access.DENY


def may_open(user, path: str, public: bool = True) -> bool:
    return page_access(user, path, public) is Access.ALLOW


def pages_for(user) -> list[Page]:
    """The protected pages ``user`` may open, in menu order (none for anonymous or disabled users)."""
    return [p for p in PAGES if not p.prefix and is_active(user) and p.allowed(user)]


def home(user, pending_round: int | None = None) -> str:
    """Where ``user`` goes after logging in when it asked for nothing it may open. A gemeente
    account with an open round it has not answered (``pending_round``, from
    ``etvi.uitvraag.responses.pending_round``) sees that round first."""
    if not is_active(user):
        return "/"
    if pending_round is not None and user.role == "gemeente" and can_see_round(user):
        return f"/uitvraag/{int(pending_round)}"
    return ROLE_HOME.get(getattr(user, "role", None), "/")


# --------------------------------------------------------------------------------------------
# API endpoints
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """An API endpoint and who may call it; ``refused`` is the Dutch answer of a 403.

    ``public``: anyone may call it when the dashboard is public (else any active account);
    ``open``: anyone, always (the API's own description, ADR /core/publish-openapi)."""

    method: str
    path: str
    allowed: Callable[[object], bool]
    refused: str = "Uw account heeft hiervoor geen rechten."
    public: bool = False
    open: bool = False


def _anyone(user) -> bool:
    return True


ENDPOINTS = {
    "status": Endpoint("GET", "/api/v1/status", _anyone, public=True),
    "upload": Endpoint("POST", "/api/v1/uploads", can_upload, "Uw account mag geen gegevens aanleveren."),
    "uploads": Endpoint("GET", "/api/v1/uploads", can_see_audit, "Alleen een beheerder mag het auditlog van uploads inzien."),
    "upload_detail": Endpoint("GET", "/api/v1/uploads/<id>", can_see_audit, "Alleen een beheerder mag het auditlog van uploads inzien."),
    "upload_report": Endpoint("GET", "/api/v1/uploads/<id>/rapport", can_see_audit, "Alleen een beheerder mag het auditlog van uploads inzien."),
    "original": Endpoint(
        "GET",
        "/api/v1/uploads/<id>/bestand",
        can_download_originals,
        "Alleen de beheerder en gemeenteaccounts (voor hun eigen aanleveringen) mogen opgeslagen originelen downloaden.",
    ),
    "audit": Endpoint("GET", "/api/v1/audit", can_see_audit, "Alleen een beheerder mag het auditlog inzien."),
    "delivery": Endpoint(
        "GET", "/api/v1/aanlevering", can_see_own_delivery, "Uw account heeft geen rechten voor de aanleverstatus van gemeenten."
    ),
    "users": Endpoint("GET", "/api/v1/gebruikers", can_manage_users, "Alleen een beheerder mag gebruikers beheren."),
    "create_user": Endpoint("POST", "/api/v1/gebruikers", can_manage_users, "Alleen een beheerder mag gebruikers beheren."),
    "update_user": Endpoint("PATCH", "/api/v1/gebruikers/<naam>", can_manage_users, "Alleen een beheerder mag gebruikers beheren."),
    "end_user_sessions": Endpoint(
        "DELETE", "/api/v1/gebruikers/<naam>/sessies", can_manage_users, "Alleen een beheerder mag gebruikers beheren."
    ),
    "user_tokens": Endpoint("GET", "/api/v1/gebruikers/<naam>/tokens", can_manage_users, "Alleen een beheerder mag gebruikers beheren."),
    "create_user_token": Endpoint("POST", "/api/v1/gebruikers/<naam>/tokens", can_manage_users, "Alleen een beheerder mag gebruikers beheren."),
    "revoke_user_token": Endpoint(
        "DELETE", "/api/v1/gebruikers/<naam>/tokens/<kenmerk>", can_manage_users, "Alleen een beheerder mag gebruikers beheren."
    ),
    "own_tokens": Endpoint("GET", "/api/v1/ik/tokens", is_active, "Log in met een actief account."),
    "create_own_token": Endpoint("POST", "/api/v1/ik/tokens", is_active, "Log in met een actief account."),
    "revoke_own_token": Endpoint("DELETE", "/api/v1/ik/tokens/<kenmerk>", is_active, "Log in met een actief account."),
    **{name: Endpoint("GET", f"/api/v1/{name}", _anyone, public=True) for name in ("provincies", "gemeenten", "regiotypen", "mijlpalen", "statussen")},
    "history": Endpoint("GET", "/api/v1/gemeenten/<code>/historie", _anyone, public=True),
    "voortgang": Endpoint("GET", "/api/v1/voortgang", _anyone, public=True),
    "rounds": Endpoint("GET", "/api/v1/uitvragen", can_see_round, "Uw account mag geen uitvragen inzien."),
    "create_round": Endpoint("POST", "/api/v1/uitvragen", can_manage_rounds, "Alleen een beheerder mag uitvragen beheren."),
    "round": Endpoint("GET", "/api/v1/uitvragen/<id>", can_see_round, "Uw account mag geen uitvragen inzien."),
    "update_round": Endpoint("PATCH", "/api/v1/uitvragen/<id>", can_manage_rounds, "Alleen een beheerder mag uitvragen beheren."),
    "round_answers": Endpoint("GET", "/api/v1/uitvragen/<id>/antwoorden", can_see_round, "Uw account mag geen uitvragen inzien."),
    "round_reminders": Endpoint(
        "POST", "/api/v1/uitvragen/<id>/herinneringen", can_manage_rounds, "Alleen een beheerder mag herinneringen versturen."
    ),
    "round_confirmation": Endpoint(
        "POST", "/api/v1/uitvragen/<id>/bevestigingen", can_upload, "Uw account mag niet antwoorden op een uitvraag: dat doen de gemeenten zelf."
    ),
    "openapi": Endpoint("GET", "/api/v1/openapi.json", _anyone, open=True),
    "docs": Endpoint("GET", "/api/v1/docs", _anyone, open=True),
    "docs_asset": Endpoint("GET", "/api/v1/docs/<name>", _anyone, open=True),
}


def endpoint_access(user, name: str, public: bool) -> Access:
    """May ``user`` call the API endpoint ``name`` (a key of ``ENDPOINTS``)? LOGIN means HTTP 401."""
    endpoint = ENDPOINTS[name]
    if endpoint.open:
        return Access.ALLOW
    if endpoint.public and can_view(user, public):
        return Access.ALLOW
    if not is_active(user):
        return Access.LOGIN
    return Access.ALLOW if endpoint.allowed(user) else Access.DENY
