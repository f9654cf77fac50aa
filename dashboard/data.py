"""Database access for the dashboard, with per-process caches invalidated by the data version.

Every server worker keeps its own cache. Before using a cached value the worker reads one
small row in one statement (``version()``): Meta ``data_version`` (bumped by every data change),
``demo_data`` and ``geo_year``, the number of gemeenten, the number and highest id of the region
memberships, the highest id of the status records (append-only), the small milestone and status
tables whole as one text each (hashed), so a loader that forgets to bump the version, or a
reference reload, still invalidates, and the number of open and of closed rounds (a round is only
ever opened, then closed: each step changes them), so whether figures are voorlopig is cached too.
All of it is index lookups or tiny tables: well under a millisecond per callback. When that row
changes, the whole cache of the worker is dropped. Aggregates are cached per (version, peildatum, ...).

A ``Version`` may carry a *kennis* moment (``version(kennis=K)``): then every figure is computed
from the records known at K (``models.asof``), cached under its own keys; without it (now) the
history and every figure are exactly today's. A ``Version`` of a publicatie
(``version(kennis=K, publicatie=id)``) also reads the reference data frozen with it
(``models.frozen_reference``: gemeenten, levels, milestones, regions, boundary year), never today's.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Callable

import pandas as pd
from sqlalchemy import text

from dashboard import aggregates as agg
from etvi.uitvraag import rounds
from models import frozen_reference, queries
from models.db import engine

CACHE_SIZE = 256  # entries per worker: aggregates and ready-made page parts

_VERSION_SELECT = """
    SELECT
      (SELECT value FROM meta WHERE key = 'data_version') AS data_version,
      (SELECT value FROM meta WHERE key = 'demo_data') AS demo,
      (SELECT value FROM meta WHERE key = 'geo_year') AS geo_year,
      (SELECT count(*) FROM gemeente WHERE valid_to IS NULL) AS n_gemeente,
      (SELECT count(*) FROM regionmembership) AS n_region,
      (SELECT max(id) FROM regionmembership) AS max_region,
      (SELECT count(*) FROM milestone) AS n_milestone,
      (SELECT count(*) FROM statuslevel) AS n_level,
      (SELECT max(id) FROM statusrecord) AS max_status,
      (SELECT count(*) FROM uitvraag WHERE state = :open) AS n_open_rounds,
      (SELECT count(*) FROM uitvraag WHERE state = :closed) AS n_closed_rounds,
      {milestones} AS milestones,
      {levels} AS levels
"""
# The two small, user-edited reference tables (a few dozen rows) come whole, one text per table:
# each value as an SQL literal ('it''s', or NULL unquoted: self-delimiting, so NULL, '' and a value
# moved to the next column all differ), a comma between columns, a newline between rows, the rows
# in the order of a unique key.
_REFERENCE = {
    "milestones": ("milestone", "id", ["id", "title", "date", "date_precision", "kind", "onderdeel", "min_status", "level", "confidence", "source_url", "note"]),
    "levels": ("statuslevel", "onderdeel, rank, status", ["onderdeel", "rank", "status", "is_done", "label"]),
}


def _table_text(dialect: str, table: str, order: str, columns: list[str]) -> str:
    """One table as one text, in a fixed order. PostgreSQL: format's %L quotes, string_agg's
    ORDER BY orders, to_char writes a date whatever the DateStyle. SQLite (an ORDER BY inside
    group_concat needs 3.44; without it the order is arbitrary): group_concat as a window function
    over the whole table, whose frame is visited in the window's order; %Q quotes; SQLite keeps a
    date as text YYYY-MM-DD."""
    if dialect == "postgresql":
        values = ", ".join("to_char(date, 'YYYY-MM-DD')" if c == "date" else c for c in columns)
        return f"(SELECT string_agg(format('{','.join(['%L'] * len(columns))}', {values}), chr(10) ORDER BY {order}) FROM {table})"
    window = f"ORDER BY {order} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    return f"(SELECT group_concat(printf('{','.join(['%Q'] * len(columns))}', {', '.join(columns)}), char(10)) OVER ({window}) FROM {table} LIMIT 1)"


_VERSION_SQL = {
    dialect: text(_VERSION_SELECT.format(**{name: _table_text(dialect, *spec) for name, spec in _REFERENCE.items()}))
    for dialect in ("postgresql", "sqlite")
}


@dataclass(frozen=True)
class Version:
    data_version: str
    demo: bool
    geo_year: int | None
    fingerprint: tuple
    kennis: datetime | None = None  # the figures as known at this moment (UTC); None: now
    publicatie: int | None = None  # the reference data frozen with this publicatie; None: today's

    @property
    def key(self) -> tuple:
        return (self.data_version, self.fingerprint)


@dataclass(frozen=True)
class Reference:
    gemeenten: pd.DataFrame  # code, name, provincie_code, provincie_name (current gemeenten)
    provincies: pd.DataFrame  # code, name
    levels: pd.DataFrame  # onderdeel, rank, status, is_done, label
    milestones: pd.DataFrame  # milestones with deadline, threshold, target_share, has_target
    memberships: pd.DataFrame  # region_type, region_code, region_name, gemeente_code
    region_types: list[str]

    @property
    def onderdelen(self) -> list[str]:
        return agg.onderdelen(self.levels)

    def gemeente_name(self, code: str) -> str | None:
        hit = self.gemeenten.loc[self.gemeenten["code"] == code, "name"]
        return str(hit.iloc[0]) if len(hit) else None

    def provincie_name(self, code: str) -> str | None:
        hit = self.provincies.loc[self.provincies["code"] == code, "name"]
        return str(hit.iloc[0]) if len(hit) else None

    def levels_available(self) -> list[str]:
        """Map levels: provincie, then the loaded region types."""
        return ["provincie"] + [t for t in self.region_types if t != "provincie"]

    def groups(self, level: str) -> pd.DataFrame:
        return agg.groups_for(level, self.gemeenten, self.memberships)


class DataSource:
    """Cached access to one database (``url``; None = ETVI_DATABASE_URL)."""

    def __init__(self, url: str | None = None, kennis_source: Callable[[], datetime | None] | None = None):
        """``kennis_source``: where ``version()`` finds the kennis moment of the current request."""
        self.url = url
        self.kennis_source = kennis_source
        self._lock = threading.RLock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._cache_version: tuple | None = None
        # a publicatie's frozen reference never changes; keyed with its moment too, so a database made
        # anew with another publicatie under the same number is not mistaken for it
        self._frozen: dict[tuple, tuple[dict[str, pd.DataFrame], int | None]] = {}

    # --- version and cache -------------------------------------------------------------

    def version(self, kennis: datetime | None = None, publicatie: int | None = None) -> Version:
        """The data version, with the kennis moment every figure computed under it uses; with
        ``publicatie``: that publicatie's frozen reference data and boundary year."""
        if kennis is None and self.kennis_source is not None:
            kennis = self.kennis_source()
        # one statement sees one snapshot: no transaction around it (no BEGIN/ROLLBACK round trips,
        # and psycopg may prepare the statement once per connection)
        with engine(self.url).connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            row = conn.execute(_VERSION_SQL[conn.dialect.name], {"open": rounds.OPEN, "closed": rounds.GESLOTEN}).one()
        digest = hashlib.sha1(repr((row.milestones, row.levels)).encode()).hexdigest()
        geo_year = int(row.geo_year) if row.geo_year and str(row.geo_year).isdigit() else None
        version = Version(
            data_version=str(row.data_version or "0"),
            demo=(row.demo or "").strip().lower() == "ja",
            geo_year=geo_year,
            fingerprint=(row.n_gemeente, row.n_region, row.max_region, row.max_status, row.geo_year, digest, row.n_open_rounds, row.n_closed_rounds),
            kennis=kennis,
        )
        if publicatie is None:
            return version
        return replace(version, geo_year=self._frozen_reference(publicatie, kennis)[1], publicatie=publicatie)

    def _frozen_reference(self, publicatie: int, kennis: datetime | None) -> tuple[dict[str, pd.DataFrame], int | None]:
        key = (publicatie, kennis)
        with self._lock:
            if key in self._frozen:
                return self._frozen[key]
        frozen = frozen_reference.thaw(queries.publicatie_referentie(publicatie, self.url))
        with self._lock:
            self._frozen[key] = frozen
        return frozen

    def cached(self, key: tuple, compute: Callable[[], Any], version: Version | None = None) -> Any:
        """``compute()`` once per (data version, kennis, key) in this process."""
        version = version or self.version()
        v = version.key
        if version.kennis is not None:
            key = ("kennis", version.kennis, *key)
        if version.publicatie is not None:
            key = ("publicatie", version.publicatie, *key)
        with self._lock:
            if v != self._cache_version:
                self._cache.clear()
                self._cache_version = v
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            if v == self._cache_version:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._cache_version = None

    # --- raw data ----------------------------------------------------------------------

    def reference(self, version: Version | None = None) -> Reference:
        """Today's reference data, or under a publicatie's version the data frozen with it."""
        v = version or self.version()

        def load() -> Reference:
            frames = frozen_reference.live_frames(self.url) if v.publicatie is None else self._frozen_reference(v.publicatie, v.kennis)[0]
            levels = frames["levels"].copy()
            levels["is_done"] = levels["is_done"].astype(bool)
            memberships = frames["memberships"]
            return Reference(
                gemeenten=frames["gemeenten"],
                provincies=frames["provincies"],
                levels=levels,
                milestones=agg.milestone_frame(frames["milestones"], levels),
                memberships=memberships,
                region_types=sorted(set(memberships["region_type"])) if len(memberships) else [],
            )

        return self.cached(("reference",), load, v)

    def history(self, version: Version | None = None) -> pd.DataFrame:
        v = version or self.version()
        if v.kennis is None:
            return self.cached(("history",), lambda: agg.prepare_history(queries.status_history(self.url)), v)
        now = replace(v, kennis=None, publicatie=None)
        full = self.cached(("history-known-since",), lambda: queries.status_history(self.url, with_known_since=True), now)
        return self.cached(("history",), lambda: agg.prepare_history(full, v.kennis), v)

    def uploads(self, version: Version | None = None) -> pd.DataFrame:
        """Accepted uploads, newest first (for the sources section of /data)."""

        def load() -> pd.DataFrame:
            sql = text(
                "SELECT id, file_name, channel, created_at, peildatum, records_written, is_demo "
                "FROM upload WHERE outcome = 'geladen' ORDER BY created_at DESC"
            )
            with engine(self.url).connect() as conn:
                result = conn.execute(sql)
                return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

        return self.cached(("uploads",), load, version)

    # --- derived (cached per peildatum) ------------------------------------------------

    def status_at(self, peildatum: date, version: Version | None = None) -> pd.DataFrame:
        v = version or self.version()
        return self.cached(("asof", peildatum), lambda: agg.asof(self.history(v), peildatum), v)

    def gemeente_status(self, peildatum: date, onderdeel: str, version: Version | None = None) -> pd.DataFrame:
        v = version or self.version()

        def compute() -> pd.DataFrame:
            ref = self.reference(v)
            return agg.gemeente_status(self.status_at(peildatum, v), ref.gemeenten, ref.levels, onderdeel)

        return self.cached(("gstatus", peildatum, onderdeel), compute, v)

    def group_shares(self, peildatum: date, onderdeel: str, level: str, version: Version | None = None) -> pd.DataFrame:
        """Share done per group of ``level`` (landelijk, provincie or a region type), with change vs a year earlier."""
        v = version or self.version()

        def compute() -> pd.DataFrame:
            ref = self.reference(v)
            return agg.share_with_change(self.history(v), ref.gemeenten, ref.levels, onderdeel, ref.groups(level), peildatum)

        return self.cached(("shares", peildatum, onderdeel, level), compute, v)

    def cards(self, peildatum: date, version: Version | None = None) -> list[agg.Card]:
        v = version or self.version()

        def compute():
            ref = self.reference(v)
            return agg.cards(self.history(v), ref.gemeenten, ref.levels, peildatum)

        return self.cached(("cards", peildatum), compute, v)

    def stand(self, peildatum: date, version: Version | None = None) -> rounds.Stand | None:
        """Whether the figures at ``peildatum`` are voorlopig or definitief, with the round behind it."""
        v = version or self.version()
        return self.cached(("stand", peildatum), lambda: rounds.stand_facts(peildatum, self.url), v)

    def series(self, end: date, onderdeel: str, level: str, threshold: int | None = None, version: Version | None = None) -> pd.DataFrame:
        """Monthly share per group (counting from adoption dates) up to ``end``, plus the national line."""
        v = version or self.version()

        def compute() -> pd.DataFrame:
            ref = self.reference(v)
            h = self.history(v)
            dates = agg.series_dates(h, end)
            groups = pd.concat([ref.groups(level), agg.national_groups(ref.gemeenten)], ignore_index=True) if level != "landelijk" else agg.national_groups(ref.gemeenten)
            return agg.progress_series(h, ref.gemeenten, ref.levels, onderdeel, groups, dates, threshold)

        return self.cached(("series", end, onderdeel, level, threshold), compute, v)

    def milestone_progress(self, today: date, level: str, version: Version | None = None) -> pd.DataFrame:
        v = version or self.version()

        def compute() -> pd.DataFrame:
            ref = self.reference(v)
            groups = agg.national_groups(ref.gemeenten) if level == "landelijk" else ref.groups(level)
            return agg.milestone_progress(self.history(v), ref.gemeenten, ref.levels, ref.milestones, groups, today)

        return self.cached(("mprogress", today, level), compute, v)

    def gemeente_history(self, code: str, version: Version | None = None) -> pd.DataFrame:
        v = version or self.version()
        return self.cached(("ghistory", code), lambda: self.history(v)[self.history(v)["gemeente_code"] == code].copy(), v)

    def data_span(self, version: Version | None = None) -> tuple[date | None, date | None]:
        """First and last peildatum in the data."""
        h = self.history(version)
        if h.empty:
            return None, None
        return h["peildatum"].min().date(), h["peildatum"].max().date()

    def peildatums(self, version: Version | None = None) -> list[date]:
        h = self.history(version)
        return sorted({d.date() for d in h["peildatum"].dropna().unique()}) if len(h) else []
