"""A logout on the real server (``etvi serve``: gunicorn, two worker processes) ends every copy of
the session cookie at once, whichever worker answers; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import requests

from tests.support.app import create_actors, csv_file

ROUNDS = 12  # requests per check, spread by gunicorn over its workers


@pytest.fixture
def served(ref_db, live_server):
    server = live_server(ref_db, "serve", env={"ETVI_SECRET_KEY": "test-secret-key-not-for-production"})
    return server.url, create_actors(ref_db)

def _as(base: str, cookies: dict, path: str = "/api/v1/ik", **kwargs) -> requests.Response:
    """A request with exactly these cookies (no jar: a refused request cannot clear them)."""
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    method = kwargs.pop("method", "GET")
    return requests.request(method, base + path, headers={"Cookie": header, **kwargs.pop("headers", {})}, timeout=30, allow_redirects=False, **kwargs)


def test_logout_on_the_real_server_ends_every_copy(served):
    base, actors = served
    a = actors["gemeente_a"]
    browser = requests.Session()
    browser.get(base + "/login", timeout=30)
    csrf = browser.cookies["_csrf_token"]
    resp = browser.post(base + "/login", data={"gebruikersnaam": a.username, "wachtwoord": a.password, "csrf_token": csrf}, timeout=30, allow_redirects=False)
    assert resp.status_code == 302, resp.text[:500]
    copy = {"etvi_sessie": browser.cookies["etvi_sessie"], "_csrf_token": browser.cookies["_csrf_token"]}
    assert all(_as(base, copy).json()["ingelogd"] for _ in range(ROUNDS))

    resp = browser.post(base + "/logout", data={"csrf_token": browser.cookies["_csrf_token"]}, timeout=30, allow_redirects=False)
    assert resp.status_code == 302
    assert not any(_as(base, copy).json()["ingelogd"] for _ in range(ROUNDS))
    upload = _as(
        base, copy, "/api/v1/uploads", method="POST",
        headers={"X-CSRFToken": copy["_csrf_token"]},
        files={"file": ("na-uitloggen.csv", csv_file([("GM0363", "vastgesteld", "kopie")]))},
    )  # fmt: skip
    assert upload.status_code == 401, upload.text[:500]
    page = _as(base, copy, "/aanleveren")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
