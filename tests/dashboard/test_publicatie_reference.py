"""A publicatie keeps the reference data of the moment it was made (issue 13): after the beheerder
reloads the reference data the way it is done in production (``etvi init`` with a new boundary year
in which a gemeente is renamed and one merged away, a merger in fusies.csv and an edited milestone
date in mijlpalen.csv; ``etvi regio load`` moving a gemeente to another regio), the publicatie's page (HTTP), csv download, map SVG and
``etvi export --publicatie`` are the same bytes as before, while the live views show the change.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from models import db, frozen_reference, queries
from models.tables import StatusRecord, Upload
from tests.support.app import make_app, page_content
from tests.support.cli import run_cli
from tests.support.paths import REPO

GEO = Path("/work/shared/geo/cartomap-nl/wgs84")
PEIL = date(2024, 12, 31)
RENAMED = ("GM0363", "Amsterdam", "Amsterdam-Amstel")
MERGED_AWAY = ("GM0518", "'s-Gravenhage")
MAP = "/kaart.svg?onderdeel=verordening&niveau=gemeente"
REGIO_MAP = "/kaart.svg?onderdeel=verordening&niveau=woningmarktregio"
REGIO_HEADER = "gemeentecode;gemeente;regiotype;regiocode;regionaam\n"


def _geo_dir(tmp_path: Path) -> Path:
    """The boundary files, plus a 2027 year as CBS would publish it: one gemeente renamed, one gone."""
    geo = tmp_path / "geo"
    geo.mkdir()
    source = Path(os.environ.get("ETVI_GEO_DIR") or GEO)
    for f in source.iterdir():
        (geo / f.name).symlink_to(f)
    topo = json.loads((source / "gemeente_2026.topojson").read_text(encoding="utf-8"))
    layer = topo["objects"].pop("gemeente_2026")
    layer["geometries"] = [g for g in layer["geometries"] if g["properties"]["statcode"] != MERGED_AWAY[0]]
    for g in layer["geometries"]:
        g["properties"]["jrstatcode"] = g["properties"]["jrstatcode"].replace("2026", "2027")
        if g["properties"]["statcode"] == RENAMED[0]:
            g["properties"]["statnaam"] = RENAMED[2]
    topo["objects"]["gemeente_2027"] = layer
    (geo / "gemeente_2027.topojson").write_text(json.dumps(topo), encoding="utf-8")
    provincie = json.loads((source / "provincie_2026.topojson").read_text(encoding="utf-8"))
    provincie["objects"]["provincie_2027"] = provincie["objects"].pop("provincie_2026")
    (geo / "provincie_2027.topojson").write_text(json.dumps(provincie), encoding="utf-8")
    return geo


def _data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "regio_wmr.csv").write_text(REGIO_HEADER + "GM0363;;woningmarktregio;WMR01;Amstelland\nGM0599;;woningmarktregio;WMR02;Rijnmond\n", encoding="utf-8")
    return data


def _operator_reloads(data: Path) -> None:
    """What the beheerder edits: a merger in fusies.csv and a milestone's date in mijlpalen.csv."""
    with (data / "fusies.csv").open("a", encoding="utf-8") as f:
        f.write(f"{MERGED_AWAY[0]},{MERGED_AWAY[1]},GM0603,Rijswijk,2027-01-01\n")
    text = (data / "mijlpalen.csv").read_text(encoding="utf-8")
    edited = text.replace("verordening-2026,Urgentieregeling in alle gemeenten,2026,jaar", "verordening-2026,Urgentieregeling in alle gemeenten,2028-03-01,dag")
    assert edited != text
    (data / "mijlpalen.csv").write_text(edited, encoding="utf-8")


def _statuses(url: str) -> None:
    made = datetime.now(timezone.utc) - timedelta(days=30)
    with db.session(url) as s:
        upload = Upload(file_name="u.xlsx", sha256="ab" * 32, outcome="geladen", created_at=made)
        s.add(upload)
        s.flush()
        for code, status in ((RENAMED[0], "vastgesteld"), (MERGED_AWAY[0], "in voorbereiding")):
            s.add(StatusRecord(gemeente_code=code, onderdeel="verordening", status=status, peildatum=date(2024, 6, 1), upload_id=upload.id, created_at=made))
        s.commit()


def _outputs(url: str, number: str, tmp_path: Path, env: dict) -> dict:
    app = make_app(url)
    c = app.server.test_client()
    page = page_content(c, f"/publicatie/{number}")
    download = c.get(f"/publicatie/{number}.csv")
    svg = c.get(f"/publicatie/{number}{MAP}")
    regio_svg = c.get(f"/publicatie/{number}{REGIO_MAP}")
    png = c.get(f"/publicatie/{number}/kaart.png?onderdeel=verordening&niveau=gemeente")
    assert download.status_code == svg.status_code == regio_svg.status_code == png.status_code == 200
    out = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}.csv"
    export = run_cli("export", "--publicatie", number, "-o", str(out), url=url, tmp_path=tmp_path, extra_env=env)
    assert export.returncode == 0, export.stderr
    stdout = run_cli("export", "--publicatie", number, "-o", "-", url=url, tmp_path=tmp_path, extra_env=env)
    assert stdout.returncode == 0, stdout.stderr
    live = {
        "page": page_content(c, "/mijlpalen", f"?peildatum={PEIL.isoformat()}"),
        "map": c.get(f"{MAP}&peildatum={PEIL.isoformat()}").get_data(as_text=True),
        "regio_map": c.get(f"{REGIO_MAP}&peildatum={PEIL.isoformat()}").get_data(as_text=True),
    }
    return {
        "page": page,
        "csv": download.get_data(),
        "svg": svg.get_data(),
        "regio_svg": regio_svg.get_data(),
        "png": png.get_data(),
        "export": out.read_bytes(),
        "stdout": stdout.stdout,
        "live": live,
    }


def test_a_publicatie_keeps_the_reference_data_of_its_moment(db_url, tmp_path, monkeypatch):
    geo, data = _geo_dir(tmp_path), _data_dir(tmp_path)
    env = {"ETVI_GEO_DIR": str(geo), "ETVI_DATA_DIR": str(data), "ETVI_GEO_YEAR": "2026"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    init = run_cli("init", url=db_url, tmp_path=tmp_path, extra_env=env)
    assert init.returncode == 0, init.stderr
    _statuses(db_url)
    made = run_cli("publicatie", "maak", "--titel", "Kamerbrief", "--peildatum", PEIL.isoformat(), url=db_url, tmp_path=tmp_path, extra_env=env)
    assert made.returncode == 0, made.stderr
    number = made.stdout.strip().splitlines()[-1]
    before = _outputs(db_url, number, tmp_path, env)
    lines = {line.split(b";")[0]: line for line in before["csv"].splitlines()}
    assert lines[b"GM0363"].startswith(b"GM0363;Amsterdam;Noord-Holland;") and b";vastgesteld;" in lines[b"GM0363"]
    assert lines[b"GM0518"].startswith(b"GM0518;'s-Gravenhage;Zuid-Holland;")
    assert before["export"] == before["csv"] and before["stdout"] == before["csv"].decode("utf-8-sig").replace("\r\n", "\n")  # text mode
    assert "Amsterdam" in before["svg"].decode() and "s-Gravenhage" in before["svg"].decode()

    _operator_reloads(data)
    env["ETVI_GEO_YEAR"] = "2027"
    monkeypatch.setenv("ETVI_GEO_YEAR", "2027")
    reload = run_cli("init", url=db_url, tmp_path=tmp_path, extra_env=env)
    assert reload.returncode == 0, reload.stderr + reload.stdout
    moved = tmp_path / "regio_wmr_nieuw.csv"
    moved.write_text(REGIO_HEADER + "GM0363;;woningmarktregio;WMR02;Randstad\nGM0599;;woningmarktregio;WMR02;Randstad\n", encoding="utf-8")
    regio = run_cli("regio", "load", str(moved), url=db_url, tmp_path=tmp_path, extra_env=env)
    assert regio.returncode == 0, regio.stderr + regio.stdout
    live = queries.gemeenten(db_url)
    assert len(live) == 341 and dict(zip(live["code"], live["name"]))[RENAMED[0]] == RENAMED[2]
    milestone = queries.milestones(db_url).set_index("id").loc["verordening-2026"]
    assert milestone["date"] == date(2028, 3, 1)

    after = _outputs(db_url, number, tmp_path, env)
    for key in ("page", "csv", "svg", "regio_svg", "png", "export", "stdout"):
        assert after[key] == before[key], key
    # the live views show the new reference data
    assert after["live"]["page"] != before["live"]["page"] and "2028" in after["live"]["page"]
    assert RENAMED[2] in after["live"]["map"] and "s-Gravenhage" not in after["live"]["map"]
    assert RENAMED[2] not in after["svg"].decode()
    assert "Amstelland" in before["regio_svg"].decode() and "Amstelland" in before["live"]["regio_map"]
    assert "Randstad" in after["live"]["regio_map"] and "Amstelland" not in after["live"]["regio_map"]


def test_frozen_reference_gives_back_the_frames_it_froze(ref_db):
    """``thaw(freeze())`` is the frames ``queries`` reads, dtypes included."""
    frames, year = frozen_reference.thaw(frozen_reference.freeze(ref_db))
    live = frozen_reference.live_frames(ref_db)
    assert year is None
    for name in frozen_reference.FRAMES:
        pd.testing.assert_frame_equal(frames[name], live[name], check_dtype=True)
    assert len(frames["gemeenten"]) == 342 and len(frames["milestones"]) > 10
