"""The wheel: it carries the reference data, and the installed package runs ``etvi init`` from an
arbitrary folder (no clone, no ETVI_DATA_DIR), writing its database under that folder's ``data/``."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from etl import referencedata
from tests.support.paths import REPO

REFERENCE_FILES = sorted(p.name for p in (REPO / "data").glob("*.csv"))
# What a working clone holds besides the sources; none of it belongs in the wheel.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
    "tests", "benchmarks", "cache", "uploads", "demo", "*.sqlite*", "secret_key", "node_modules",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built by pip from a copy of the sources (an in-tree build would leave build/ in the clone).
    With the locked setuptools (make test, CI) without network; with an older one pip fetches the
    backend pyproject.toml asks for."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    isolation = [] if int(metadata.version("setuptools").split(".")[0]) < 77 else ["--no-build-isolation"]
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(tmp / "dist"), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (built,) = (tmp / "dist").glob("etvi_monitor-*.whl")
    return built


def test_wheel_carries_the_reference_data_and_nothing_of_the_working_folder(wheel):
    assert {"statussen.csv", "mijlpalen.csv", "fusies.csv", "naamvarianten.csv"} <= set(REFERENCE_FILES)
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        for name in REFERENCE_FILES:
            assert z.read(f"etvi/referentiedata/{name}") == (REPO / "data" / name).read_bytes(), name
        metadata_text = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert not [n for n in names if n.startswith("data/") or "sqlite" in n or "secret_key" in n or "/cache/" in n]
    # Folders without __init__.py that the installed product reads: migrations, assets, the vendored bundle.
    assert {"etvi/config.py", "models/migrations/env.py", "models/migrations/versions/0001_initial_schema.py",
            "dashboard/assets/style.css", "dashboard/templates/base.html", "dashboard/templates/error.html"} <= set(names)
    assert [n for n in names if n.startswith("dashboard/vendor/plotly-geo-") and n.endswith(".min.js")]
    assert "License-Expression: EUPL-1.2" in metadata_text


@pytest.mark.geodata
@pytest.mark.skipif(not os.environ.get("ETVI_GEO_DIR"), reason="ETVI_GEO_DIR is not set (CI always sets it)")
def test_installed_wheel_runs_etvi_init_from_any_folder(wheel, tmp_path):
    """The wheel goes into a fresh venv with ``--no-deps``; the dependencies come from this test's
    environment through a .pth line (a plain path: the editable install of the clone that lives
    there is not activated), so ``etvi`` is the installed copy and not the clone."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr

    folder = tmp_path / "ergens"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_") and k != "PYTHONPATH"}
    env.update(ETVI_GEO_DIR=os.environ["ETVI_GEO_DIR"], COLUMNS="1000")
    where = subprocess.run([python, "-c", "import etvi; print(etvi.__file__)"], capture_output=True, text=True, cwd=folder, env=env)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout + where.stderr

    proc = subprocess.run([venv / "bin" / "etvi", "init"], capture_output=True, text=True, cwd=folder, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"laden uit {site / 'etvi' / 'referentiedata'}\n" in proc.stdout
    database = folder / "data" / "etvi.sqlite"
    assert database.is_file() and sorted(p.name for p in (folder / "data").iterdir()) == ["cache", "etvi.sqlite"]
    with sqlite3.connect(database) as con:
        milestones = con.execute("select count(*) from milestone").fetchone()[0]
        gemeenten = con.execute("select count(*) from gemeente").fetchone()[0]
    assert milestones == len(referencedata.read_data_files(REPO / "data")["mijlpalen"]) and gemeenten == 342
