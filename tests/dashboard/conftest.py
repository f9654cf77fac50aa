"""Fixtures for the dashboard tests.

* ``synthetic_shapes``: a shape loader with tiny square "gemeenten" (and dissolved regions), so
  callback tests need no boundary files.
* ``dash_db``: ``ref_db`` (342 gemeenten, statuses, milestones) plus a status history and two
  synthetic region types (tests/support/sample_data.py), on SQLite and PostgreSQL.
* ``live``: for browser tests, one in-process server per test module (tests/support/live.py) on
  a database built like ``ref_db`` and filled the same way; it uses the real boundary files
  (ETVI_GEO_DIR), so browser tests are also ``geodata`` tests.
* ``role_page``: on ``live``, one browser page per actor of ``tests.support.app.create_actors``
  (``None``: anonymous), logged in through the login form once and kept for the module.
"""

from __future__ import annotations

import os
from datetime import date

import pytest

from dashboard.app import create_app
from dashboard.runtime import current
from models import db
from tests.support import sample_data
from tests.support.app import create_actors
from tests.support.browser import PAGE_OPTIONS, record_errors
from tests.support.database import TEST_END, TEST_START, build_reference_db, create_database
from tests.support.live import LiveServers
from tests.support.shapes import synthetic_loader


@pytest.fixture
def synthetic_shapes():
    return synthetic_loader


@pytest.fixture
def dash_db(ref_db):
    """ref_db with a quarterly status history (2024-2026) and region types woningmarktregio, koploperregio."""
    sample_data.populate(ref_db, start=TEST_START, end=TEST_END)
    return ref_db


@pytest.fixture
def dash_app(dash_db, synthetic_shapes):
    return create_app(dash_db, shape_loader=synthetic_shapes)


@pytest.fixture
def client(dash_app):
    """A test client that sends the CSRF token like Dash's renderer does."""
    c = dash_app.server.test_client()
    c.get("/")
    cookie = c.get_cookie("_csrf_token")  # set for logged-in sessions only; anonymous callbacks need none
    if cookie is not None:
        c.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return c


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One server per module: the module's browser tests share its database and caches."""
    if not os.environ.get("ETVI_GEO_DIR"):
        pytest.skip(reason="ETVI_GEO_DIR is niet gezet: de browsertests gebruiken de echte grensbestanden")
    tmp = tmp_path_factory.mktemp("live")
    url, drop = create_database("sqlite", tmp)
    build_reference_db(url)
    sample_data.populate(url, start=date(2023, 3, 31), end=date(2026, 9, 30))
    with LiveServers(tmp) as servers:
        servers.set_env({"ETVI_CACHE_DIR": str(tmp / "cache")})
        app = create_app(url)
        with app.server.app_context():
            current().shape("gemeente")  # build the browser shapes once, before any page asks
        yield servers.start(url, app=app)
    db.dispose_all()
    drop()


@pytest.fixture(scope="module")
def role_page(browser, live):
    """``role_page(actor)``: the module's page of that actor (``"beheerder"``, ``"provincie"``,
    ``"gemeente_a"``, …; ``None``: anonymous), logged in through the form on first use. One
    context per actor, so a sweep over many pages logs in once per role, not once per page."""
    actors = create_actors(live.db_url)
    contexts, pages = [], {}

    def get(actor: str | None):
        if actor not in pages:
            context = browser.new_context(**PAGE_OPTIONS)
            contexts.append(context)
            pg = context.new_page()
            record_errors(pg)
            if actor is not None:
                pg.goto(live.url + "/login")
                pg.fill("#gebruikersnaam", actors[actor].username)
                pg.fill("#wachtwoord", actors[actor].password)
                with pg.expect_navigation():
                    pg.press("#wachtwoord", "Enter")
                assert "/login" not in pg.url, f"inloggen als {actor} mislukte"
            pages[actor] = pg
        return pages[actor]

    yield get
    for context in contexts:
        context.close()
