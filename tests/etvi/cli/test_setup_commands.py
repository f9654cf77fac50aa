"""`etvi init`, `etvi db`, `etvi regio` through the real console entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models import queries
from tests.support.cli import etvi

GEO_DIR = os.environ.get("ETVI_GEO_DIR")
needs_geo = pytest.mark.skipif(not GEO_DIR, reason="ETVI_GEO_DIR is not set (CI always sets it)")


def test_help_lists_the_commands():
    proc = etvi("--help")
    assert proc.returncode == 0
    for command in ("init", "db", "regio"):
        assert command in proc.stdout


def test_bad_database_url_is_a_dutch_error():
    proc = etvi("db", "upgrade", env={"ETVI_DATABASE_URL": "geen-url"})
    assert proc.returncode == 2
    assert "ETVI_DATABASE_URL is geen geldige database-URL" in proc.stderr


def test_unreachable_server_is_a_dutch_error():
    proc = etvi("db", "upgrade", env={"ETVI_DATABASE_URL": "postgresql+psycopg://x:y@127.0.0.1:9/z"})
    assert proc.returncode == 3
    assert "niet bereikbaar" in proc.stderr


def test_uninitialised_database_says_run_init(tmp_path):
    proc = etvi("regio", "list", env={"ETVI_DATABASE_URL": f"sqlite:///{tmp_path / 'leeg.sqlite'}"})
    assert proc.returncode == 3
    assert "etvi init" in proc.stderr


def test_db_upgrade_then_status(db_url):
    assert etvi("db", "upgrade", env={"ETVI_DATABASE_URL": db_url}).returncode == 0
    from alembic.script import ScriptDirectory

    from models import db

    head = ScriptDirectory.from_config(db.alembic_config(db_url)).get_current_head()
    proc = etvi("db", "status", env={"ETVI_DATABASE_URL": db_url})
    assert f"Schemaversie: {head}" in proc.stdout


def test_init_without_boundaries_explains_how_to_get_them(tmp_path):
    env = {
        "ETVI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "ETVI_GEO_DIR": "",
        "ETVI_CACHE_DIR": str(tmp_path / "cache"),
        "ETVI_GEO_URL": "http://127.0.0.1:9/",
    }
    proc = etvi("init", env=env)
    assert proc.returncode == 2
    assert "ETVI_GEO_DIR" in proc.stderr


def test_init_with_missing_geo_dir(tmp_path):
    proc = etvi("init", env={"ETVI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "ETVI_GEO_DIR": str(tmp_path / "bestaat-niet")})
    assert proc.returncode == 2
    assert "bestaat-niet" in proc.stderr


def test_init_with_corrupt_boundary_file(tmp_path):
    geo = tmp_path / "geo"
    geo.mkdir()
    (geo / "gemeente_2026.topojson").write_text("{dit is geen json", encoding="utf-8")
    (geo / "provincie_2026.topojson").write_text("{}", encoding="utf-8")
    proc = etvi("init", env={"ETVI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "ETVI_GEO_DIR": str(geo)})
    assert proc.returncode == 2
    assert "kan niet worden gelezen" in proc.stderr and "_2026.topojson" in proc.stderr


@needs_geo
@pytest.mark.geodata
def test_init_loads_reference_data_and_is_repeatable(backend, db_url, tmp_path):
    env = {"ETVI_DATABASE_URL": db_url}
    first = etvi("init", env=env)
    assert first.returncode == 0, first.stderr
    assert len(queries.gemeenten(db_url)) == 342
    assert len(queries.provincies(db_url)) == 12
    assert queries.gemeenten(db_url).provincie_code.notna().all()
    assert "ggdregio" in queries.region_types(db_url)
    second = etvi("init", env=env)
    assert second.returncode == 0, second.stderr
    assert "niets gewijzigd" in second.stdout


@needs_geo
@pytest.mark.geodata
def test_bad_milestone_file_leaves_database_unchanged(db_url, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    repo_data = Path(__file__).resolve().parents[3] / "data"
    for name in ("statussen.csv", "fusies.csv", "naamvarianten.csv"):
        (data / name).write_bytes((repo_data / name).read_bytes())
    text = (repo_data / "mijlpalen.csv").read_text(encoding="utf-8").replace("2025-07-03", "2025-07-33")
    (data / "mijlpalen.csv").write_text(text, encoding="utf-8")
    assert etvi("init", env={"ETVI_DATABASE_URL": db_url}).returncode == 0
    before = queries.milestones(db_url)
    proc = etvi("init", env={"ETVI_DATABASE_URL": db_url, "ETVI_DATA_DIR": str(data)})
    assert proc.returncode == 2
    assert "mijlpalen.csv" in proc.stderr and "kolom datum" in proc.stderr
    assert queries.milestones(db_url).equals(before)


@needs_geo
@pytest.mark.geodata
def test_geo_commands_show_files_and_shape_sizes(db_url):
    env = {"ETVI_DATABASE_URL": db_url}
    init = etvi("init", env=env)
    assert "Kaartvormen voor de browser" in init.stdout and "gemeente" in init.stdout
    info = etvi("geo", "info", env=env)
    assert info.returncode == 0 and "2026" in info.stdout and "ggdregio" in info.stdout
    shapes = etvi("geo", "vormen", env=env)
    assert shapes.returncode == 0 and "KB" in shapes.stdout


def test_regio_load_rejects_unknown_gemeente_and_loads_a_list(ref_db, tmp_path):
    bad = tmp_path / "regio_fout.csv"
    bad.write_text("gemeentecode;regiotype;regiocode;regionaam\nGM9999;woningmarktregio;WMR01;Test\n", encoding="utf-8")
    proc = etvi("regio", "load", str(bad), env={"ETVI_DATABASE_URL": ref_db})
    assert proc.returncode == 2 and "GM9999" in proc.stderr
    assert queries.region_memberships("woningmarktregio", ref_db).empty
    good = tmp_path / "regio_wmr.csv"
    good.write_text(
        "gemeentecode;regiotype;regiocode;regionaam\n0363;woningmarktregio;WMR01;Amsterdam e.o.\nGM0518;woningmarktregio;WMR02;Haaglanden\n",
        encoding="utf-8",
    )
    proc = etvi("regio", "load", str(good), env={"ETVI_DATABASE_URL": ref_db})
    assert proc.returncode == 0, proc.stderr
    loaded = queries.region_memberships("woningmarktregio", ref_db)
    assert dict(zip(loaded.gemeente_code, loaded.region_code)) == {"GM0363": "WMR01", "GM0518": "WMR02"}
    again = etvi("regio", "load", str(good), env={"ETVI_DATABASE_URL": ref_db})
    assert "Niets gewijzigd" in again.stdout


def test_regio_load_applies_the_file_limits_and_says_what_it_replaces(ref_db, tmp_path):
    env = {"ETVI_DATABASE_URL": ref_db}
    first = tmp_path / "regio_a.csv"
    first.write_text("gemeentecode;regiotype;regiocode;regionaam\nGM0363;woningmarktregio;WMR01;A\nGM0599;woningmarktregio;WMR02;B\nGM0518;woningmarktregio;WMR02;B\n", encoding="utf-8")
    assert etvi("regio", "load", str(first), env=env).returncode == 0
    second = tmp_path / "regio_b.csv"
    second.write_text("gemeentecode;regiotype;regiocode;regionaam\nGM0363;woningmarktregio;WMR01;A\n", encoding="utf-8")
    proc = etvi("regio", "load", str(second), env=env)
    assert proc.returncode == 0 and "vervangt de bestaande indeling woningmarktregio: 3 → 1 gemeenten" in proc.stdout, proc.stdout

    too_many = etvi("regio", "load", str(first), env={**env, "ETVI_MAX_ROWS": "2"})
    assert too_many.returncode == 2 and "meer dan 2 rijen" in too_many.stderr and "ETVI_MAX_ROWS" in too_many.stderr
    big = tmp_path / "regio_groot.csv"
    big.write_bytes(b"gemeentecode;regiotype;regiocode\n" + b"GM0363;woningmarktregio;WMR01\n" * 40_000)
    too_big = etvi("regio", "load", str(big), env={**env, "ETVI_MAX_FILE_MB": "1"})
    assert too_big.returncode == 2 and "het maximum is 1 MB" in too_big.stderr
    import openpyxl

    bomb = tmp_path / "regio_bom.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["gemeentecode", "regiotype", "regiocode", "regionaam"])
    ws.append(["GM0363", "woningmarktregio", "WMR01", "x" * 32_000])
    for _ in range(60):
        ws.append(["GM0363", "woningmarktregio", "WMR01", "x" * 32_000])
    wb.save(bomb)
    proc = etvi("regio", "load", str(bomb), env={**env, "ETVI_MAX_UNCOMPRESSED_MB": "1"})
    assert proc.returncode == 2 and "zou uitgepakt" in proc.stderr and "het maximum is 1 MB" in proc.stderr, proc.stderr
    macro = tmp_path / "regio.xlsx"
    macro.write_bytes(b"gemeentecode;regiotype;regiocode\n")
    proc = etvi("regio", "load", str(macro), env=env)
    assert proc.returncode == 2 and "de inhoud past niet bij de extensie" in proc.stderr
    assert set(queries.region_memberships("woningmarktregio", ref_db).gemeente_code) == {"GM0363"}
