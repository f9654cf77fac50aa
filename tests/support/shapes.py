"""Synthetic boundaries: tiny square "gemeenten" (and a square per provincie or region), so tests
of maps and callbacks need no boundary files."""

from __future__ import annotations

import pandas as pd

from tests.support.database import sample_geography


def square(x: float, y: float, size: float = 0.05) -> dict:
    # clockwise exterior ring (what Plotly's geo maps expect)
    return {"type": "Polygon", "coordinates": [[[x, y], [x, y + size], [x + size, y + size], [x + size, y], [x, y]]]}


def synthetic_loader(level: str, year, memberships: pd.DataFrame | None) -> dict:
    """Squares on a grid: gemeenten by code, provincies and regions as a square per code."""
    _, gemeenten = sample_geography()
    provincies, _ = sample_geography()
    if level == "gemeente":
        items = list(zip(gemeenten["code"], gemeenten["name"]))
    elif level == "provincie":
        items = list(zip(provincies["code"], provincies["name"]))
    else:
        m = memberships[memberships["region_type"] == level].drop_duplicates("region_code")
        items = list(zip(m["region_code"], m["region_name"]))
    features = []
    for i, (code, name) in enumerate(sorted(items)):
        features.append(
            {"type": "Feature", "id": code, "properties": {"code": code, "name": name}, "geometry": square(3.4 + (i % 20) * 0.1, 50.8 + (i // 20) * 0.1)}
        )
    return {"type": "FeatureCollection", "features": features}
