"""Shared fixtures: a fresh, migrated database per test on SQLite and, when
``ETVI_TEST_POSTGRES_URL`` is set, the same test again on PostgreSQL; the browser; the real app
with accounts; live servers; browser pages that fail the test on a script error.

PostgreSQL is added by parametrisation, not by skipping, so a run without a server
reports only tests that really ran. Helpers that tests import live in ``tests/support/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import expect, sync_playwright

from etvi.accounts import passwords
from models import db
from tests.support import live
from tests.support.app import create_actors, login, make_app
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PAGE_OPTIONS, page_errors, record_errors
from tests.support.database import BACKENDS, PG_URL, create_database, load_reference_data
from tests.support.paths import REPO
from tests.support.smtp import SmtpServer

# Browser waits: the first page a test server renders builds its caches, which takes seconds on
# a busy 2-core CI machine; Playwright's default of 5 s for expect() is too short there.
expect.set_options(timeout=20_000)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """No test reads or writes the developer's data/ folder or database."""
    for key in list(os.environ):
        if key.startswith("ETVI_") and key not in ("ETVI_GEO_DIR", "ETVI_TEST_POSTGRES_URL"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ETVI_DATA_DIR", str(REPO / "data"))
    monkeypatch.setenv("ETVI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ETVI_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite'}")


@pytest.fixture
def db_url(backend, tmp_path, monkeypatch):
    """A fresh database with the schema, on each backend; ETVI_DATABASE_URL points at it."""
    url, drop = create_database(backend, tmp_path)
    monkeypatch.setenv("ETVI_DATABASE_URL", url)
    db.upgrade(url)
    yield url
    db.dispose_all()
    drop()


@pytest.fixture
def ref_db(db_url):
    """A database with reference data: 342 gemeenten, 12 provincies, statuses, milestones, mergers."""
    load_reference_data(db_url)
    return db_url


@pytest.fixture
def postgres_ref_db(tmp_path, monkeypatch):
    """``ref_db`` on PostgreSQL only, for what needs a server database (several app servers on one)."""
    if not PG_URL:
        pytest.fail("ETVI_TEST_POSTGRES_URL is niet gezet: deze test draait op PostgreSQL.")
    url, drop = create_database("postgres", tmp_path)
    monkeypatch.setenv("ETVI_DATABASE_URL", url)
    db.upgrade(url)
    load_reference_data(url)
    yield url
    db.dispose_all()
    drop()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium per test process, driven by Playwright's sync API.

    Shared because Playwright allows one sync driver per process. A missing Chromium fails
    the test: ``make test`` installs it, so its absence is a broken setup, not a reason to skip.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ontbreekt: installeer Debian's chromium (make test doet dat als root).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """``new_page(**context_options)``: a page in a fresh browser context, Dutch at 1280×900 unless
    the options say otherwise (``PAGE_OPTIONS`` in tests/support/browser.py), that keeps its console
    and page errors in ``page.errors``. After the test the contexts close and a page error (an
    uncaught script error) on any of these pages fails the test, wherever in the test it came."""
    contexts, pages = [], []

    def make(**context_options):
        context = browser.new_context(**{**PAGE_OPTIONS, **context_options})
        contexts.append(context)
        pg = context.new_page()
        record_errors(pg)
        pages.append(pg)
        return pg

    yield make
    for context in contexts:
        context.close()
    errors = page_errors(pages)
    if errors:
        pytest.fail("Scriptfouten in de browser:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(new_page):
    """A page of ``new_page`` with the standard options: a page error fails the test."""
    return new_page()


@pytest.fixture
def accounts_app(ref_db):
    """The real app (security and API installed) on ``ref_db`` with the standard accounts of
    ``tests.support.app.create_actors``, and ``client_for(actor)``: a fresh Flask test client,
    logged in through the login form as that actor (``None``: anonymous).

    Unpacks as ``app, actors, client_for``.
    """
    app = make_app(ref_db)
    actors = create_actors(ref_db)

    def client_for(actor_key: str | None):
        client = app.server.test_client()
        client.get("/")
        if actor_key:
            a = actors[actor_key]
            login(client, a.username, a.password)
        return client

    return app, actors, client_for


@pytest.fixture
def live_server(tmp_path):
    """Start live servers on 127.0.0.1 (``tests.support.live``): ``live_server(db_url)`` runs the
    real app in this process in a thread, ``live_server(db_url, "serve")`` the real ``etvi serve``
    in a subprocess (a test on both: parametrise the kind); ``env=`` adds environment variables,
    see ``LiveServers.start`` for the rest. Returns a ``LiveServer``; all are stopped after the test."""
    with live.LiveServers(tmp_path) as servers:
        yield servers.start


@pytest.fixture
def fixed_secret_key(monkeypatch):
    """A fixed ETVI_SECRET_KEY, so the tests of accounts and uploads need no key from the database."""
    monkeypatch.setenv("ETVI_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap Argon2id parameters in this process (each real hash takes ~0.2 s); the CLI in a
    subprocess and production keep the library's recommended ones."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server (aiosmtpd, ``tests.support.smtp``) on a free port of 127.0.0.1, stopped
    after the test; ETVI_SMTP_URL, ETVI_MAIL_FROM and ETVI_PUBLIC_URL point at it in this process
    (``server.env()`` gives them to a subprocess)."""
    with SmtpServer() as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        yield server


@pytest.fixture(params=["starttls", "smtps"])
def smtp_tls_server(request, tmp_path, monkeypatch):
    """Like ``smtp_server``, but the server requires TLS (STARTTLS, or from the start: smtps://;
    a self-signed certificate, trusted in this process through SSL_CERT_FILE) and then a login
    (``smtp_tls_server.login``)."""
    implicit = request.param == "smtps"
    with SmtpServer(tls_folder=tmp_path, login=("mailer", "geheim:wachtwoord"), implicit_tls=implicit) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        yield server
