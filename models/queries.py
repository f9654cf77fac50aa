"""Read queries shared by the ETL (export) and the dashboard, returning data frames."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import pandas as pd
from sqlalchemy import String, func, select

from models.asof import KNOWLEDGE_ORDER, KNOWN_SINCE, utc, where_known
from models.db import engine
from models.tables import Gemeente, Milestone, Provincie, Publicatie, RegionMembership, StatusLevel, StatusRecord, Upload

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
    """The rows of ``stmt``, with one dtype per text column whatever the rows hold.

    A text column that may be NULL (in the table, or as a label such as an outer join's) is
    ``object`` with None for a missing value, so ``value or ""`` and ``is None`` work; a NOT NULL
    one is pandas' ``str`` dtype, as pandas itself builds string columns (the dashboard merges on
    them). Left alone, pandas 3 would give ``str`` with NaN for missing values when a column holds
    any text, and ``object`` when it holds none.
    """
    with engine(url).connect() as conn:
        result = conn.execute(stmt)
        frame = pd.DataFrame(result.fetchall(), columns=columns or list(result.keys()))
    for name, column in zip(frame.columns, stmt.selected_columns):
        if not (isinstance(column.type, String) or isinstance(getattr(column.type, "impl", None), String)):  # AutoString
            continue
        if getattr(column, "nullable", True):
            values = frame[name].astype(object)
            frame[name] = values.where(values.notna(), None)
        else:
            frame[name] = frame[name].astype("str")
    return frame


def status_asof(peildatum: date, url: str | None = None, kennis: datetime | None = None) -> pd.DataFrame:
    """The state at ``peildatum`` of every gemeente and onderdeel by the as-of rule (``models.asof``):
    the latest record with peildatum <= the date, among equal peildata the newest upload; with
    ``kennis``, among the records known at that moment only. The reference for the vectorised
    forms in ``models.asof``."""
    rank = (
        func.row_number()
        .over(partition_by=(StatusRecord.gemeente_code, StatusRecord.onderdeel), order_by=[c.desc() for c in KNOWLEDGE_ORDER])
        .label("rn")
    )
    cols = [getattr(StatusRecord, c) for c in STATUS_COLUMNS]
    inner = where_known(select(*cols, rank).where(StatusRecord.peildatum <= peildatum), kennis).subquery()
    stmt = select(*[inner.c[c] for c in STATUS_COLUMNS]).where(inner.c.rn == 1)
    return _frame(stmt, url, STATUS_COLUMNS)


def status_history(
    url: str | None = None,
    until: date | None = None,
    codes: list[str] | None = None,
    kennis: datetime | None = None,
    with_known_since: bool = False,
) -> pd.DataFrame:
    """Every status record (with peildatum <= ``until``, of gemeenten ``codes``, known at ``kennis``)
    in knowledge order (``models.asof``): the input for time series, trends and the vectorised as-of
    rule. ``with_known_since`` adds the moment each record became known (for ``models.asof.known_by``)."""
    cols = [getattr(StatusRecord, c) for c in STATUS_COLUMNS]
    names = list(STATUS_COLUMNS)
    if with_known_since:
        cols.append(KNOWN_SINCE.label("known_since"))
        names.append("known_since")
        stmt = select(*cols).select_from(StatusRecord).outerjoin(Upload, Upload.id == StatusRecord.upload_id).order_by(*KNOWLEDGE_ORDER)
        if kennis is not None:
            stmt = stmt.where(KNOWN_SINCE <= utc(kennis))
    else:
        stmt = where_known(select(*cols), kennis).order_by(*KNOWLEDGE_ORDER)
    if until is not None:
        stmt = stmt.where(StatusRecord.peildatum <= until)
    if codes is not None:
        stmt = stmt.where(StatusRecord.gemeente_code.in_(codes))
    return _frame(stmt, url, names)


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


KOPLOPER = "koploperregio"
MEMBERSHIP_COLUMNS = ["region_type", "region_code", "region_name", "gemeente_code"]


def region_memberships(region_type: str | None = None, url: str | None = None) -> pd.DataFrame:
    """Region memberships from boundary files and lists, plus the koploperregio layer.

    Koploper membership is not published; when no ``koploperregio`` list is loaded it comes from
    the uploads themselves: the latest ``koploper = ja`` record of each gemeente with its
    ``koploperregio`` name.
    """
    stmt = select(*[getattr(RegionMembership, c) for c in MEMBERSHIP_COLUMNS])
    if region_type:
        stmt = stmt.where(RegionMembership.region_type == region_type)
    frame = _frame(stmt, url, MEMBERSHIP_COLUMNS)
    if region_type in (None, KOPLOPER) and not (frame["region_type"] == KOPLOPER).any():
        frame = pd.concat([frame, koploper_memberships(url)], ignore_index=True)
    return frame.sort_values(["region_type", "region_name", "gemeente_code"], ignore_index=True)


def koploper_memberships(url: str | None = None) -> pd.DataFrame:
    latest = status_asof(date.max, url)
    members = latest[(latest["onderdeel"] == "koploper") & (latest["status"] == "ja")]
    members = members[members["koploperregio"].notna() & (members["koploperregio"].astype(str).str.strip() != "")]
    names = members["koploperregio"].astype(str).str.strip()
    return pd.DataFrame(
        {
            "region_type": KOPLOPER,
            "region_code": names.map(region_code_for),
            "region_name": names,
            "gemeente_code": members["gemeente_code"],
        },
        columns=MEMBERSHIP_COLUMNS,
    )


def region_code_for(name: str) -> str:
    """A stable, URL-safe code for a region known only by its name."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def region_types(url: str | None = None) -> list[str]:
    return sorted(set(region_memberships(url=url)["region_type"]))


def status_levels(url: str | None = None) -> pd.DataFrame:
    stmt = select(StatusLevel.onderdeel, StatusLevel.rank, StatusLevel.status, StatusLevel.is_done, StatusLevel.label)
    return _frame(stmt.order_by(StatusLevel.onderdeel, StatusLevel.rank), url)


def milestones(url: str | None = None) -> pd.DataFrame:
    stmt = select(*[getattr(Milestone, c) for c in Milestone.model_fields])
    return _frame(stmt.order_by(Milestone.date.is_(None), Milestone.date, Milestone.id), url)


def publicatie_referentie(publicatie_id: int, url: str | None = None) -> str:
    """The reference data frozen with a publicatie (``models.frozen_reference``)."""
    with engine(url).connect() as conn:
        return conn.execute(select(Publicatie.referentie).where(Publicatie.id == publicatie_id)).scalar_one()
