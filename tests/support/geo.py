"""Tiny synthetic boundary files for the geo tests.

The synthetic country is a 2 x 2 grid of square gemeenten near Utrecht, two provincies
(west and east column) and two GGD-regio's (south and north row), so every expected
answer can be read off the layout.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon, box

X0, Y0, SIZE = 5.0, 52.0, 0.1


def cell(col: int, row: int) -> Polygon:
    return box(X0 + col * SIZE, Y0 + row * SIZE, X0 + (col + 1) * SIZE, Y0 + (row + 1) * SIZE)


GEMEENTEN = [  # code, name, column, row
    ("GM0001", "Aadorp", 0, 0),
    ("GM0002", "Beekdal", 1, 0),
    ("GM0003", "Súdwest-Cedam", 0, 1),
    ("GM0004", "Dijkum", 1, 1),
]
PROVINCIES = [
    ("PV20", "Westland", box(X0, Y0, X0 + SIZE, Y0 + 2 * SIZE)),
    ("PV21", "Oostland", box(X0 + SIZE, Y0, X0 + 2 * SIZE, Y0 + 2 * SIZE)),
]
GGD_REGIOS = [
    ("GG0001", "GGD Zuid", box(X0, Y0, X0 + 2 * SIZE, Y0 + SIZE)),
    ("GG0002", "GGD Noord", box(X0, Y0 + SIZE, X0 + 2 * SIZE, Y0 + 2 * SIZE)),
]


def gemeente_records() -> list[tuple[str, str, Polygon]]:
    return [(code, name, cell(col, row)) for code, name, col, row in GEMEENTEN]


def write_layer(
    directory: Path,
    stem: str,
    records: list[tuple[str, str, Polygon]],
    ext: str = "geojson",
    code_column: str = "statcode",
    name_column: str = "statnaam",
    crs: str | None = "EPSG:4326",
) -> Path:
    """Write ``records`` as ``<stem>.<ext>`` with the given property names."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.{ext}"
    if ext == "topojson":
        path.write_text(topojson_text(stem, records, code_column, name_column), encoding="utf-8")
        return path
    frame = gpd.GeoDataFrame(
        {code_column: [r[0] for r in records], name_column: [r[1] for r in records]},
        geometry=[r[2] for r in records],
        crs=crs,
    )
    driver = {"geojson": "GeoJSON", "json": "GeoJSON", "gpkg": "GPKG", "shp": "ESRI Shapefile"}[ext]
    kwargs = {"layer": stem} if ext == "gpkg" else {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")  # intended for crs=None
        frame.to_file(path, driver=driver, engine="pyogrio", **kwargs)
    return path


def topojson_text(name: str, records, code_column: str = "statcode", name_column: str = "statnaam") -> str:
    """A minimal unquantised TopoJSON ``Topology``, one arc per ring, no CRS (as cartomap)."""
    arcs, geometries = [], []
    for code, label, polygon in records:
        ring_refs = []
        for ring in [polygon.exterior, *polygon.interiors]:
            arcs.append([list(c) for c in ring.coords])
            ring_refs.append([len(arcs) - 1])
        geometries.append(
            {"type": "Polygon", "arcs": ring_refs, "properties": {code_column: code, name_column: label}}
        )
    topology = {"type": "Topology", "arcs": arcs, "objects": {name: {"type": "GeometryCollection", "geometries": geometries}}}
    return json.dumps(topology, ensure_ascii=False)


def write_country(directory: Path, year: int = 2025, ext: str = "geojson", regions: bool = True) -> Path:
    """Gemeente, provincie and (optionally) ggdregio files of the synthetic country."""
    write_layer(directory, f"gemeente_{year}", gemeente_records(), ext)
    write_layer(directory, f"provincie_{year}", PROVINCIES, ext)
    if regions:
        write_layer(directory, f"ggdregio_{year}", GGD_REGIOS, ext)
    return directory


def expected_provincie(col: int) -> str:
    return PROVINCIES[col][0]
