"""The reference data a publicatie reads, frozen when it is made.

A publicatie's statuses are read as known at its moment K (``models.asof``), but the gemeenten
(names, provincie), provincies, status levels, milestones, region memberships and the boundary
year are reference data that the beheerder reloads (``etvi init``, ``etvi regio load``, an edited
milestone). So ``freeze`` writes the frames the dashboard reads (``queries``) as JSON at the moment
the publicatie is made, and ``thaw`` gives the same frames back, dtypes included; the dashboard
builds its ``Reference`` from either in one way (``dashboard.data``).
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd

from models import db, queries

FRAMES = ("gemeenten", "provincies", "levels", "milestones", "memberships")


def live_frames(url: str | None = None) -> dict[str, pd.DataFrame]:
    """Today's reference frames, as ``queries`` reads them."""
    return {
        "gemeenten": queries.gemeenten(url),
        "provincies": queries.provincies(url),
        "levels": queries.status_levels(url),
        "milestones": queries.milestones(url),
        "memberships": queries.region_memberships(url=url),
    }


def geo_year(url: str | None = None) -> int | None:
    """The boundary year ``etvi init`` loaded (Meta ``geo_year``), None when unset."""
    value = db.get_meta("geo_year", url=url)
    return int(value) if value and value.isdigit() else None


def _value(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return v.item() if hasattr(v, "item") else v


def _encode(frame: pd.DataFrame) -> dict:
    dates = [c for c in frame.columns if any(isinstance(v, date) for v in frame[c])]
    return {
        "columns": list(frame.columns),
        "dtypes": [str(t) for t in frame.dtypes],
        "dates": dates,
        "rows": [[_value(v) for v in row] for row in frame.itertuples(index=False)],
    }


def _decode(data: dict) -> pd.DataFrame:
    frame = pd.DataFrame(data["rows"], columns=data["columns"], dtype=object)
    for column, dtype in zip(data["columns"], data["dtypes"]):
        if column in data["dates"]:
            frame[column] = [None if v is None else date.fromisoformat(v[:10]) for v in frame[column]]
        elif dtype in ("str", "string") or dtype.startswith(("int", "bool", "float")):
            frame[column] = frame[column].astype(dtype)
        else:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def freeze(url: str | None = None) -> str:
    """Today's reference data as JSON, to store with a publicatie."""
    frames = live_frames(url)
    return json.dumps({"geo_year": geo_year(url), **{name: _encode(frames[name]) for name in FRAMES}}, ensure_ascii=False)


def thaw(text: str) -> tuple[dict[str, pd.DataFrame], int | None]:
    """The frames and boundary year ``freeze`` stored."""
    data = json.loads(text)
    return {name: _decode(data[name]) for name in FRAMES}, data.get("geo_year")
