"""Login, sessions and CSRF protection for the Dash app's Flask server.

``install(app)`` wires everything in with one call:

- a secret key from ``ETVI_SECRET_KEY``, else the one in the database (``etvi.signing_keys``),
  the same for every worker and app server; after ``etvi sessiesleutel vernieuw`` the old key
  stays valid for ``ETVI_SECRET_KEY_GRACE_HOURS`` (Flask's ``SECRET_KEY_FALLBACKS``);
- session cookies that are HttpOnly, SameSite=Lax, and Secure whenever the request came in over
  HTTPS (directly, or through a trusted proxy that sets ``X-Forwarded-Proto``). The cookie holds
  a session id that must still be in the database (``etvi.accounts.sessions``) on every request, so logout,
  a password reset, a disabled account and "log out everywhere" end every copy of it at once, on
  every worker and app server;
- ``X-Forwarded-*`` headers are trusted only with ``ETVI_TRUSTED_PROXIES`` set to the number of
  reverse proxies in front (``install_proxy_fix``); by default the client address is the
  connection's own;
- login limits per account and per client address (``etvi.accounts.throttle``); a blocked address
  gets HTTP 429 with ``Retry-After``;
- CSRF protection on every state-changing request, Dash's ``POST /_dash-update-component``
  included: the request must come from our own origin (``Origin``/``Referer``/``Sec-Fetch-Site``)
  and carry the session's CSRF token in the ``X-CSRFToken`` header or a ``csrf_token`` form field.
  Dash's renderer already sends that header from the ``_csrf_token`` cookie, which we set, so the
  normal Dash UI works unchanged. API requests authenticated by a Bearer token are exempt (a token
  is not an ambient credential a browser attaches by itself);
- ``/login`` and ``/logout`` in Dutch (``dashboard.pages`` registers them with every other page; Jinja
  templates in the site's frame, ``dashboard.frame``); who may open which path is
  ``etvi.accounts.policy``'s ``page_access`` (with ``ETVI_PUBLIC=false`` every other path needs a login);
- ``error_response``: the one error answer (page or JSON) of the whole site;
- helpers callbacks use to get the current user and to check role and scope on the server;
- the access check of the Dash pages ``/aanleveren`` (upload), ``/auditlog`` (audit log) and
  ``/aanlevering`` (delivery status per provincie); a logged-in user who may not open one gets
  HTTP 403 with the page's own "Geen toegang" text inside the normal shell;
- ``account_menu(user)``: the account links of the menu (Inloggen, or Ingelogd als, Uitloggen
  and the pages the policy lets the role open), and ``landing_page``: where each role goes after logging in.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from datetime import timedelta
from typing import Callable
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, g, has_request_context, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import csp, frame, problems, requestlog
from etvi import signing_keys
from etvi.accounts import audit, clock, passwords, policy, sessions, throttle
from etvi.accounts.errors import LoginError
from etvi.accounts.policy import Principal
from etvi.config import settings
from etvi.uitvraag import responses
from models import db

# Security events in the server log (the audit table keeps the full record): logins, logouts,
# refused CSRF checks; never a password, token or attempted username (it may be a mistyped password).
log = logging.getLogger("etvi.security")

CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads
CSRF_HEADER = "X-CSRFToken"  # the header Dash's renderer sends
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
DASH_CALLBACK = "/_dash-update-component"
SESSION_HOURS = sessions.SESSION_HOURS


def account_menu(user: Principal | None, path: str = "/") -> list[dict]:
    """The account part of the menu for this user: ``kind`` is ``page`` (a Dash page, marked as
    current in the browser), ``link`` (a server route) or ``text``. Decided on the server per request;
    the pages are those ``policy.pages_for`` lets the user open."""
    if user is None:
        return [{"kind": "link", "href": "/login?next=" + _quote_next(path or "/"), "label": "Inloggen", "id": "nav-inloggen"}]
    items: list[dict] = [{"kind": "page", "href": p.path, "label": p.label, "server": p.server} for p in policy.pages_for(user)]
    items.append({"kind": "text", "label": f"Ingelogd als {user.username}", "user": user.username, "id": "nav-ingelogd-als"})
    items.append({"kind": "link", "href": "/logout", "label": "Uitloggen", "id": "nav-uitloggen"})
    return items


def landing_page(user: Principal, requested: str | None) -> str:
    """Where to send ``user`` after logging in: the page asked for when the account may open it,
    else the page for its role (a provincie asking for /aanleveren gets its delivery status; a
    gemeente with an open round it has not answered gets that round)."""
    if requested:
        target = _safe_next(requested)
        if policy.may_open(user, urlsplit(target).path):
            return target
    return policy.home(user, responses.pending_round(user, db_url()))


# --------------------------------------------------------------------------------------------
# Secret key
# --------------------------------------------------------------------------------------------


KEYS_EXTENSION = "etvi_signing_keys"


def refresh_keys(app: Flask, force: bool = False) -> bool:
    """Give ``app`` the database's current key and the fallbacks still in their grace period.

    Read at most every ``ETVI_SECRET_KEY_REFRESH_SECONDS`` per process (``force``: at most once a
    second), so a rotation on any server reaches every worker within that time without a
    restart. Returns whether the keys changed. A database that cannot be read keeps the keys
    this process already has (at the very start: a key of its own until the database answers)."""
    state = app.extensions.setdefault(KEYS_EXTENSION, {"checked": None, "version": None, "lock": threading.Lock()})
    interval = 1.0 if force else settings().secret_key_refresh_seconds
    checked = state["checked"]
    if checked is not None and time.monotonic() - checked < interval:
        return False
    with state["lock"]:
        if state["checked"] is not checked:
            return False  # another thread of this process just did it
        try:
            ring = signing_keys.load(app.config.get("ETVI_DATABASE_URL"))
        except SQLAlchemyError as exc:
            log.warning("Sessiesleutels niet gelezen uit de database: %s", exc.__class__.__name__)
            if not app.secret_key:
                # No database key yet (no schema, database down at start): a key of this process
                # alone keeps anonymous pages working; the database's replaces it once readable.
                app.secret_key = secrets.token_hex(32)
            state["checked"] = time.monotonic()
            return False
        changed = (ring.version, ring.current, ring.fallbacks) != state["version"]
        app.config["SECRET_KEY_FALLBACKS"] = list(ring.fallbacks)
        app.secret_key = ring.current
        state["version"] = (ring.version, ring.current, ring.fallbacks)
        state["checked"] = time.monotonic()
        return changed


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the Secure flag set whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (has_request_context() and request.is_secure)

    def open_session(self, app: Flask, request):
        """Check the keys first (a rotation elsewhere); a cookie no known key accepts may be
        signed with a newer one, so look again before treating the visitor as new."""
        refresh_keys(app)
        opened = super().open_session(app, request)
        if opened is not None and not opened and request.cookies.get(self.get_cookie_name(app)) and refresh_keys(app, force=True):
            opened = super().open_session(app, request)
        return opened


# --------------------------------------------------------------------------------------------
# Current user
# --------------------------------------------------------------------------------------------


def db_url() -> str | None:
    """The database URL this app was installed with (``None``: ETVI_DATABASE_URL)."""
    return current_app.config.get("ETVI_DATABASE_URL")


_db_url = db_url


def current_user() -> Principal | None:
    """The logged-in user of this request, checked against the database on every request.

    The cookie's session must still be recorded (not logged out, not ended by a password reset,
    by disabling the account or by "log out everywhere", not expired) and the account active;
    otherwise the request is anonymous and the cookie is cleared.
    """
    if not has_request_context():
        return None
    if "etvi_user" in g:
        return g.etvi_user
    principal = None
    uid = session.get("uid")
    if uid is not None:
        with db.session(_db_url()) as s:
            principal = sessions.principal(s, uid, session.get("sid"))
        if principal is None:
            _reset_session()
    g.etvi_user = principal
    return principal


def set_request_user(principal: Principal | None) -> None:
    """Used by the API when a Bearer token identifies the user of this request."""
    g.etvi_user = principal


def is_public() -> bool:
    value = current_app.config.get("ETVI_PUBLIC")
    return settings().public if value is None else bool(value)


class Forbidden(Exception):
    """Raised by ``require`` when the current user may not do something; message is Dutch."""


def require(check: Callable[[Principal | None], bool], message: str = "") -> Principal:
    """The current user if ``check(user)`` holds, else ``Forbidden`` — for use inside callbacks."""
    user = current_user()
    if user is None:
        raise Forbidden("U bent niet (meer) ingelogd. Log in en probeer het opnieuw.")
    if not check(user):
        raise Forbidden(message or "Uw account heeft hiervoor geen rechten.")
    return user


def can_view_now() -> bool:
    return policy.can_view(current_user(), is_public())


# --------------------------------------------------------------------------------------------
# CSRF
# --------------------------------------------------------------------------------------------


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _reset_session() -> None:
    session.clear()
    csrf_token()


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return False
    return parts.netloc.lower() == request.host.lower() and parts.scheme == request.scheme


def csrf_problem() -> str | None:
    """Why this state-changing request fails the CSRF check, or ``None`` when it passes."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return "het verzoek komt van een andere website"
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        if not _same_origin(origin):
            return "het verzoek komt van een andere website"
    elif origin == "null":
        return "het verzoek heeft geen herkomst"
    else:
        referer = request.headers.get("Referer")
        if referer and not _same_origin(referer):
            return "het verzoek komt van een andere website"
    if request.path == DASH_CALLBACK and session.get("uid") is None:
        # An anonymous callback carries no credential a forged request could abuse, so the
        # origin checks above suffice: anonymous viewers need no CSRF cookie (see _after_request)
        return None
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        return "de beveiligingscode ontbreekt of is verlopen"
    return None


def _wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.path.startswith("/_dash")
        or request.is_json
        or request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def error_response(status: int, message: str) -> Response:
    """The one error answer (400 … 503) of this request, for every part of the site: JSON
    ``{"fout", "status"}`` for the API, Dash's requests and JSON clients, else ``error.html`` in
    the site's frame. A 5xx names the request id, so a user can quote it and the beheerder find
    the log line; a 403 for a logged-in user says what the account may do and where it goes."""
    if status >= 500:
        message = f"{message} Kenmerk van dit verzoek: {requestlog.request_id()}."
    if request.path.startswith("/api/"):
        return problems.response(status, message)  # RFC 9457, like every answer of the API
    if _wants_json():
        resp = jsonify({"fout": message, "status": status})
        resp.status_code = status
        return resp
    user = current_user() if status == 403 else None
    rights = home = None
    if user is not None and user.role in policy.ROLE_RIGHTS:
        rights = policy.ROLE_RIGHTS[user.role]
        page = policy.protected_page(policy.home(user))
        if page is not None:
            home = frame.Link(page.path, f"Naar {page.name}")
    title = frame.ERROR_TITLES.get(status, frame.ERROR_TITLE)
    return _page("error.html", title, status, message=message, rights=rights, home=home, onward=frame.ONWARD)


def _event(level: int, message: str, *args) -> None:
    """A security event in the log, with the request id so it matches the request's line."""
    rid = requestlog.request_id()
    log.log(level, message + " [%s]", *args, rid, extra={"request_id": rid})


def _has_bearer() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot be used to redirect elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


# --------------------------------------------------------------------------------------------
# Request hooks
# --------------------------------------------------------------------------------------------


def dash_request_limit() -> int:
    """The largest Dash callback request. The upload page's file travels base64-encoded (4/3)
    inside it; files up to twice ``ETVI_MAX_FILE_MB`` get through, so the callback can say in
    Dutch how big the file is. Anything bigger is refused before it is read (a Dutch 413 that
    the page shows, see assets/etvi.js)."""
    file_bytes = 2 * settings().max_file_mb * 1024 * 1024
    return 4 * -(-file_bytes // 3) + 1024 * 1024


def _before_request():
    path = request.path
    if path.startswith("/_dash-update-component") and request.method == "POST":
        # dcc.Upload sends the file base64-encoded inside the callback request.
        limit = dash_request_limit()
        request.max_content_length = limit
        if (request.content_length or 0) > limit:
            about = (request.content_length - 64 * 1024) * 3 / 4 / (1024 * 1024)
            return error_response(413, f"Het bestand is te groot (ongeveer {about:.0f} MB); het maximum is {settings().max_file_mb} MB. Er is niets opgeslagen.")
    # The API authenticates by Bearer token (not an ambient credential: no CSRF risk); only an API
    # request that would act on a browser session's login needs the CSRF check.
    api_without_session = path.startswith("/api/") and (_has_bearer() or session.get("uid") is None)
    if request.method not in SAFE_METHODS and not api_without_session:
        problem = csrf_problem()
        if problem:
            _event(logging.WARNING, "beveiligingscontrole mislukt: %s %s (%s)", request.method, path, problem)
            return error_response(403, f"Beveiligingscontrole mislukt: {problem}. Herlaad de pagina en probeer het opnieuw.")
    if path.startswith("/api/"):
        return None  # the API checks each endpoint itself (policy.endpoint_access)
    public = is_public()
    access = policy.page_access(None, path, public)
    if access is not policy.Access.ALLOW:  # what anyone may open needs no look-up of the user
        access = policy.page_access(current_user(), path, public)
    if access is policy.Access.LOGIN:
        # A page of the public site that needs a login sends a browser (any Accept) to the login form.
        to_form = not _wants_json() or (public and policy.protected_page(path) is not None)
        if request.method == "GET" and to_form:
            return redirect("/login?next=" + _quote_next(request.full_path if request.query_string else path))
        return error_response(401, "Inloggen is vereist.")
    if access is policy.Access.DENY and request.method == "GET":
        if _dash_pages() and not _wants_json():
            # The page itself says "Geen toegang" inside the normal shell (menu, banner, links);
            # its layout and every callback check the rights again. Only the status differs.
            g.etvi_status = 403
            return None
        return error_response(403, "Uw account heeft geen toegang tot deze pagina.")
    return None


def _dash_pages() -> bool:
    return bool(current_app.extensions.get("etvi_dash_pages"))


def _quote_next(target: str) -> str:
    return quote(target.rstrip("?"), safe="")


def _after_request(response: Response) -> Response:
    status = g.get("etvi_status")
    if status and response.status_code == 200:
        response.status_code = status
    # The token exists once a login form was shown or someone logged in; an anonymous page, asset
    # or callback sets no cookie at all, so a proxy or CDN may cache what anonymous viewers get.
    token = session.get("csrf")
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=False,  # Dash's renderer reads it to send the X-CSRFToken header
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if not csp.allows_framing(response.headers.get("Content-Security-Policy")):  # only dashboard.embed sets its own
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    app_policy = current_app.extensions.get(csp.EXTENSION)
    response.headers.setdefault("Content-Security-Policy", app_policy() if app_policy else csp.policy())
    if session.get("uid") is not None or request.path in ("/login", "/logout"):
        response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("Cookie")
    return response


# --------------------------------------------------------------------------------------------
# Login and logout pages
# --------------------------------------------------------------------------------------------

def current_account_menu(path: str) -> list[dict]:
    """``account_menu`` for this request's user; anonymous when the database cannot say (an
    error page, the Dash shell on a broken database must still render)."""
    try:
        user = current_user()
    except Exception:  # noqa: BLE001 - the page and its message matter more than the menu
        user = None
    return account_menu(user, path)


def _page(template: str, title: str, status: int = 200, **context) -> Response:
    """A page Flask renders itself (``dashboard/templates``) in the site's frame, with this request's menu."""
    path = request.path
    body = frame.render(
        template,
        title=title,
        account_items=current_account_menu(path if path not in ("/login", "/logout") else "/"),
        path=path,
        demo=frame.demo_loaded(),
        **context,
    )
    return Response(body, status=status, mimetype="text/html")


def _login_page(next_url: str, message: str = "", username: str = "", status: int = 200) -> Response:
    return _page(
        "login.html",
        "Inloggen",
        status,
        message=message,
        username=username,
        next_url=next_url,
        csrf_field=CSRF_FIELD,
        csrf_token=csrf_token(),
    )


def login_view():
    requested = request.values.get("next") or ""
    next_url = _safe_next(requested) if requested else ""
    if request.method == "GET":
        user = current_user()
        if user is not None:
            return redirect(landing_page(user, next_url))
        return _login_page(next_url)
    username = (request.form.get("gebruikersnaam") or "").strip()
    password = request.form.get("wachtwoord") or ""
    try:
        with db.session(_db_url()) as s:
            user = throttle.authenticate(
                s, username, password, source=f"web {request.remote_addr or ''}".strip(), address=request.remote_addr
            )
            principal = Principal.from_user(user)
            session_id = sessions.start(s, user.id)
    except LoginError as exc:
        resp = _login_page(next_url, str(exc), username, status=401)
        blocked = exc.per_address and exc.locked_until is not None
        _event(logging.WARNING, "inloggen mislukt vanaf %s%s", request.remote_addr or "-", " (adres tijdelijk geweigerd)" if blocked else "")
        if blocked:
            # Too many failures from this address: 429 with the time to wait, as HTTP says.
            resp.status_code = 429
            wait = (exc.locked_until - clock.utcnow()).total_seconds()
            resp.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
        return resp
    session.clear()
    session.permanent = True
    session["uid"] = principal.id
    session["sid"] = session_id
    csrf_token()  # a fresh token for the new session
    g.etvi_user = principal
    _event(logging.INFO, "ingelogd: gebruiker %s vanaf %s", principal.id, request.remote_addr or "-")
    return redirect(landing_page(principal, next_url))


def logout_view():
    user = current_user()
    if request.method == "GET":
        if user is None:
            return redirect("/")
        return _page("logout.html", "Uitloggen", username=user.username, csrf_field=CSRF_FIELD, csrf_token=csrf_token())
    if user is not None:
        with db.session(_db_url()) as s:
            sessions.end(s, session.get("sid"))
            audit.record(s, user.username, "uitgelogd")
        _event(logging.INFO, "uitgelogd: gebruiker %s", user.id)
    _reset_session()
    g.etvi_user = None
    return redirect("/")


def whoami_view():
    """Who is logged in; the Dash pages and scripts use it."""
    user = current_user()
    if user is None:
        return jsonify({"ingelogd": False, "openbaar": is_public()})
    return jsonify(
        {
            "ingelogd": True,
            "gebruiker": user.username,
            "rol": user.role,
            "gemeenten": sorted(user.gemeente_codes),
            "provincie": user.provincie_code,
            "openbaar": is_public(),
        }
    )


# --------------------------------------------------------------------------------------------
# Installation
# --------------------------------------------------------------------------------------------


def install_proxy_fix(server: Flask, proxies: int | None = None) -> bool:
    """Trust ``X-Forwarded-For``/``-Proto``/``-Host`` only from ``ETVI_TRUSTED_PROXIES`` reverse
    proxies (default 0: the headers are ignored and the client is the connection's own address).

    With ``n`` proxies, werkzeug's ProxyFix takes the ``n``-th address from the right of
    ``X-Forwarded-For`` as the client (the one the outermost trusted proxy saw) and the scheme and
    host the proxies report. Without a proxy anyone can send these headers, so trusting them would
    let a client choose its own address (and dodge the login limit per address) or pretend to use
    HTTPS. Returns whether the headers are trusted."""
    n = settings().trusted_proxies if proxies is None else proxies
    if n <= 0 or getattr(server.wsgi_app, "_etvi_proxyfix", False):
        return bool(getattr(server.wsgi_app, "_etvi_proxyfix", False))
    server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)
    server.wsgi_app._etvi_proxyfix = True
    return True


def install(app, url: str | None = None, public: bool | None = None) -> None:
    """Wire login, sessions and CSRF protection into a Dash app (or a bare Flask app). Idempotent.

    ``url`` is the database URL (default: ``ETVI_DATABASE_URL``); ``public`` overrides
    ``ETVI_PUBLIC`` (tests use it).
    """
    server: Flask = getattr(app, "server", app)
    if "etvi_security" in server.extensions:
        if url is not None and url != server.config.get("ETVI_DATABASE_URL"):
            server.config["ETVI_DATABASE_URL"] = url
            server.extensions.pop(KEYS_EXTENSION, None)  # the keys of the other database
            refresh_keys(server)
        if public is not None:
            server.config["ETVI_PUBLIC"] = public
        return
    server.extensions["etvi_security"] = True
    passwords.prepare_login()
    server.config["ETVI_DATABASE_URL"] = url
    server.config["ETVI_PUBLIC"] = public
    refresh_keys(server)
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_NAME="etvi_sessie",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    install_proxy_fix(server)
    # Run before any hook the dashboard registered, so no other code sees an unchecked request.
    server.before_request_funcs.setdefault(None, []).insert(0, _before_request)
    server.after_request(_after_request)
    # The pages themselves, /login and /logout included, are registered by dashboard.pages.
    server.extensions["etvi_dash_pages"] = bool(getattr(app, "use_pages", False))
