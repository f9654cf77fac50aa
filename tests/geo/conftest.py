"""Fixtures for the geo tests: a clean environment and tiny synthetic boundary files
(tests/support/geo.py). Real cartomap files are only used by tests marked ``geodata``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.geo import write_country

# Captured before any fixture removes it: real-data tests opt back in explicitly.
REAL_GEO_DIR = os.environ.get("ETVI_GEO_DIR")


@pytest.fixture(autouse=True)
def geo_env(tmp_path, monkeypatch):
    """No real boundary folder, no download URL, cache in tmp_path, and no proxy for 127.0.0.1."""
    for name in ("ETVI_GEO_DIR", "ETVI_GEO_YEAR", "ETVI_GEO_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ETVI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ETVI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def country(tmp_path, monkeypatch) -> Path:
    """The synthetic country as GeoJSON in a folder that ETVI_GEO_DIR points at."""
    directory = write_country(tmp_path / "grenzen")
    monkeypatch.setenv("ETVI_GEO_DIR", str(directory))
    return directory


@pytest.fixture
def real_geo_dir(monkeypatch) -> Path:
    """The real cartomap folder from ETVI_GEO_DIR; skipped only when the variable is unset."""
    if not REAL_GEO_DIR:
        pytest.skip(reason="ETVI_GEO_DIR is niet gezet; echte grensbestanden ontbreken")
    monkeypatch.setenv("ETVI_GEO_DIR", REAL_GEO_DIR)
    return Path(REAL_GEO_DIR)
