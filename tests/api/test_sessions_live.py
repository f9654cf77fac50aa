"""A logout on the real server (``etvi serve``: gunicorn, two worker processes) ends every copy of
the session cookie at once, whichever worker answers; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.api.support import create_actors, csv_file
from tests.dashboard.conftest import free_port

ROUNDS = 12  # requests per check, spread by gunicorn over its workers


@pytest.fixture
def served(ref_db, tmp_path):
    port = free_port()
    env = dict(os.environ)
    env.update(
        ETVI_DATABASE_URL=ref_db,
        ETVI_SECRET_KEY="test-secret-key-not-for-production",
        ETVI_CACHE_DIR=str(tmp_path / "cache"),
        ETVI_GEO_URL="http://127.0.0.1:9/",  # never download boundaries in a test
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", "from etvi.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read()[-3000:]
            assert time.time() < deadline, "etvi serve kwam niet op"
            try:
                if requests.get(base + "/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        yield base, create_actors(ref_db)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


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
