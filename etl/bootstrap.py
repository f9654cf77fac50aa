"""``etvi init``: schema, reference files, geography and region layers in one repeatable step.

Everything after the migration happens in one transaction, so a broken milestone file or
boundary file leaves the database as it was; running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from etl import referencedata
from etl.lookups import gemeente_resolver, load_reference
from etl.region_lists import read_membership_rows
from etvi.config import settings
from geo import boundaries, membership, shapes
from geo.membership import MEMBERSHIP_COLUMNS, PLACE_COLUMNS, combine_memberships, membership_files
from models import db

Report = Callable[[str], None]


@dataclass
class InitResult:
    year: int
    gemeenten: int
    provincies: int
    region_types: dict[str, int] = field(default_factory=dict)
    changed: dict[str, bool] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    shapes: dict[str, Path] = field(default_factory=dict)

    @property
    def anything_changed(self) -> bool:
        return any(self.changed.values())


def membership_lists() -> list[Path]:
    """Region membership lists (``regio_*.csv|xlsx``) in the data folder and the geo folder."""
    cfg = settings()
    folders = [cfg.data_dir] + ([cfg.geo_dir] if cfg.geo_dir else [])
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found.extend(membership_files(folder))
    return sorted(set(found))


def read_memberships(paths: list[Path], resolver) -> tuple[pd.DataFrame, list[str]]:
    """The rows of every list in ``paths`` (with their place, for messages) and the warnings.

    ``resolver`` (``etl.gemeenten.GemeenteResolver``) maps a pre-merger gemeentecode or name to
    the current gemeente, exactly as for status uploads; an unknown gemeente is an error naming
    file and row.
    """
    frames, warnings = [], []
    for path in paths:
        frame, found = read_membership_rows(path, resolver)
        frames.append(frame)
        warnings.extend(found)
    if not frames:
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS + PLACE_COLUMNS), warnings
    return pd.concat(frames, ignore_index=True), warnings


@dataclass
class ListLoad:
    memberships: pd.DataFrame  # the new memberships of every regiotype in the lists
    changed: bool
    warnings: list[str]


def load_region_lists(paths: list[Path], url: str | None = None) -> ListLoad:
    """``etvi regio load``: the lists replace their regiotypes, next to what a boundary file gave
    those types (as ``etvi init`` combines them). A gemeente in two regio's of one type, in one
    list, across lists or against the boundary layer, is a GeoError and changes nothing."""
    reference = load_reference(url)
    lists, warnings = read_memberships(paths, reference.resolver)
    with db.session(url) as s:
        boundary = referencedata.boundary_memberships(s, set(lists["region_type"]))
        memberships = combine_memberships([boundary, lists], reference.names)
        changed = referencedata.load_region_memberships(s, memberships)
        if changed:
            db.bump_data_version(s)
    return ListLoad(memberships, changed, warnings)


def initialize(report: Report = lambda _msg: None, build_shapes: bool = True) -> InitResult:
    cfg = settings()
    report("Database bijwerken naar het nieuwste schema")
    db.upgrade()

    geo_dir = boundaries.boundary_dir()
    year = boundaries.choose_year(geo_dir)
    report(f"Grenzen lezen uit {geo_dir} (jaar {year})")
    provincies = membership.provincies(year)
    gemeenten = membership.gemeenten(year)
    data_files = referencedata.read_data_files(cfg.data_dir)
    boundary_regions, warnings = membership.boundary_region_memberships(membership.gemeenten_gdf(year), year)
    resolver = gemeente_resolver(dict(zip(gemeenten["code"], gemeenten["name"])), data_files["fusies"], cfg.data_dir)
    lists, list_warnings = read_memberships(membership_lists(), resolver)
    warnings += list_warnings
    regions = membership.combine_memberships([boundary_regions, lists], resolver.names)

    result = InitResult(year=year, gemeenten=len(gemeenten), provincies=len(provincies), warnings=warnings)
    with db.session() as s:
        sources = sorted({str(referencedata.reference_file(cfg.data_dir, n).parent) for n in referencedata.REFERENCE_FILES})
        report("Statussen, mijlpalen en fusies laden uit " + " en ".join(sources))
        result.changed.update(referencedata.load_data_files(s, cfg.data_dir, data_files))
        result.changed["gemeenten"] = referencedata.load_geography(s, provincies, gemeenten)
        result.changed["regio's"] = referencedata.load_region_memberships(s, regions) if len(regions) else False
        result.region_types = regions.groupby("region_type")["region_code"].nunique().to_dict() if len(regions) else {}
        if db.get_meta("data_version") is None:
            db.set_meta(s, "data_version", "0")  # so concurrent loads only ever lock an existing row
        if db.get_meta("geo_year") != str(year):
            db.set_meta(s, "geo_year", str(year))
            result.changed["geo_jaar"] = True

    if build_shapes:
        report("Kaartvormen voor de browser maken")
        result.shapes = shapes.build_shapes(year, memberships=regions if len(regions) else None)
    return result
