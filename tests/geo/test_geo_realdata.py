"""Checks on the real cartomap boundary files in ETVI_GEO_DIR (CI: /work/shared/geo/cartomap-nl/wgs84)."""

from __future__ import annotations

import pytest
import shapely

from geo import boundaries, membership, shapes

pytestmark = pytest.mark.geodata

YEARS = [2025, 2026]
GEMEENTEN_2023_2026 = 342  # domain.md: no mergers on 1 Jan 2024, 2025 or 2026
PROVINCIES = 12
GGD_REGIOS_2025 = 25  # geo/README.md


@pytest.mark.parametrize("year", YEARS)
def test_counts_and_codes(real_geo_dir, year):
    provincies = membership.provincies(year)
    gemeenten = membership.gemeenten(year)
    assert len(provincies) == PROVINCIES
    assert len(gemeenten) == GEMEENTEN_2023_2026
    assert gemeenten["code"].is_unique and provincies["code"].is_unique
    assert gemeenten["code"].str.fullmatch(r"GM\d{4}").all()
    assert set(gemeenten["provincie_code"]) == set(provincies["code"])


@pytest.mark.parametrize("year", YEARS)
def test_every_gemeente_in_exactly_one_provincie(real_geo_dir, year):
    gemeenten = boundaries.read_layer("gemeente", year)
    provincies = boundaries.read_layer("provincie", year)
    hits = membership.points_in_polygons(gemeenten, provincies)
    assert len(hits) == GEMEENTEN_2023_2026
    assert {code: len(found) for code, found in hits.items() if len(found) != 1} == {}


@pytest.mark.parametrize("year", YEARS)
def test_assigned_provincie_holds_most_of_the_gemeente(real_geo_dir, year):
    """Independent of the point test. The layers are generalised separately, so border
    gemeenten stick out of their provincie by up to ~11% (Kerkrade): compare shares, not 100%."""
    gemeenten = membership.gemeenten_gdf(year)
    layer = boundaries.read_layer("provincie", year)
    for row in gemeenten.itertuples():
        shares = {code: row.geometry.intersection(area).area / row.geometry.area for code, area in zip(layer["code"], layer.geometry)}
        best = max(shares, key=shares.get)
        assert (best, shares[best] > 0.5) == (row.provincie_code, True), row.code


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(
    ("code", "name", "provincie_code", "provincie_name"),
    [
        ("GM0363", "Amsterdam", "PV27", "Noord-Holland"),
        ("GM0518", "'s-Gravenhage", "PV28", "Zuid-Holland"),
        ("GM0014", "Groningen", "PV20", "Groningen"),
        ("GM1900", "Súdwest-Fryslân", "PV21", "Fryslân"),
    ],
)
def test_spot_checks(real_geo_dir, year, code, name, provincie_code, provincie_name):
    gemeenten = membership.gemeenten(year).set_index("code")
    provincies = membership.provincies(year).set_index("code")
    assert gemeenten.loc[code, "name"] == name
    assert gemeenten.loc[code, "provincie_code"] == provincie_code
    assert provincies.loc[provincie_code, "name"] == provincie_name


@pytest.mark.parametrize("year", YEARS)
def test_ggdregio_covers_all_gemeenten(real_geo_dir, year):
    gemeenten = membership.gemeenten_gdf(year)
    memberships, warnings = membership.boundary_region_memberships(gemeenten, year)
    ggd = memberships[memberships["region_type"] == "ggdregio"]
    assert sorted(ggd["gemeente_code"]) == sorted(gemeenten["code"])
    assert ggd["gemeente_code"].is_unique
    assert ggd["region_code"].nunique() == GGD_REGIOS_2025
    assert set(ggd["source"]) == {"ggdregio_2025.topojson"}  # also for 2026: no ggdregio_2026 exists
    assert not [w for w in warnings if "ggdregio" in w]
    amsterdam = ggd.set_index("gemeente_code").loc["GM0363"]
    assert "Amsterdam" in amsterdam["region_name"]


@pytest.mark.parametrize("year", YEARS)
def test_every_region_file_assigns_every_gemeente_once(real_geo_dir, year):
    gemeenten = membership.gemeenten_gdf(year)
    memberships, warnings = membership.boundary_region_memberships(gemeenten, year)
    region_types = [level for level in boundaries.available(real_geo_dir) if level not in boundaries.BASE_LEVELS]
    assert sorted(memberships["region_type"].unique()) == sorted(region_types)
    counts = memberships.groupby("region_type")["gemeente_code"].nunique()
    assert (counts == GEMEENTEN_2023_2026).all(), counts.to_dict()
    assert warnings == []


@pytest.mark.parametrize("year", [2024, *YEARS])
def test_gemeente_browser_geojson_fits_40_kb_gzip(real_geo_dir, year):
    paths = shapes.build_shapes(year)
    sizes = shapes.shape_sizes(paths)
    assert sizes["gemeente"].gzip <= 40_000, sizes
    gemeente = shapes.load_shapes("gemeente", year)
    provincie = shapes.load_shapes("provincie", year)
    assert len(gemeente["features"]) == GEMEENTEN_2023_2026
    assert len(provincie["features"]) == PROVINCIES
    assert all(f["geometry"] is not None for f in gemeente["features"])


@pytest.mark.parametrize("year", YEARS)
def test_browser_shapes_stay_close_to_the_source(real_geo_dir, year):
    source = boundaries.read_layer("gemeente", year).set_index("code").geometry
    simplified = shapes.load_shapes("gemeente", year)
    for feature in simplified["features"]:
        original = source[feature["id"]]
        drawn = shapely.geometry.shape(feature["geometry"])
        # Hausdorff distance in degrees; 0.01 is about 1 km
        assert shapely.hausdorff_distance(original, drawn) < 0.01, feature["id"]
