"""Reference tables derived from boundaries and regio lists, as plain DataFrames.

Which provincie or regio a gemeente belongs to is decided geometrically: a point that is
guaranteed to lie inside the gemeente (``representative_point``) is looked up in the
provincie or regio polygons. Boundaries of different layers are generalised separately and
do not match exactly along borders, so a point deep inside the gemeente is far more reliable
than comparing outlines.

Regio's that have no boundary file arrive as membership lists (``regio_*.csv|xlsx``):
gemeentecode -> regio. The database is written by the caller, not here.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etvi import codes
from geo.boundaries import (
    BASE_LEVELS,
    GEMEENTE,
    PROVINCIE,
    available,
    boundary_dir,
    find_file,
    layer_year,
    nearest_year,
    read_boundary_file,
    read_layer,
)
from geo.errors import GeoError

MEMBERSHIP_COLUMNS = ["region_type", "region_code", "region_name", "gemeente_code", "source"]
# Where a membership came from, for messages: the row in its list ("" for a boundary file) and
# the gemeente as the list gave it ("" when that is simply the current gemeentecode).
PLACE_COLUMNS = ["row", "given"]
LIST_COLUMNS = ("gemeentecode", "regiotype", "regiocode", "regionaam", "gemeente")
HEADER_ALIASES = {"gemeentenaam": "gemeente"}
REQUIRED_LIST_COLUMNS = ("gemeentecode", "regiotype", "regiocode")
MAX_ERRORS_SHOWN = 20
MAX_LISTED = 20


# --- provincies and gemeenten ------------------------------------------------------------


def provincie_layer(year: int, dir: Path | None = None) -> gpd.GeoDataFrame:
    """Provincie shapes for gemeenten of ``year``; an older provincie file is used if that year has none."""
    directory = Path(dir) if dir is not None else boundary_dir()
    return read_layer(PROVINCIE, layer_year(PROVINCIE, year, directory), directory)


def provincies(year: int, dir: Path | None = None) -> pd.DataFrame:
    """The provincies of ``year``: ``code``, ``name``."""
    layer = provincie_layer(year, dir)
    return pd.DataFrame(layer[["code", "name"]]).reset_index(drop=True)


def gemeenten_gdf(year: int, dir: Path | None = None) -> gpd.GeoDataFrame:
    """The gemeenten of ``year`` with shapes: ``code``, ``name``, ``provincie_code``, ``geometry``."""
    directory = Path(dir) if dir is not None else boundary_dir()
    return assign_provincies(read_layer(GEMEENTE, year, directory), provincie_layer(year, directory))


def gemeenten(year: int, dir: Path | None = None) -> pd.DataFrame:
    """The gemeenten of ``year``: ``code``, ``name``, ``provincie_code``."""
    return pd.DataFrame(gemeenten_gdf(year, dir).drop(columns="geometry"))


def assign_provincies(gemeenten: gpd.GeoDataFrame, provincies: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``provincie_code`` to each gemeente; every gemeente must fall in exactly one provincie."""
    hits = points_in_polygons(gemeenten, provincies)
    problems = []
    for row in gemeenten.itertuples():
        found = hits[row.code]
        if len(found) == 0:
            problems.append(f"{row.code} {row.name} ligt in geen enkele provincie")
        elif len(found) > 1:
            problems.append(f"{row.code} {row.name} ligt in {len(found)} provincies ({', '.join(found)})")
    if problems:
        raise GeoError(
            "Niet elke gemeente ligt in precies één provincie; controleer of het gemeente- en het "
            "provinciebestand van hetzelfde jaar en uit dezelfde bron zijn:\n"
            + _bullets(problems, MAX_LISTED)
        )
    result = gemeenten[["code", "name", "geometry"]].copy()
    result.insert(2, "provincie_code", [hits[c][0] for c in result["code"]])
    return result.reset_index(drop=True)


def points_in_polygons(gemeenten: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """Gemeente code -> sorted codes of the areas that contain a point inside that gemeente."""
    if areas.crs is not None and gemeenten.crs is not None and not areas.crs.equals(gemeenten.crs):
        areas = areas.to_crs(gemeenten.crs)
    points = gpd.GeoDataFrame(
        {"gemeente_code": gemeenten["code"].to_numpy()},
        geometry=gemeenten.geometry.representative_point().to_numpy(),
        crs=gemeenten.crs,
    )
    targets = gpd.GeoDataFrame({"area_code": areas["code"].to_numpy()}, geometry=areas.geometry.to_numpy(), crs=areas.crs)
    # "intersects" also counts a point on a shared border, so such a point shows up as ambiguous.
    joined = gpd.sjoin(points, targets, how="left", predicate="intersects")
    result: dict[str, list[str]] = {code: [] for code in gemeenten["code"]}
    for code, area in zip(joined["gemeente_code"], joined["area_code"]):
        if pd.notna(area):  # how="left" leaves NaN for a point in no area
            result[code].append(str(area))
    return {code: sorted(set(found)) for code, found in result.items()}


# --- regio's from boundary files ---------------------------------------------------------


def boundary_region_memberships(
    gemeenten_gdf: gpd.GeoDataFrame, year: int, dir: Path | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Memberships for every regio boundary file in the folder, plus warnings for users.

    A gemeente whose point lies in no regio is left out and reported; one that lies in
    several (overlapping regio's) goes to the regio it overlaps most, also reported.
    """
    directory = Path(dir) if dir is not None else boundary_dir()
    rows: list[dict] = []
    warnings: list[str] = []
    for level, years in available(directory).items():
        if level in BASE_LEVELS:
            continue
        path = find_file(directory, level, nearest_year(years, year))
        regions = read_boundary_file(path, level)
        if len(regions) >= len(gemeenten_gdf):
            warnings.append(
                f"{path.name} heeft {len(regions)} gebieden, niet minder dan het aantal gemeenten; "
                f"dat is geen indeling in regio's en is overgeslagen."
            )
            continue
        hits = points_in_polygons(gemeenten_gdf, regions)
        names = dict(zip(regions["code"], regions["name"]))
        outside = []
        for gemeente in gemeenten_gdf.itertuples():
            found = hits[gemeente.code]
            if not found:
                outside.append(f"{gemeente.code} {gemeente.name}")
                continue
            if len(found) > 1:
                chosen = _largest_overlap(gemeente.geometry, regions, found)
                warnings.append(
                    f"{path.name}: {gemeente.code} {gemeente.name} ligt in meerdere regio's "
                    f"({', '.join(found)}); ingedeeld bij {chosen}, waarmee de overlap het grootst is."
                )
                found = [chosen]
            rows.append(
                {
                    "region_type": level,
                    "region_code": found[0],
                    "region_name": names[found[0]],
                    "gemeente_code": gemeente.code,
                    "source": path.name,
                }
            )
        if outside:
            shown = ", ".join(outside[:MAX_LISTED]) + (f" en nog {len(outside) - MAX_LISTED}" if len(outside) > MAX_LISTED else "")
            warnings.append(
                f"{path.name}: {len(outside)} gemeente(n) liggen in geen enkele {level} en hebben voor "
                f"{level} geen regio: {shown}."
            )
    return _memberships_frame(rows), warnings


def _largest_overlap(geometry, regions: gpd.GeoDataFrame, codes: list[str]) -> str:
    candidates = regions[regions["code"].isin(codes)]
    # Plain shapely areas: only their order matters, so degrees are fine (and give no CRS warning).
    overlap = shapely.area(shapely.intersection(np.asarray(candidates.geometry.values), geometry))
    return str(candidates["code"].iloc[int(np.argmax(overlap))])


def _memberships_frame(rows: list[dict], columns: list[str] = MEMBERSHIP_COLUMNS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns).astype(str)
    return frame.sort_values(["region_type", "region_code", "gemeente_code"]).reset_index(drop=True)


# --- regio's from membership lists -------------------------------------------------------


def membership_files(dir: Path) -> list[Path]:
    """The regio lists ``regio_*.csv`` and ``regio_*.xlsx`` in ``dir``, sorted."""
    directory = Path(dir)
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.name.lower().startswith("regio_") and p.suffix.lower() in (".csv", ".xlsx")
    )


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def normalize_regiotype(text: str) -> str | None:
    """'Woningmarktregio' -> 'woningmarktregio'; spaces and hyphens become underscores."""
    text = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return text if re.fullmatch(r"[a-z][a-z0-9_]*", text) else None


def parse_membership_rows(name: str, rows: list[tuple[int, list[str]]], resolver=None) -> tuple[pd.DataFrame, list[str]]:
    """The rows of regio list ``name`` (spreadsheet row number, cell texts; the header first) as
    membership columns plus ``PLACE_COLUMNS``, and warnings for users; all problems in one GeoError.

    With a ``resolver`` (``etl.gemeenten.GemeenteResolver``) every gemeente must be a current
    one, a pre-merger code or name maps to its successor with a warning (as status uploads do),
    and an optional ``gemeente`` column holds the name: it must fit the code, or stands in for
    an empty gemeentecode. Without one the codes are only checked for their form. Reading the
    file itself (checks, encodings, xlsx) is ``etl.region_lists``.
    """
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise GeoError(f"{name}: het bestand is leeg.")
    header_row, header = rows[0]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _header_key(cell)
        key = HEADER_ALIASES.get(key, key)
        if key in LIST_COLUMNS and key not in positions:
            positions[key] = index
    missing = [c for c in REQUIRED_LIST_COLUMNS if c not in positions]
    if missing:
        raise GeoError(
            f"{name}, rij {header_row}: kolom(men) {', '.join(missing)} ontbreken. Verwacht worden de kolommen "
            f"gemeentecode, regiotype, regiocode en (optioneel) regionaam en gemeente; gevonden: "
            f"{', '.join(c for c in header if c) or 'geen'}."
        )
    if len(rows) == 1:
        raise GeoError(f"{name}: het bestand bevat alleen kopregels, geen gemeenten.")

    errors: list[tuple[int, str]] = []
    warnings: list[str] = []
    records: list[dict] = []
    names = resolver.names if resolver is not None else {}

    def cell(cells: list[str], column: str) -> str:
        index = positions.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def error(number: int, column: str, message: str) -> None:
        errors.append((number, f"{name}, rij {number}, kolom {column}: {message}"))

    for number, cells in rows[1:]:
        raw_code, raw_type, region_code = cell(cells, "gemeentecode"), cell(cells, "regiotype"), cell(cells, "regiocode")
        raw_name = cell(cells, "gemeente") if resolver is not None else ""
        region_name = cell(cells, "regionaam") or region_code
        gemeente_code = codes.gemeente_code(raw_code)
        region_type = normalize_regiotype(raw_type)
        given = ""
        ok = True
        if not raw_code and not raw_name:
            error(number, "gemeentecode", "is leeg")
            ok = False
        elif raw_code and gemeente_code is None:
            error(number, "gemeentecode", f"{raw_code!r} is geen geldige gemeentecode (verwacht GM gevolgd door 4 cijfers)")
            ok = False
        elif resolver is not None:
            found = resolver.resolve(gemeente_code, raw_name)
            column = "gemeentecode" if gemeente_code else "gemeente"
            if found.error:
                error(number, column, found.error)
                ok = False
            elif found.warning:
                warnings.append(f"{name}, rij {number}, kolom {column}: {found.warning}")
                given = gemeente_code or raw_name
            gemeente_code = found.code
        if not raw_type:
            error(number, "regiotype", "is leeg")
            ok = False
        elif region_type is None:
            error(number, "regiotype", f"{raw_type!r} is geen geldig regiotype (gebruik letters, cijfers en _)")
            ok = False
        elif region_type in BASE_LEVELS:
            error(number, "regiotype", f"{raw_type!r} kan niet: gemeente- en provinciegrenzen komen uit de grensbestanden")
            ok = False
        if not region_code:
            error(number, "regiocode", "is leeg")
            ok = False
        if ok:
            records.append(
                {
                    "region_type": region_type,
                    "region_code": region_code,
                    "region_name": region_name,
                    "gemeente_code": gemeente_code,
                    "source": name,
                    "row": number,
                    "given": given,
                }
            )
    for kind, record, earlier in region_clashes(records):
        if kind == "regio":
            earlier_given = f", opgegeven als {earlier['given']}" if earlier["given"] else ""
            error(
                record["row"],
                "regiocode",
                f"{gemeente_label(record, names)} staat voor {record['region_type']} al in regio "
                f"{earlier['region_code']} (rij {earlier['row']}{earlier_given})",
            )
        else:
            error(
                record["row"],
                "regionaam",
                f"{record['region_name']!r} verschilt van {earlier['region_name']!r} (rij {earlier['row']}) "
                f"voor regio {record['region_code']}",
            )
    if errors:
        errors.sort(key=lambda e: e[0])
        raise GeoError(f"{name} bevat {len(errors)} fout(en):\n" + _bullets([text for _, text in errors], MAX_ERRORS_SHOWN))
    return _memberships_frame(_unique_members(records), MEMBERSHIP_COLUMNS + PLACE_COLUMNS), warnings


def region_clashes(records: list[dict]) -> list[tuple[str, dict, dict]]:
    """``("regio", record, earlier)`` for each record that puts its gemeente in a second regio of
    the same regiotype, ``("naam", record, earlier)`` for one that gives its regio another name.
    The first record of each gemeente and regio counts; ``records`` are in order of precedence."""
    clashes = []
    members: dict[tuple[str, str], dict] = {}
    region_names: dict[tuple[str, str], dict] = {}
    for record in records:
        earlier = members.setdefault((record["region_type"], record["gemeente_code"]), record)
        if earlier["region_code"] != record["region_code"]:
            clashes.append(("regio", record, earlier))
            continue
        earlier = region_names.setdefault((record["region_type"], record["region_code"]), record)
        if earlier["region_name"] != record["region_name"]:
            clashes.append(("naam", record, earlier))
    return clashes


def _unique_members(records: list[dict]) -> list[dict]:
    """The first record of each (regiotype, regio, gemeente): the same membership twice is one."""
    seen: dict[tuple[str, str, str], dict] = {}
    for record in records:
        seen.setdefault((record["region_type"], record["region_code"], record["gemeente_code"]), record)
    return list(seen.values())


def gemeente_label(record: dict, names: dict[str, str]) -> str:
    """'Amsterdam (GM0363)', or 'Amsterdam (GM0363, opgegeven als GM0457)' for a pre-merger gemeente."""
    code, given = record["gemeente_code"], record.get("given") or ""
    name = names.get(code)
    if name:
        return f"{name} ({code}, opgegeven als {given})" if given else f"{name} ({code})"
    return f"{code} (opgegeven als {given})" if given else code


def _place(record: dict) -> str:
    row = record.get("row")
    return f"{record['source']}, rij {row}" if row not in (None, "") else f"grensbestand {record['source']}"


def combine_memberships(frames: list[pd.DataFrame], names: dict[str, str] | None = None) -> pd.DataFrame:
    """One membership table from boundary layers and regio lists, first frame first.

    Each gemeente belongs to at most one regio per regiotype and each regio has one name, also
    across files: otherwise a GeoError names both places (file and row, or the boundary file),
    the gemeente and both regio's. The same membership in several places is kept once.
    """
    columns = MEMBERSHIP_COLUMNS + PLACE_COLUMNS
    parts = [frame.reindex(columns=columns, fill_value="") for frame in frames if len(frame)]
    if not parts:
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS)
    records = pd.concat(parts, ignore_index=True).to_dict("records")
    names = names or {}
    problems = []
    for kind, record, earlier in region_clashes(records):
        if kind == "regio":
            problems.append(
                f"{_place(record)}: {gemeente_label(record, names)} staat voor {record['region_type']} in regio "
                f"{record['region_code']} ({record['region_name']}), maar {_place(earlier)} zet "
                f"{gemeente_label(earlier, names)} in regio {earlier['region_code']} ({earlier['region_name']}). "
                "Een gemeente hoort per regiotype bij één regio."
            )
        else:
            problems.append(
                f"{_place(record)}: regio {record['region_code']} ({record['region_type']}) heet hier "
                f"{record['region_name']!r}, maar in {_place(earlier)} {earlier['region_name']!r}. "
                "Gebruik overal dezelfde regionaam."
            )
    if problems:
        raise GeoError(
            f"De regio-indelingen spreken elkaar tegen ({len(problems)} fout(en)); er is niets gewijzigd:\n"
            + _bullets(problems, MAX_ERRORS_SHOWN)
        )
    return _memberships_frame(_unique_members(records))


def _bullets(items: list[str], limit: int) -> str:
    shown = "\n".join(f"  - {item}" for item in items[:limit])
    if len(items) > limit:
        shown += f"\n  … en nog {len(items) - limit}"
    return shown
