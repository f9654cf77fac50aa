"""Shared fixtures: a fresh, migrated database per test on SQLite and, when
``ETVI_TEST_POSTGRES_URL`` is set, the same test again on PostgreSQL.

PostgreSQL is added by parametrisation, not by skipping, so a run without a server
reports only tests that really ran.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from etl import referencedata
from models import db

# Browser waits: the first page a test server renders builds its caches, which takes seconds on
# a busy 2-core CI machine; Playwright's default of 5 s for expect() is too short there.
try:
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=20_000)
except ImportError:  # pragma: no cover - playwright is a dev dependency
    pass

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_URL = os.environ.get("ETVI_TEST_POSTGRES_URL")
CHROMIUM = os.environ.get("ETVI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


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


def create_database(backend: str, tmp_path: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'etvi.sqlite'}", lambda: None
    name = f"etvi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop():
        db.dispose_all()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture
def db_url(backend, tmp_path, monkeypatch):
    """A fresh database with the schema, on each backend; ETVI_DATABASE_URL points at it."""
    url, drop = create_database(backend, tmp_path)
    monkeypatch.setenv("ETVI_DATABASE_URL", url)
    db.upgrade(url)
    yield url
    db.dispose_all()
    drop()


def sample_geography() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 2026 gemeenten and provincies (codes and names only, no boundaries)."""
    return pd.read_csv(FIXTURES / "provincies_2026.csv"), pd.read_csv(FIXTURES / "gemeenten_2026.csv")


@pytest.fixture
def ref_db(db_url):
    """A database with reference data: 342 gemeenten, 12 provincies, statuses, milestones, mergers."""
    provincies, gemeenten = sample_geography()
    with db.session(db_url) as s:
        referencedata.load_data_files(s, REPO / "data")
        referencedata.load_geography(s, provincies, gemeenten)
    return db_url


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium per test process, driven by Playwright's sync API.

    Shared because Playwright allows one sync driver per process. A missing Chromium fails
    the test: ``make test`` installs it, so its absence is a broken setup, not a reason to skip.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ontbreekt: installeer Debian's chromium (make test doet dat als root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def accounts_app(ref_db):
    """The real app (security and API installed) on ``ref_db`` with the standard accounts of
    ``tests.api.support.create_actors``, and ``client_for(actor)``: a fresh Flask test client,
    logged in through the login form as that actor (``None``: anonymous).

    Unpacks as ``app, actors, client_for``.
    """
    from tests.api.support import create_actors, login, make_app

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
