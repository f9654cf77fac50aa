"""The access policy (``etvi.accounts.policy``): the table itself, and the real entry points
answering what it says — every protected page over HTTP, every API endpoint, and both menus
(the Dash shell's and the frame of the pages Flask renders) — for anonymous, gemeente, provincie,
beheerder and a disabled account, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import security
from etvi.accounts import policy, users
from etvi.accounts.policy import Access, Principal
from models import db
from tests.support.app import create_actors, csrf_headers, csv_file, login, make_app, multipart

ALLOW, LOGIN, DENY = Access.ALLOW, Access.LOGIN, Access.DENY
ROLES = ["anoniem", "gemeente", "provincie", "beheerder", "uitgeschakeld"]
PRINCIPALS = {
    "anoniem": None,
    "gemeente": Principal(1, "amsterdam", "gemeente", frozenset({"GM0363"}), None, True),
    "provincie": Principal(2, "noord-holland", "provincie", frozenset(), "PV27", True),
    "beheerder": Principal(3, "vng", "beheerder", frozenset(), None, True),
    "uitgeschakeld": Principal(4, "oud-amsterdam", "gemeente", frozenset({"GM0363"}), None, False),
}
# The actors of tests.api.support.create_actors that play each role over HTTP.
ACTOR = {"anoniem": "anoniem", "gemeente": "gemeente_a", "provincie": "provincie", "beheerder": "beheerder", "uitgeschakeld": "uitgeschakeld"}

# What the policy must say, written out independently of it: page -> public? -> per role.
PAGES = {
    "/aanleveren": dict(anoniem=LOGIN, gemeente=ALLOW, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "/aanlevering": dict(anoniem=LOGIN, gemeente=DENY, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "/auditlog": dict(anoniem=LOGIN, gemeente=DENY, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "/uitvragen": dict(anoniem=LOGIN, gemeente=DENY, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "/uitvraag/1": dict(anoniem=LOGIN, gemeente=ALLOW, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=LOGIN),
}
PUBLIC_PAGES = ["/", "/data"]
OPEN = ["/login", "/logout"]
ENDPOINTS = {
    "status": dict(anoniem=ALLOW, gemeente=ALLOW, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=ALLOW),
    # reference data: like the status
    **{name: dict(anoniem=ALLOW, gemeente=ALLOW, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=ALLOW) for name in ("provincies", "gemeenten", "regiotypen", "mijlpalen", "statussen", "history", "voortgang")},
    "upload": dict(anoniem=LOGIN, gemeente=ALLOW, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "uploads": dict(anoniem=LOGIN, gemeente=DENY, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "upload_detail": dict(anoniem=LOGIN, gemeente=DENY, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "upload_report": dict(anoniem=LOGIN, gemeente=DENY, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    # a gemeente gets past the endpoint to its own originals only (can_download_original, below)
    "original": dict(anoniem=LOGIN, gemeente=ALLOW, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "audit": dict(anoniem=LOGIN, gemeente=DENY, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    "delivery": dict(anoniem=LOGIN, gemeente=DENY, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=LOGIN),
    **{
        name: dict(anoniem=LOGIN, gemeente=DENY, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN)
        for name in ("users", "create_user", "update_user", "end_user_sessions", "user_tokens", "create_user_token", "revoke_user_token")
    },
    # one's own API tokens: any active account
    **{name: dict(anoniem=LOGIN, gemeente=ALLOW, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=LOGIN) for name in ("own_tokens", "create_own_token", "revoke_own_token")},
    # reporting rounds: seen by the beheerder, a provincie and a gemeente (their own gemeenten), managed by the beheerder
    **{name: dict(anoniem=LOGIN, gemeente=ALLOW, provincie=ALLOW, beheerder=ALLOW, uitgeschakeld=LOGIN) for name in ("rounds", "round", "round_answers")},
    **{name: dict(anoniem=LOGIN, gemeente=DENY, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN) for name in ("create_round", "update_round", "round_reminders")},
    "round_confirmation": dict(anoniem=LOGIN, gemeente=ALLOW, provincie=DENY, beheerder=ALLOW, uitgeschakeld=LOGIN),
    # the API's own description: for anyone, always (ADR /core/publish-openapi)
    **{name: dict.fromkeys(("anoniem", "gemeente", "provincie", "beheerder", "uitgeschakeld"), ALLOW) for name in ("openapi", "docs", "docs_asset")},
}
MENU = {
    "anoniem": [],
    "gemeente": ["/aanleveren", "/ik/tokens"],
    "provincie": ["/aanlevering", "/uitvragen", "/ik/tokens"],
    "beheerder": ["/aanleveren", "/aanlevering", "/auditlog", "/uitvragen", "/ik/tokens"],
    "uitgeschakeld": [],
}
# A request per endpoint. An allowed caller gets past the access check: 200, or 400/404 for the
# deliberately empty or unknown arguments; never 401 or 403.
REQUESTS = {
    "status": ("GET", "/api/v1/status", {}),
    "upload": ("POST", "/api/v1/uploads?dryRun=1", {"data": "csv"}),
    "uploads": ("GET", "/api/v1/uploads", {}),
    "original": ("GET", "/api/v1/uploads/999999/bestand", {}),
    "upload_detail": ("GET", "/api/v1/uploads/999999", {}),
    "upload_report": ("GET", "/api/v1/uploads/999999/rapport", {}),
    "audit": ("GET", "/api/v1/audit", {}),
    "history": ("GET", "/api/v1/gemeenten/GM0363/historie", {}),
    "delivery": ("GET", "/api/v1/aanlevering", {}),
    "users": ("GET", "/api/v1/gebruikers", {}),
    "create_user": ("POST", "/api/v1/gebruikers", {"json": {}}),
    "update_user": ("PATCH", "/api/v1/gebruikers/bestaat-niet", {"json": {"actief": False}}),
    "end_user_sessions": ("DELETE", "/api/v1/gebruikers/bestaat-niet/sessies", {}),
    "user_tokens": ("GET", "/api/v1/gebruikers/bestaat-niet/tokens", {}),
    "create_user_token": ("POST", "/api/v1/gebruikers/bestaat-niet/tokens", {"json": {"label": "x"}}),
    "revoke_user_token": ("DELETE", "/api/v1/gebruikers/bestaat-niet/tokens/abc123", {}),
    "own_tokens": ("GET", "/api/v1/ik/tokens", {}),
    "create_own_token": ("POST", "/api/v1/ik/tokens", {"json": {"label": "x" * 101}}),  # past the check: 400 for the label
    "revoke_own_token": ("DELETE", "/api/v1/ik/tokens/abc123", {}),
    **{name: ("GET", f"/api/v1/{name}", {}) for name in ("provincies", "gemeenten", "regiotypen", "mijlpalen", "statussen", "voortgang")},
    "rounds": ("GET", "/api/v1/uitvragen", {}),
    "create_round": ("POST", "/api/v1/uitvragen", {"json": {}}),
    "round": ("GET", "/api/v1/uitvragen/999999", {}),
    "update_round": ("PATCH", "/api/v1/uitvragen/999999", {"json": {"staat": "open"}}),
    "round_answers": ("GET", "/api/v1/uitvragen/999999/antwoorden", {}),
    "round_reminders": ("POST", "/api/v1/uitvragen/999999/herinneringen?dryRun=true", {}),
    "round_confirmation": ("POST", "/api/v1/uitvragen/999999/bevestigingen", {"json": {"gemeentecode": "GM0363"}}),
    "openapi": ("GET", "/api/v1/openapi.json", {}),
    "docs": ("GET", "/api/v1/docs", {}),
    "docs_asset": ("GET", "/api/v1/docs/etvi-api-docs.js", {}),
}
PROTECTED = re.compile(r"""href["']?\s*[:=]\s*["'](/aanleveren|/aanlevering|/auditlog|/uitvragen|/ik/tokens)["']""")  # HTML or Dash's JSON


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_policy_table_for_pages(role):
    user = PRINCIPALS[role]
    for path, expected in PAGES.items():
        for public in (True, False):
            assert policy.page_access(user, path, public) is expected[role], (path, public)
            assert policy.page_access(user, path + "/", public) is expected[role], path  # the same page
    for path in PUBLIC_PAGES:
        assert policy.page_access(user, path, True) is ALLOW
        assert policy.page_access(user, path, False) is (ALLOW if role in ("gemeente", "provincie", "beheerder") else LOGIN)
    for path in OPEN:
        assert policy.page_access(user, path, False) is ALLOW
    assert [p.path for p in policy.pages_for(user)] == MENU[role]
    assert all(policy.may_open(user, path) for path in MENU[role])


@pytest.mark.parametrize("role", ROLES)
def test_policy_table_for_endpoints(role):
    user = PRINCIPALS[role]
    assert set(policy.ENDPOINTS) == set(ENDPOINTS)
    for name, expected in ENDPOINTS.items():
        assert policy.endpoint_access(user, name, True) is expected[role], name
    # Not public: the status needs an active account too.
    assert policy.endpoint_access(user, "status", False) is (LOGIN if role in ("anoniem", "uitgeschakeld") else ALLOW)


def test_upload_scope_and_delivery_rights():
    gemeente, provincie, beheerder, disabled = (PRINCIPALS[r] for r in ("gemeente", "provincie", "beheerder", "uitgeschakeld"))
    assert policy.upload_scope(gemeente) == {"GM0363"} and policy.upload_scope(beheerder) is None
    assert policy.can_upload_for(gemeente, ["GM0363"]) and not policy.can_upload_for(gemeente, ["GM0363", "GM0599"])
    assert not policy.can_upload_for(gemeente, []) and policy.can_upload_for(beheerder, ["GM0599"])
    for user in (provincie, disabled, None):
        assert not policy.can_upload(user) and not policy.can_upload_for(user, ["GM0363"])
    assert policy.may_see_delivery(provincie, "PV27") and not policy.may_see_delivery(provincie, "PV28")
    assert not policy.may_see_delivery(provincie, None) and policy.may_see_delivery(beheerder, None)
    assert not policy.may_see_delivery(gemeente, "PV27") and not policy.may_see_delivery(disabled, None)
    assert policy.can_manage_users(beheerder) and not any(map(policy.can_manage_users, (gemeente, provincie, disabled, None)))


# Who may download one upload's stored original, written out: (uploader, the upload's gemeenten) -> roles allowed.
# "amsterdam" is the gemeente of PRINCIPALS (GM0363); a file about several gemeenten only for its own sender.
ORIGINALS = {
    ("amsterdam", ("GM0363",)): {"gemeente", "beheerder"},  # its own delivery
    ("amsterdam-collega", ("GM0363",)): {"gemeente", "beheerder"},  # a colleague's, for Amsterdam only
    ("vng", ("GM0363",)): {"gemeente", "beheerder"},  # the beheerder delivered for Amsterdam
    ("rotterdam", ("GM0599",)): {"beheerder"},  # another gemeente's
    ("vng", ("GM0363", "GM0599")): {"beheerder"},  # a region's file: also about Rotterdam
    ("samenwerking", ("GM0363", "GM0599")): {"beheerder"},
    ("rotterdam", ()): {"beheerder"},  # gemeenten unknown: only its sender
    ("amsterdam", ()): {"gemeente", "beheerder"},
}


@pytest.mark.parametrize("role", ROLES)
def test_policy_table_for_originals(role):
    user = PRINCIPALS[role]
    assert policy.can_download_originals(user) is (role in ("gemeente", "beheerder"))
    for (uploader, codes), allowed in ORIGINALS.items():
        assert policy.can_download_original(user, uploader, codes) is (role in allowed), (uploader, codes)


def test_a_region_file_is_only_for_its_sender_and_the_beheerder():
    both = Principal(5, "samenwerking", "gemeente", frozenset({"GM0363", "GM0599"}), None, True)
    colleague = Principal(6, "samenwerking-2", "gemeente", frozenset({"GM0363", "GM0599"}), None, True)
    region = ("GM0363", "GM0599")
    assert policy.can_download_original(both, "samenwerking", region)
    assert not policy.can_download_original(colleague, "samenwerking", region)  # same scope, not its file
    assert policy.can_download_original(colleague, "samenwerking", ["GM0599"])  # one gemeente of its own
    moved = Principal(5, "samenwerking", "gemeente", frozenset({"GM0599"}), None, True)
    assert not policy.can_download_original(moved, "samenwerking", region)  # its scope no longer covers the file
    lost = Principal(1, "amsterdam", "gemeente", frozenset(), None, True)
    assert not policy.can_download_original(lost, "amsterdam", ["GM0363"])  # an account without gemeenten downloads nothing


# --------------------------------------------------------------------------------------------
# The entry points
# --------------------------------------------------------------------------------------------


@pytest.fixture
def world(ref_db):
    """The real app; per role a client logged in through the form (the disabled account was
    logged in before it was disabled) and its API token."""
    app = make_app(ref_db)
    actors = create_actors(ref_db)
    clients, tokens = {}, {}
    for role in ROLES:
        actor = actors[ACTOR[role]]
        client = app.server.test_client()
        client.get("/")
        if actor.password:
            login(client, actor.username, actor.password)
        clients[role], tokens[role] = client, actor.token
    with db.session(ref_db) as s:
        users.disable_user(s, actors["uitgeschakeld"].username, actor="test")
    return app, ref_db, clients, tokens


def over_http(role: str) -> Principal | None:
    """Whom a request of this role is for: a disabled account's session has ended, so it is anonymous."""
    return None if role == "uitgeschakeld" else PRINCIPALS[role]


def assert_page_answer(resp, access: Access, path: str) -> None:
    if access is ALLOW:
        assert resp.status_code == 200, (path, resp.status_code)
    elif access is LOGIN:
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next="), (path, resp.status_code)
    else:
        assert resp.status_code == 403, (path, resp.status_code)


@pytest.mark.parametrize("public", [True, False], ids=["openbaar", "besloten"])
def test_pages_over_http_answer_what_the_policy_says(world, public):
    app, url, clients, _ = world
    security.install(app, url=url, public=public)
    for role in ROLES:
        for path in [*PAGES, *PUBLIC_PAGES]:
            access = policy.page_access(over_http(role), path, public)
            if role != "uitgeschakeld" and path in PAGES:
                assert access is PAGES[path][role]
            assert_page_answer(clients[role].get(path), access, f"{role} {path}")


def test_api_endpoints_answer_what_the_policy_says(world):
    app, url, clients, tokens = world
    rules = {(m, re.sub(r"<[^>]+>", "<>", r.rule)) for r in app.server.url_map.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}}
    api_rules = {rule for rule in rules if rule[1].startswith("/api/v1/") and rule[1] != "/api/v1/ik"}
    stated = {(e.method, re.sub(r"<[^>]+>", "<>", e.path)) for e in policy.ENDPOINTS.values()}
    assert api_rules == stated  # every endpoint has its rule in the policy, and only real ones
    for role in ROLES:
        for name, (method, path, extra) in REQUESTS.items():
            kwargs = {}
            if "json" in extra:
                kwargs["json"] = extra["json"]
            if "data" in extra:
                kwargs["data"] = multipart(csv_file([("GM0363", "in voorbereiding", "")]))
            for how in ("sessie", "token"):
                client = app.server.test_client() if how == "token" else clients[role]
                headers = {"Authorization": f"Bearer {tokens[role]}"} if how == "token" else csrf_headers(client)
                if how == "token" and not tokens[role]:
                    continue
                resp = client.open(path, method=method, headers=headers, **{k: _fresh(v) for k, v in kwargs.items()})
                if how == "token" and role == "uitgeschakeld" and not policy.ENDPOINTS[name].open:
                    assert resp.status_code == 401, (name, resp.status_code)  # a disabled account's token is no credential
                    continue
                access = policy.endpoint_access(over_http(role), name, True)
                if role != "uitgeschakeld":
                    assert access is ENDPOINTS[name][role]
                label = (role, how, name, resp.status_code, resp.get_data(as_text=True)[:200])
                if access is ALLOW:
                    assert resp.status_code in (200, 400, 404), label
                else:
                    assert resp.status_code == (401 if access is LOGIN else 403), label
                    assert resp.get_json()["fout"], label


def _fresh(value):
    """A new multipart body per request (the file object is read once)."""
    if isinstance(value, dict) and "file" in value:
        return multipart(csv_file([("GM0363", "in voorbereiding", "")]))
    return value


def test_menus_show_exactly_the_pages_the_policy_allows(world):
    app, url, clients, _ = world
    for role in ROLES:
        client = clients[role]
        allowed = [p.path for p in policy.pages_for(over_http(role))]
        assert allowed == (MENU[role] if role != "uitgeschakeld" else [])
        layout = json.dumps(client.get("/_dash-layout").get_json())
        assert sorted(set(PROTECTED.findall(layout))) == sorted(allowed), role
        assert [item["href"] for item in security.account_menu(over_http(role)) if item["kind"] == "page"] == allowed
        if over_http(role) is not None:
            frame = client.get("/logout")  # a page Flask renders itself, in the same frame
            assert frame.status_code == 200
            assert sorted(set(PROTECTED.findall(frame.get_data(as_text=True)))) == sorted(allowed), role
