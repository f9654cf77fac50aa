"""The numbers behind each view as plain tables with Dutch column names.

Pages show these tables (the table alternative of every map and chart) and ``/download/...``
serves exactly the same frames as CSV and xlsx, so a download is the view the user looks at.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import aggregates as agg
from dashboard.data import DataSource, Version
from dashboard.texts import (
    GEMELD_PER,
    assessment,
    change_column,
    confidence_text,
    fmt_milestone_date,
    fmt_projected,
    level_singular,
    onderdeel_title,
)

YES_NO = {True: "ja", False: "nee"}


def status_labels(levels: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(onderdeel, status) -> the label of that status level ("Geen afspraken", "Geen koploper")."""
    return {(o, st): (lbl or st) for o, st, lbl in zip(levels["onderdeel"], levels["status"], levels["label"])}


def _d(value) -> date | None:
    return agg.to_date(value)


def gemeente_status_table(ds: DataSource, peildatum: date, onderdeel: str, v: Version | None = None, provincie: str | None = None) -> pd.DataFrame:
    """One onderdeel, every gemeente (or those of one provincie)."""
    g = ds.gemeente_status(peildatum, onderdeel, v)
    if provincie:
        g = g[g["provincie_code"] == provincie]
    return pd.DataFrame(
        {
            "Gemeentecode": g["code"],
            "Gemeente": g["name"],
            "Provincie": g["provincie_name"],
            "Onderdeel": onderdeel_title(onderdeel),
            "Status": g["label"],
            "Gereed": g["is_done"].map(YES_NO),
            "Vastgesteld op": [_d(x) for x in g["adopted_on"]],
            GEMELD_PER: [_d(x) for x in g["peildatum"]],
            "Bron": g["source_url"].fillna(""),
        }
    ).reset_index(drop=True)


def gemeenten_wide(ds: DataSource, peildatum: date, v: Version | None = None, provincie: str | None = None) -> pd.DataFrame:
    """Every gemeente with the status of each onderdeel as columns (provincie page, /data)."""
    v = v or ds.version()
    ref = ds.reference(v)
    base = ref.gemeenten if not provincie else ref.gemeenten[ref.gemeenten["provincie_code"] == provincie]
    out = pd.DataFrame({"Gemeentecode": base["code"].values, "Gemeente": base["name"].values, "Provincie": base["provincie_name"].values})
    for onderdeel in ref.onderdelen:
        g = ds.gemeente_status(peildatum, onderdeel, v).set_index("code")
        title = onderdeel_title(onderdeel)
        out[title] = g.loc[out["Gemeentecode"], "label"].values
        out[f"{title}: gereed"] = g.loc[out["Gemeentecode"], "is_done"].map(YES_NO).values
        out[f"{title}: {GEMELD_PER.lower()}"] = [_d(x) for x in g.loc[out["Gemeentecode"], "peildatum"]]
    return out


def group_share_table(ds: DataSource, peildatum: date, onderdeel: str, level: str, v: Version | None = None) -> pd.DataFrame:
    """Share done per provincie/region with change against a year earlier."""
    s = ds.group_shares(peildatum, onderdeel, level, v)
    prev = agg.one_year_earlier(peildatum)
    return pd.DataFrame(
        {
            "Code": s["group_code"],
            level_singular(level).capitalize(): s["group_name"],
            "Onderdeel": onderdeel_title(onderdeel),
            "Gemeenten": s["n"],
            "Gereed": s["n_done"],
            "Aandeel gereed (%)": (s["share"] * 100).round(1),
            f"Gereed op {prev.isoformat()}": s["n_done_prev"],
            change_column(prev): s["delta_pp"].round(1),
            "Gemeenten met melding": s["n_reported"],
        }
    ).sort_values("Aandeel gereed (%)", kind="stable").reset_index(drop=True)


def milestones_table(ds: DataSource, v: Version | None = None, today: date | None = None) -> pd.DataFrame:
    m = ds.reference(v).milestones
    today = today or date.today()
    return pd.DataFrame(
        {
            "Id": m["id"],
            "Mijlpaal": m["title"],
            "Datum": [fmt_milestone_date(d, p) for d, p in zip(m["date"], m["date_precision"])],
            "Uiterste datum": [_d(x) for x in m["deadline"]],
            "Precisie": m["date_precision"],
            "Soort": m["kind"],
            "Niveau": m["level"],
            "Onderdeel": [onderdeel_title(o) if isinstance(o, str) and o else "" for o in m["onderdeel"]],
            "Minimale status": m["min_status"].fillna(""),
            "Zekerheid": [confidence_text(c, d, today) for c, d in zip(m["confidence"], m["deadline"])],
            "Bron": m["source_url"].fillna(""),
            "Toelichting": m["note"].fillna(""),
        }
    )


def _pct(x):
    return None if x is None or pd.isna(x) else round(x * 100, 1)


def milestone_progress_table(ds: DataSource, today: date, level: str, v: Version | None = None) -> pd.DataFrame:
    """Progress towards each target milestone per group at ``today`` (the peildatum of the view).

    "Aandeel op <date>" and the change are the status as known on those dates (as on the
    cards and /regios); the share at the deadline counts from adoption dates.
    """
    p = ds.milestone_progress(today, level, v)
    prev = agg.one_year_earlier(today)
    labels = status_labels(ds.reference(v).levels)
    return pd.DataFrame(
        {
            "Mijlpaal": p["title"],
            "Zekerheid": [confidence_text(c, d, today) for c, d in zip(p["confidence"], p["deadline"])],
            "Onderdeel": [onderdeel_title(o) for o in p["onderdeel"]],
            "Minimale status": [labels.get((o, st), st) for o, st in zip(p["onderdeel"], p["min_status"])],
            "Uiterste datum": p["deadline"],
            "Gebied": p["group_name"],
            "Gemeenten": p["n"],
            "Aandeel op uiterste datum (%)": [_pct(x) for x in p["share_at_deadline"]],
            f"Aandeel op {today.strftime('%d-%m-%Y')} (%)": [_pct(x) for x in p["share_now"]],
            change_column(prev): [None if pd.isna(x) else round(x, 1) for x in p["delta_pp"]],
            "Doel (%)": (p["target_share"] * 100).round(0),
            "Verwachte datum bij huidig tempo": [fmt_projected(d, st, today) for d, st in zip(p["projected"], p["state"])],
            "Beoordeling": [
                assessment(r.state, r.deadline, today, r.projected, r.share_at_deadline, r.share_now, r.target_share) for r in p.itertuples()
            ],
        }
    )


def gemeente_history_table(ds: DataSource, code: str, v: Version | None = None, until: date | None = None) -> pd.DataFrame:
    """Every report of one gemeente (``until``: only those known on that peildatum), newest first per onderdeel."""
    v = v or ds.version()
    ref = ds.reference(v)
    h = ds.gemeente_history(code, v)
    if until is not None:
        h = h[h["peildatum"] <= pd.Timestamp(until)]
    labels = {(r.onderdeel, r.status): (r.label or r.status) for r in ref.levels.itertuples()}
    h = h.sort_values(["onderdeel", "peildatum", "seq"], ascending=[True, False, False])
    return pd.DataFrame(
        {
            "Onderdeel": [onderdeel_title(o) for o in h["onderdeel"]],
            GEMELD_PER: [_d(x) for x in h["peildatum"]],
            "Status": [labels.get((o, s), s) for o, s in zip(h["onderdeel"], h["status"])],
            "Vastgesteld op": [_d(x) for x in h["adopted_on"]],
            "Bron": h["source_url"].fillna(""),
            "Toelichting": h["comment"].fillna(""),
        }
    ).reset_index(drop=True)


def status_changes(history: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``gemeente_history_table`` (one onderdeel, newest first) where something changed:
    the first report of each status (or of a new adoption date or source), newest first."""
    if history.empty:
        return history
    h = history.iloc[::-1]
    sig = pd.Series([f"{a}|{b}|{c}" for a, b, c in zip(h["Status"], h["Vastgesteld op"], h["Bron"])], index=h.index)
    changed = sig.ne(sig.shift())
    out = h[changed].iloc[::-1]
    return out.reset_index(drop=True)


def stale_table(ds: DataSource, when: date, max_age_days: int, v: Version | None = None) -> pd.DataFrame:
    v = v or ds.version()
    ref = ds.reference(v)
    s = agg.stale_reports(ds.status_at(when, v), ref.gemeenten, when, max_age_days)
    labels = status_labels(ref.levels)
    return pd.DataFrame(
        {
            "Gemeentecode": s["code"],
            "Gemeente": s["name"],
            "Provincie": s["provincie_name"],
            "Onderdeel": [onderdeel_title(o) for o in s["onderdeel"]],
            "Status": [labels.get((o, st), st) for o, st in zip(s["onderdeel"], s["status"])],
            GEMELD_PER: [_d(x) for x in s["peildatum"]],
            "Dagen oud": s["age_days"],
        }
    )


def never_reported_table(ds: DataSource, v: Version | None = None, peildatum: date | None = None) -> pd.DataFrame:
    """Gemeenten without any report (``peildatum``: without any report known on that date)."""
    v = v or ds.version()
    ref = ds.reference(v)
    h = ds.history(v)
    if peildatum is not None:
        h = h[h["peildatum"] <= pd.Timestamp(peildatum)]
    n = agg.never_reported(h, ref.gemeenten)
    return pd.DataFrame({"Gemeentecode": n["code"], "Gemeente": n["name"], "Provincie": n["provincie_name"]})
