"""Login, sessions and CSRF protection for the Dash app's Flask server.

``install(app)`` wires everything in with one call:

- a secret key from ``ETVI_SECRET_KEY``, else from the file ``secret_key`` in the data folder,
  generated (256 bits, mode 0600) on first run; never in the repository;
- session cookies that are HttpOnly, SameSite=Lax, and Secure whenever the request came in over
  HTTPS (directly or through a proxy that sets ``X-Forwarded-Proto``); a password reset or a
  disabled account ends existing sessions at the next request;
- CSRF protection on every state-changing request, Dash's ``POST /_dash-update-component``
  included: the request must come from our own origin (``Origin``/``Referer``/``Sec-Fetch-Site``)
  and carry the session's CSRF token in the ``X-CSRFToken`` header or a ``csrf_token`` form field.
  Dash's renderer already sends that header from the ``_csrf_token`` cookie, which we set, so the
  normal Dash UI works unchanged. API requests authenticated by a Bearer token are exempt (a token
  is not an ambient credential a browser attaches by itself);
- ``/login`` and ``/logout`` in Dutch; with ``ETVI_PUBLIC=false`` every other path needs a login;
- helpers callbacks use to get the current user and to check role and scope on the server;
- the Dash pages ``/aanleveren`` (upload) and ``/auditlog`` (audit log, delivery status), when the
  app uses Dash pages.
"""

from __future__ import annotations

import hmac
import html
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, g, has_request_context, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from etvi import accounts
from etvi.config import settings

CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads
CSRF_HEADER = "X-CSRFToken"  # the header Dash's renderer sends
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
SESSION_HOURS = 12
OPEN_PATHS = {"/login", "/logout", "/favicon.ico", "/_favicon.ico"}

# Pages that need a logged-in user even when the dashboard is public, and who may open them.
PROTECTED_PAGES: dict[str, Callable] = {
    "/aanleveren": accounts.can_upload,
    "/auditlog": lambda u: accounts.can_see_audit(u) or accounts.can_see_delivery(u, getattr(u, "provincie_code", None)),
}


# --------------------------------------------------------------------------------------------
# Secret key
# --------------------------------------------------------------------------------------------


def secret_key() -> str:
    """``ETVI_SECRET_KEY``, else the key in ``<data_dir>/secret_key``, created on first run.

    Creation is atomic (O_EXCL), so several server workers starting at once agree on one key.
    """
    cfg = settings()
    if cfg.secret_key:
        return cfg.secret_key
    path = Path(cfg.data_dir) / "secret_key"
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


def _read_key(path: Path) -> str:
    for _ in range(50):  # another worker may be writing it right now
        key = path.read_text().strip()
        if key:
            return key
        import time

        time.sleep(0.02)
    raise RuntimeError(f"Het bestand {path} is leeg; verwijder het zodat er een nieuwe sleutel wordt gemaakt.")


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the Secure flag set whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (has_request_context() and request.is_secure)


# --------------------------------------------------------------------------------------------
# Current user
# --------------------------------------------------------------------------------------------


def db_url() -> str | None:
    """The database URL this app was installed with (``None``: ETVI_DATABASE_URL)."""
    from flask import current_app

    return current_app.config.get("ETVI_DATABASE_URL")


_db_url = db_url


def current_user() -> accounts.Principal | None:
    """The logged-in user of this request (from the session), checked against the database.

    A disabled account, a deleted one, or one whose password was reset since the login is
    treated as logged out, and the session is cleared.
    """
    if not has_request_context():
        return None
    if "etvi_user" in g:
        return g.etvi_user
    principal = None
    uid = session.get("uid")
    if uid is not None:
        from models import db

        with db.session(_db_url()) as s:
            principal = accounts.load_principal(s, uid)
        if principal is None or not principal.active or principal.credential_tag != session.get("tag"):
            principal = None
            _reset_session()
    g.etvi_user = principal
    return principal


def set_request_user(principal: accounts.Principal | None) -> None:
    """Used by the API when a Bearer token identifies the user of this request."""
    g.etvi_user = principal


def is_public() -> bool:
    from flask import current_app

    value = current_app.config.get("ETVI_PUBLIC")
    return settings().public if value is None else bool(value)


class Forbidden(Exception):
    """Raised by ``require`` when the current user may not do something; message is Dutch."""


def require(check: Callable[[accounts.Principal | None], bool], message: str = "") -> accounts.Principal:
    """The current user if ``check(user)`` holds, else ``Forbidden`` — for use inside callbacks."""
    user = current_user()
    if user is None:
        raise Forbidden("U bent niet (meer) ingelogd. Log in en probeer het opnieuw.")
    if not check(user):
        raise Forbidden(message or "Uw account heeft hiervoor geen rechten.")
    return user


def can_view_now() -> bool:
    return accounts.can_view(current_user(), is_public())


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
    return Response(_page("Geen toegang" if status == 403 else "Fout", f"<p role='alert'>{html.escape(message)}</p>"
                          "<p><a href='/'>Naar het overzicht</a></p>"), status=status, mimetype="text/html")


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


def _before_request():
    path = request.path
    if path.startswith("/_dash-update-component") and request.method == "POST":
        # dcc.Upload sends the file base64-encoded inside the callback request.
        request.max_content_length = int(settings().max_file_mb * 1.5 * 1024 * 1024) + 1024 * 1024
    # The API authenticates by Bearer token (not an ambient credential: no CSRF risk); only an API
    # request that would act on a browser session's login needs the CSRF check.
    api_without_session = path.startswith("/api/") and (_has_bearer() or session.get("uid") is None)
    if request.method not in SAFE_METHODS and not api_without_session:
        problem = csrf_problem()
        if problem:
            return _error(403, f"Beveiligingscontrole mislukt: {problem}. Herlaad de pagina en probeer het opnieuw.")
    if path in OPEN_PATHS or path.startswith("/api/"):
        return None  # the API authenticates each request itself
    if not is_public() and current_user() is None:
        if request.method == "GET" and not _wants_json():
            return redirect("/login?next=" + _quote_next(request.full_path if request.query_string else path))
        return _error(401, "Inloggen is vereist.")
    check = PROTECTED_PAGES.get(path.rstrip("/") or "/")
    if check is not None and request.method == "GET":
        user = current_user()
        if user is None:
            return redirect("/login?next=" + _quote_next(path))
        if not check(user):
            return _error(403, "Uw account heeft geen toegang tot deze pagina.")
    return None


def _quote_next(target: str) -> str:
    from urllib.parse import quote

    return quote(target.rstrip("?"), safe="")


def _after_request(response: Response) -> Response:
    token = csrf_token()
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=False,  # Dash's renderer reads it to send the X-CSRFToken header
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if session.get("uid") is not None or request.path in ("/login", "/logout"):
        response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("Cookie")
    return response


# --------------------------------------------------------------------------------------------
# Login and logout pages
# --------------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1a1a1a}
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:6px;box-shadow:0 1px 3px #0003}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:1rem 0 .3rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #555;border-radius:4px}
button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;background:#004f9f;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus,input:focus,a:focus{outline:3px solid #ffbf47;outline-offset:1px}
.fout{background:#fdecea;border-left:4px solid #b00020;padding:.6rem .8rem;margin:1rem 0}
a{color:#004f9f}
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · ETVI-monitor</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


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
        "<button type='submit'>Inloggen</button></form>"
        "<p><a href='/'>Terug naar het overzicht</a></p>",
    )


def login_view():
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        user = current_user()
        if user is not None:
            return redirect(next_url)
        return Response(_login_form(next_url), mimetype="text/html")
    username = (request.form.get("gebruikersnaam") or "").strip()
    password = request.form.get("wachtwoord") or ""
    from models import db

    try:
        with db.session(_db_url()) as s:
            user = accounts.authenticate(s, username, password, source=f"web {request.remote_addr or ''}".strip())
            principal = accounts.Principal.from_user(user)
    except accounts.LoginError as exc:
        return Response(_login_form(next_url, str(exc), username), status=401, mimetype="text/html")
    session.clear()
    session.permanent = True
    session["uid"] = principal.id
    session["tag"] = principal.credential_tag
    csrf_token()  # a fresh token for the new session
    g.etvi_user = principal
    return redirect(next_url)


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
                "<button type='submit'>Uitloggen</button></form><p><a href='/'>Terug naar het overzicht</a></p>",
            ),
            mimetype="text/html",
        )
    if user is not None:
        from models import db

        with db.session(_db_url()) as s:
            accounts.audit(s, user.username, "uitgelogd")
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


def install(app, url: str | None = None, public: bool | None = None) -> None:
    """Wire login, sessions and CSRF protection into a Dash app (or a bare Flask app). Idempotent.

    ``url`` is the database URL (default: ``ETVI_DATABASE_URL``); ``public`` overrides
    ``ETVI_PUBLIC`` (tests use it).
    """
    server: Flask = getattr(app, "server", app)
    if "etvi_security" in server.extensions:
        if url is not None:
            server.config["ETVI_DATABASE_URL"] = url
        if public is not None:
            server.config["ETVI_PUBLIC"] = public
        return
    server.extensions["etvi_security"] = True
    server.config["ETVI_DATABASE_URL"] = url
    server.config["ETVI_PUBLIC"] = public
    server.secret_key = secret_key()
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_NAME="etvi_sessie",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    if not getattr(server.wsgi_app, "_etvi_proxyfix", False):
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)
        server.wsgi_app._etvi_proxyfix = True
    # Run before any hook the dashboard registered, so no other code sees an unchecked request.
    server.before_request_funcs.setdefault(None, []).insert(0, _before_request)
    server.after_request(_after_request)
    server.add_url_rule("/login", "etvi_login", login_view, methods=["GET", "POST"])
    server.add_url_rule("/logout", "etvi_logout", logout_view, methods=["GET", "POST"])
    server.add_url_rule("/api/v1/ik", "etvi_whoami", whoami_view, methods=["GET"])
    if getattr(app, "use_pages", False):
        # The pages that need a login: upload (/aanleveren) and audit log (/auditlog).
        from dashboard.pages import aanleveren, auditlog

        aanleveren.register(app)
        auditlog.register(app)
