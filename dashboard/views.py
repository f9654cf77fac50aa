"""The numbers behind each view as plain tables with Dutch column names.

Pages show these tables (the table alternative of every map and chart) and ``/download/...``
serves exactly the same frames as CSV and xlsx, so a download is the view the user looks at.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import aggregates as agg
from dashboard.data import DataSource, Version
from dashboard.texts import fmt_milestone_date, level_singular, onderdeel_title

YES_NO = {True: "ja", False: "nee"}


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
            "Peildatum melding": [_d(x) for x in g["peildatum"]],
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
        out[f"{title}: peildatum"] = [_d(x) for x in g.loc[out["Gemeentecode"], "peildatum"]]
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
            "Verandering (procentpunt)": s["delta_pp"].round(1),
            "Gemeenten met melding": s["n_reported"],
        }
    ).sort_values("Aandeel gereed (%)", kind="stable").reset_index(drop=True)


def milestones_table(ds: DataSource, v: Version | None = None) -> pd.DataFrame:
    m = ds.reference(v).milestones
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
            "Zekerheid": m["confidence"],
            "Bron": m["source_url"].fillna(""),
            "Toelichting": m["note"].fillna(""),
        }
    )


def milestone_progress_table(ds: DataSource, today: date, level: str, v: Version | None = None) -> pd.DataFrame:
    p = ds.milestone_progress(today, level, v)
    return pd.DataFrame(
        {
            "Mijlpaal": p["title"],
            "Onderdeel": [onderdeel_title(o) for o in p["onderdeel"]],
            "Minimale status": p["min_status"],
            "Uiterste datum": p["deadline"],
            "Gebied": p["group_name"],
            "Gemeenten": p["n"],
            "Aandeel op uiterste datum (%)": [None if x is None or pd.isna(x) else round(x * 100, 1) for x in p["share_at_deadline"]],
            "Aandeel nu (%)": [None if x is None or pd.isna(x) else round(x * 100, 1) for x in p["share_now"]],
            "Doel (%)": (p["target_share"] * 100).round(0),
            "Verwachte datum bij huidig tempo": p["projected"],
            "Beoordeling": p["state"].map(STATE_LABELS).fillna(p["state"]),
            "Op tijd": p["on_time"].map(YES_NO),
        }
    )


STATE_LABELS = {
    "bereikt": "bereikt",
    "op_tempo": "verwacht bij huidig tempo",
    "geen_voortgang": "geen voortgang in de laatste 12 maanden",
    "te_weinig_gegevens": "te weinig gegevens",
}


def gemeente_history_table(ds: DataSource, code: str, v: Version | None = None) -> pd.DataFrame:
    v = v or ds.version()
    ref = ds.reference(v)
    h = ds.gemeente_history(code, v)
    labels = {(r.onderdeel, r.status): (r.label or r.status) for r in ref.levels.itertuples()}
    h = h.sort_values(["onderdeel", "peildatum", "seq"], ascending=[True, False, False])
    return pd.DataFrame(
        {
            "Onderdeel": [onderdeel_title(o) for o in h["onderdeel"]],
            "Peildatum": [_d(x) for x in h["peildatum"]],
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
    out = h[changed].iloc[::-1].rename(columns={"Peildatum": "Gemeld vanaf (peildatum)"})
    return out.reset_index(drop=True)


def stale_table(ds: DataSource, when: date, max_age_days: int, v: Version | None = None) -> pd.DataFrame:
    v = v or ds.version()
    ref = ds.reference(v)
    s = agg.stale_reports(ds.status_at(when, v), ref.gemeenten, when, max_age_days)
    return pd.DataFrame(
        {
            "Gemeentecode": s["code"],
            "Gemeente": s["name"],
            "Provincie": s["provincie_name"],
            "Onderdeel": [onderdeel_title(o) for o in s["onderdeel"]],
            "Status": s["status"],
            "Peildatum melding": [_d(x) for x in s["peildatum"]],
            "Dagen oud": s["age_days"],
        }
    )


def never_reported_table(ds: DataSource, v: Version | None = None) -> pd.DataFrame:
    v = v or ds.version()
    ref = ds.reference(v)
    n = agg.never_reported(ds.history(v), ref.gemeenten)
    return pd.DataFrame({"Gemeentecode": n["code"], "Gemeente": n["name"], "Provincie": n["provincie_name"]})
