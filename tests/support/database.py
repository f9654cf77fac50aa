"""Test databases: a fresh one per use on SQLite or PostgreSQL (``ETVI_TEST_POSTGRES_URL``), and the
reference data and sample history they are filled with."""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from etl import referencedata
from models import db
from tests.support import sample_data
from tests.support.paths import FIXTURES, REPO

PG_URL = os.environ.get("ETVI_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])

# Short history for function-scoped databases (fast on both backends); the browser server gets more.
TEST_START, TEST_END = date(2024, 3, 31), date(2026, 9, 30)


def create_database(backend: str, tmp_path: Path) -> tuple[str, callable]:
    """An empty database on ``backend``: its URL and a function that drops it."""
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


def sample_geography() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 2026 gemeenten and provincies (codes and names only, no boundaries)."""
    return pd.read_csv(FIXTURES / "provincies_2026.csv"), pd.read_csv(FIXTURES / "gemeenten_2026.csv")


def build_reference_db(url: str) -> None:
    """Migrate ``url`` and load the reference data."""
    db.upgrade(url)
    load_reference_data(url)


def load_reference_data(url: str) -> None:
    """342 gemeenten, 12 provincies, statuses, milestones, mergers into the migrated ``url``."""
    provincies, gemeenten = sample_geography()
    with db.session(url) as s:
        referencedata.load_data_files(s, REPO / "data")
        referencedata.load_geography(s, provincies, gemeenten)


def filled_database(backend: str, tmp_path):
    """A new database with the reference data and a status history (``TEST_START``..``TEST_END``)."""
    url, drop = create_database(backend, tmp_path)
    build_reference_db(url)
    sample_data.populate(url, start=TEST_START, end=TEST_END)
    db.dispose_all()
    return url, drop
