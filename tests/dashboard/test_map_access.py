"""Who may fetch ``/kaart.svg``, ``/kaart.png`` and ``/embed/kaart``: exactly who may open ``/``,
the page whose map they show (``policy.SAME_ACCESS_AS``). Over HTTP against a live server with
``ETVI_PUBLIC`` false (the normal Dutch login answer for anonymous, the image for a logged-in
user, never a shared cache) and true (everyone, cacheable by anyone); on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import requests

from etvi.accounts import policy, users
from etvi.accounts.policy import Principal
from models import db
from tests.support.app import create_actors, make_app

pytestmark = pytest.mark.geodata

QUERY = "peildatum=2025-06-30&onderdeel=verordening"
KINDS = {"/kaart.svg": "image/svg+xml", "/kaart.png": "image/png", "/embed/kaart": "text/html"}
USERS = [
    None,
    Principal(1, "amsterdam", "gemeente", frozenset({"GM0363"}), None, True),
    Principal(2, "noord-holland", "provincie", frozenset(), "PV27", True),
    Principal(3, "vng", "beheerder", frozenset(), None, True),
    Principal(4, "oud-amsterdam", "gemeente", frozenset({"GM0363"}), None, False),
]


def test_the_policy_answers_for_them_as_for_the_home_page():
    for path in KINDS:
        assert path not in policy.OPEN_PATHS and policy.SAME_ACCESS_AS[path] == "/"
        for user in USERS:
            for public in (True, False):
                for variant in (path, path + "/", f"{path}?{QUERY}"):
                    assert policy.page_access(user, variant, public) is policy.page_access(user, "/", public), (variant, user, public)


def _log_in(url: str, actor) -> requests.Session:
    """A browser session logged in through the login form."""
    s = requests.Session()
    s.headers["Accept"] = "text/html,*/*;q=0.8"  # as a browser asks
    s.get(f"{url}/login", timeout=60)
    form = {"gebruikersnaam": actor.username, "wachtwoord": actor.password, "csrf_token": s.cookies.get("_csrf_token"), "next": "/"}
    r = s.post(f"{url}/login", data=form, headers={"Origin": url}, allow_redirects=False, timeout=60)
    assert r.status_code == 302, r.text[:300]
    return s


def test_not_public_only_a_logged_in_user_gets_the_map(ref_db, live_server, fast_hashing):
    actors = create_actors(ref_db)
    server = live_server(ref_db, app=make_app(ref_db, public=False))
    url = server.url
    for path, kind in KINDS.items():
        # anonymous: what "/" answers — to the login form, or a Dutch 401 for a client that wants JSON
        r = requests.get(f"{url}{path}?{QUERY}", headers={"Accept": "text/html"}, allow_redirects=False, timeout=60)
        assert r.status_code == 302, (path, r.status_code)
        assert r.headers["Location"].startswith("/login?next=%2F"), r.headers["Location"]
        assert path.strip("/").replace("/", "%2F") in r.headers["Location"]
        r = requests.get(f"{url}{path}?{QUERY}", headers={"Accept": "application/json"}, timeout=60)
        assert r.status_code == 401 and r.json()["fout"] == "Inloggen is vereist.", (path, r.text[:200])
        # followed, as a browser or a framing site's <iframe> does: the Dutch login page, no map, not frameable
        r = requests.get(f"{url}{path}?{QUERY}", headers={"Accept": "text/html"}, timeout=60)
        assert r.status_code == 200 and r.url.startswith(f"{url}/login") and "Inloggen" in r.text
        assert "<svg" not in r.text and "data-code" not in r.text and r.headers["X-Frame-Options"] == "DENY"

    for who in ("gemeente_a", "provincie", "beheerder"):
        s = _log_in(url, actors[who])
        for path, kind in KINDS.items():
            r = s.get(f"{url}{path}?{QUERY}", allow_redirects=False, timeout=60)
            assert r.status_code == 200 and r.headers["Content-Type"].startswith(kind), (who, path, r.status_code)
            assert r.headers["Cache-Control"].startswith("private,"), r.headers["Cache-Control"]
        r = s.post(f"{url}/logout", data={"csrf_token": s.cookies.get("_csrf_token")}, headers={"Origin": url}, allow_redirects=False, timeout=60)
        assert r.status_code == 302, r.text[:300]
        assert s.get(f"{url}/kaart.svg", allow_redirects=False, timeout=60).status_code == 302  # logged out: closed again

    # an account disabled while logged in: its open session gets the login answer at once
    s = _log_in(url, actors["uitgeschakeld"])
    assert s.get(f"{url}/embed/kaart?{QUERY}", allow_redirects=False, timeout=60).status_code == 200
    with db.session(ref_db) as session:
        users.disable_user(session, actors["uitgeschakeld"].username, actor="test")
    for path in KINDS:
        assert s.get(f"{url}{path}?{QUERY}", allow_redirects=False, timeout=60).status_code == 302, path


def test_public_everyone_gets_the_map(ref_db, live_server):
    url = live_server(ref_db, app=make_app(ref_db, public=True)).url
    for path, kind in KINDS.items():
        r = requests.get(f"{url}{path}?{QUERY}", allow_redirects=False, timeout=60)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(kind), (path, r.status_code)
        assert r.headers["Cache-Control"].startswith("public,")
