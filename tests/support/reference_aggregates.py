"""The dashboard's aggregates as first written, with one frame, merge and groupby per step.

``dashboard.aggregates`` computes the same numbers in arrays. These definitions are the
reference: the tests compare both on random histories, and ``benchmarks/aggregates_bench.py``
times both in one run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import aggregates as agg


def share_known_on(history, gemeenten, levels, onderdeel, groups, when, threshold=None):
    """The share per group of the status as known on ``when``: a frame per gemeente, then a merge and a groupby."""
    return agg.share_by_group(agg.gemeente_status(agg.asof(history, when), gemeenten, levels, onderdeel), groups, threshold)


def asof_series(history, gemeenten, levels, onderdeel, groups, dates, threshold=None):
    frames = [share_known_on(history, gemeenten, levels, onderdeel, groups, d, threshold).assign(date=pd.Timestamp(d)) for d in dates]
    return pd.concat(frames, ignore_index=True)[agg.SERIES_COLUMNS]


def progress_series(history, gemeenten, levels, onderdeel, groups, dates, threshold=None):
    """``progress_series`` as first written, with a merge and a groupby: the reference for the array version."""
    grid = agg.effective_grid(history, onderdeel, gemeenten["code"], dates)
    lv = agg.levels_for(levels, onderdeel)
    rank_of = dict(zip(lv["status"], lv["rank"]))
    done_of = dict(zip(lv["status"], lv["is_done"]))
    statuses = grid["status"].tolist()
    if threshold is None:
        grid["done"] = np.array([bool(done_of.get(st, False)) for st in statuses], dtype=int)
    else:
        grid["done"] = np.array([rank_of.get(st, agg.NO_DATA_RANK) >= threshold for st in statuses], dtype=int)
    grid["reported"] = np.array([st in rank_of for st in statuses], dtype=int)
    merged = groups.merge(grid, on="gemeente_code", how="inner")
    g = merged.groupby(["date", "group_code", "group_name"], sort=False)
    out = g[["done", "reported"]].sum().astype(int)
    out["n"] = g.size()
    out = out.reset_index().rename(columns={"done": "n_done", "reported": "n_reported"})
    out["share"] = out["n_done"] / out["n"]
    order = {c: i for i, c in enumerate(dict.fromkeys(groups["group_code"]))}
    out = out.assign(_o=out["group_code"].map(order)).sort_values(["date", "_o"], kind="stable").drop(columns="_o")
    return out[agg.SERIES_COLUMNS].reset_index(drop=True)


def projection(series, now, target=1.0, months=12):
    """The projection as first written, with frame operations: the reference for the array version."""
    now_d = agg.to_date(now)
    empty = {"share_now": None, "share_then": None, "slope_per_year": None, "projected": None, "state": "te_weinig_gegevens"}
    s = series.dropna(subset=["share"]).assign(date=lambda f: pd.to_datetime(f["date"])).sort_values("date", kind="stable")
    s = s[s["date"] <= pd.Timestamp(now_d)]
    if s.empty:
        return empty
    share_now = float(s["share"].iloc[-1])
    if share_now >= target - 1e-12:
        reached = s[s["share"] >= target - 1e-12]["date"].iloc[0].date()
        return {"share_now": share_now, "share_then": None, "slope_per_year": 0.0, "projected": reached, "state": "bereikt"}
    window_start = pd.Timestamp(now_d) - pd.DateOffset(months=months)
    before = s[s["date"] <= window_start]
    start = before.iloc[-1] if len(before) else s.iloc[0]
    start_date = max(start["date"], window_start)
    days_span = (s["date"].iloc[-1] - start_date).days
    if days_span <= 0:
        return {**empty, "share_now": share_now}
    share_then = float(start["share"])
    slope = (share_now - share_then) / days_span
    result = {"share_now": share_now, "share_then": share_then, "slope_per_year": slope * 365.25}
    if slope <= 1e-9:
        return {**result, "projected": None, "state": "geen_voortgang"}
    days = (target - share_now) / slope
    if days > 365.25 * 1000:
        return {**result, "projected": None, "state": "na_horizon"}
    projected = now_d + pd.Timedelta(days=int(np.ceil(days))).to_pytimedelta()
    return {**result, "projected": projected, "state": "na_horizon" if projected > agg.horizon(now_d) else "op_tempo"}
