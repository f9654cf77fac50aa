"""Pure pandas aggregates for the dashboard: no database, no Dash, no I/O.

Inputs are the frames from ``models.queries`` (``status_history``, ``gemeenten``,
``status_levels``, ``milestones``, ``region_memberships``); outputs are small frames that the
figure builders and tables consume. Everything here is unit-tested without a server.

Conventions
-----------
* **Status at a peildatum** (the map, the cards, the tables) is what was *known* on that date:
  per gemeente and onderdeel the record with the latest peildatum on or before it; among
  records with the same peildatum the newest upload wins: the as-of rule of ``models.asof``,
  whose ``asof`` this module uses.
* **Progress over time** (the lines on /regios, the milestone figures) counts a status from its
  *adoption date* where known, else from its peildatum: a record counts from
  ``min(adopted_on, peildatum)``, and at each date the record with that effective date on or
  before the date and the most recent knowledge (latest peildatum, then newest upload) wins.
  A later report that says a verordening was adopted a year earlier therefore moves the line
  back a year, and a later report of a lower status overrides an earlier one.
* **Share done** is the number of gemeenten at a status that counts as done (``gereed`` in
  ``data/statussen.csv``), divided by *all* gemeenten in the group: a gemeente that never
  reported counts as not done.
* **Milestone deadlines** keep their precision: a year-precise date means the end of that year
  (``2026`` -> 31-12-2026), a month-precise date the last day of that month, an unknown date
  has no deadline (and no projection).
* **Projected date at the current pace**: the change of the share (as known on each date) over
  the last twelve months, per year -- the same number as the "verandering t.o.v. <een jaar
  eerder>" on the other pages; from today's share, at that pace, the date on which the share
  reaches the target. No projection when the share does not rise; a date more than ten years
  ahead is reported as "niet binnen tien jaar" (``na_horizon``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from models.asof import asof, count_known, in_knowledge_order, known_by, last_of_each, last_per_key

NO_DATA_LABEL = "Geen gegevens"
NO_DATA_RANK = -1
NATIONAL_CODE = "NL"
NATIONAL_NAME = "Nederland"
GROUP_COLUMNS = ["gemeente_code", "group_code", "group_name"]
TARGET_SHARE_DEFAULT = 1.0  # programme goals read "alle gemeenten"
TREND_MONTHS = 12
SERIES_COLUMNS = ["date", "group_code", "group_name", "n", "n_done", "n_reported", "share"]


# --- dates ---------------------------------------------------------------------------------


def _is_missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value))


def to_date(value) -> date | None:
    """A ``date`` from a date, datetime, Timestamp or ISO string; None for empty/NaT."""
    if _is_missing(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10]) if value else None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    if pd.isna(value):
        return None
    raise TypeError(f"geen datum: {value!r}")


def _add_years(d: date, years: int) -> date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def one_year_earlier(d: date) -> date:
    return _add_years(d, -1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from ``start``'s month up to and including ``end`` (end itself last)."""
    out: list[date] = []
    current = month_end(start)
    while current < end:
        out.append(current)
        nxt = current + timedelta(days=1)
        current = month_end(nxt)
    out.append(end)
    return out


def milestone_deadline(value, precision: str | None) -> date | None:
    """The last day a milestone date stands for: year -> 31 Dec, month -> last day, day -> itself."""
    d = to_date(value)
    if d is None or precision == "onbekend":
        return None
    if precision == "jaar":
        return date(d.year, 12, 31)
    if precision == "maand":
        return month_end(d)
    return d


def _ts(d) -> pd.Timestamp:
    return pd.Timestamp(to_date(d))


# --- status levels -------------------------------------------------------------------------


CANONICAL_ORDER = ["woonzorgvisie", "verordening", "verdeling opgave", "koploper"]


def onderdelen(levels: pd.DataFrame) -> list[str]:
    """Onderdelen in the programme's order (as in ``data/statussen.csv``), unknown ones after, alphabetically."""
    present = list(dict.fromkeys(levels["onderdeel"]))
    return [o for o in CANONICAL_ORDER if o in present] + sorted(o for o in present if o not in CANONICAL_ORDER)


def levels_for(levels: pd.DataFrame, onderdeel: str) -> pd.DataFrame:
    """The ordered statuses of one onderdeel: status, rank, is_done, label, index (0..n-1)."""
    sub = levels[levels["onderdeel"] == onderdeel].sort_values("rank").reset_index(drop=True)
    sub = sub.assign(index=range(len(sub)), is_done=sub["is_done"].astype(bool))
    sub["label"] = [lbl or st for lbl, st in zip(sub["label"], sub["status"])]
    return sub


@dataclass(frozen=True)
class LevelMaps:
    """Status -> rank / position / done / label for one onderdeel (plain dicts: fast lookups)."""

    statuses: tuple[str, ...]
    rank: dict
    index: dict
    done: dict
    label: dict

    @property
    def n(self) -> int:
        return len(self.statuses)


def level_maps(levels: pd.DataFrame, onderdeel: str) -> LevelMaps:
    rows = sorted(
        ((int(r), str(st), bool(d), str(lbl or st)) for o, r, st, d, lbl in zip(levels["onderdeel"], levels["rank"], levels["status"], levels["is_done"], levels["label"]) if o == onderdeel)
    )
    return LevelMaps(
        statuses=tuple(st for _, st, _, _ in rows),
        rank={st: r for r, st, _, _ in rows},
        index={st: i for i, (_, st, _, _) in enumerate(rows)},
        done={st: d for _, st, d, _ in rows},
        label={st: lbl for _, st, _, lbl in rows},
    )


def done_statuses(levels: pd.DataFrame, onderdeel: str) -> list[str]:
    sub = levels_for(levels, onderdeel)
    return list(sub.loc[sub["is_done"], "status"])


def min_rank(levels: pd.DataFrame, onderdeel: str, status: str | None) -> int | None:
    """The rank of ``status`` in ``onderdeel`` (None when unknown or not given)."""
    if not status:
        return None
    sub = levels[(levels["onderdeel"] == onderdeel) & (levels["status"] == status)]
    return int(sub["rank"].iloc[0]) if len(sub) else None


# --- status at a date ----------------------------------------------------------------------


def prepare_history(history: pd.DataFrame, kennis: datetime | None = None) -> pd.DataFrame:
    """Normalise ``queries.status_history()``: ``models.asof.in_knowledge_order`` (datetime peildatum,
    rows numbered ``seq`` in knowledge order, ``key`` per (gemeente, onderdeel) pair) plus datetime
    ``adopted_on`` and the effective date. With ``kennis`` (``history`` then has ``known_since``)
    only the records known at that moment (``models.asof.known_by``): every figure built on the
    result is the figure as known at K."""
    h = in_knowledge_order(known_by(history, kennis))
    h["adopted_on"] = pd.to_datetime(h["adopted_on"]).astype("datetime64[ns]")
    adopted = h["adopted_on"].where(h["adopted_on"].notna() & (h["adopted_on"] < h["peildatum"]), h["peildatum"])
    h["effective"] = adopted
    return h


def effective_at(history: pd.DataFrame, when) -> pd.DataFrame:
    """Status per (gemeente_code, onderdeel) at ``when`` counting from adoption dates (see module doc)."""
    h = history[history["effective"] <= _ts(when)]
    return last_per_key(h, len(h)).reset_index(drop=True)


def effective_grid(history: pd.DataFrame, onderdeel: str, codes, dates: list[date]) -> pd.DataFrame:
    """The status of every gemeente at every date (counting from adoption dates), for one onderdeel.

    Columns: gemeente_code, date, status (None without a record). Vectorised: for each gemeente
    the winning record at a date is the one with the highest knowledge order among those whose
    effective date has passed, i.e. a running maximum over records sorted by effective date.
    """
    h = history[history["onderdeel"] == onderdeel][["gemeente_code", "effective", "seq", "status"]]
    grid = pd.DataFrame(
        {
            "gemeente_code": np.repeat(np.asarray(list(codes), dtype=object), len(dates)),
            "date": np.tile(np.asarray([np.datetime64(pd.Timestamp(d), "ns") for d in dates]), len(codes)),
        }
    )
    if h.empty or grid.empty:
        grid["status"] = None
        return grid
    h = h.sort_values(["gemeente_code", "effective", "seq"], kind="stable")
    h = h.assign(win=h.groupby("gemeente_code", sort=False)["seq"].cummax())
    status_of = dict(zip(h["seq"], h["status"]))
    steps = h[["gemeente_code", "effective", "win"]].sort_values("effective", kind="stable")
    out = pd.merge_asof(
        grid.sort_values("date", kind="stable"),
        steps,
        left_on="date",
        right_on="effective",
        by="gemeente_code",
        direction="backward",
    )
    win = out["win"].to_numpy(dtype=float)
    found = ~np.isnan(win)
    status = np.full(len(out), None, dtype=object)
    status[found] = pd.Series(win[found].astype("int64")).map(status_of).to_numpy(dtype=object)
    out["status"] = status
    return out[["gemeente_code", "date", "status"]]


def gemeente_status(status: pd.DataFrame, gemeenten: pd.DataFrame, levels: pd.DataFrame, onderdeel: str) -> pd.DataFrame:
    """One row per gemeente for one onderdeel, in the order of ``gemeenten``.

    Columns: code, name, provincie_code, provincie_name, status, label, rank, index, is_done,
    adopted_on, peildatum, source_url, comment. ``index`` is the position in the ordered
    statuses (-1 = geen gegevens), which the map colours by.
    """
    lm = level_maps(levels, onderdeel)
    sub = status[status["onderdeel"].to_numpy() == onderdeel]
    sub = sub.drop_duplicates("gemeente_code", keep="last") if sub["gemeente_code"].duplicated().any() else sub
    codes = gemeenten["code"].to_numpy()
    pos = pd.Index(sub["gemeente_code"].to_numpy()).get_indexer(codes)
    hit = pos >= 0
    cols = [c for c in ("code", "name", "provincie_code", "provincie_name") if c in gemeenten.columns]
    data: dict[str, object] = {c: gemeenten[c].to_numpy() for c in cols}
    for c in ("status", "source_url", "comment"):
        values = np.full(len(codes), None, dtype=object)
        if c in sub.columns and hit.any():
            values[hit] = sub[c].to_numpy(dtype=object)[pos[hit]]
        data[c] = values
    for c in ("adopted_on", "peildatum"):
        values = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
        if c in sub.columns and hit.any():
            values[hit] = sub[c].to_numpy(dtype="datetime64[ns]")[pos[hit]]
        data[c] = values
    statuses = [None if _is_missing(st) else st for st in data["status"]]
    data["status"] = np.array(statuses, dtype=object)
    data["rank"] = np.array([lm.rank.get(st, NO_DATA_RANK) for st in statuses], dtype=int)
    data["index"] = np.array([lm.index.get(st, NO_DATA_RANK) for st in statuses], dtype=int)
    data["is_done"] = np.array([lm.done.get(st, False) for st in statuses], dtype=bool)
    data["label"] = np.array(
        [lm.label[st] if st in lm.label else (NO_DATA_LABEL if st is None else f"{st} (onbekende status)") for st in statuses], dtype=object
    )
    return pd.DataFrame(data)


def status_counts(gstatus: pd.DataFrame, levels: pd.DataFrame, onderdeel: str) -> pd.DataFrame:
    """Number of gemeenten per status (ordered, plus 'geen gegevens' first): index, status, label, is_done, count."""
    lm = level_maps(levels, onderdeel)
    counts = np.bincount(gstatus["index"].to_numpy() + 1, minlength=lm.n + 1)
    rows = [{"index": NO_DATA_RANK, "status": None, "label": NO_DATA_LABEL, "is_done": False, "count": int(counts[0])}]
    for i, st in enumerate(lm.statuses):
        rows.append({"index": i, "status": st, "label": lm.label[st], "is_done": lm.done[st], "count": int(counts[i + 1])})
    return pd.DataFrame(rows)


# --- groups --------------------------------------------------------------------------------


def national_groups(gemeenten: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"gemeente_code": gemeenten["code"], "group_code": NATIONAL_CODE, "group_name": NATIONAL_NAME})


def provincie_groups(gemeenten: pd.DataFrame) -> pd.DataFrame:
    g = gemeenten[gemeenten["provincie_code"].notna()]
    names = g["provincie_name"] if "provincie_name" in g.columns else g["provincie_code"]
    return pd.DataFrame({"gemeente_code": g["code"], "group_code": g["provincie_code"], "group_name": names.fillna(g["provincie_code"])})


def region_groups(memberships: pd.DataFrame, region_type: str, gemeenten: pd.DataFrame | None = None) -> pd.DataFrame:
    """Membership rows of one region type as (gemeente_code, group_code, group_name); current gemeenten only."""
    m = memberships[memberships["region_type"] == region_type]
    if gemeenten is not None:
        m = m[m["gemeente_code"].isin(gemeenten["code"])]
    return pd.DataFrame(
        {"gemeente_code": m["gemeente_code"].astype(str), "group_code": m["region_code"].astype(str), "group_name": m["region_name"].astype(str)}
    ).drop_duplicates().reset_index(drop=True)


def groups_for(level: str, gemeenten: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    if level == "landelijk":
        return national_groups(gemeenten)
    if level == "provincie":
        return provincie_groups(gemeenten)
    return region_groups(memberships, level, gemeenten)


def _meets(gstatus: pd.DataFrame, threshold: int | None) -> pd.Series:
    if threshold is None:
        return gstatus["is_done"]
    return gstatus["rank"] >= threshold


def share_by_group(gstatus: pd.DataFrame, groups: pd.DataFrame, threshold: int | None = None) -> pd.DataFrame:
    """Per group: n (members), n_done, n_reported, share (n_done / n).

    ``threshold`` = a minimum rank (a milestone's min_status); default: the statuses marked done.
    """
    flags = pd.DataFrame(
        {
            "gemeente_code": gstatus["code"].to_numpy(),
            "done": _meets(gstatus, threshold).to_numpy().astype(int),
            "reported": (gstatus["index"].to_numpy() >= 0).astype(int),
        }
    )
    merged = groups.merge(flags, on="gemeente_code", how="left")
    merged[["done", "reported"]] = merged[["done", "reported"]].fillna(0)
    g = merged.groupby(["group_code", "group_name"], sort=False)
    out = g[["done", "reported"]].sum().astype(int)
    out["n"] = g.size()
    out = out.reset_index().rename(columns={"done": "n_done", "reported": "n_reported"})
    out = out[["group_code", "group_name", "n", "n_done", "n_reported"]]
    out["share"] = np.where(out["n"] > 0, out["n_done"] / out["n"].where(out["n"] > 0, 1), np.nan)
    return out


def share_known_on(
    history: pd.DataFrame, gemeenten: pd.DataFrame, levels: pd.DataFrame, onderdeel: str, groups: pd.DataFrame, when, threshold: int | None = None
) -> pd.DataFrame:
    """``share_by_group`` of the status *as known* on ``when`` (``asof``), the basis of the map and the cards."""
    keys, n, n_done, n_reported = _counts_known_on(history, gemeenten, levels, onderdeel, groups, [when], threshold)
    return _share_frame(keys, n, n_done[0], n_reported[0])


def _share_frame(keys: pd.MultiIndex, n: np.ndarray, n_done: np.ndarray, n_reported: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(
        {"group_code": keys.get_level_values(0), "group_name": keys.get_level_values(1), "n": n, "n_done": n_done, "n_reported": n_reported}
    )
    out["share"] = np.where(out["n"] > 0, out["n_done"] / out["n"].where(out["n"] > 0, 1), np.nan)
    return out


def _status_flags(statuses: np.ndarray, lm: LevelMaps, threshold: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Per record: meets the threshold (default: done), and reported (a known status)."""
    codes, uniques = pd.factorize(statuses, use_na_sentinel=True)
    uniques = [None if _is_missing(st) else st for st in uniques]
    if threshold is None:
        meets = np.array([bool(lm.done.get(st, False)) for st in uniques] + [False], dtype=bool)
    else:
        meets = np.array([lm.rank.get(st, NO_DATA_RANK) >= threshold for st in uniques] + [False], dtype=bool)
    reported = np.array([lm.index.get(st, NO_DATA_RANK) >= 0 for st in uniques] + [False], dtype=bool)
    return meets[codes], reported[codes]  # code -1 (missing) takes the trailing False


def _group_rows(groups: pd.DataFrame, codes: pd.Index, members_only: bool) -> tuple[np.ndarray, pd.MultiIndex, np.ndarray]:
    """Per membership row: its group number, the (code, name) keys, and the gemeente's position in
    ``codes`` (-1 when it is not one of them).

    Groups come in order of appearance and rows without a code or name are left out, as
    ``groupby(sort=False)`` does; ``members_only`` also leaves out rows of other gemeenten (an
    inner join: such a group is smaller, or gone).
    """
    g = groups[groups["group_code"].notna() & groups["group_name"].notna()]
    member_pos = codes.get_indexer(g["gemeente_code"].to_numpy())
    if members_only:
        g, member_pos = g[member_pos >= 0], member_pos[member_pos >= 0]
    group_id, keys = pd.MultiIndex.from_arrays([g["group_code"].to_numpy(), g["group_name"].to_numpy()]).factorize()
    return group_id, keys, member_pos


def _counts_known_on(
    history: pd.DataFrame, gemeenten: pd.DataFrame, levels: pd.DataFrame, onderdeel: str, groups: pd.DataFrame, dates: list, threshold: int | None
) -> tuple[pd.MultiIndex, np.ndarray, np.ndarray, np.ndarray]:
    """Per group (in order of appearance): members, and per date the members meeting the
    threshold and the members that reported, as known on that date.

    Equal to ``share_by_group(gemeente_status(asof(...)))`` per date (a test compares them on
    random histories), but without a frame, merge and groupby per date: the milestone page
    asks for a year of month ends per milestone and region type.
    """
    lm = level_maps(levels, onderdeel)
    h = history[history["onderdeel"].to_numpy() == onderdeel]
    codes = pd.Index(gemeenten["code"].to_numpy())
    rec_pos = codes.get_indexer(h["gemeente_code"].to_numpy())
    rec_meets, rec_reported = _status_flags(h["status"].to_numpy(dtype=object), lm, threshold)
    known = h["peildatum"].to_numpy()
    group_id, keys, member_pos = _group_rows(groups, codes, members_only=False)
    is_member = member_pos >= 0
    n = np.bincount(group_id, minlength=len(keys)).astype(int)
    n_done = np.zeros((len(dates), len(keys)), dtype=int)
    n_reported = np.zeros((len(dates), len(keys)), dtype=int)
    for i, when in enumerate(dates):
        idx = np.flatnonzero(rec_pos[: count_known(known, when)] >= 0)
        last = idx[last_of_each(rec_pos[idx], len(idx))]  # each gemeente's state on the date
        meets = np.zeros(len(codes), dtype=bool)
        reported = np.zeros(len(codes), dtype=bool)
        meets[rec_pos[last]] = rec_meets[last]
        reported[rec_pos[last]] = rec_reported[last]
        n_done[i] = np.bincount(group_id, weights=is_member & meets[member_pos], minlength=len(keys))
        n_reported[i] = np.bincount(group_id, weights=is_member & reported[member_pos], minlength=len(keys))
    return keys, n, n_done, n_reported


def share_with_change(history: pd.DataFrame, gemeenten: pd.DataFrame, levels: pd.DataFrame, onderdeel: str, groups: pd.DataFrame, peildatum) -> pd.DataFrame:
    """``share_by_group`` at ``peildatum`` plus the same a year earlier (columns *_prev, delta_pp)."""
    d = to_date(peildatum)
    now = share_known_on(history, gemeenten, levels, onderdeel, groups, d)
    prev = share_known_on(history, gemeenten, levels, onderdeel, groups, one_year_earlier(d))
    out = now.merge(prev[["group_code", "n_done", "share"]].rename(columns={"n_done": "n_done_prev", "share": "share_prev"}), on="group_code", how="left")
    out["delta_done"] = out["n_done"] - out["n_done_prev"]
    out["delta_pp"] = (out["share"] - out["share_prev"]) * 100
    return out


@dataclass(frozen=True)
class Card:
    onderdeel: str
    n: int
    n_done: int
    share: float
    n_done_prev: int
    share_prev: float
    prev_date: date
    done_labels: tuple[str, ...]

    @property
    def delta_done(self) -> int:
        return self.n_done - self.n_done_prev

    @property
    def delta_pp(self) -> float:
        return (self.share - self.share_prev) * 100


def _done_counts(status: pd.DataFrame, codes: set[str], levels: pd.DataFrame) -> dict[str, int]:
    done = {(o, st) for o, st, d in zip(levels["onderdeel"], levels["status"], levels["is_done"]) if d}
    counts: dict[str, int] = {}
    for g, o, st in zip(status["gemeente_code"], status["onderdeel"], status["status"]):
        if g in codes and (o, st) in done:
            counts[o] = counts.get(o, 0) + 1
    return counts


def cards(history: pd.DataFrame, gemeenten: pd.DataFrame, levels: pd.DataFrame, peildatum) -> list[Card]:
    """Per onderdeel: gemeenten at a done status at ``peildatum`` and one year earlier."""
    d = to_date(peildatum)
    prev_date = one_year_earlier(d)
    codes = set(gemeenten["code"])
    n = len(codes)
    now = _done_counts(asof(history, d), codes, levels)
    prev = _done_counts(asof(history, prev_date), codes, levels)
    result = []
    for onderdeel in onderdelen(levels):
        lm = level_maps(levels, onderdeel)
        a, b = now.get(onderdeel, 0), prev.get(onderdeel, 0)
        result.append(
            Card(
                onderdeel=onderdeel,
                n=n,
                n_done=a,
                share=a / n if n else 0.0,
                n_done_prev=b,
                share_prev=b / n if n else 0.0,
                prev_date=prev_date,
                done_labels=tuple(lm.label[st] for st in lm.statuses if lm.done[st]),
            )
        )
    return result


# --- time series ---------------------------------------------------------------------------


def series_dates(history: pd.DataFrame, end, start=None) -> list[date]:
    """Month ends from the first effective date in the data (or ``start``) to ``end``."""
    end = to_date(end)
    if start is None:
        if len(history) == 0:
            return [end]
        start = min(history["effective"].min(), history["peildatum"].min()).date()
    start = to_date(start)
    if start > end:
        return [end]
    return month_ends(start, end)


def progress_series(
    history: pd.DataFrame,
    gemeenten: pd.DataFrame,
    levels: pd.DataFrame,
    onderdeel: str,
    groups: pd.DataFrame,
    dates: list[date],
    threshold: int | None = None,
) -> pd.DataFrame:
    """Share meeting the threshold (default: done) per group at each date, counting from adoption dates.

    Long format: date, group_code, group_name, n, n_done, n_reported, share.
    """
    if not dates:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    grid = effective_grid(history, onderdeel, gemeenten["code"], dates)
    meets, reported = _status_flags(grid["status"].to_numpy(dtype=object), level_maps(levels, onderdeel), threshold)
    # the grid as a (date, gemeente) matrix
    codes = pd.Index(gemeenten["code"].to_numpy())
    day_keys, day_pos = np.unique(grid["date"].to_numpy(), return_inverse=True)
    gem_pos = codes.get_indexer(grid["gemeente_code"].to_numpy())
    meets_m = np.zeros((len(day_keys), len(codes)), dtype=bool)
    reported_m = np.zeros((len(day_keys), len(codes)), dtype=bool)
    meets_m[day_pos, gem_pos] = meets
    reported_m[day_pos, gem_pos] = reported
    group_id, keys, member_pos = _group_rows(groups, codes, members_only=True)
    n = np.bincount(group_id, minlength=len(keys))
    n_done = np.array([np.bincount(group_id, weights=row[member_pos], minlength=len(keys)) for row in meets_m]).reshape(len(day_keys), len(keys))
    n_reported = np.array([np.bincount(group_id, weights=row[member_pos], minlength=len(keys)) for row in reported_m]).reshape(len(day_keys), len(keys))
    out = pd.DataFrame(
        {
            "date": np.repeat(day_keys, len(keys)),
            "group_code": np.tile(keys.get_level_values(0).to_numpy(dtype=object), len(day_keys)),
            "group_name": np.tile(keys.get_level_values(1).to_numpy(dtype=object), len(day_keys)),
            "n": np.tile(n, len(day_keys)).astype(int),
            "n_done": n_done.ravel().astype(int),
            "n_reported": n_reported.ravel().astype(int),
        }
    )
    out["share"] = out["n_done"] / out["n"]
    return out[SERIES_COLUMNS]


# --- milestones ----------------------------------------------------------------------------

CONFIDENCE_ORDER = {"bevestigd": 0, "doel": 1, "onbevestigd": 2, "onbekend": 3}


def milestone_frame(milestones: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Milestones with ``deadline`` (end of the period the date stands for), ``threshold`` and ``target_share``.

    ``target_share`` is the share of gemeenten the milestone asks for; the programme's goals say
    "alle gemeenten", so it is 1.0 unless the milestone file gains a ``target_share`` column.
    """
    m = milestones.copy()
    m["deadline"] = [milestone_deadline(d, p) for d, p in zip(m["date"], m["date_precision"])]
    m["threshold"] = [min_rank(levels, o, s) if isinstance(o, str) and o else None for o, s in zip(m["onderdeel"], m["min_status"])]
    if "target_share" not in m.columns:
        m["target_share"] = TARGET_SHARE_DEFAULT
    m["has_target"] = m["onderdeel"].notna() & m["threshold"].notna() & m["deadline"].notna()
    return m


def relevant_milestone(mframe: pd.DataFrame, onderdeel: str, peildatum) -> pd.Series | None:
    """The milestone a view on ``onderdeel`` at ``peildatum`` is measured against.

    The first target milestone for the onderdeel whose deadline is on or after the peildatum
    (most certain first when deadlines tie); if all have passed, the latest one.
    """
    d = to_date(peildatum)
    c = mframe[(mframe["onderdeel"] == onderdeel) & mframe["has_target"]].copy()
    if c.empty:
        return None
    c["conf"] = c["confidence"].map(CONFIDENCE_ORDER).fillna(9)
    upcoming = c[[dl >= d for dl in c["deadline"]]]
    if len(upcoming):
        return upcoming.sort_values(["deadline", "conf"]).iloc[0]
    return c.sort_values(["deadline", "conf"]).iloc[-1]


PROJECTION_HORIZON_YEARS = 10


def horizon(today) -> date:
    """The latest projected date worth naming: ``PROJECTION_HORIZON_YEARS`` after ``today``."""
    return _add_years(to_date(today), PROJECTION_HORIZON_YEARS)


def projection(series: pd.DataFrame, now, target: float = TARGET_SHARE_DEFAULT, months: int = TREND_MONTHS) -> dict:
    """Projected date at which ``share`` reaches ``target`` at the pace of the last ``months`` months.

    ``series``: columns date, share for one group, ascending. The pace is the change over the
    window: today's share minus the share at the start of the window (the last point on or
    before it, else the first point in it), per year -- the same number as the "verandering
    t.o.v. een jaar eerder" on the other pages when the series is the status as known at each
    date (``asof_series``). Returns a dict with ``share_now``, ``share_then``,
    ``slope_per_year`` (share per year, as a fraction), ``projected`` (a date, or None) and
    ``state``: ``bereikt``, ``op_tempo``, ``na_horizon`` (projected more than
    ``PROJECTION_HORIZON_YEARS`` years ahead; ``projected`` is still given), ``geen_voortgang``
    or ``te_weinig_gegevens``.
    """
    now_d = to_date(now)
    empty = {"share_now": None, "share_then": None, "slope_per_year": None, "projected": None, "state": "te_weinig_gegevens"}
    if series.empty:
        return empty
    dates = pd.to_datetime(series["date"]).to_numpy(dtype="datetime64[ns]")
    shares = pd.to_numeric(series["share"], errors="coerce").to_numpy(dtype=float)
    order = np.argsort(dates, kind="stable")
    dates, shares = dates[order], shares[order]
    keep = ~np.isnan(shares) & (dates <= np.datetime64(pd.Timestamp(now_d), "ns"))
    dates, shares = dates[keep], shares[keep]
    if len(dates) == 0:
        return empty
    share_now = float(shares[-1])
    if share_now >= target - 1e-12:
        reached = pd.Timestamp(dates[np.flatnonzero(shares >= target - 1e-12)[0]]).date()
        return {"share_now": share_now, "share_then": None, "slope_per_year": 0.0, "projected": reached, "state": "bereikt"}
    window_start = pd.Timestamp(now_d) - pd.DateOffset(months=months)
    before = np.flatnonzero(dates <= np.datetime64(window_start, "ns"))
    start = before[-1] if len(before) else 0
    start_date = max(pd.Timestamp(dates[start]), window_start)
    days_span = (pd.Timestamp(dates[-1]) - start_date).days
    if days_span <= 0:
        return {**empty, "share_now": share_now}
    share_then = float(shares[start])
    slope = (share_now - share_then) / days_span  # share per day
    result = {"share_now": share_now, "share_then": share_then, "slope_per_year": slope * 365.25}
    if slope <= 1e-9:
        return {**result, "projected": None, "state": "geen_voortgang"}
    days = (target - share_now) / slope
    if days > 365.25 * 1000:
        return {**result, "projected": None, "state": "na_horizon"}
    projected = now_d + timedelta(days=int(np.ceil(days)))
    return {**result, "projected": projected, "state": "na_horizon" if projected > horizon(now_d) else "op_tempo"}


def asof_series(
    history: pd.DataFrame,
    gemeenten: pd.DataFrame,
    levels: pd.DataFrame,
    onderdeel: str,
    groups: pd.DataFrame,
    dates: list[date],
    threshold: int | None = None,
) -> pd.DataFrame:
    """Share meeting the threshold per group at each date, *as known on that date* (``asof``).

    The same basis as the map, the cards and the "verandering" columns; long format like
    ``progress_series``.
    """
    if not dates:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    keys, n, n_done, n_reported = _counts_known_on(history, gemeenten, levels, onderdeel, groups, dates, threshold)
    out = _share_frame(keys[np.tile(np.arange(len(keys)), len(dates))], np.tile(n, len(dates)), n_done.ravel(), n_reported.ravel())
    out.insert(0, "date", pd.Series([_ts(d) for d in dates]).repeat(len(keys)).reset_index(drop=True))
    return out[SERIES_COLUMNS]


def milestone_progress(
    history: pd.DataFrame,
    gemeenten: pd.DataFrame,
    levels: pd.DataFrame,
    mframe: pd.DataFrame,
    groups: pd.DataFrame,
    today,
) -> pd.DataFrame:
    """For each target milestone and group: share meeting it at its deadline and on ``today``, and the projection.

    ``today`` is the peildatum of the view (normally today). Bases:

    * ``share_at_deadline`` counts from adoption dates with today's knowledge (was the status
      adopted by the deadline?); None when the deadline is after ``today``;
    * ``share_now``, ``share_prev`` (one year earlier), ``delta_pp`` and the projection use the
      status *as known* on each date, the same basis as the cards, the map and the
      "verandering" on /regios, so the pages never disagree about the last twelve months.

    Columns: milestone_id, title, onderdeel, min_status, deadline, confidence, group_code,
    group_name, n, share_at_deadline, share_now, share_prev, prev_date, delta_pp, target_share,
    projected, state, on_time.
    """
    today_d = to_date(today)
    rows = []
    prev_date = one_year_earlier(today_d)
    columns = [
        "milestone_id", "title", "onderdeel", "min_status", "deadline", "confidence", "group_code", "group_name", "n",
        "share_at_deadline", "share_now", "share_prev", "prev_date", "delta_pp", "target_share", "projected", "state", "on_time",
    ]
    for m in mframe[mframe["has_target"]].itertuples():
        threshold = int(m.threshold)
        trend = asof_series(history, gemeenten, levels, m.onderdeel, groups, month_ends(prev_date, today_d), threshold)
        at_deadline = (
            progress_series(history, gemeenten, levels, m.onderdeel, groups, [m.deadline], threshold) if m.deadline <= today_d else None
        )
        for (code, name), grp in trend.groupby(["group_code", "group_name"], sort=False):
            grp = grp.sort_values("date")
            p = projection(grp[["date", "share"]], today_d, float(m.target_share))
            share_at_deadline = None
            if at_deadline is not None:
                hit = at_deadline[at_deadline["group_code"] == code]
                share_at_deadline = float(hit["share"].iloc[0]) if len(hit) else None
            share_now = float(grp["share"].iloc[-1])
            share_prev = float(grp["share"].iloc[0])
            if m.deadline <= today_d:
                on_time = share_at_deadline is not None and share_at_deadline >= float(m.target_share) - 1e-12
            else:
                on_time = p["state"] == "bereikt" or (p["state"] == "op_tempo" and p["projected"] <= m.deadline)
            rows.append(
                {
                    "milestone_id": m.id,
                    "title": m.title,
                    "onderdeel": m.onderdeel,
                    "min_status": m.min_status,
                    "deadline": m.deadline,
                    "confidence": getattr(m, "confidence", None),
                    "group_code": code,
                    "group_name": name,
                    "n": int(grp["n"].iloc[-1]),
                    "share_at_deadline": share_at_deadline,
                    "share_now": share_now,
                    "share_prev": share_prev,
                    "prev_date": prev_date,
                    "delta_pp": (share_now - share_prev) * 100,
                    "target_share": float(m.target_share),
                    "projected": p["projected"],
                    "state": p["state"],
                    "on_time": bool(on_time),
                }
            )
    return pd.DataFrame(rows, columns=columns)


# --- data quality --------------------------------------------------------------------------


def never_reported(history: pd.DataFrame, gemeenten: pd.DataFrame) -> pd.DataFrame:
    """Gemeenten without a single status record."""
    seen = set(history["gemeente_code"])
    return gemeenten[~gemeenten["code"].isin(seen)].reset_index(drop=True)


def stale_reports(status: pd.DataFrame, gemeenten: pd.DataFrame, when, max_age_days: int) -> pd.DataFrame:
    """Latest reports (as known at ``when``) whose peildatum is more than ``max_age_days`` before ``when``.

    Columns: code, name, provincie_name, onderdeel, status, peildatum, age_days; oldest first.
    """
    w = pd.Timestamp(to_date(when))
    s = status.copy()
    s["age_days"] = (w - s["peildatum"]).dt.days
    s = s[s["age_days"] > max_age_days]
    names = gemeenten.set_index("code")
    out = s.join(names[[c for c in ("name", "provincie_name") if c in names.columns]], on="gemeente_code")
    out = out.rename(columns={"gemeente_code": "code"})
    cols = [c for c in ("code", "name", "provincie_name", "onderdeel", "status", "peildatum", "age_days") if c in out.columns]
    return out[cols].sort_values(["peildatum", "name", "onderdeel"]).reset_index(drop=True)
