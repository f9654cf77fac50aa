"""Accounts: the audit log, user management and API tokens (the CLI ``etvi gebruiker`` offers the
same), and who is logged in."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from dashboard import security
from dashboard.api.access import audit_actor, authenticate, endpoint
from dashboard.api.answers import NO_STORE, answer, moment
from dashboard.api.blueprint import BEHEER, STAND, bp, database_url, problem_answers
from dashboard.api.errors import ApiError, invalid, invalid_as, refused_as
from dashboard.api.paging import Window
from dashboard.api_models import (
    AuditLijst,
    AuditQuery,
    Gebruiker,
    GebruikerPath,
    Gebruikers,
    GebruikerTokenPath,
    GebruikerWijziging,
    Ik,
    NieuweGebruiker,
    NieuweGebruikerAntwoord,
    NieuwEigenToken,
    NieuwToken,
    NieuwTokenAntwoord,
    TokenPath,
    Tokens,
    Uitgelogd,
)
from etvi.accounts import audit, policy, throttle, tokens, users
from etvi.accounts.errors import AccountError, LoginError, TokenExpiryError, TokenLimitError
from models import db


@endpoint(
    "audit",
    "Het auditlog van beheer en inloggen",
    "Elke vastgelegde gebeurtenis behalve uploads (die staan in /uploads): inloggen en uitloggen, gebruikersbeheer, "
    "API-tokens, uitvragen, publicaties. Nieuwste eerst; te filteren op gebruiker, actie en een periode (vanaf, tot: datum en tijd "
    "met tijdzone); per pagina (page en pageSize, of limit en offset), met links in _links en de kop Link. Alleen voor de beheerder.",
    BEHEER,
    {200: AuditLijst},
    (401, 403),
)
def list_audit_events(query: AuditQuery):
    """The same reader as the /auditlog page (``etvi.accounts.audit.events``)."""
    if query.vanaf is not None and query.tot is not None and query.tot <= query.vanaf:
        raise invalid("tot", "dit moet na vanaf liggen")
    page = Window.of(query)
    with db.session(database_url()) as s:
        total, rows = audit.events(s, gebruiker=query.gebruiker, actie=query.actie, vanaf=query.vanaf, tot=query.tot, offset=page.offset, limit=page.size)
        items = []
        for e in rows:
            details = audit.detail_of(e)
            about = details.get("gebruiker")
            items.append(
                {
                    "id": e.id,
                    "tijdstip": moment(e.created_at),
                    "door": e.username,
                    "actie": e.action,
                    "gebruiker": about if isinstance(about, str) else None,
                    "details": details,
                }
            )
    return page.answer({"aantal": len(items), "gebeurtenissen": items}, total)


# --------------------------------------------------------------------------------------------
# User management (beheerder). The CLI ``etvi gebruiker`` offers the same.
# --------------------------------------------------------------------------------------------


def _user_dict(s, u) -> dict:
    made = tokens.count(s, u)
    return {
        "naam": u.username,
        "rol": u.role,
        "gemeenten": policy.split_codes(u.gemeente_codes),
        "provincie": u.provincie_code,
        "actief": bool(u.active),
        "email": u.email,
        "api_token": made > 0,
        "api_tokens": made,
        "aangemaakt": moment(u.created_at),
    }


@endpoint("users", "Alle gebruikers", "Op naam gesorteerd; alleen voor de beheerder.", BEHEER, {200: Gebruikers}, (401, 403))
def list_users():
    """Sorted by name."""
    with db.session(database_url()) as s:
        return jsonify({"gebruikers": [_user_dict(s, u) for u in users.list_users(s)]})


@endpoint(
    "create_user",
    "Een gebruiker aanmaken",
    "Het gegenereerde wachtwoord staat alleen in dit antwoord. Alleen voor de beheerder.",
    BEHEER,
    {201: NieuweGebruikerAntwoord},
    (401, 403),
)
def create_user(body: NieuweGebruiker):
    """The generated password is in this answer only (``Cache-Control: no-store``)."""
    with refused_as(400, AccountError, reword=lambda exc: str(exc).replace("(--email ", '(veld "email", bijvoorbeeld ')):
        with db.session(database_url()) as s:
            user, password = users.create_user(
                s,
                body.naam,
                body.rol,
                list(body.gemeenten),
                body.provincie,
                actor=audit_actor(),
                email=body.email,
                email_required=True,  # like etvi gebruiker add: gemeente and provincie accounts need an address
            )
            data = _user_dict(s, user)
    return answer({**data, "wachtwoord": password}, 201, NO_STORE)  # the password is shown once


@endpoint(
    "update_user",
    "Een gebruiker in- of uitschakelen of het e-mailadres wijzigen",
    '{"actief": false} schakelt het account uit: de sessies eindigen en het API-token werkt niet meer. {"actief": true} '
    'schakelt het weer in. {"email": "adres"} wijzigt het e-mailadres voor herinneringen (null of leeg verwijdert het). '
    "Alleen voor de beheerder.",
    BEHEER,
    {200: Gebruiker},
    (401, 403, 404),
)
def update_user(path: GebruikerPath, body: GebruikerWijziging, **_):
    """``actief`` false disables the account (its sessions end, its token stops working), true
    enables it; ``email`` changes the address (as ``etvi gebruiker email``). Both in one go."""
    if not body.model_fields_set & {"actief", "email"} or ("actief" in body.model_fields_set and body.actief is None):
        raise invalid("body", 'geef "actief" (true of false) en/of "email"')
    actor = audit_actor()
    with refused_as(404, AccountError), db.session(database_url()) as s:
        user = users.get_user(s, path.naam)
        if "email" in body.model_fields_set:
            with invalid_as("email", AccountError):
                user = users.set_email(s, path.naam, body.email, actor=actor)
        if body.actief is not None:
            user = (users.enable_user if body.actief else users.disable_user)(s, path.naam, actor=actor)
        data = _user_dict(s, user)
    return jsonify(data)


@endpoint(
    "end_user_sessions",
    "Alle sessies van een gebruiker beëindigen (overal uitloggen)",
    "Beëindigt elke browsersessie van het account, op elke server tegelijk. De API-tokens blijven werken: "
    "trek ze in (/gebruikers/{naam}/tokens) of schakel het account uit om dat te stoppen. Alleen voor de beheerder.",
    BEHEER,
    {200: Uitgelogd},
    (401, 403, 404),
)
def end_user_sessions(path: GebruikerPath, **_):
    """Every browser session of the account ends at once (its API tokens are separate; revoke
    them or disable the account to stop those too). Was ``POST …/uitloggen`` (a verb in the path)."""
    with refused_as(404, AccountError), db.session(database_url()) as s:
        ended = users.end_sessions(s, path.naam, actor=audit_actor())
        data = {**_user_dict(s, users.get_user(s, path.naam)), "sessies_beeindigd": ended}
    return jsonify(data)


# --------------------------------------------------------------------------------------------
# API tokens: listed and revoked per user (the beheerder for anyone, every account its own)
# --------------------------------------------------------------------------------------------


def _token_dict(row: dict) -> dict:
    """A token of ``tokens.listed`` as the API shows it: moments with a time zone, the date as JJJJ-MM-DD."""
    return {**row, "aangemaakt": moment(row["aangemaakt"]), "verloopt": row["verloopt"].isoformat() if row["verloopt"] else None}


def _tokens_of(username: str) -> Response:
    """The tokens of ``username`` (never the tokens themselves); 404 for an unknown user."""
    with refused_as(404, AccountError), db.session(database_url()) as s:
        user = users.get_user(s, username)
        listed = [_token_dict(t) for t in tokens.listed(s, user)]
        return jsonify({"gebruiker": user.username, "tokens": listed})


def _revoke(username: str, kenmerk: str) -> Response:
    with refused_as(404, AccountError), db.session(database_url()) as s:
        users.revoke_token(s, username, kenmerk, actor=audit_actor())
    return _tokens_of(username)


@endpoint(
    "user_tokens",
    "De API-tokens van een gebruiker",
    "Per token het kenmerk, het label, wanneer en door wie het is gemaakt, de vervaldatum (verloopt) en of het werkt (actief); "
    "nooit het token zelf. Alleen voor de beheerder.",
    BEHEER,
    {200: Tokens},
    (401, 403, 404),
)
def list_user_tokens(path: GebruikerPath, **_):
    return _tokens_of(path.naam)


def _new_token(username: str, body: NieuwToken) -> Response:
    """One more token for ``username`` through ``users.create_token`` (the one place for the
    rules of a new token), answered once with the token itself, never cached: 201, 404 for an
    unknown user, 409 for a disabled account or one at ``ETVI_MAX_TOKENS_PER_USER``, 400 for a
    label too long or a date (``verloopt``) not after today or too far away."""
    with refused_as(404, AccountError), db.session(database_url()) as s:
        user = users.get_user(s, username)
    if not user.active:
        raise ApiError(409, f"Gebruiker {user.username!r} is uitgeschakeld; een token is dan niet bruikbaar. Schakel het account eerst in (PATCH).")
    with (
        invalid_as("label", AccountError),
        refused_as(409, TokenLimitError),
        invalid_as("verloopt", TokenExpiryError),
        db.session(database_url()) as s,
    ):
        token = users.create_token(s, user.username, actor=audit_actor(), label=body.label, verloopt=body.verloopt)
        user = users.get_user(s, user.username)
        made = tokens.kenmerk(tokens.hash_token(token))
        row = next(t for t in tokens.listed(s, user) if t["kenmerk"] == made)
    return answer({"gebruiker": user.username, **_token_dict(row), "token": token}, 201, NO_STORE)


@endpoint(
    "create_user_token",
    "Een extra API-token voor een gebruiker maken",
    "Een nieuw token met een label (waarvoor het is); de andere tokens van de gebruiker blijven werken. Het token "
    "zelf staat alleen in dit antwoord; daarna toont de lijst alleen het kenmerk. Een account heeft hoogstens "
    "ETVI_MAX_TOKENS_PER_USER tokens (standaard 10; daarboven 409). Het token verloopt op de datum verloopt (JJJJ-MM-DD; "
    "standaard over ETVI_TOKEN_DAYS = 365 dagen, hoogstens ETVI_TOKEN_MAX_DAYS = 730 dagen vooruit). Alleen voor de beheerder.",
    BEHEER,
    {201: NieuwTokenAntwoord},
    (401, 403, 404, 409),
)
def create_user_token(path: GebruikerPath, body: NieuwToken, **_):
    """Like ``etvi gebruiker token NAAM --label …``; the answer is never cached."""
    return _new_token(path.naam, body)


@endpoint(
    "revoke_user_token",
    "Een API-token van een gebruiker intrekken",
    "Dit ene token werkt direct nergens meer; de andere tokens van de gebruiker blijven werken. Antwoordt met de tokens die "
    "overblijven. Alleen voor de beheerder.",
    BEHEER,
    {200: Tokens},
    (401, 403, 404),
)
def revoke_user_token(path: GebruikerTokenPath, **_):
    return _revoke(path.naam, path.kenmerk)


@endpoint(
    "own_tokens",
    "Mijn API-tokens",
    "De API-tokens van het eigen account: kenmerk, label, wanneer gemaakt, de vervaldatum (verloopt) en of het werkt (actief); "
    "nooit het token zelf.",
    BEHEER,
    {200: Tokens},
    (401, 403),
)
def list_own_tokens():
    return _tokens_of(g.etvi_api_caller.username)


@endpoint(
    "create_own_token",
    "Een eigen API-token maken",
    "Een nieuw token voor het eigen account, met een label (waarvoor het is), bijvoorbeeld om een token te vervangen: maak "
    "het nieuwe, zet het in uw systeem en trek daarna het oude in (DELETE /ik/tokens/{kenmerk}). Uw andere tokens blijven "
    "werken. Het token zelf staat alleen in dit antwoord. Het werkt met de rechten van uw account zolang dat bestaat: "
    "wordt het account uitgeschakeld, dan werkt het niet meer. Een account heeft hoogstens ETVI_MAX_TOKENS_PER_USER "
    "tokens (standaard 10; daarboven 409). Het token verloopt op de datum verloopt (JJJJ-MM-DD; standaard over "
    "ETVI_TOKEN_DAYS = 365 dagen, hoogstens ETVI_TOKEN_MAX_DAYS = 730 dagen vooruit). Bevestig met het wachtwoord van uw account: een gestolen sessie of een "
    "uitgelekt token kan zo geen blijvend token maken. Een onjuist wachtwoord telt mee als mislukte inlogpoging "
    "(403; na te veel pogingen is het account tijdelijk geblokkeerd). Met een browsersessie geldt daarnaast dezelfde "
    "beveiligingscontrole (X-CSRFToken) als bij elke andere wijziging.",
    BEHEER,
    {201: NieuwTokenAntwoord},
    (401, 403, 409),
)
def create_own_token(body: NieuwEigenToken):
    """Self-rotation: the same rules and audit entry as the beheerder's ``create_user_token``,
    after the account's password is confirmed through the login's own check (its throttling and
    lock included), so neither a session nor a token alone can make a token that outlives it."""
    username = g.etvi_api_caller.username
    with db.session(database_url()) as s:
        try:
            throttle.authenticate(s, username, body.wachtwoord, source="api: eigen token", address=request.remote_addr)
        except LoginError as exc:
            raise ApiError(403, f"Het wachtwoord is niet bevestigd; er is geen token gemaakt. {exc}") from None
    return _new_token(username, body)


@endpoint(
    "revoke_own_token",
    "Een eigen API-token intrekken",
    "Dit ene token werkt direct nergens meer (ook als u er deze vraag mee stuurt); uw andere tokens blijven werken. Antwoordt "
    "met de tokens die overblijven.",
    BEHEER,
    {200: Tokens},
    (401, 403, 404),
)
def revoke_own_token(path: TokenPath, **_):
    return _revoke(g.etvi_api_caller.username, path.kenmerk)


@bp.get(
    "/ik",
    summary="Wie is er ingelogd",
    description="Wie dit token (Authorization: Bearer) of anders deze browsersessie is, en of het dashboard openbaar is. "
    "Zonder token of sessie: ingelogd is false. Een ongeldig, verlopen of ingetrokken token: 401, zoals overal.",
    tags=[STAND],
    responses={200: Ik, **problem_answers(401)},
)
def whoami():
    """The caller as every endpoint sees it (``access.authenticate``: the token when one is sent,
    else the session); the Dash pages and scripts ask it with their session and are never refused."""
    authenticate(required=False)
    return security.whoami_view()
