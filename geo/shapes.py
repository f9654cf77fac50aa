"""Small GeoJSON shapes for maps in the browser.

Every map layer is derived from one simplified gemeente coverage: provincie and regio shapes
are unions of simplified gemeenten. Borders therefore line up exactly when layers are drawn
on top of each other, and a regio's outline is precisely its member gemeenten even when the
regio only exists as a list. Simplification works on the coverage as a whole
(``shapely.coverage_simplify``), so neighbouring gemeenten keep a shared border without
gaps or slivers.

Built files live in ``<ETVI_CACHE_DIR>/shapes/<year>/<level>.geojson`` and carry a build key
(``etvi_build``) over their sources and settings, so they are rebuilt only when something
they depend on changed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etvi.config import settings
from geo.boundaries import BASE_LEVELS, GEMEENTE, PROVINCIE, boundary_dir, ensure_files, layer_year, read_layer
from geo.errors import GeoError
from geo.membership import assign_provincies, provincie_layer

# Degrees (about 150-200 m). cartomap's files are already generalised, so this only trims tiny
# zigzags. Measured gzip size of the gemeente map: 2025/2026 33.2 KB, 2024 38.6 KB (39.6 unsimplified).
DEFAULT_TOLERANCE = 0.002
MAX_TOLERANCE = 0.05  # beyond ~4 km gemeenten stop looking like themselves
GEMEENTE_GZIP_BUDGET = 40_000  # bytes; the gemeente map is sent on every first page load
DEFAULT_PRECISION = 4  # decimals: about 7 m east-west and 11 m north-south in the Netherlands
FORMAT_VERSION = 1
BUILD_KEY = "etvi_build"
GZIP_LEVEL = 6  # what flask-compress uses by default


class ShapeSize(NamedTuple):
    raw: int
    gzip: int


# --- simplification and GeoJSON ----------------------------------------------------------


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify all shapes together so shared borders stay shared.

    Shapes that overlap a little or do not share vertices along borders (gemeente_2024 from
    cartomap has a dozen such spots) are first cleaned into a proper coverage. If that is
    impossible, each shape is simplified on its own, which may leave hairline gaps.
    """
    result = gdf.copy()
    if tolerance <= 0 or len(gdf) == 0:
        return result
    geoms = np.asarray(gdf.geometry.values)
    if not shapely.coverage_is_valid(geoms) and hasattr(shapely, "coverage_clean"):
        try:
            geoms = shapely.coverage_clean(geoms)
        except (shapely.errors.GEOSException, shapely.errors.UnsupportedGEOSVersionError):
            pass
    if shapely.coverage_is_valid(geoms):
        simplified = shapely.coverage_simplify(geoms, tolerance)
    else:
        simplified = shapely.simplify(geoms, tolerance, preserve_topology=True)
    result[result.geometry.name] = gpd.GeoSeries(simplified, index=gdf.index, crs=gdf.crs)
    return result


def feature_collection(gdf: gpd.GeoDataFrame, precision: int = DEFAULT_PRECISION, exterior_cw: bool = True) -> dict:
    """GeoJSON with only ``code`` and ``name``, feature ``id`` = code, coordinates rounded.

    Outer rings run clockwise by default: Plotly's ``geo`` maps (d3-geo) fill the rest of the
    world for counter-clockwise rings, while Leaflet and MapLibre accept either order. Pass
    ``exterior_cw=False`` for the RFC 7946 order.
    """
    geoms = shapely.orient_polygons(np.asarray(gdf.geometry.values), exterior_cw=exterior_cw)
    features = []
    for code, name, geom in sorted(zip(gdf["code"], gdf["name"], geoms), key=lambda item: str(item[0])):
        features.append(
            {
                "type": "Feature",
                "id": str(code),
                "properties": {"code": str(code), "name": str(name)},
                "geometry": _rounded_geometry(geom, precision),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def browser_geojson(
    gdf: gpd.GeoDataFrame, tolerance: float = DEFAULT_TOLERANCE, precision: int = DEFAULT_PRECISION, exterior_cw: bool = True
) -> dict:
    """Simplified, rounded GeoJSON (``code``, ``name``, ``geometry`` in EPSG:4326) for the browser."""
    return feature_collection(simplify_coverage(gdf, tolerance), precision, exterior_cw)


def _rounded_geometry(geom, precision: int) -> dict | None:
    polygons = []
    for polygon in shapely.get_parts(geom):
        if shapely.get_type_id(polygon) != 3:
            continue
        exterior = _rounded_ring(np.asarray(polygon.exterior.coords)[:, :2], precision)
        if len(exterior) < 4:
            continue  # the polygon shrank to nothing at this precision
        holes = [_rounded_ring(np.asarray(r.coords)[:, :2], precision) for r in polygon.interiors]
        polygons.append([exterior, *[h for h in holes if len(h) >= 4]])
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _rounded_ring(coords: np.ndarray, precision: int) -> list[list[float]]:
    rounded = np.round(coords, precision)
    keep = np.ones(len(rounded), dtype=bool)
    keep[1:] = np.any(rounded[1:] != rounded[:-1], axis=1)  # drop points that rounding merged
    return [[float(x), float(y)] for x, y in rounded[keep]]


# --- regio shapes ------------------------------------------------------------------------


def dissolve_regions(gemeenten_gdf: gpd.GeoDataFrame, memberships: pd.DataFrame) -> gpd.GeoDataFrame:
    """Regio shapes as the union of their member gemeenten: ``region_type``, ``code``, ``name``, ``geometry``.

    Members that are not in ``gemeenten_gdf`` are ignored (the caller validates codes); a
    regio without any known member gets no shape.
    """
    columns = ["region_type", "code", "name", "geometry"]
    shapes = dict(zip(gemeenten_gdf["code"], np.asarray(gemeenten_gdf.geometry.values)))
    members = memberships[memberships["gemeente_code"].isin(shapes.keys())]
    rows = []
    for (region_type, code), group in members.groupby(["region_type", "region_code"], sort=True):
        parts = [shapes[c] for c in group["gemeente_code"].unique()]
        rows.append((str(region_type), str(code), str(group["region_name"].iloc[0]), shapely.union_all(parts)))
    frame = pd.DataFrame(rows, columns=columns)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=gemeenten_gdf.crs)


# --- building, caching and loading -------------------------------------------------------


def shapes_dir(year: int) -> Path:
    """Where the browser shapes of ``year`` are cached."""
    return settings().cache_dir / "shapes" / str(year)


def build_shapes(
    year: int,
    out_dir: Path | None = None,
    memberships: pd.DataFrame | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    precision: int = DEFAULT_PRECISION,
    max_gzip_bytes: int | None = GEMEENTE_GZIP_BUDGET,
) -> dict[str, Path]:
    """Write browser GeoJSON for gemeente, provincie and each regiotype in ``memberships``.

    Files whose build key still matches (same source files, settings and members) are left
    alone. The tolerance grows if needed to keep the gemeente map within ``max_gzip_bytes``.
    Returns level -> path.
    """
    out = Path(out_dir) if out_dir is not None else shapes_dir(year)
    directory = boundary_dir()
    sources = [
        ensure_files([GEMEENTE], year)[GEMEENTE],
        ensure_files([PROVINCIE], layer_year(PROVINCIE, year, directory))[PROVINCIE],
    ]
    groups = _region_groups(memberships)
    settings_part = {"tolerance": tolerance, "precision": precision, "budget": max_gzip_bytes}
    keys = {level: _build_key(level, sources, settings_part) for level in BASE_LEVELS}
    for region_type, group in groups.items():
        keys[region_type] = _build_key(region_type, sources, settings_part, _member_rows(group))
    paths = {level: out / f"{level}.geojson" for level in keys}
    stale = [level for level in keys if _stored_key(paths[level]) != keys[level]]
    if not stale:
        return paths

    provincie_shapes = provincie_layer(year, directory)
    gemeenten = assign_provincies(read_layer(GEMEENTE, year, directory), provincie_shapes)
    simplified, gemeente_json = _fit_budget(gemeenten, tolerance, precision, keys[GEMEENTE], max_gzip_bytes)
    encoded: dict[str, bytes] = {GEMEENTE: gemeente_json}
    if PROVINCIE in stale:
        names = dict(zip(provincie_shapes["code"], provincie_shapes["name"]))
        by_provincie = pd.DataFrame(
            {
                "region_type": PROVINCIE,
                "region_code": simplified["provincie_code"],
                "region_name": simplified["provincie_code"].map(names),
                "gemeente_code": simplified["code"],
            }
        )
        encoded[PROVINCIE] = _encode(dissolve_regions(simplified, by_provincie), precision, keys[PROVINCIE])
    region_types = [level for level in stale if level not in BASE_LEVELS]
    if region_types:
        dissolved = dissolve_regions(simplified, pd.concat([groups[t] for t in region_types]))
        for region_type in region_types:
            layer = dissolved[dissolved["region_type"] == region_type]
            encoded[region_type] = _encode(layer, precision, keys[region_type])
    out.mkdir(parents=True, exist_ok=True)
    for level in stale:
        _write_bytes(paths[level], encoded[level])
    return paths


def _fit_budget(
    gemeenten: gpd.GeoDataFrame, tolerance: float, precision: int, key: str, max_gzip_bytes: int | None
) -> tuple[gpd.GeoDataFrame, bytes]:
    """Simplify, doubling the tolerance until the gemeente map fits the gzip budget.

    cartomap files fit at the default; a detailed PDOK file would otherwise send megabytes.
    """
    while True:
        simplified = simplify_coverage(gemeenten, tolerance)
        data = _encode(simplified, precision, key)
        fits = max_gzip_bytes is None or len(gzip.compress(data, GZIP_LEVEL, mtime=0)) <= max_gzip_bytes
        if fits or tolerance <= 0 or tolerance >= MAX_TOLERANCE:
            return simplified, data
        tolerance = min(tolerance * 2, MAX_TOLERANCE)


def _encode(gdf: gpd.GeoDataFrame, precision: int, key: str) -> bytes:
    collection = feature_collection(gdf, precision)
    collection[BUILD_KEY] = key
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def shape_sizes(paths: Mapping[str, Path] | Iterable[Path]) -> dict[str, ShapeSize]:
    """Raw and gzip-compressed size in bytes of each file, keyed like ``paths`` (or by file name)."""
    items = paths.items() if isinstance(paths, Mapping) else ((Path(p).name, p) for p in paths)
    sizes = {}
    for key, path in items:
        data = Path(path).read_bytes()
        sizes[key] = ShapeSize(len(data), len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)))
    return sizes


def load_shapes(level: str, year: int, memberships: pd.DataFrame | None = None) -> dict:
    """The browser GeoJSON of ``level``; gemeente and provincie (and given regio's) are built if needed.

    A regiotype can only be built from its members, so without ``memberships`` its file must
    already exist (``build_shapes`` writes it during ``etvi init``).
    """
    if level in BASE_LEVELS or memberships is not None:
        build_shapes(year, memberships=memberships)
    path = shapes_dir(year) / f"{level}.geojson"
    if not path.is_file():
        raise GeoError(
            f"Er is nog geen kaart voor {level} ({year}). Laad eerst de regio-indeling, "
            f"bijvoorbeeld met 'etvi init'."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeoError(f"Het kaartbestand {path} is beschadigd ({exc}); verwijder het en bouw het opnieuw.") from None
    data.pop(BUILD_KEY, None)
    return data


def _region_groups(memberships: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    if memberships is None or len(memberships) == 0:
        return {}
    missing = {"region_type", "region_code", "region_name", "gemeente_code"} - set(memberships.columns)
    if missing:
        raise GeoError(f"De regio-indeling mist de kolom(men) {', '.join(sorted(missing))}.")
    reserved = sorted(set(memberships["region_type"]) & set(BASE_LEVELS))
    if reserved:
        raise GeoError(f"De regio-indeling bevat regiotype {', '.join(reserved)}; die kaarten komen uit de grensbestanden.")
    return {str(t): g for t, g in memberships.groupby("region_type", sort=True)}


def _member_rows(group: pd.DataFrame) -> list[list[str]]:
    rows = group[["region_code", "region_name", "gemeente_code"]].astype(str).drop_duplicates()
    return sorted(rows.values.tolist())


def _build_key(level: str, sources: list[Path], settings_part: dict, members: list | None = None) -> str:
    files = [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in sources]
    payload = {"format": FORMAT_VERSION, "level": level, "files": files, **settings_part, "members": members}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


def _stored_key(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get(BUILD_KEY)
    except (OSError, ValueError, AttributeError):
        return None


def _write_bytes(path: Path, data: bytes) -> None:
    """Write atomically, so a dashboard worker never reads half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
