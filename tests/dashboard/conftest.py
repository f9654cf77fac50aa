"""Fixtures for the dashboard tests.

* ``synthetic_shapes``: a shape loader with tiny square "gemeenten" (and dissolved regions), so
  callback tests need no boundary files.
* ``dash_db``: ``ref_db`` (342 gemeenten, statuses, milestones) plus a status history and two
  synthetic region types (tests/dashboard/sample_data.py), on SQLite and PostgreSQL.
* ``live``: for browser tests, one server per test module, started in-process in a thread on
  127.0.0.1 and a free port, on a database built like ``ref_db`` and filled the same way; it
  uses the real boundary files (ETVI_GEO_DIR), so browser tests are also ``geodata`` tests.
* ``browser``: headless Debian Chromium through Playwright, one per session.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from etl import referencedata
from models import db
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, create_database, sample_geography  # noqa: E402,F401
from tests.dashboard import sample_data

# Short history for function-scoped databases (fast on both backends); the browser server gets more.
TEST_START, TEST_END = date(2024, 3, 31), date(2026, 9, 30)


def square(x: float, y: float, size: float = 0.05) -> dict:
    # clockwise exterior ring (what Plotly's geo maps expect)
    return {"type": "Polygon", "coordinates": [[[x, y], [x, y + size], [x + size, y + size], [x + size, y], [x, y]]]}


def synthetic_loader(level: str, year, memberships: pd.DataFrame | None) -> dict:
    """Squares on a grid: gemeenten by code, provincies and regions as a square per code."""
    _, gemeenten = sample_geography()
    provincies, _ = sample_geography()
    if level == "gemeente":
        items = list(zip(gemeenten["code"], gemeenten["name"]))
    elif level == "provincie":
        items = list(zip(provincies["code"], provincies["name"]))
    else:
        m = memberships[memberships["region_type"] == level].drop_duplicates("region_code")
        items = list(zip(m["region_code"], m["region_name"]))
    features = []
    for i, (code, name) in enumerate(sorted(items)):
        features.append(
            {"type": "Feature", "id": code, "properties": {"code": code, "name": name}, "geometry": square(3.4 + (i % 20) * 0.1, 50.8 + (i // 20) * 0.1)}
        )
    return {"type": "FeatureCollection", "features": features}


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
    from dashboard.app import create_app

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


# --- live server for browser tests ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Live:
    url: str
    db_url: str
    app: object


def build_reference_db(url: str) -> None:
    db.upgrade(url)
    provincies, gemeenten = sample_geography()
    with db.session(url) as s:
        referencedata.load_data_files(s, REPO / "data")
        referencedata.load_geography(s, provincies, gemeenten)


def start_server(app, port: int):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="etvi-test-server", daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    if not os.environ.get("ETVI_GEO_DIR"):
        pytest.skip(reason="ETVI_GEO_DIR is niet gezet: de browsertests gebruiken de echte grensbestanden")
    from dashboard.app import complete_setup, create_app

    tmp = tmp_path_factory.mktemp("live")
    url, drop = create_database("sqlite", tmp)
    build_reference_db(url)
    sample_data.populate(url, start=date(2023, 3, 31), end=date(2026, 9, 30))
    old_cache = os.environ.get("ETVI_CACHE_DIR")
    os.environ["ETVI_CACHE_DIR"] = str(tmp / "cache")
    app = create_app(url)
    with app.server.app_context():
        from dashboard.runtime import current

        current().shape("gemeente")  # build the browser shapes once, before any page asks
    complete_setup(app)  # as every `etvi serve` worker does: no first-request race in the threaded server
    port = free_port()
    server = start_server(app, port)
    try:
        yield Live(url=f"http://127.0.0.1:{port}", db_url=url, app=app)
    finally:
        server.shutdown()
        if old_cache is None:
            os.environ.pop("ETVI_CACHE_DIR", None)
        else:
            os.environ["ETVI_CACHE_DIR"] = old_cache
        db.dispose_all()
        drop()


@pytest.fixture
def page(browser):
    """A fresh browser context and page that records console errors and page errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"pageerror: {e}"))
    yield pg
    context.close()


def wait_for_dash(pg, timeout: float = 20.0) -> None:
    """Wait until Dash has rendered and no callback is pending."""
    pg.wait_for_selector("main h1", timeout=timeout * 1000)
    deadline = time.time() + timeout
    while time.time() < deadline:
        busy = pg.evaluate("document.querySelectorAll('[data-dash-is-loading=\"true\"], .dash-graph--pending').length")
        if not busy:
            return
        time.sleep(0.05)
    raise TimeoutError(f"Dash is after {timeout:.0f} s still busy")
