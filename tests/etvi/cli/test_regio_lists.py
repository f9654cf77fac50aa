"""Region membership lists through `etvi regio load` and `etvi init`: pre-merger gemeenten are
mapped to the current one with a warning, and a gemeente in two regio's of one regiotype (in one
list, across lists, or against the boundary layer) is a Dutch error that changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from etl import referencedata
from models import db, queries
from tests.support.cli import etvi
from tests.support.geo import write_country

REPO_DATA = Path(__file__).resolve().parents[3] / "data"
HEADER = "gemeentecode;gemeente;regiotype;regiocode;regionaam\n"


def write_list(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def memberships(url: str, region_type: str) -> dict[str, str]:
    frame = queries.region_memberships(region_type, url)
    return dict(zip(frame.gemeente_code, frame.region_code))


# --- etvi regio load --------------------------------------------------------------------------


def test_pre_merger_codes_and_names_map_to_the_current_gemeente_with_a_warning(ref_db, tmp_path):
    lijst = write_list(
        tmp_path / "regio_wmr.csv",
        "GM0457;;woningmarktregio;WMR01;Amsterdam e.o.",  # Weesp → Amsterdam
        ";Heerhugowaard;woningmarktregio;WMR02;Noord",  # by name → Dijk en Waard
        "GM0416;Langedijk;woningmarktregio;WMR02;Noord",  # also → Dijk en Waard, same regio: fine
        "0363;Amsterdam;woningmarktregio;WMR01;Amsterdam e.o.",  # the successor itself, same regio: fine
    )
    proc = etvi("regio", "load", str(lijst), env={"ETVI_DATABASE_URL": ref_db})
    assert proc.returncode == 0, proc.stderr
    assert "regio_wmr.csv, rij 2, kolom gemeentecode: Weesp (GM0457) is op 24-03-2022 opgegaan in Amsterdam (GM0363)" in proc.stdout
    assert "regio_wmr.csv, rij 3, kolom gemeente: Heerhugowaard (GM0398) is op 01-01-2022 opgegaan in Dijk en Waard (GM1980)" in proc.stdout
    assert "rij 4, kolom gemeentecode: Langedijk (GM0416)" in proc.stdout
    assert memberships(ref_db, "woningmarktregio") == {"GM0363": "WMR01", "GM1980": "WMR02"}
    assert "woningmarktregio: 2 regio's, 2 gemeenten" in proc.stdout


def test_two_old_codes_in_different_regions_name_both_rows(ref_db, tmp_path):
    env = {"ETVI_DATABASE_URL": ref_db}
    assert etvi("regio", "load", str(write_list(tmp_path / "regio_oud.csv", "GM0363;;woningmarktregio;WMR01;A")), env=env).returncode == 0
    before = queries.region_memberships(url=ref_db)
    lijst = write_list(
        tmp_path / "regio_wmr.csv",
        "GM0398;;woningmarktregio;WMR01;Amsterdam e.o.",
        "GM0518;;woningmarktregio;WMR03;Haaglanden",
        "GM0416;;woningmarktregio;WMR02;Noord",
    )
    proc = etvi("regio", "load", str(lijst), env=env)
    assert proc.returncode == 2
    assert (
        "regio_wmr.csv, rij 4, kolom regiocode: Dijk en Waard (GM1980, opgegeven als GM0416) staat voor "
        "woningmarktregio al in regio WMR01 (rij 2, opgegeven als GM0398)"
    ) in proc.stderr, proc.stderr
    pd.testing.assert_frame_equal(queries.region_memberships(url=ref_db), before)


def test_unknown_or_ambiguous_gemeente_names_the_row(ref_db, tmp_path):
    lijst = write_list(
        tmp_path / "regio_wmr.csv",
        "GM0363;;woningmarktregio;WMR01;A",
        ";Bergen;woningmarktregio;WMR01;A",
        "GM0363;Rotterdam;woningmarktregio;WMR01;A",
        "GM0999;;woningmarktregio;WMR01;A",
    )
    proc = etvi("regio", "load", str(lijst), env={"ETVI_DATABASE_URL": ref_db})
    assert proc.returncode == 2
    assert "regio_wmr.csv, rij 3, kolom gemeente: 'Bergen' is niet eenduidig" in proc.stderr
    assert "regio_wmr.csv, rij 4, kolom gemeentecode: gemeentecode GM0363 hoort bij Amsterdam" in proc.stderr
    assert "regio_wmr.csv, rij 5, kolom gemeentecode: gemeentecode GM0999 bestaat niet (meer)" in proc.stderr
    assert queries.region_memberships("woningmarktregio", ref_db).empty


def test_gemeente_in_two_regions_across_lists_changes_nothing(ref_db, tmp_path):
    env = {"ETVI_DATABASE_URL": ref_db}
    first = write_list(tmp_path / "regio_a.csv", "GM0363;;woningmarktregio;WMR01;Amsterdam e.o.", "GM0518;;woningmarktregio;WMR02;Haaglanden")
    assert etvi("regio", "load", str(first), env=env).returncode == 0
    before = queries.region_memberships(url=ref_db)
    second = write_list(tmp_path / "regio_b.csv", "GM0599;;woningmarktregio;WMR02;Haaglanden", "GM0457;;woningmarktregio;WMR02;Haaglanden")
    proc = etvi("regio", "load", str(first), str(second), env=env)
    assert proc.returncode == 2
    assert (
        "regio_b.csv, rij 3: Amsterdam (GM0363, opgegeven als GM0457) staat voor woningmarktregio in regio WMR02 "
        "(Haaglanden), maar regio_a.csv, rij 2 zet Amsterdam (GM0363) in regio WMR01 (Amsterdam e.o.)"
    ) in proc.stderr, proc.stderr
    assert "niets gewijzigd" in proc.stderr
    pd.testing.assert_frame_equal(queries.region_memberships(url=ref_db), before)
    # the same membership in two lists is one membership
    third = write_list(tmp_path / "regio_c.csv", "GM0363;Amsterdam;woningmarktregio;WMR01;Amsterdam e.o.")
    proc = etvi("regio", "load", str(first), str(third), env=env)
    assert proc.returncode == 0, proc.stderr
    assert memberships(ref_db, "woningmarktregio") == {"GM0363": "WMR01", "GM0518": "WMR02"}


def test_list_is_checked_against_the_boundary_layer_of_its_type(ref_db, tmp_path):
    boundary = pd.DataFrame(
        {
            "region_type": "ggdregio",
            "region_code": ["GG3406", "GG3406", "GG3606"],
            "region_name": ["GGD Amsterdam", "GGD Amsterdam", "GGD Haaglanden"],
            "gemeente_code": ["GM0363", "GM0362", "GM0518"],
            "source": "ggdregio_2025.topojson",
        }
    )
    with db.session(ref_db) as s:
        referencedata.load_region_memberships(s, boundary)
    env = {"ETVI_DATABASE_URL": ref_db}
    before = queries.region_memberships(url=ref_db)
    clash = write_list(tmp_path / "regio_ggd.csv", "GM0599;;ggdregio;GG3606;GGD Haaglanden", "GM0457;;ggdregio;GG3606;GGD Haaglanden")
    proc = etvi("regio", "load", str(clash), env=env)
    assert proc.returncode == 2
    assert (
        "regio_ggd.csv, rij 3: Amsterdam (GM0363, opgegeven als GM0457) staat voor ggdregio in regio GG3606 "
        "(GGD Haaglanden), maar grensbestand ggdregio_2025.topojson zet Amsterdam (GM0363) in regio GG3406 (GGD Amsterdam)"
    ) in proc.stderr, proc.stderr
    pd.testing.assert_frame_equal(queries.region_memberships(url=ref_db), before)
    renamed = write_list(tmp_path / "regio_ggd.csv", "GM0599;;ggdregio;GG3606;Haaglanden")
    proc = etvi("regio", "load", str(renamed), env=env)
    assert proc.returncode == 2
    assert "regio_ggd.csv, rij 2: regio GG3606 (ggdregio) heet hier 'Haaglanden', maar in grensbestand ggdregio_2025.topojson 'GGD Haaglanden'" in proc.stderr
    pd.testing.assert_frame_equal(queries.region_memberships(url=ref_db), before)
    # a list that only adds a gemeente the boundary file left out keeps the boundary layer
    extra = write_list(tmp_path / "regio_ggd.csv", "GM0599;;ggdregio;GG3606;GGD Haaglanden", "GM0363;;ggdregio;GG3406;GGD Amsterdam")
    proc = etvi("regio", "load", str(extra), env=env)
    assert proc.returncode == 0, proc.stderr
    assert memberships(ref_db, "ggdregio") == {"GM0363": "GG3406", "GM0362": "GG3406", "GM0518": "GG3606", "GM0599": "GG3606"}


# --- etvi init --------------------------------------------------------------------------------


def init_env(tmp_path: Path, db_url: str) -> tuple[dict[str, str], Path]:
    """The synthetic 2 x 2 country (GGD Zuid: GM0001, GM0002; GGD Noord: GM0003, GM0004) and a data
    folder with the repository's files plus a merger Oudorp (GM0009) → Aadorp (GM0001)."""
    geo = write_country(tmp_path / "grenzen")
    data = tmp_path / "data"
    data.mkdir()
    for name in ("statussen.csv", "mijlpalen.csv", "naamvarianten.csv", "fusies.csv"):
        shutil.copy(REPO_DATA / name, data / name)
    with (data / "fusies.csv").open("a", encoding="utf-8") as f:
        f.write("GM0009,Oudorp,GM0001,Aadorp,2022-01-01\n")
    return {"ETVI_DATABASE_URL": db_url, "ETVI_GEO_DIR": str(geo), "ETVI_DATA_DIR": str(data)}, data


def snapshot(url: str) -> list[pd.DataFrame]:
    return [queries.region_memberships(url=url), queries.gemeenten(url), queries.milestones(url)]


def assert_unchanged(url: str, before: list[pd.DataFrame]) -> None:
    for old, new in zip(before, snapshot(url)):
        pd.testing.assert_frame_equal(new, old)


def test_init_maps_old_gemeenten_and_refuses_a_list_against_the_boundary_layer(db_url, tmp_path):
    env, data = init_env(tmp_path, db_url)
    write_list(data / "regio_wmr.csv", "GM0009;;woningmarktregio;W1;West", ";Beekdal;woningmarktregio;W1;West")
    first = etvi("init", env=env)
    assert first.returncode == 0, first.stderr
    assert "regio_wmr.csv, rij 2, kolom gemeentecode: Oudorp (GM0009) is op 01-01-2022 opgegaan in Aadorp (GM0001)" in first.stdout
    assert memberships(db_url, "woningmarktregio") == {"GM0001": "W1", "GM0002": "W1"}
    assert memberships(db_url, "ggdregio") == {"GM0001": "GG0001", "GM0002": "GG0001", "GM0003": "GG0002", "GM0004": "GG0002"}
    before = snapshot(db_url)

    write_list(data / "regio_ggd.csv", "GM0004;;ggdregio;GG0002;GGD Noord", "GM0009;;ggdregio;GG0002;GGD Noord")
    proc = etvi("init", env=env)
    assert proc.returncode == 2
    assert (
        "regio_ggd.csv, rij 3: Aadorp (GM0001, opgegeven als GM0009) staat voor ggdregio in regio GG0002 (GGD Noord), "
        "maar grensbestand ggdregio_2025.geojson zet Aadorp (GM0001) in regio GG0001 (GGD Zuid)"
    ) in proc.stderr, proc.stderr
    assert_unchanged(db_url, before)


def test_init_refuses_a_gemeente_in_two_regions_across_lists(db_url, tmp_path):
    env, data = init_env(tmp_path, db_url)
    assert etvi("init", env=env).returncode == 0
    before = snapshot(db_url)
    write_list(data / "regio_a.csv", "GM0001;;opvangregio;O1;Opvang West", "GM0003;;opvangregio;O1;Opvang West")
    write_list(data / "regio_b.csv", "GM0002;;opvangregio;O2;Opvang Oost", "3;Súdwest-Cedam;opvangregio;O2;Opvang Oost")
    proc = etvi("init", env=env)
    assert proc.returncode == 2
    assert (
        "regio_b.csv, rij 3: Súdwest-Cedam (GM0003) staat voor opvangregio in regio O2 (Opvang Oost), "
        "maar regio_a.csv, rij 3 zet Súdwest-Cedam (GM0003) in regio O1 (Opvang West)"
    ) in proc.stderr, proc.stderr
    assert_unchanged(db_url, before)


def test_init_notices_a_renamed_milestone_id(db_url, tmp_path):
    """A milestone's ``id`` is its content, not a generated key: renaming it is a change."""
    env, data = init_env(tmp_path, db_url)
    assert etvi("init", env=env).returncode == 0
    old_id = queries.milestones(db_url)["id"].iloc[0]
    text = (data / "mijlpalen.csv").read_text(encoding="utf-8")
    (data / "mijlpalen.csv").write_text(text.replace(f"\n{old_id},", f"\n{old_id}-nieuw,", 1), encoding="utf-8")
    proc = etvi("init", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "mijlpalen" in proc.stdout.split("Gewijzigd:")[-1]
    ids = set(queries.milestones(db_url)["id"])
    assert f"{old_id}-nieuw" in ids and old_id not in ids
