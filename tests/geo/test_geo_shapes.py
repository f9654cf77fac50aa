"""Browser shapes: simplification, rounding, dissolving, building and caching."""

from __future__ import annotations

import gzip
import json
import math
import os

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box, shape

from geo import shapes
from geo.errors import GeoError
from tests.support.geo import GEMEENTEN, GGD_REGIOS, PROVINCIES, SIZE, X0, Y0, cell, write_layer

MEMBER_COLUMNS = ["region_type", "region_code", "region_name", "gemeente_code", "source"]


def wiggly_pair(points: int = 400, amplitude: float = 0.004) -> gpd.GeoDataFrame:
    """Two gemeenten sharing a finely zigzagging border, as detailed source files have."""
    border = [
        (X0 + 0.1 + (amplitude if i % 2 else -amplitude) * (0 < i < points), Y0 + 0.2 * i / points)
        for i in range(points + 1)
    ]
    west = Polygon([(X0, Y0), *border, (X0, Y0 + 0.2)])
    east = Polygon([(X0 + 0.2, Y0), (X0 + 0.2, Y0 + 0.2), *reversed(border)])
    return gpd.GeoDataFrame({"code": ["GM0001", "GM0002"], "name": ["West", "Oost"]}, geometry=[west, east], crs="EPSG:4326")


def all_coordinates(collection: dict):
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                yield from ring


def signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:])) / 2


def memberships(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([(*row, "test") for row in rows], columns=MEMBER_COLUMNS)


def ggd_memberships() -> pd.DataFrame:
    return memberships([("ggdregio", *GGD_REGIOS[row][:2], code) for code, _, _, row in GEMEENTEN])


# --- simplification and GeoJSON ----------------------------------------------------------


def test_coverage_simplification_keeps_shared_border():
    pair = wiggly_pair()
    simplified = shapes.simplify_coverage(pair, 0.01)
    before = shapely.get_num_coordinates(pair.geometry.values).sum()
    after = shapely.get_num_coordinates(simplified.geometry.values).sum()
    assert after < before / 10
    west, east = simplified.geometry
    assert shapely.coverage_is_valid([west, east])
    assert west.intersection(east).area == pytest.approx(0, abs=1e-12)  # no overlap
    assert west.union(east).area == pytest.approx(0.2 * 0.2)  # no gap
    assert west.union(east).geom_type == "Polygon"


def test_simplification_of_overlapping_shapes_still_works():
    pair = wiggly_pair()
    pair.loc[1, "geometry"] = pair.geometry.iloc[1].buffer(0.003)  # now they overlap
    simplified = shapes.simplify_coverage(pair, 0.01)
    assert shapely.get_num_coordinates(simplified.geometry.values).sum() < shapely.get_num_coordinates(pair.geometry.values).sum()
    assert simplified.geometry.is_valid.all()


def test_zero_tolerance_changes_nothing():
    pair = wiggly_pair()
    assert shapes.simplify_coverage(pair, 0).geometry.geom_equals(pair.geometry).all()


@pytest.mark.parametrize("precision", [3, 4])
def test_browser_geojson_rounds_and_keeps_only_code_and_name(precision):
    pair = wiggly_pair()
    pair["extra"] = ["weg", "ermee"]
    collection = shapes.browser_geojson(pair, tolerance=0.001, precision=precision)
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == ["GM0001", "GM0002"]
    for feature in collection["features"]:
        assert feature["properties"] == {"code": feature["id"], "name": {"GM0001": "West", "GM0002": "Oost"}[feature["id"]]}
    coords = list(all_coordinates(collection))
    assert coords
    for x, y in coords:
        assert round(x, precision) == x and round(y, precision) == y
    assert any(round(v, precision - 1) != v for xy in coords for v in xy)  # and no further than asked
    json.dumps(collection)  # plain JSON types only


def test_rounding_drops_merged_points():
    crowded = Polygon([(5.0, 52.0), (5.00001, 52.00001), (5.1, 52.0), (5.1, 52.1), (5.0, 52.1)])
    gdf = gpd.GeoDataFrame({"code": ["GM0001"], "name": ["A"]}, geometry=[crowded], crs="EPSG:4326")
    ring = shapes.feature_collection(gdf, precision=4)["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 5
    assert all(a != b for a, b in zip(ring, ring[1:]))


def test_orientation_clockwise_by_default_and_rfc7946_on_request():
    gdf = gpd.GeoDataFrame({"code": ["GM0001"], "name": ["A"]}, geometry=[cell(0, 0)], crs="EPSG:4326")
    cw = shapes.feature_collection(gdf)["features"][0]["geometry"]["coordinates"][0]
    ccw = shapes.feature_collection(gdf, exterior_cw=False)["features"][0]["geometry"]["coordinates"][0]
    assert signed_area(cw) < 0 < signed_area(ccw)


def test_gemeente_smaller_than_precision_gets_no_geometry():
    speck = box(5.0, 52.0, 5.00001, 52.00001)
    gdf = gpd.GeoDataFrame({"code": ["GM0001", "GM0002"], "name": ["Stip", "Vlak"]}, geometry=[speck, cell(1, 1)], crs="EPSG:4326")
    features = shapes.feature_collection(gdf, precision=3)["features"]
    assert features[0]["geometry"] is None
    assert features[1]["geometry"]["type"] == "Polygon"


# --- dissolving --------------------------------------------------------------------------


def test_dissolve_regions_unions_member_gemeenten():
    gdf = gpd.GeoDataFrame(
        {"code": [c for c, *_ in GEMEENTEN], "name": [n for _, n, *_ in GEMEENTEN]},
        geometry=[cell(col, row) for _, _, col, row in GEMEENTEN],
        crs="EPSG:4326",
    )
    members = pd.concat(
        [
            ggd_memberships(),
            memberships([("koploperregio", "K1", "Diagonaal", "GM0001"), ("koploperregio", "K1", "Diagonaal", "GM0004")]),
            memberships([("koploperregio", "K2", "Onbekend", "GM9999")]),  # no known member: no shape
        ]
    )
    regions = shapes.dissolve_regions(gdf, members)
    assert list(regions.columns) == ["region_type", "code", "name", "geometry"]
    assert regions.crs.to_epsg() == 4326
    by_code = {r.code: r for r in regions.itertuples()}
    assert set(by_code) == {"GG0001", "GG0002", "K1"}
    for code, name, area in GGD_REGIOS:
        assert by_code[code].name == name
        assert by_code[code].geometry.geom_type == "Polygon"  # the inner border is gone
        assert by_code[code].geometry.symmetric_difference(area).area == pytest.approx(0, abs=1e-12)
    assert by_code["K1"].geometry.area == pytest.approx(2 * SIZE * SIZE)
    assert by_code["K1"].region_type == "koploperregio"


# --- building and caching ----------------------------------------------------------------


def read(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_build_shapes_writes_all_layers_to_cache(country, tmp_path):
    paths = shapes.build_shapes(2025, memberships=ggd_memberships())
    folder = tmp_path / "cache" / "shapes" / "2025"
    assert paths == {level: folder / f"{level}.geojson" for level in ("gemeente", "provincie", "ggdregio")}
    gemeente = read(paths["gemeente"])
    assert sorted(f["id"] for f in gemeente["features"]) == sorted(code for code, *_ in GEMEENTEN)
    provincie = read(paths["provincie"])
    assert {f["id"]: f["properties"]["name"] for f in provincie["features"]} == {c: n for c, n, _ in PROVINCIES}
    for feature in provincie["features"]:
        expected = dict((c, a) for c, _, a in PROVINCIES)[feature["id"]]
        assert shape(feature["geometry"]).symmetric_difference(expected).area == pytest.approx(0, abs=1e-9)
    ggd = read(paths["ggdregio"])
    assert {f["id"] for f in ggd["features"]} == {code for code, *_ in GGD_REGIOS}


def test_build_shapes_out_dir(country, tmp_path):
    out = tmp_path / "elders"
    paths = shapes.build_shapes(2025, out_dir=out)
    assert set(paths) == {"gemeente", "provincie"}
    assert all(p.parent == out and p.is_file() for p in paths.values())


def _age(paths, seconds=3600):
    old = {}
    for level, path in paths.items():
        stamp = path.stat().st_mtime - seconds
        os.utime(path, (stamp, stamp))
        old[level] = path.stat().st_mtime_ns
    return old


def test_build_shapes_skips_fresh_files(country):
    paths = shapes.build_shapes(2025, memberships=ggd_memberships())
    old = _age(paths)
    shapes.build_shapes(2025, memberships=ggd_memberships())
    assert {level: p.stat().st_mtime_ns for level, p in paths.items()} == old


def test_build_shapes_rebuilds_after_source_changes(country):
    paths = shapes.build_shapes(2025)
    old = _age(paths)
    source = country / "gemeente_2025.geojson"
    os.utime(source)  # newer than the built files
    shapes.build_shapes(2025)
    assert all(paths[level].stat().st_mtime_ns > old[level] for level in paths)


def test_build_shapes_rebuilds_only_changed_regio(country):
    paths = shapes.build_shapes(2025, memberships=ggd_memberships())
    old = _age(paths)
    changed = ggd_memberships()
    changed.loc[changed["gemeente_code"] == "GM0001", ["region_code", "region_name"]] = ["GG0002", "GGD Noord"]
    shapes.build_shapes(2025, memberships=changed)
    assert paths["ggdregio"].stat().st_mtime_ns > old["ggdregio"]
    assert paths["gemeente"].stat().st_mtime_ns == old["gemeente"]
    features = {f["id"]: shape(f["geometry"]) for f in read(paths["ggdregio"])["features"]}
    assert features["GG0002"].area == pytest.approx(3 * SIZE * SIZE)


def test_build_shapes_rebuilds_damaged_file(country):
    paths = shapes.build_shapes(2025)
    paths["gemeente"].write_text("{kapot")
    shapes.build_shapes(2025)
    assert len(read(paths["gemeente"])["features"]) == len(GEMEENTEN)


def test_build_shapes_rejects_provincie_as_regio(country):
    with pytest.raises(GeoError, match="provincie"):
        shapes.build_shapes(2025, memberships=memberships([("provincie", "PV20", "X", "GM0001")]))


def test_build_shapes_fits_gemeente_budget(tmp_path, monkeypatch):
    pair = wiggly_pair(points=2000, amplitude=0.004)
    write_layer(tmp_path, "gemeente_2025", list(zip(pair["code"], pair["name"], pair.geometry)))
    write_layer(tmp_path, "provincie_2025", [("PV20", "Alles", box(X0 - 0.1, Y0 - 0.1, X0 + 0.3, Y0 + 0.3))])
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    free = shapes.shape_sizes(shapes.build_shapes(2025, out_dir=tmp_path / "vrij", tolerance=0.0001, max_gzip_bytes=None))
    budget = free["gemeente"].gzip // 4
    tight = shapes.shape_sizes(shapes.build_shapes(2025, out_dir=tmp_path / "krap", tolerance=0.0001, max_gzip_bytes=budget))
    assert tight["gemeente"].gzip <= budget < free["gemeente"].gzip
    # the provincie map is cut from the same simplified gemeenten
    assert tight["provincie"].raw <= free["provincie"].raw


def test_shape_sizes_reports_raw_and_gzip(country):
    paths = shapes.build_shapes(2025)
    sizes = shapes.shape_sizes(paths)
    assert set(sizes) == set(paths)
    for level, path in paths.items():
        data = path.read_bytes()
        assert sizes[level].raw == len(data)
        assert 0 < sizes[level].gzip < sizes[level].raw
        assert gzip.decompress(gzip.compress(data)) == data
    by_name = shapes.shape_sizes(list(paths.values()))
    assert by_name["gemeente.geojson"] == sizes["gemeente"]


# --- loading -----------------------------------------------------------------------------


def test_load_shapes_builds_when_missing(country, tmp_path):
    data = shapes.load_shapes("gemeente", 2025)
    assert (tmp_path / "cache" / "shapes" / "2025" / "gemeente.geojson").is_file()
    assert shapes.BUILD_KEY not in data
    assert sorted(f["id"] for f in data["features"]) == sorted(code for code, *_ in GEMEENTEN)


def test_load_shapes_regio_needs_members_or_built_file(country):
    with pytest.raises(GeoError, match="Er is nog geen kaart voor ggdregio"):
        shapes.load_shapes("ggdregio", 2025)
    data = shapes.load_shapes("ggdregio", 2025, memberships=ggd_memberships())
    assert {f["id"] for f in data["features"]} == {code for code, *_ in GGD_REGIOS}
    assert shapes.load_shapes("ggdregio", 2025) == data  # now cached


def test_load_shapes_damaged_regio_file(country, tmp_path):
    shapes.build_shapes(2025, memberships=ggd_memberships())
    (tmp_path / "cache" / "shapes" / "2025" / "ggdregio.geojson").write_text("{kapot")
    with pytest.raises(GeoError, match="beschadigd"):
        shapes.load_shapes("ggdregio", 2025)


def test_wiggly_fixture_is_a_valid_coverage():
    # guards the premise of the simplification tests above
    pair = wiggly_pair()
    assert shapely.coverage_is_valid(pair.geometry.values)
    assert math.isclose(sum(g.area for g in pair.geometry), 0.04)
