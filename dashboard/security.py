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
- ``/login`` and ``/logout`` in Dutch; who may open which path is ``etvi.accounts.policy``'s
  ``page_access`` (with ``ETVI_PUBLIC=false`` every other path needs a login);
- helpers callbacks use to get the current user and to check role and scope on the server;
- the Dash pages ``/aanleveren`` (upload), ``/auditlog`` (audit log) and ``/aanlevering``
  (delivery status per provincie), when the app uses Dash pages; a logged-in user who may not
  open one gets HTTP 403 with the page's own "Geen toegang" text inside the normal shell;
- ``account_menu(user)``: the account links of the menu (Inloggen, or Ingelogd als, Uitloggen
  and the pages the policy lets the role open), and ``landing_page``: where each role goes after logging in.
"""

from __future__ import annotations

import hmac
import html
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

from dashboard import csp, requestlog
from etvi import signing_keys
from etvi.accounts import audit, clock, passwords, policy, sessions, throttle
from etvi.accounts.errors import LoginError
from etvi.accounts.policy import Principal
from etvi.config import settings
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
    items: list[dict] = [{"kind": "page", "href": p.path, "label": p.label} for p in policy.pages_for(user)]
    items.append({"kind": "text", "label": f"Ingelogd als {user.username}", "user": user.username, "id": "nav-ingelogd-als"})
    items.append({"kind": "link", "href": "/logout", "label": "Uitloggen", "id": "nav-uitloggen"})
    return items


def landing_page(user: Principal, requested: str | None) -> str:
    """Where to send ``user`` after logging in: the page asked for when the account may open it,
    else the page for its role (a provincie asking for /aanleveren gets its delivery status)."""
    home = policy.home(user)
    if not requested:
        return home
    target = _safe_next(requested)
    if not policy.may_open(user, urlsplit(target).path):
        return home
    return target


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


def _error(status: int, message: str) -> Response:
    if _wants_json():
        resp = jsonify({"fout": message, "status": status})
        resp.status_code = status
        return resp
    body = f"<p role='alert'>{html.escape(message)}</p>"
    user = current_user() if status == 403 else None
    if user is not None and user.role in policy.ROLE_RIGHTS:
        body += f"<p>{html.escape(policy.ROLE_RIGHTS[user.role])}</p>"
        home = policy.protected_page(policy.home(user))
        if home is not None:
            body += f"<p><a href='{home.path}'>Naar {html.escape(home.name)}</a></p>"
    body += "<p><a href='/'>Naar het landelijk overzicht</a></p>"
    title = {403: "Geen toegang", 404: "Niet gevonden", 503: "Even niet beschikbaar"}.get(status, "Fout")
    return Response(_page(title, body), status=status, mimetype="text/html")


def error_response(status: int, message: str) -> Response:
    """The error answer of this request: JSON ``{"fout", "status"}`` for the API and Dash's
    requests, else a Dutch page in the site's frame (``dashboard.faults`` uses it)."""
    return _error(status, message)


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
            return _error(413, f"Het bestand is te groot (ongeveer {about:.0f} MB); het maximum is {settings().max_file_mb} MB. Er is niets opgeslagen.")
    # The API authenticates by Bearer token (not an ambient credential: no CSRF risk); only an API
    # request that would act on a browser session's login needs the CSRF check.
    api_without_session = path.startswith("/api/") and (_has_bearer() or session.get("uid") is None)
    if request.method not in SAFE_METHODS and not api_without_session:
        problem = csrf_problem()
        if problem:
            _event(logging.WARNING, "beveiligingscontrole mislukt: %s %s (%s)", request.method, path, problem)
            return _error(403, f"Beveiligingscontrole mislukt: {problem}. Herlaad de pagina en probeer het opnieuw.")
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
        return _error(401, "Inloggen is vereist.")
    if access is policy.Access.DENY and request.method == "GET":
        if _dash_pages() and not _wants_json():
            # The page itself says "Geen toegang" inside the normal shell (menu, banner, links);
            # its layout and every callback check the rights again. Only the status differs.
            g.etvi_status = 403
            return None
        return _error(403, "Uw account heeft geen toegang tot deze pagina.")
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

def _demo() -> bool:
    """Whether demo data is loaded (Meta ``demo_data`` = ``ja``): the banner then shows on every page."""
    try:
        from dashboard.runtime import current

        return bool(current().data.version().demo)
    except Exception:  # noqa: BLE001 - no dashboard runtime (bare Flask app) or a broken database
        return False


def _shell_html(title: str, body: str) -> str:
    """The same frame as the Dash pages (skip link, menu, demo banner, footer), for the pages
    Flask renders itself: login, logout and error pages."""
    try:
        from dashboard.app import NAV
        from dashboard.texts import APP_SUBTITLE, APP_TITLE
    except Exception:  # noqa: BLE001
        NAV, APP_TITLE, APP_SUBTITLE = [("/", "Landelijk overzicht")], "ETVI-monitor", ""
    try:
        user = current_user()
    except Exception:  # noqa: BLE001 - an error page must render without the database
        user = None
    items = [f"<li><a class='nav-link' href='{href}'>{html.escape(label)}</a></li>" for href, label in NAV]
    for n, item in enumerate(account_menu(user, request.path if request.path not in ("/login", "/logout") else "/")):
        first = " nav-account-first" if n == 0 else ""
        if item["kind"] == "text":
            items.append(f"<li class='nav-account nav-user{first}' id='{item['id']}'>Ingelogd als <strong>{html.escape(item['user'])}</strong></li>")
            continue
        current_cls = " active" if urlsplit(item["href"]).path == request.path else ""
        current_attr = " aria-current='page'" if current_cls else ""
        ident = f" id='{item['id']}'" if item.get("id") else ""
        items.append(
            f"<li class='nav-account{first}'><a class='nav-link{current_cls}'{ident}{current_attr} href='{html.escape(item['href'])}'>"
            f"{html.escape(item['label'])}</a></li>"
        )
    banner = (
        "<div class='demo-banner' role='note' id='demo-banner'><strong>Demonstratiegegevens. </strong>"
        "De cijfers op deze site zijn verzonnen en dienen alleen om de monitor te laten zien. "
        "Gebruik ze niet voor beleid of communicatie.</div>"
        if _demo()
        else ""
    )
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · ETVI-monitor</title>"
        "<link rel='stylesheet' href='/assets/style.css'><link rel='stylesheet' href='/assets/accounts.css'></head>"
        "<body><div class='page'><a href='#inhoud' class='skip-link'>Naar de inhoud</a>"
        "<header class='site-header'><div class='brand-block'>"
        f"<a class='brand' href='/'>{html.escape(APP_TITLE)}</a><span class='brand-sub'>{html.escape(APP_SUBTITLE)}</span></div>"
        f"<nav aria-label='Hoofdmenu'><ul>{''.join(items)}</ul></nav></header>{banner}"
        f"<main id='inhoud' tabindex='-1'><div class='account-page'><h1>{html.escape(title)}</h1>{body}</div></main>"
        "<footer class='site-footer'><p>Gegevens: meldingen van gemeenten, provincies en VNG. "
        "Grenzen: CBS/PDOK, vereenvoudigd door cartomap/nl. <a href='/data'>Over de gegevens en downloads</a>.</p></footer>"
        "</div></body></html>"
    )


def _page(title: str, body: str) -> str:
    return _shell_html(title, body)


def _login_form(next_url: str, message: str = "", username: str = "") -> str:
    error = f"<div class='fout' role='alert' id='login-fout'>{html.escape(message)}</div>" if message else ""
    return _page(
        "Inloggen",
        f"{error}<form method='post' action='/login'>"
        f"<input type='hidden' name='{CSRF_FIELD}' value='{html.escape(csrf_token())}'>"
        f"<input type='hidden' name='next' value='{html.escape(next_url)}'>"
        "<label for='gebruikersnaam'>Gebruikersnaam</label>"
        f"<input type='text' id='gebruikersnaam' name='gebruikersnaam' autocomplete='username' required value='{html.escape(username)}'>"
        "<label for='wachtwoord'>Wachtwoord</label>"
        "<input type='password' id='wachtwoord' name='wachtwoord' autocomplete='current-password' required>"
        "<button type='submit' class='button primary'>Inloggen</button></form>"
        "<p><a href='/'>Terug naar het overzicht</a></p>",
    )


def login_view():
    requested = request.values.get("next") or ""
    next_url = _safe_next(requested) if requested else ""
    if request.method == "GET":
        user = current_user()
        if user is not None:
            return redirect(landing_page(user, next_url))
        return Response(_login_form(next_url), mimetype="text/html")
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
        resp = Response(_login_form(next_url, str(exc), username), status=401, mimetype="text/html")
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
        return Response(
            _page(
                "Uitloggen",
                f"<p>U bent ingelogd als <strong>{html.escape(user.username)}</strong>.</p>"
                "<form method='post' action='/logout'>"
                f"<input type='hidden' name='{CSRF_FIELD}' value='{html.escape(csrf_token())}'>"
                "<button type='submit' class='button primary'>Uitloggen</button></form><p><a href='/'>Terug naar het overzicht</a></p>",
            ),
            mimetype="text/html",
        )
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
    server.add_url_rule("/login", "etvi_login", login_view, methods=["GET", "POST"])
    server.add_url_rule("/logout", "etvi_logout", logout_view, methods=["GET", "POST"])
    server.add_url_rule("/api/v1/ik", "etvi_whoami", whoami_view, methods=["GET"])
    if getattr(app, "use_pages", False):
        # The pages that need a login: upload (/aanleveren) and audit log (/auditlog).
        from dashboard.pages import auditlog, delivery, upload

        server.extensions["etvi_dash_pages"] = True
        upload.register(app)
        auditlog.register(app)
        delivery.register(app)
