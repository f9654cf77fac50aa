"""Read queries shared by the ETL (export) and the dashboard, returning data frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from models.db import engine
from models.tables import Gemeente, Milestone, Provincie, RegionMembership, StatusLevel, StatusRecord

STATUS_COLUMNS = [
    "gemeente_code",
    "onderdeel",
    "status",
    "adopted_on",
    "peildatum",
    "comment",
    "source_url",
    "koploperregio",
    "upload_id",
]


def _frame(stmt, url: str | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    with engine(url).connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.fetchall(), columns=columns or list(result.keys()))


def status_asof(peildatum: date, url: str | None = None) -> pd.DataFrame:
    """The latest status per gemeente and onderdeel with peildatum <= the given date.

    Among records with the same peildatum the newest upload wins; history is never rewritten,
    so this reconstructs what was known about any date.
    """
    rank = (
        func.row_number()
        .over(
            partition_by=(StatusRecord.gemeente_code, StatusRecord.onderdeel),
            order_by=(
                StatusRecord.peildatum.desc(),
                func.coalesce(StatusRecord.upload_id, 0).desc(),
                StatusRecord.id.desc(),
            ),
        )
        .label("rn")
    )
    cols = [getattr(StatusRecord, c) for c in STATUS_COLUMNS]
    inner = select(*cols, rank).where(StatusRecord.peildatum <= peildatum).subquery()
    stmt = select(*[inner.c[c] for c in STATUS_COLUMNS]).where(inner.c.rn == 1)
    return _frame(stmt, url, STATUS_COLUMNS)


def status_history(url: str | None = None) -> pd.DataFrame:
    """Every status record, oldest first: the input for time series and trends."""
    cols = [getattr(StatusRecord, c) for c in STATUS_COLUMNS]
    stmt = select(*cols).order_by(StatusRecord.peildatum, func.coalesce(StatusRecord.upload_id, 0), StatusRecord.id)
    return _frame(stmt, url, STATUS_COLUMNS)


def gemeenten(url: str | None = None) -> pd.DataFrame:
    """Current gemeenten with their provincie name."""
    stmt = (
        select(
            Gemeente.code,
            Gemeente.name,
            Gemeente.provincie_code,
            Provincie.name.label("provincie_name"),
        )
        .join(Provincie, Provincie.code == Gemeente.provincie_code, isouter=True)
        .where(Gemeente.valid_to.is_(None))
        .order_by(Gemeente.name)
    )
    return _frame(stmt, url)


def provincies(url: str | None = None) -> pd.DataFrame:
    return _frame(select(Provincie.code, Provincie.name).order_by(Provincie.name), url)


def region_memberships(region_type: str | None = None, url: str | None = None) -> pd.DataFrame:
    stmt = select(
        RegionMembership.region_type,
        RegionMembership.region_code,
        RegionMembership.region_name,
        RegionMembership.gemeente_code,
    ).order_by(RegionMembership.region_type, RegionMembership.region_name)
    if region_type:
        stmt = stmt.where(RegionMembership.region_type == region_type)
    return _frame(stmt, url)


def region_types(url: str | None = None) -> list[str]:
    with Session(engine(url)) as s:
        return list(s.exec(select(RegionMembership.region_type).distinct().order_by(RegionMembership.region_type)).scalars())


def status_levels(url: str | None = None) -> pd.DataFrame:
    stmt = select(StatusLevel.onderdeel, StatusLevel.rank, StatusLevel.status, StatusLevel.is_done, StatusLevel.label)
    return _frame(stmt.order_by(StatusLevel.onderdeel, StatusLevel.rank), url)


def milestones(url: str | None = None) -> pd.DataFrame:
    stmt = select(*[getattr(Milestone, c) for c in Milestone.model_fields])
    return _frame(stmt.order_by(Milestone.date.is_(None), Milestone.date, Milestone.id), url)
