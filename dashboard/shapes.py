"""Thin adapter between the dashboard and the ``geo`` package, plus the HTTP route for shapes.

The browser gets each map layer's GeoJSON once, from ``/kaartvormen/<level>.geojson?v=<hash>``:
precompressed (gzip), ``Cache-Control: immutable`` for a year, and referenced from the figure
by URL (Plotly's ``geojson`` accepts a URL and keeps fetched files in ``window.PlotlyGeoAssets``),
so figure updates never carry geometry. The hash is over the content, so every worker builds
the same URL and a new boundary year or regio indeling gets a new URL.

Shapes come from ``geo.shapes.load_shapes(level, year, memberships)``: gemeente, provincie
and regio types (regio shapes are the union of their member gemeenten). The year is Meta
``geo_year`` (written by ``etvi init``), else ``geo.boundaries.choose_year()``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import Callable

import pandas as pd
from flask import Response, abort, request

from geo import boundaries, shapes
from geo.errors import GeoError

SHAPES_PREFIX = "/kaartvormen/"
TOPOJSON_URL = SHAPES_PREFIX + "topojson/"
MAX_AGE = 365 * 24 * 3600
# Plotly's geo maps fetch a world topojson for their base layers from cdn.plot.ly even when the
# base map is hidden. The dashboard points ``topojsonURL`` here and serves an empty topology,
# so maps work offline and no request leaves the server.
EMPTY_TOPOLOGY = {
    "type": "Topology",
    "objects": {name: {"type": "GeometryCollection", "geometries": []} for name in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")},
    "arcs": [],
    "transform": {"scale": [1, 1], "translate": [0, 0]},
}


class ShapesUnavailable(Exception):
    """Shapes cannot be produced; ``str()`` is a Dutch message shown instead of the map."""


@dataclass(frozen=True)
class ShapeFile:
    level: str
    geojson: dict
    raw: bytes
    gzipped: bytes
    digest: str

    @property
    def url(self) -> str:
        return f"{SHAPES_PREFIX}{self.level}.geojson?v={self.digest}"

    @property
    def codes(self) -> list[str]:
        return [str(f.get("id")) for f in self.geojson.get("features", [])]


def _geo_load(level: str, year: int | None, memberships: pd.DataFrame | None) -> dict:
    try:
        if year is None:
            year = boundaries.choose_year()
        if level in ("gemeente", "provincie"):
            return shapes.load_shapes(level, year)
        return shapes.load_shapes(level, year, memberships=memberships)
    except GeoError as exc:
        raise ShapesUnavailable(str(exc)) from None


Loader = Callable[[str, "int | None", "pd.DataFrame | None"], dict]


class ShapeStore:
    """Per-process cache of shape files keyed by (level, year, members)."""

    RETRY_SECONDS = 60  # after a failure, say the same for a minute instead of retrying on every request

    def __init__(self, loader: Loader | None = None):
        self.loader = loader or _geo_load
        self._lock = threading.Lock()
        self._files: dict[tuple, ShapeFile] = {}
        self._latest: dict[str, ShapeFile] = {}
        self._failed: dict[tuple, tuple[float, str]] = {}

    def get(self, level: str, year: int | None = None, memberships: pd.DataFrame | None = None) -> ShapeFile:
        members_key = None
        if memberships is not None and level not in ("gemeente", "provincie"):
            m = memberships[memberships["region_type"] == level]
            memberships = m[["region_type", "region_code", "region_name", "gemeente_code"]].astype(str)
            members_key = hashlib.sha1(pd.util.hash_pandas_object(memberships.sort_values(["region_code", "gemeente_code"]), index=False).values.tobytes()).hexdigest()
        key = (level, year, members_key)
        with self._lock:
            hit = self._files.get(key)
            failed = self._failed.get(key)
        if hit is not None:
            return hit
        if failed is not None and time.monotonic() - failed[0] < self.RETRY_SECONDS:
            raise ShapesUnavailable(failed[1])
        try:
            geojson = self.loader(level, year, memberships)
        except ShapesUnavailable as exc:
            with self._lock:
                self._failed[key] = (time.monotonic(), str(exc))
            raise
        raw = json.dumps(geojson, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        shape = ShapeFile(level, geojson, raw, gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()[:16])
        with self._lock:
            self._files[key] = shape
            self._latest[level] = shape
        return shape

    def latest(self, level: str) -> ShapeFile | None:
        with self._lock:
            return self._latest.get(level)


def register_route(server, shape_store: ShapeStore, resolve: Callable[[str], ShapeFile | None]) -> None:
    """``GET /kaartvormen/<level>.geojson``: the layer's GeoJSON, gzip-encoded when accepted."""
    @server.route(TOPOJSON_URL + "<name>.json")
    def etvi_empty_topojson(name: str):  # noqa: ANN202 - Flask view
        return Response(json.dumps(EMPTY_TOPOLOGY), mimetype="application/json", headers={"Cache-Control": f"public, max-age={MAX_AGE}"})

    @server.route(SHAPES_PREFIX + "<level>.geojson")
    def etvi_shapes(level: str):  # noqa: ANN202 - Flask view
        try:
            shape = resolve(level)
        except ShapesUnavailable:
            shape = None
        if shape is None:
            abort(404)
        immutable = request.args.get("v") == shape.digest
        headers = {
            "Cache-Control": f"public, max-age={MAX_AGE}, immutable" if immutable else "no-cache",
            "ETag": f'"{shape.digest}"',
            "Vary": "Accept-Encoding",
        }
        if request.headers.get("If-None-Match", "").strip('W/ ').strip('"') == shape.digest:
            return Response(status=304, headers=headers)
        if "gzip" in request.headers.get("Accept-Encoding", "").lower():
            headers["Content-Encoding"] = "gzip"
            body = shape.gzipped
        else:
            body = shape.raw
        return Response(body, mimetype="application/json", headers=headers)
