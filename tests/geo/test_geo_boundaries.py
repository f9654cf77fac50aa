"""Locating and reading boundary files, on synthetic data."""

from __future__ import annotations

import pytest
import shapely
import shapely.affinity
from shapely.geometry import Polygon

from geo import boundaries
from geo.errors import GeoError
from tests.support.geo import GEMEENTEN, PROVINCIES, gemeente_records, write_country, write_layer


def test_geo_error_str_is_the_dutch_message():
    error = GeoError("Het grensbestand x.topojson kan niet worden gelezen.")
    assert str(error) == "Het grensbestand x.topojson kan niet worden gelezen."


def test_boundary_dir_uses_etvi_geo_dir(country):
    assert boundaries.boundary_dir() == country


def test_boundary_dir_defaults_to_cache(tmp_path):
    assert boundaries.boundary_dir() == tmp_path / "cache" / "geo"


def test_boundary_dir_missing_folder_is_a_dutch_error(tmp_path, monkeypatch):
    missing = tmp_path / "bestaat-niet"
    monkeypatch.setenv("ETVI_GEO_DIR", str(missing))
    with pytest.raises(GeoError) as caught:
        boundaries.boundary_dir()
    assert str(missing) in str(caught.value)
    assert "bestaat niet" in str(caught.value)
    assert "ETVI_GEO_DIR" in str(caught.value)


def test_available_lists_levels_and_years(tmp_path):
    for name in [
        "gemeente_2025.topojson",
        "gemeente_2024.geojson",
        "provincie_2025.gpkg",
        "regionaalmeld_coordinatiepunt_2025.topojson",
        "ggdregio_2023.json",
        "regio_koplopers.csv",  # a membership list, not a boundary file
        "gemeente_2025.txt",
        "notities.md",
    ]:
        (tmp_path / name).write_text("x")
    assert boundaries.available(tmp_path) == {
        "gemeente": [2024, 2025],
        "ggdregio": [2023],
        "provincie": [2025],
        "regionaalmeld_coordinatiepunt": [2025],
    }


def test_available_of_missing_folder_is_empty(tmp_path):
    assert boundaries.available(tmp_path / "nergens") == {}


def test_choose_year_takes_newest_complete_year(tmp_path, monkeypatch):
    write_country(tmp_path, 2024, regions=False)
    write_country(tmp_path, 2025, regions=False)
    write_layer(tmp_path, "gemeente_2026", gemeente_records())  # no provincie_2026
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    assert boundaries.choose_year(tmp_path) == 2025


def test_choose_year_honours_etvi_geo_year(tmp_path, monkeypatch):
    write_country(tmp_path, 2024, regions=False)
    write_country(tmp_path, 2025, regions=False)
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    monkeypatch.setenv("ETVI_GEO_YEAR", "2024")
    assert boundaries.choose_year(tmp_path) == 2024


def test_choose_year_unknown_etvi_geo_year_lists_available_years(tmp_path, monkeypatch):
    write_country(tmp_path, 2024, regions=False)
    write_country(tmp_path, 2025, regions=False)
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    monkeypatch.setenv("ETVI_GEO_YEAR", "2031")
    with pytest.raises(GeoError) as caught:
        boundaries.choose_year(tmp_path)
    message = str(caught.value)
    assert "2031" in message and "2024, 2025" in message


def test_choose_year_without_complete_year_explains(tmp_path, monkeypatch):
    write_layer(tmp_path, "gemeente_2025", gemeente_records())
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    with pytest.raises(GeoError) as caught:
        boundaries.choose_year(tmp_path)
    assert "gemeente 2025" in str(caught.value)
    assert "provincie" in str(caught.value)


def test_nearest_year_prefers_same_then_older_then_newest():
    assert boundaries.nearest_year([2023, 2025], 2025) == 2025
    assert boundaries.nearest_year([2023, 2025], 2026) == 2025
    assert boundaries.nearest_year([2023, 2025], 2024) == 2023
    assert boundaries.nearest_year([2025, 2026], 2024) == 2026


@pytest.mark.parametrize("ext", ["topojson", "geojson", "json", "gpkg", "shp"])
def test_read_layer_every_format_gives_code_name_geometry(tmp_path, ext):
    write_layer(tmp_path, "gemeente_2025", gemeente_records(), ext)
    layer = boundaries.read_layer("gemeente", 2025, tmp_path)
    assert list(layer.columns) == ["code", "name", "geometry"]
    assert layer.crs.to_epsg() == 4326
    assert list(layer["code"]) == sorted(code for code, *_ in GEMEENTEN)
    by_code = dict(zip(layer["code"], layer["name"]))
    assert by_code == {code: name for code, name, *_ in GEMEENTEN}
    expected = {code: poly for code, _, poly in gemeente_records()}
    for code, geom in zip(layer["code"], layer.geometry):
        assert geom.equals(expected[code])


def test_read_layer_topojson_without_crs_gets_wgs84(tmp_path):
    path = write_layer(tmp_path, "provincie_2025", PROVINCIES, "topojson")
    assert '"crs"' not in path.read_text()
    assert boundaries.read_layer("provincie", 2025, tmp_path).crs.to_epsg() == 4326


@pytest.mark.parametrize(
    ("code_column", "name_column"),
    [("code", "naam"), ("gemeentecode", "gemeentenaam"), ("Statcode", "Statnaam"), ("CODE", "NAME")],
)
def test_read_layer_accepts_other_property_names(tmp_path, code_column, name_column):
    write_layer(tmp_path, "gemeente_2025", gemeente_records(), "gpkg", code_column, name_column)
    layer = boundaries.read_layer("gemeente", 2025, tmp_path)
    assert sorted(layer["code"]) == sorted(code for code, *_ in GEMEENTEN)


def test_read_layer_pads_numeric_gemeentecodes(tmp_path):
    records = [(str(int(code[2:])), name, poly) for code, name, poly in gemeente_records()]  # "1", "2", ...
    write_layer(tmp_path, "gemeente_2025", records, "geojson", "code", "naam")
    layer = boundaries.read_layer("gemeente", 2025, tmp_path)
    assert sorted(layer["code"]) == sorted(code for code, *_ in GEMEENTEN)


@pytest.mark.parametrize("with_projection", [True, False])
def test_read_layer_converts_rijksdriehoek(tmp_path, with_projection):
    """PDOK delivers RD New; a Shapefile without .prj carries no CRS but is recognised by its numbers."""
    write_layer(tmp_path / "wgs84", "provincie_2025", PROVINCIES, "gpkg")
    rd = boundaries.read_layer("provincie", 2025, tmp_path / "wgs84").to_crs("EPSG:28992")
    records = list(zip(rd["code"], rd["name"], rd.geometry))
    write_layer(tmp_path, "provincie_2025", records, "shp", crs="EPSG:28992")
    if not with_projection:
        (tmp_path / "provincie_2025.prj").unlink()
    back = boundaries.read_layer("provincie", 2025, tmp_path)
    assert back.crs.to_epsg() == 4326
    for (_, _, original), geom in zip(PROVINCIES, back.geometry):
        assert shapely.hausdorff_distance(original, geom) < 1e-6


def test_unknown_coordinates_without_crs_are_reported(tmp_path):
    far = [(code, name, shapely.affinity.translate(poly, 5_000_000, 5_000_000)) for code, name, poly in PROVINCIES]
    write_layer(tmp_path, "provincie_2025", far, "shp", crs=None)
    with pytest.raises(GeoError, match="coördinatenstelsel is onbekend"):
        boundaries.read_layer("provincie", 2025, tmp_path)


def test_read_layer_repairs_self_intersection(tmp_path):
    bowtie = Polygon([(5.0, 52.0), (5.1, 52.1), (5.1, 52.0), (5.0, 52.1), (5.0, 52.0)])
    assert not bowtie.is_valid
    write_layer(tmp_path, "gemeente_2025", [("GM0001", "Strik", bowtie)], "geojson")
    layer = boundaries.read_layer("gemeente", 2025, tmp_path)
    assert layer.geometry.is_valid.all()
    # both triangles of the bow tie survive: 2 x (base 0.1 x height 0.05 / 2)
    assert layer.geometry.iloc[0].area == pytest.approx(2 * 0.1 * 0.05 / 2)


def test_read_layer_missing_file_names_folder_and_contents(tmp_path):
    write_country(tmp_path, 2025)
    with pytest.raises(GeoError) as caught:
        boundaries.read_layer("gemeente", 2019, tmp_path)
    message = str(caught.value)
    assert "gemeente_2019" in message and str(tmp_path) in message and "ggdregio 2025" in message


def test_corrupt_file_message_names_file(tmp_path):
    path = tmp_path / "gemeente_2025.topojson"
    path.write_text('{"type": "Topology", "arcs": [[[5.0, 52')  # cut off mid-download
    with pytest.raises(GeoError) as caught:
        boundaries.read_layer("gemeente", 2025, tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "kan niet worden gelezen" in message
    assert "Traceback" not in message


def test_missing_code_column_message_names_file_and_columns(tmp_path):
    path = write_layer(tmp_path, "gemeente_2025", gemeente_records(), "geojson", "gm", "omschrijving")
    with pytest.raises(GeoError) as caught:
        boundaries.read_layer("gemeente", 2025, tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "geen kolom met de code" in message
    assert "gm" in message and "statcode" in message


def test_invalid_gemeentecode_in_file_is_reported(tmp_path):
    records = gemeente_records()
    records[1] = ("GEM-2", records[1][1], records[1][2])
    write_layer(tmp_path, "gemeente_2025", records)
    with pytest.raises(GeoError) as caught:
        boundaries.read_layer("gemeente", 2025, tmp_path)
    assert "'GEM-2'" in str(caught.value) and "GM gevolgd door 4 cijfers" in str(caught.value)


def test_points_instead_of_areas_is_reported(tmp_path):
    records = [(code, name, poly.centroid) for code, name, poly in gemeente_records()]
    write_layer(tmp_path, "gemeente_2025", records)
    with pytest.raises(GeoError, match="vlakken"):
        boundaries.read_layer("gemeente", 2025, tmp_path)


def test_split_rows_of_one_code_are_merged(tmp_path):
    left, right = shapely.box(5.0, 52.0, 5.05, 52.1), shapely.box(5.05, 52.0, 5.1, 52.1)
    write_layer(tmp_path, "gemeente_2025", [("GM0001", "Aadorp", left), ("GM0001", "Aadorp", right)])
    layer = boundaries.read_layer("gemeente", 2025, tmp_path)
    assert list(layer["code"]) == ["GM0001"]
    assert layer.geometry.iloc[0].area == pytest.approx(left.area + right.area)
