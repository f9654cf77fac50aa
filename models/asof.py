"""The as-of rule, stated once.

The state of a gemeente's onderdeel at peildatum D is its latest record with peildatum <= D;
among records with the same peildatum the newest upload wins (a record without an upload counts
as the oldest; within one upload the later row). History is never rewritten, so this tells what
was known about any date.

Put as a sort order (``KNOWLEDGE_ORDER``: peildatum, upload, row), the state at D is the *last*
record per (gemeente, onderdeel) among those with peildatum <= D. ``models.queries.status_asof``
is the SQL form and the reference; ``asof`` (one date, every pair: the dashboard) and
``known_at`` (a date per row: the ETL's comparison with what is known) are the vectorised forms
for a history in that order (``models.queries.status_history``, or ``in_knowledge_order``).
tests/models/test_asof.py holds them to the reference on random histories.

The second time axis, *kennis* ("as known at moment K"): a record is known from the moment
its upload was made (``Upload.created_at``; a record without an upload from its own
``created_at``), and the state at D as known at K is the same rule over only the records known
at K. ``KNOWN_SINCE`` / ``where_known`` is the SQL form, ``known_by`` the vectorised one (on a
history with a ``known_since`` column: ``status_history(with_known_since=True)``). K = None
means now: everything stored is known, so the default adds no join and no filter. All moments
are UTC (a naive one is read as UTC); ``end_of_day`` turns a ``?kennis=`` date into one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import func

from models.tables import StatusRecord, Upload

KNOWLEDGE_ORDER = (StatusRecord.peildatum, func.coalesce(StatusRecord.upload_id, 0), StatusRecord.id)
PAIR = ["gemeente_code", "onderdeel"]
KNOWN_SINCE = func.coalesce(Upload.created_at, StatusRecord.created_at)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC, zone attached (the tables' time columns want one); naive means UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in Europe/Amsterdam, in UTC: what ``?kennis=day`` means."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
    return utc(midnight) - timedelta(microseconds=1)


def where_known(stmt, kennis: datetime | None):
    """``stmt`` (a select from StatusRecord) limited to the records known at ``kennis`` (None: all)."""
    if kennis is None:
        return stmt
    return stmt.outerjoin(Upload, Upload.id == StatusRecord.upload_id).where(KNOWN_SINCE <= utc(kennis))


def known_by(history: pd.DataFrame, kennis: datetime | None) -> pd.DataFrame:
    """The rows of ``history`` (with ``known_since``) known at ``kennis``, order kept (None: all)."""
    if kennis is None:
        return history
    since = pd.to_datetime(history["known_since"], utc=True)
    return history[(since <= pd.Timestamp(utc(kennis))).to_numpy()]


def in_knowledge_order(history: pd.DataFrame) -> pd.DataFrame:
    """``history`` (status records; rows by id) sorted as ``KNOWLEDGE_ORDER`` sorts the table, with
    ``peildatum`` as datetime64, ``upload_key`` (upload id, 0 for none) and ``key`` (a number per pair)."""
    h = history.copy()
    h["peildatum"] = pd.to_datetime(h["peildatum"]).astype("datetime64[ns]")
    h["upload_key"] = pd.to_numeric(h["upload_id"], errors="coerce").fillna(0).astype("int64")
    h["seq"] = np.arange(len(h))
    h = h.sort_values(["peildatum", "upload_key", "seq"], kind="stable").reset_index(drop=True)
    h["seq"] = np.arange(len(h))
    h["key"] = pd.factorize(h["gemeente_code"].astype(str) + "|" + h["onderdeel"].astype(str))[0].astype("int64")
    return h


def count_known(peildata: np.ndarray, peildatum) -> int:
    """How many records are known at ``peildatum``: in knowledge order they are a prefix, up to the
    last one with peildatum <= the date (``peildata``: datetime64, in knowledge order)."""
    return int(np.searchsorted(peildata, np.datetime64(pd.Timestamp(peildatum).normalize(), "ns"), side="right"))


def last_of_each(keys: np.ndarray, n: int) -> np.ndarray:
    """Positions, ascending, of the last row of each key among the first ``n`` (in knowledge order)."""
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    _, first = np.unique(keys[:n][::-1], return_index=True)
    return np.sort(n - 1 - first)


def last_per_key(history: pd.DataFrame, n: int) -> pd.DataFrame:
    """Among the first ``n`` rows (in knowledge order), the last row of each ``key``."""
    return history.iloc[last_of_each(history["key"].to_numpy(), n)]


def asof(history: pd.DataFrame, peildatum) -> pd.DataFrame:
    """The state at ``peildatum`` of every pair that has one: a row per (gemeente_code, onderdeel);
    ``history`` from ``in_knowledge_order``."""
    return last_per_key(history, count_known(history["peildatum"].to_numpy(), peildatum)).reset_index(drop=True)


def known_at(history: pd.DataFrame, wanted: pd.DataFrame) -> pd.Series:
    """For each row of ``wanted`` (gemeente_code, onderdeel, peildatum) the status known at its own
    peildatum, None where nothing was; ``history`` (gemeente_code, onderdeel, peildatum, status)
    in knowledge order."""
    return known_records_at(history, wanted, ["status"])["status"]


def known_records_at(history: pd.DataFrame, wanted: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """For each row of ``wanted`` (gemeente_code, onderdeel, peildatum) the ``fields`` of the record
    known at its own peildatum, and that record's ``known_peildatum`` (None where nothing was): what
    a preview compares every stored column with, not only the status."""
    columns = [*fields, "known_peildatum"]
    if wanted.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}, index=wanted.index)
    known = history[[*PAIR, "peildatum", *fields]].drop_duplicates([*PAIR, "peildatum"], keep="last")
    known = known.assign(peildatum=pd.to_datetime(known["peildatum"]).astype("datetime64[ns]"), found=True)
    known["known_peildatum"] = known["peildatum"]
    rows = wanted[[*PAIR]].assign(peildatum=pd.to_datetime(wanted["peildatum"]).astype("datetime64[ns]"), row=np.arange(len(wanted)))
    for column in PAIR:
        known[column] = known[column].astype(object)
        rows[column] = rows[column].astype(object)
    merged = pd.merge_asof(
        rows.sort_values("peildatum", kind="stable"),
        known.sort_values("peildatum", kind="stable"),
        on="peildatum",
        by=PAIR,
        direction="backward",
    ).sort_values("row")
    found = merged["found"].eq(True).to_numpy()
    out = {}
    for column in columns:
        values = merged[column].astype(object).to_numpy(dtype=object)
        if column == "known_peildatum":
            values = np.array([pd.Timestamp(v).date() if f and not pd.isna(v) else None for v, f in zip(values, found)], dtype=object)
        out[column] = [v if f and not (v is not None and not isinstance(v, str) and pd.isna(v)) else None for v, f in zip(values, found)]
    return pd.DataFrame(out, index=wanted.index, dtype=object)
