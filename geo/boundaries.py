"""Finding, downloading and reading boundary files.

Boundary files are named as in cartomap/nl: ``<level>_<year>.<ext>``, for example
``gemeente_2026.topojson`` or ``ggdregio_2025.geojson``. They come from one of two places:

* ``ETVI_GEO_DIR``: a folder the operator fills; it is read as is and never written to.
* otherwise the download cache ``<ETVI_CACHE_DIR>/geo``, which fills itself from
  ``ETVI_GEO_URL`` (cartomap/nl by default) the first time a file is needed.

Every reader returns the same shape of table, ``code``, ``name``, ``geometry`` in EPSG:4326,
whatever the source format or property names, so the rest of the product does not care
whether a file came from cartomap, PDOK or a GIS colleague.
"""

from __future__ import annotations

import datetime as _dt
import http.client
import os
import re
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from etvi.codes import gemeente_code, provincie_code
from etvi.config import settings
from geo.errors import GeoError

GEMEENTE = "gemeente"
PROVINCIE = "provincie"
BASE_LEVELS = (GEMEENTE, PROVINCIE)
EXTENSIONS = ("topojson", "geojson", "json", "gpkg", "shp")  # preference order
FILE_NAME = re.compile(r"^(?P<level>[a-z][a-z0-9_]*?)_(?P<year>\d{4})\.(?P<ext>[a-z]+)$")
OLDEST_DOWNLOAD_YEAR = 2023
DOWNLOAD_TIMEOUT = 20  # seconds
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
CRS = "EPSG:4326"
RD_NEW = "EPSG:28992"

GEMEENTE_CODE = re.compile(r"^GM\d{4}$")
PROVINCIE_CODE = re.compile(r"^PV\d{2}$")

HOW_TO_PROVIDE = (
    "Zonder internet kunt u de grenzen zelf aanleveren: zet ETVI_GEO_DIR op een map met "
    "gemeente_<jaar>.topojson en provincie_<jaar>.topojson (te vinden in de map wgs84 van "
    "github.com/cartomap/nl; de gegevens komen van CBS/PDOK). GeoJSON, GeoPackage of "
    "Shapefile van PDOK werkt ook, met dezelfde bestandsnamen."
)


# --- locating ----------------------------------------------------------------------------


def cache_dir() -> Path:
    """The download cache for boundary files, ``<ETVI_CACHE_DIR>/geo``."""
    return settings().cache_dir / "geo"


def boundary_dir() -> Path:
    """``ETVI_GEO_DIR`` when set (it must exist), otherwise the download cache."""
    configured = settings().geo_dir
    if configured is None:
        return cache_dir()
    if not configured.is_dir():
        raise GeoError(
            f"De map met grensbestanden bestaat niet: {configured}. Controleer ETVI_GEO_DIR; "
            f"de map moet bestanden bevatten zoals gemeente_<jaar>.topojson en provincie_<jaar>.topojson."
        )
    return configured


def is_download_cache(dir: Path) -> bool:
    """True when ``dir`` is the self-filling cache (only when ETVI_GEO_DIR is unset)."""
    if settings().geo_dir is not None:
        return False
    return Path(dir).resolve() == cache_dir().resolve()


def parse_file_name(path: Path) -> tuple[str, int] | None:
    """``(level, year)`` for a boundary file name, or None for anything else."""
    match = FILE_NAME.match(Path(path).name.lower())
    if not match or match["ext"] not in EXTENSIONS:
        return None
    return match["level"], int(match["year"])


def available(dir: Path) -> dict[str, list[int]]:
    """Level -> sorted years of the boundary files in ``dir`` (empty if it does not exist)."""
    found: dict[str, set[int]] = {}
    directory = Path(dir)
    if not directory.is_dir():
        return {}
    for path in directory.iterdir():
        parsed = parse_file_name(path)
        if parsed and path.is_file():
            found.setdefault(parsed[0], set()).add(parsed[1])
    return {level: sorted(years) for level, years in sorted(found.items())}


def find_file(dir: Path, level: str, year: int) -> Path | None:
    """The boundary file for ``level`` and ``year``, preferring TopoJSON, then GeoJSON, etc."""
    directory = Path(dir)
    if not directory.is_dir():
        return None
    by_name = {p.name.lower(): p for p in directory.iterdir() if p.is_file()}
    for ext in EXTENSIONS:
        path = by_name.get(f"{level}_{year}.{ext}")
        if path is not None:
            return path
    return None


def nearest_year(years: Iterable[int], year: int) -> int:
    """The file year to combine with gemeenten of ``year``: same, else newest older, else newest.

    Regio and provincie borders change less often than gemeenten, so e.g. ggdregio_2025 is
    used with gemeente_2026 when no ggdregio_2026 exists.
    """
    years = list(years)
    older = [y for y in years if y <= year]
    return max(older) if older else max(years)


def layer_year(level: str, year: int, dir: Path) -> int:
    """The year of the ``level`` file to use with ``year`` (see ``nearest_year``)."""
    years = available(dir).get(level, [])
    if year in years or not years or is_download_cache(dir):
        return year
    return nearest_year(years, year)


def complete_years(dir: Path) -> list[int]:
    """Years with both a gemeente and a provincie file, oldest first."""
    found = available(dir)
    return sorted(set(found.get(GEMEENTE, [])) & set(found.get(PROVINCIE, [])))


def choose_year(dir: Path | None = None) -> int:
    """The boundary year to use: ETVI_GEO_YEAR, or else the newest year with gemeente and provincie.

    On the download cache this first downloads what is missing, so a fresh install works
    without any setup when it has internet.
    """
    directory = Path(dir) if dir is not None else boundary_dir()
    wanted = settings().geo_year
    if is_download_cache(directory):
        if wanted is not None:
            ensure_files(BASE_LEVELS, wanted)
        elif not complete_years(directory):
            _download_newest_year()
    found = available(directory)
    if wanted is not None:
        if wanted not in found.get(GEMEENTE, []):
            years = ", ".join(map(str, found.get(GEMEENTE, []))) or "geen"
            raise GeoError(
                f"ETVI_GEO_YEAR is {wanted}, maar in {directory} staat geen gemeente_{wanted}-bestand. "
                f"Beschikbare jaren met gemeentegrenzen: {years}."
            )
        return wanted
    years = complete_years(directory)
    if not years:
        raise GeoError(
            f"In {directory} staat geen jaar met zowel gemeente- als provinciegrenzen "
            f"(gevonden: {_describe(found)}). {HOW_TO_PROVIDE}"
        )
    return years[-1]


def _describe(found: dict[str, list[int]]) -> str:
    if not found:
        return "geen grensbestanden"
    return "; ".join(f"{level} {', '.join(map(str, years))}" for level, years in found.items())


# --- downloading -------------------------------------------------------------------------


class _NotFound(GeoError):
    """The server answered 404: the file does not exist there (as opposed to no network)."""


def ensure_files(levels: Iterable[str], year: int | None = None) -> dict[str, Path]:
    """Level -> path of each boundary file for ``year``, downloading into the cache if needed.

    With ETVI_GEO_DIR set nothing is downloaded; a missing file is an error naming the folder.
    Without a year, the year is chosen first (see ``choose_year``).
    """
    levels = list(levels)
    directory = boundary_dir()
    if year is None:
        year = choose_year(directory)
    paths: dict[str, Path] = {}
    missing: list[str] = []
    for level in levels:
        path = find_file(directory, level, year)
        if path is None and is_download_cache(directory):
            path = download(level, year)
        if path is None:
            missing.append(f"{level}_{year}")
        else:
            paths[level] = path
    if missing:
        raise GeoError(
            f"In {directory} ontbreekt {', '.join(missing)} (als .topojson, .geojson, .json, .gpkg of .shp). "
            f"Aanwezig: {_describe(available(directory))}."
        )
    return paths


def download(level: str, year: int) -> Path:
    """Fetch ``<ETVI_GEO_URL><level>_<year>.topojson`` into the cache; checked before it is kept."""
    base = settings().geo_url
    url = base if base.endswith("/") else base + "/"
    url += f"{level}_{year}.topojson"
    target = cache_dir() / f"{level}_{year}.topojson"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
                size = 0
                while chunk := response.read(64 * 1024):
                    size += len(chunk)
                    if size > MAX_DOWNLOAD_BYTES:
                        raise GeoError(
                            f"Downloaden van {url} is afgebroken: het bestand is groter dan "
                            f"{MAX_DOWNLOAD_BYTES // (1024 * 1024)} MB. {HOW_TO_PROVIDE}"
                        )
                    out.write(chunk)
        except urllib.error.HTTPError as exc:
            cls = _NotFound if exc.code == 404 else GeoError
            raise cls(f"Downloaden van {url} is mislukt (HTTP {exc.code}). {HOW_TO_PROVIDE}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            raise GeoError(f"Downloaden van {url} is mislukt ({_network_reason(exc)}). {HOW_TO_PROVIDE}") from None
        try:
            read_boundary_file(tmp, level)
        except GeoError as exc:
            raise GeoError(
                f"Het bestand gedownload van {url} is geen bruikbaar grensbestand en is niet bewaard. "
                f"{exc} {HOW_TO_PROVIDE}"
            ) from None
        os.replace(tmp, target)
        return target
    finally:
        tmp.unlink(missing_ok=True)


def _network_reason(exc: BaseException) -> str:
    """A short Dutch reason for a failed download; the technical text goes last."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"geen antwoord binnen {DOWNLOAD_TIMEOUT} seconden"
    if isinstance(reason, ConnectionRefusedError):
        return "de verbinding werd geweigerd"
    if isinstance(reason, socket.gaierror):
        return "de server is niet gevonden; is er internet?"
    return f"geen verbinding: {reason}"


def _download_newest_year() -> int:
    """Download gemeente and provincie for the newest year the server has, back to 2023."""
    base = settings().geo_url
    this_year = _dt.date.today().year
    for year in range(this_year, OLDEST_DOWNLOAD_YEAR - 1, -1):
        try:
            ensure_files(BASE_LEVELS, year)
            return year
        except _NotFound:
            continue
    raise GeoError(
        f"Op {base} zijn geen gemeente- en provinciegrenzen gevonden voor de jaren "
        f"{this_year} tot en met {OLDEST_DOWNLOAD_YEAR}. {HOW_TO_PROVIDE}"
    )


# --- reading -----------------------------------------------------------------------------


def read_layer(level: str, year: int, dir: Path | None = None) -> gpd.GeoDataFrame:
    """The ``level`` boundaries of ``year`` as ``code``, ``name``, ``geometry`` (EPSG:4326)."""
    directory = Path(dir) if dir is not None else boundary_dir()
    if is_download_cache(directory):
        path = ensure_files([level], year)[level]
    else:
        path = find_file(directory, level, year)
        if path is None:
            raise GeoError(
                f"Geen grensbestand {level}_{year} in {directory}. "
                f"Aanwezig: {_describe(available(directory))}."
            )
    return read_boundary_file(path, level)


def _code_columns(level: str) -> list[str]:
    extra = ["regiocode"] if level not in BASE_LEVELS else []
    return ["statcode", f"{level}code", f"{level}_code", "code", *extra]


def _name_columns(level: str) -> list[str]:
    extra = ["regionaam"] if level not in BASE_LEVELS else []
    return ["statnaam", f"{level}naam", f"{level}_naam", "naam", "name", *extra]


def read_boundary_file(path: Path, level: str | None = None) -> gpd.GeoDataFrame:
    """Read one boundary file of any supported format into ``code``, ``name``, ``geometry``.

    ``level`` defaults to the one in the file name; it decides which property names are
    tried and how codes are checked (GM + 4 digits, PV + 2 digits, anything for regio's).
    """
    path = Path(path)
    if level is None:
        parsed = parse_file_name(path)
        level = parsed[0] if parsed else ""
    raw = _read_raw(path)
    columns = {str(c).strip().lower(): c for c in raw.columns if c != raw.geometry.name}
    code_col = next((columns[c] for c in _code_columns(level) if c in columns), None)
    name_col = next((columns[c] for c in _name_columns(level) if c in columns), None)
    found = ", ".join(columns) or "geen"
    if code_col is None:
        raise GeoError(
            f"{path}: geen kolom met de code gevonden (gezocht naar {', '.join(_code_columns(level))}; "
            f"gevonden: {found})."
        )
    if name_col is None:
        raise GeoError(
            f"{path}: geen kolom met de naam gevonden (gezocht naar {', '.join(_name_columns(level))}; "
            f"gevonden: {found})."
        )
    if len(raw) == 0:
        raise GeoError(f"{path}: het bestand bevat geen enkel gebied.")

    area_codes = raw[code_col].map(lambda v: _area_code(v, level))
    names = raw[name_col].map(lambda v: "" if _is_missing(v) else str(v).strip())
    _check_codes(path, level, str(code_col), area_codes)
    frame = gpd.GeoDataFrame({"code": area_codes, "name": names}, geometry=raw.geometry.values, crs=raw.crs)
    frame = _to_wgs84(path, frame)
    frame = _clean_geometries(path, frame)
    if frame["code"].duplicated().any():
        # Some exports split a multipart area over several rows; one row per code is what we use.
        frame = frame.dissolve(by="code", aggfunc="first", as_index=False)
    frame["name"] = frame["name"].where(frame["name"] != "", frame["code"])
    return frame[["code", "name", "geometry"]].sort_values("code").reset_index(drop=True)


def _read_raw(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise GeoError(f"Het grensbestand {path} bestaat niet.")
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        if not layers:
            raise GeoError(f"{path}: het bestand bevat geen kaartlaag.")
        if path.stem in layers:
            layer = path.stem
        elif len(layers) == 1:
            layer = layers[0]
        else:
            raise GeoError(
                f"{path}: het bestand bevat meerdere kaartlagen ({', '.join(layers)}) en geen laag "
                f"met de naam {path.stem}; geef de laag de naam van het bestand of lever één laag aan."
            )
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except GeoError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise several types for damaged files
        detail = " ".join(str(exc).split())[:300]
        raise GeoError(
            f"Het grensbestand {path} kan niet worden gelezen: het is beschadigd of geen TopoJSON, "
            f"GeoJSON, GeoPackage of Shapefile (technische melding: {detail})."
        ) from None


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _area_code(value, level: str) -> str:
    """A gemeente or provincie code read by ``etvi.codes`` (cartomap writes ``363`` for GM0363);
    other codes, and what is no code at all (so ``_check_codes`` can name it), as written."""
    if _is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    read = {GEMEENTE: gemeente_code, PROVINCIE: provincie_code}.get(level)
    if read is not None:
        return read(value) or text
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text


def _check_codes(path: Path, level: str, column: str, codes: pd.Series) -> None:
    empty = int((codes == "").sum())
    if empty:
        raise GeoError(f"{path}: {empty} gebied(en) zonder code in kolom {column}.")
    pattern, expected = {
        GEMEENTE: (GEMEENTE_CODE, "GM gevolgd door 4 cijfers"),
        PROVINCIE: (PROVINCIE_CODE, "PV gevolgd door 2 cijfers"),
    }.get(level, (None, ""))
    if pattern is None:
        return
    bad = sorted({c for c in codes if not pattern.match(c)})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:10]) + (" …" if len(bad) > 10 else "")
        raise GeoError(f"{path}: ongeldige {level}code(s) in kolom {column}: {shown} (verwacht {expected}).")


def _to_wgs84(path: Path, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """TopoJSON carries no CRS: lon/lat is assumed; unlabelled RD New coordinates are recognised."""
    if frame.crs is not None:
        try:
            return frame if frame.crs.equals(CRS) else frame.to_crs(CRS)
        except Exception as exc:
            raise GeoError(f"{path}: de coördinaten kunnen niet naar WGS84 worden omgezet ({exc}).") from None
    minx, miny, maxx, maxy = frame.total_bounds
    if -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90:
        return frame.set_crs(CRS)
    if -10_000 <= minx and maxx <= 300_000 and 280_000 <= miny and maxy <= 650_000:
        return frame.set_crs(RD_NEW).to_crs(CRS)
    raise GeoError(
        f"{path}: het coördinatenstelsel is onbekend en de coördinaten zijn geen lengte/breedte "
        f"(WGS84) of Rijksdriehoek; sla het bestand op in EPSG:4326 of EPSG:28992 met projectie-informatie."
    )


def _clean_geometries(path: Path, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Only (multi)polygons; invalid ones repaired, since generalised files hold a few self-intersections."""
    geoms = np.asarray(frame.geometry.values)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        codes = ", ".join(frame.loc[missing, "code"].astype(str).tolist()[:10])
        raise GeoError(f"{path}: gebied(en) zonder vorm: {codes}.")
    kinds = set(shapely.get_type_id(geoms).tolist())
    polygonal = {3, 6}  # Polygon, MultiPolygon
    if not kinds <= polygonal:
        raise GeoError(f"{path}: het bestand bevat punten of lijnen; verwacht worden vlakken (gebieden).")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        repaired = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms = geoms.copy()
        geoms[invalid] = [_polygonal_part(g) for g in repaired]
    frame = frame.copy()
    frame["geometry"] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)
    return frame


def _polygonal_part(geom):
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()
