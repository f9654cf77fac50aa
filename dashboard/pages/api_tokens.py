"""``/ik/tokens``: a logged-in user makes, sees and revokes the API tokens of its own account,
so a gemeente can connect its system without asking the beheerder.

Flask renders it (a ``ServerPage``, like /login): plain forms that work without JavaScript, sent
with the session's CSRF token (``csrf_token`` field, checked by ``dashboard.security`` before this
view runs). The rules are not here: the password is checked by the login's own check
(``throttle.authenticate``, its limits and lock included), a token is made and revoked by
``etvi.accounts.users`` (cap, label, date), listed by ``etvi.accounts.tokens`` — the same calls
as ``POST/DELETE /api/v1/ik/tokens``. A new token is shown once, in the answer to the POST
(``Cache-Control: no-store``); each rendered form carries a one-time key, so sending the same
form again (a reload of that answer) makes no second token.
"""

from __future__ import annotations

import re
import secrets

from flask import Response, redirect, request, session

from dashboard import frame, security
from etvi.accounts import throttle, tokens, users
from etvi.accounts.errors import AccountError, LoginError, TokenExpiryError, TokenLimitError
from etvi.config import settings
from models import db

PATH = "/ik/tokens"
TITLE = "API-tokens"
FORM_KEY = "etvi_tokens_form"  # the session's one-time key of the form last shown
STATUS = {LoginError: 403, TokenLimitError: 409, TokenExpiryError: 400, AccountError: 400}


def _answer(user, status: int = 200, **context) -> Response:
    """The page for ``user`` with its tokens as ``etvi.accounts.tokens.listed`` gives them."""
    with db.session(security.db_url()) as s:
        listed = tokens.listed(s, users.get_user(s, user.username))
    session[FORM_KEY] = form_key = secrets.token_urlsafe(16)
    config = settings()
    body = frame.render(
        "api_tokens.html",
        title=TITLE,
        account_items=security.current_account_menu(request.path),
        path=request.path,
        demo=frame.demo_loaded(),
        username=user.username,
        tokens=listed,
        confirm=next((t for t in listed if t["kenmerk"] == request.args.get("intrekken")), None),
        revoked=_kenmerk_or_empty(request.args.get("ingetrokken", "")),
        csrf_field=security.CSRF_FIELD,
        csrf_token=security.csrf_token(),
        form_key=form_key,
        token_days=config.token_days,
        token_max_days=config.token_max_days,
        max_tokens=config.max_tokens_per_user,
        **context,
    )
    resp = Response(body, status=status, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"  # a new token is in this answer, once
    return resp


def _kenmerk_or_empty(value: str) -> str:
    """Only something shaped like a kenmerk is echoed in "… is ingetrokken" (a crafted link cannot put other text there)."""
    return value if re.fullmatch(f"[0-9a-f]{{{tokens.KENMERK_LENGTH}}}", value) else ""


def view() -> Response:
    user = security.current_user()
    if user is None:  # the policy sends anonymous visitors to /login before this runs
        return redirect("/login?next=" + PATH)
    if request.method == "GET":
        return _answer(user)
    sent = request.form.get("formulier", "")
    expected = session.pop(FORM_KEY, None)
    if not expected or not secrets.compare_digest(str(expected), sent):
        # This form was sent before (a reload of the answer) or comes from an old page: nothing is done.
        return redirect(PATH, 303)
    if request.form.get("actie") == "intrekken":
        return _revoke(user, request.form.get("kenmerk", ""))
    return _create(user)


def _create(user) -> Response:
    label = request.form.get("label", "")
    verloopt = request.form.get("verloopt", "")
    actor = f"web:{user.username}"
    try:
        with db.session(security.db_url()) as s:
            try:
                throttle.authenticate(s, user.username, request.form.get("wachtwoord", ""), source="web: eigen token", address=request.remote_addr)
            except LoginError as exc:
                raise LoginError(f"Het wachtwoord is niet bevestigd; er is geen token gemaakt. {exc}") from None
        with db.session(security.db_url()) as s:
            token = users.create_token(s, user.username, actor=actor, label=label, verloopt=verloopt)
            made = tokens.kenmerk(tokens.hash_token(token))
    except AccountError as exc:
        status = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
        return _answer(user, status, error=str(exc), label=label, verloopt=verloopt)
    return _answer(user, 201, new_token=token, new_kenmerk=made)


def _revoke(user, kenmerk: str) -> Response:
    try:
        with db.session(security.db_url()) as s:
            users.revoke_token(s, user.username, kenmerk, actor=f"web:{user.username}")
    except AccountError as exc:
        return _answer(user, 404, revoke_error=str(exc))
    return redirect(f"{PATH}?ingetrokken={tokens.kenmerk(kenmerk.strip().lower())}", 303)
