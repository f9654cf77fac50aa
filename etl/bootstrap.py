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
from etvi.config import settings
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
    from geo.reference import membership_files

    cfg = settings()
    folders = [cfg.data_dir] + ([cfg.geo_dir] if cfg.geo_dir else [])
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found.extend(membership_files(folder))
    return sorted(set(found))


def read_memberships(paths: list[Path], known_codes: set[str]) -> tuple[pd.DataFrame, list[str]]:
    from geo.errors import GeoError
    from geo.reference import read_membership_list

    frames, warnings = [], []
    for path in paths:
        frame = read_membership_list(path)
        unknown = sorted(set(frame["gemeente_code"]) - known_codes)
        if unknown:
            raise GeoError(
                f"{path.name}: onbekende gemeentecode(s) {', '.join(unknown[:10])}"
                f"{' …' if len(unknown) > 10 else ''}. Gebruik de codes van de huidige gemeenten."
            )
        frames.append(frame)
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), warnings


def initialize(report: Report = lambda _msg: None, build_shapes: bool = True) -> InitResult:
    from geo import boundaries, reference

    cfg = settings()
    report("Database bijwerken naar het nieuwste schema")
    db.upgrade()

    geo_dir = boundaries.boundary_dir()
    year = boundaries.choose_year(geo_dir)
    report(f"Grenzen lezen uit {geo_dir} (jaar {year})")
    provincies = reference.provincies(year)
    gemeenten = reference.gemeenten(year)
    boundary_regions, warnings = reference.boundary_region_memberships(reference.gemeenten_gdf(year), year)
    lists, list_warnings = read_memberships(membership_lists(), set(gemeenten["code"]))
    warnings += list_warnings

    result = InitResult(year=year, gemeenten=len(gemeenten), provincies=len(provincies), warnings=warnings)
    with db.session() as s:
        report("Statussen, mijlpalen en fusies laden uit " + str(cfg.data_dir))
        result.changed.update(referencedata.load_data_files(s, cfg.data_dir))
        result.changed["gemeenten"] = referencedata.load_geography(s, provincies, gemeenten)
        regions = pd.concat([boundary_regions, lists], ignore_index=True) if len(lists) else boundary_regions
        result.changed["regio's"] = referencedata.load_region_memberships(s, regions) if len(regions) else False
        result.region_types = regions.groupby("region_type")["region_code"].nunique().to_dict() if len(regions) else {}
        if db.get_meta("data_version") is None:
            db.set_meta(s, "data_version", "0")  # so concurrent loads only ever lock an existing row
        if db.get_meta("geo_year") != str(year):
            db.set_meta(s, "geo_year", str(year))
            result.changed["geo_jaar"] = True

    if build_shapes:
        from geo import shapes

        report("Kaartvormen voor de browser maken")
        result.shapes = shapes.build_shapes(year, memberships=regions if len(regions) else None)
    return result
