"""Who calls, and may they: Bearer token or browser session, the rate limit, and ``endpoint``,
which registers a view as an endpoint of the access policy (``etvi.accounts.policy.ENDPOINTS``)."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_openapi3 import validate_request
from flask_openapi3.models import Tag

from dashboard import security
from dashboard.api.blueprint import BEARER, PREFIX, bp, database_url, problem_answers
from dashboard.api.errors import ApiError
from dashboard.api_models import TeVeelVerzoeken
from etvi.accounts import policy, ratelimit, tokens
from etvi.accounts.policy import Principal
from models import db


def throttle(bucket: str) -> None:
    """Count this request against the client's limit in ``bucket`` (``etvi.accounts.ratelimit``,
    shared through the database); over it: 429 with ``Retry-After`` and a Dutch problem."""
    client = ratelimit.client_key(sent_token(), request.remote_addr)
    with db.session(database_url()) as s:
        verdict = ratelimit.hit(s, bucket, client)
    if not verdict.allowed:
        headers = {"Retry-After": str(verdict.retry_after), "RateLimit-Limit": str(verdict.limit)}
        raise ApiError(429, ratelimit.message(bucket, verdict), headers=headers)


def sent_token() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if the request sends one."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _bearer() -> str | None:
    """``sent_token``, where any other ``Authorization`` header is a 401."""
    if not request.headers.get("Authorization", ""):
        return None
    token = sent_token()
    if token is None:
        raise ApiError(401, "Gebruik de kop Authorization: Bearer <token>.")
    return token


LOGIN_REQUIRED = "Inloggen is vereist: stuur een API-token als Authorization: Bearer <token>."


def authenticate(required: bool) -> Principal | None:
    """The caller: from a Bearer token when one is sent (the session is then ignored), else the
    browser session. A bad token is always a 401, even on public endpoints."""
    token = _bearer()
    if token is not None:
        with db.session(database_url()) as s:
            user = tokens.user_for_token(s, token)
            principal = Principal.from_user(user) if user else None
            ended = tokens.expired_on(s, token) if principal is None else None
        if ended is not None:
            raise ApiError(401, f"Dit API-token is verlopen op {ended.isoformat()}; het werkt niet meer. Maak een nieuw token.")
        if principal is None:
            raise ApiError(401, "Ongeldig, verlopen of ingetrokken API-token.")
        security.set_request_user(principal)
        return principal
    principal = security.current_user()
    if principal is None and required:
        raise ApiError(401, LOGIN_REQUIRED)
    return principal


def _caller(endpoint: str) -> Principal | None:
    """The caller, when the access policy lets it call ``endpoint`` (a key of
    ``policy.ENDPOINTS``); else 401 (no valid login) or 403 with the policy's Dutch reason."""
    principal = authenticate(required=False)
    access = policy.endpoint_access(principal, endpoint, security.is_public())
    if access is policy.Access.LOGIN:
        raise ApiError(401, LOGIN_REQUIRED)
    if access is policy.Access.DENY:
        raise ApiError(403, policy.ENDPOINTS[endpoint].refused)
    return principal


def _guarded(endpoint: str):
    """Check the caller's rights before the request is validated against its model (so an
    anonymous caller learns it must log in, not what its body lacks); the caller is
    ``g.etvi_api_caller``. Goes above ``flask_openapi3.validate_request()``."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            if policy.ENDPOINTS[endpoint].public:
                throttle("lezen")
            g.etvi_api_caller = _caller(endpoint)
            return func(*args, **kwargs)

        return wrapper

    return decorator


def endpoint(name: str, summary: str, description: str, tag: Tag, ok: dict, errors: tuple[int, ...], body: dict | None = None):
    """Register a view as the API endpoint ``name`` of the access policy (``policy.ENDPOINTS``):
    its method and path come from there (``<id>`` is an integer), the caller is checked first
    (``_guarded``), then the request is validated against the view's models. Public endpoints
    are rate limited (429), the others need a login (``security``). ``body``: a request body
    described by hand (read by the view itself)."""
    spec = policy.ENDPOINTS[name]
    responses = {**ok, **problem_answers(*errors)}
    extra: dict = {}
    if spec.public:
        responses[429] = TeVeelVerzoeken
    else:
        extra["security"] = BEARER
    if body is not None:
        extra["openapi_extensions"] = {"requestBody": body}
    path = spec.path.removeprefix(PREFIX).replace("<id>", "<int:id>")
    route = getattr(bp, spec.method.lower())(path, summary=summary, description=description, tags=[tag], responses=responses, **extra)

    def decorator(func):
        return route(_guarded(name)(validate_request()(func)))

    return decorator


def audit_actor() -> str:
    """How the audit log names the caller of this request."""
    return f"api:{g.etvi_api_caller.username}"
