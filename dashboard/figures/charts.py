"""Bar, line and timeline charts. Every chart has a table next to it with the same numbers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.aggregates import NATIONAL_CODE, PROJECTION_HORIZON_YEARS, horizon, milestone_deadline, to_date
from dashboard.figures.palette import (
    ACCENT,
    FONT,
    NATIONAL_COLOR,
    OKABE_ITO,
    PEILDATUM_COLOR,
    TARGET_COLOR,
    TODAY_COLOR,
    new_figure,
)
from dashboard.texts import (
    BRON,
    CONFIDENCE_LABELS,
    MONTHS,
    bron,
    fmt_date,
    fmt_milestone_date,
    fmt_pct,
    is_unconfirmed,
    unconfirmed_suffix,
)

CONFIDENCE_SYMBOLS = {"bevestigd": "circle", "doel": "diamond", "onbevestigd": "circle-open", "onbekend": "x-thin-open"}
KIND_ROWS = {"wet": "Wet", "programmadoel": "Programmadoel", "deadline": "Termijn"}


def _layout(fig: go.Figure, height: int, **kw) -> go.Figure:
    fig.update_layout(
        height=height,
        font=FONT,
        separators=",.",
        margin=dict(l=10, r=20, t=30, b=40),
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel=dict(bgcolor="white", font=dict(color="#1a1a1a", size=14)),
        **kw,
    )
    return fig


def ranking_bar(frame: pd.DataFrame, national_share: float | None = None, target_share: float | None = None, target_label: str | None = None) -> go.Figure:
    """Regions ranked by share done, furthest behind on top (a lollipop chart: scatter only).

    ``frame``: group_name, share, n_done, n. Target and national share are labelled vertical
    lines (dashed / dotted), never identified by colour alone.
    """
    f = frame.sort_values(["share", "group_name"], ascending=[True, True])
    names = list(f["group_name"])
    xs = [round(float(s) * 100, 1) for s in f["share"]]
    labels = [f"{fmt_pct(s)} ({d} van {n})" for s, d, n in zip(f["share"], f["n_done"], f["n"])]
    seg_x: list = []
    seg_y: list = []
    for name, x in zip(names, xs):
        seg_x += [0, x, None]
        seg_y += [name, name, None]
    fig = new_figure()
    fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", line=dict(color=ACCENT, width=3), hoverinfo="skip", showlegend=False))
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=names,
            mode="markers+text",
            marker=dict(color=ACCENT, size=12, line=dict(color="white", width=1)),
            text=labels,
            textposition="middle right",
            cliponaxis=False,
            hovertemplate="<b>%{y}</b><br>%{text}<extra></extra>",
            name="Aandeel gereed",
            showlegend=False,
        )
    )
    if national_share is not None:
        fig.add_vline(
            x=national_share * 100,
            line=dict(color=NATIONAL_COLOR, width=2, dash="dot"),
            annotation=dict(text=f"Nederland {fmt_pct(national_share)}", font=dict(color=NATIONAL_COLOR)),
            annotation_position="bottom right",
        )
    if target_share is not None:
        fig.add_vline(
            x=target_share * 100,
            line=dict(color=TARGET_COLOR, width=2, dash="dash"),
            annotation=dict(text=target_label or f"Doel {fmt_pct(target_share)}", font=dict(color=TARGET_COLOR)),
            annotation_position="top left",
        )
    height = max(320, 28 * len(f) + 120)
    _layout(fig, height, showlegend=False)
    fig.update_xaxes(range=[0, 125], ticksuffix="%", title="Aandeel gemeenten gereed", tickvals=[0, 25, 50, 75, 100], zeroline=False)
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], title=None, automargin=True)  # lowest share on top
    fig.update_layout(margin=dict(l=10, r=30, t=40, b=50))
    return fig


def progress_lines(series: pd.DataFrame, milestones: pd.DataFrame | None = None, peildatum=None, highlight: list[str] | None = None) -> go.Figure:
    """Share done over time per group; the national line bold and black; milestones as vertical lines.

    ``series``: date, group_code, group_name, share. ``milestones``: deadline, title.
    """
    fig = new_figure()
    groups = [g for g in dict.fromkeys(series["group_code"]) if g != NATIONAL_CODE]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
    for i, code in enumerate(groups):
        s = series[series["group_code"] == code]
        bold = bool(highlight) and code in highlight
        fig.add_trace(
            go.Scatter(
                x=s["date"],
                y=[round(float(v) * 100, 1) for v in s["share"]],
                mode="lines",
                name=str(s["group_name"].iloc[0]),
                line=dict(color=OKABE_ITO[i % len(OKABE_ITO)], width=3 if bold else 1.5, dash=dashes[(i // len(OKABE_ITO)) % len(dashes)]),
                opacity=1 if (bold or not highlight) else 0.45,
                hovertemplate="<b>%{fullData.name}</b><br>%{x|%d-%m-%Y}: %{y:.0f}%<extra></extra>",
            )
        )
    nat = series[series["group_code"] == NATIONAL_CODE]
    if len(nat):
        fig.add_trace(
            go.Scatter(
                x=nat["date"],
                y=[round(float(v) * 100, 1) for v in nat["share"]],
                mode="lines",
                name="Nederland",
                line=dict(color=NATIONAL_COLOR, width=4),
                hovertemplate="<b>Nederland</b><br>%{x|%d-%m-%Y}: %{y:.0f}%<extra></extra>",
            )
        )
    ms = milestones if milestones is not None else pd.DataFrame(columns=["deadline", "title"])
    for m in ms.itertuples():
        if m.deadline is None or pd.isna(m.deadline):
            continue
        conf = getattr(m, "confidence", None)
        x = pd.Timestamp(to_date(m.deadline))
        # a legend entry per milestone (full title, never cut off); unconfirmed ones dotted and labelled
        fig.add_trace(
            go.Scatter(
                x=[x, x],
                y=[0, 100],
                mode="lines",
                name=f"Mijlpaal: {m.title} (uiterlijk {fmt_date(m.deadline)}){unconfirmed_suffix(conf)}",
                line=dict(color=TARGET_COLOR, width=1.5, dash="dot" if is_unconfirmed(conf) else "dash"),
                hovertemplate=f"<b>{m.title}</b><br>uiterlijk {fmt_date(m.deadline)}{unconfirmed_suffix(conf)}<extra></extra>",
                legendrank=2000,
            )
        )
    if peildatum is not None:
        fig.add_vline(
            x=pd.Timestamp(to_date(peildatum)).timestamp() * 1000,
            line=dict(color=PEILDATUM_COLOR, width=1.5, dash="dot"),
            annotation=dict(text="stand op", font=dict(size=12, color=PEILDATUM_COLOR)),
            annotation_position="bottom right",
        )
    _layout(fig, 460, legend=dict(orientation="h", x=0, y=-0.12, yanchor="top", font=dict(size=12)))
    fig.update_yaxes(range=[0, 105], ticksuffix="%", title="Aandeel gereed (volgens vaststellingsdatum)")
    start = _first_progress(series)
    end = pd.Timestamp(to_date(peildatum)) if peildatum is not None else (series["date"].max() if len(series) else None)
    deadlines = [pd.Timestamp(to_date(d)) for d in ms["deadline"] if d is not None and not pd.isna(d)] if len(ms) else []
    if start is not None and end is not None:
        hi = max([end] + deadlines) + pd.DateOffset(months=2)
        fig.update_xaxes(range=[start, hi])
    fig.update_xaxes(title=None, tickformat="%b %Y")
    fig.update_layout(height=460 + 22 * (len(groups) // 4 + len(ms) + 2), margin=dict(l=10, r=20, t=30, b=40))
    return fig


def _first_progress(series: pd.DataFrame):
    """The first date of the data worth drawing: a month before the first share above zero."""
    if series.empty:
        return None
    dates = pd.to_datetime(series["date"])
    moving = dates[series["share"].to_numpy() > 0]
    first = moving.min() if len(moving) else dates.min()
    return max(dates.min(), first - pd.DateOffset(months=1))


def _short(text: str, n: int = 38) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def milestone_strip(milestones: pd.DataFrame, today, peildatum, start: date | None = None, end: date | None = None) -> go.Figure:
    """The programme and Wvrv timeline: one row per kind, symbol per confidence, today and peildatum marked.

    ``milestones``: id, title, date, date_precision, deadline, kind, confidence. Milestones
    without a date are not drawn (they are listed in the table below the strip). A year- or
    month-precise date is drawn as a bar over its period with the marker in its middle, so a
    2026 target sits in 2026 (not on the 2027 gridline); the hover text says "2026 (uiterlijk
    31 december 2026)". Unconfirmed milestones have an open symbol and "(onbevestigd)".
    """
    m = milestones[milestones["date"].notna()].copy()
    fig = new_figure()
    for conf, sub in m.groupby("confidence", sort=False):
        starts, ends, mids = [], [], []
        for d, p in zip(sub["date"], sub["date_precision"]):
            lo, hi = _period(d, p)
            starts.append(lo)
            ends.append(hi)
            mids.append(lo + (hi - lo) / 2)
        rows = [KIND_ROWS.get(k, k) for k in sub["kind"]]
        # a year or month stands for its whole period: a bar over the period, the marker in its middle
        seg_x: list = []
        seg_y: list = []
        for lo, hi, y in zip(starts, ends, rows):
            if hi > lo:
                seg_x += [lo, hi, None]
                seg_y += [y, y, None]
        if seg_x:
            fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", line=dict(color=ACCENT, width=6), opacity=0.35, hoverinfo="skip", showlegend=False))
        label = CONFIDENCE_LABELS.get(conf, conf)
        fig.add_trace(
            go.Scatter(
                x=mids,
                y=rows,
                mode="markers",
                name=label,
                marker=dict(symbol=CONFIDENCE_SYMBOLS.get(conf, "circle"), size=13, color=ACCENT, line=dict(color=ACCENT, width=2)),
                customdata=[
                    [t + unconfirmed_suffix(conf), _period_text(d, p), label]
                    for t, d, p in zip(sub["title"], sub["date"], sub["date_precision"])
                ],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<extra></extra>",
            )
        )
    dates = [to_date(d) for d in m["date"]] + [to_date(d) for d in m.get("deadline", m["date"]) if d is not None and not pd.isna(d)] + [to_date(today), to_date(peildatum)]
    lo = start or min(dates).replace(month=1, day=1)
    hi = end or max(dates).replace(month=12, day=31)
    # both labels above the plot, today's to the right of its line and the peildatum's to the left,
    # so neither covers the year labels of the axis
    _add_marker_line(fig, "today", today, f"vandaag ({fmt_date(today)})", TODAY_COLOR, "solid", "left")
    _add_marker_line(fig, "peildatum", peildatum, f"stand op ({fmt_date(peildatum)})", PEILDATUM_COLOR, "dash", "right")
    _layout(fig, 250, legend=dict(orientation="h", y=-0.3, x=0, title=dict(text="Zekerheid: ")))
    fig.update_xaxes(range=[pd.Timestamp(lo), pd.Timestamp(hi)], tickformat="%Y", dtick="M12", ticklabelmode="period", showgrid=True)
    fig.update_yaxes(categoryorder="array", categoryarray=list(KIND_ROWS.values())[::-1], title=None)
    fig.update_layout(margin=dict(l=10, r=20, t=40, b=10), hovermode="closest")
    return fig


def _add_marker_line(fig: go.Figure, name: str, when, label: str, color: str, dash: str, anchor: str) -> None:
    """A vertical line with its label above the plot area (``anchor``: the label's side of the line)."""
    x = pd.Timestamp(to_date(when))
    fig.add_shape(type="line", name=name, x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=color, width=2, dash=dash))
    fig.add_annotation(name=name, x=x, y=1.0, yref="paper", text=label, showarrow=False,
                       yanchor="bottom", xanchor=anchor, font=dict(size=12, color=color), bgcolor="rgba(255,255,255,0.85)")


def _period(value, precision: str | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day a milestone date stands for (a day: the day itself)."""
    d = to_date(value)
    if precision == "jaar":
        return pd.Timestamp(d.year, 1, 1), pd.Timestamp(d.year, 12, 31)
    if precision == "maand":
        return pd.Timestamp(d.year, d.month, 1), pd.Timestamp(milestone_deadline(d, "maand"))
    return pd.Timestamp(d), pd.Timestamp(d)


def _period_text(value, precision: str | None) -> str:
    """'2026 (uiterlijk 31 december 2026)', 'februari 2023 (uiterlijk 28 februari 2023)', '1 juli 2027'."""
    text = fmt_milestone_date(value, precision)
    if precision in ("jaar", "maand"):
        return f"{text} (uiterlijk {fmt_date(milestone_deadline(value, precision))})"
    return text


# milestone_strip draws the today line first and the peildatum line second (shapes and annotations).
STRIP_PEILDATUM_INDEX = 1


def strip_peildatum_update(when, label: str) -> dict:
    """What changes in the milestone strip when the peildatum moves: {(part, index): changes}."""
    x = pd.Timestamp(to_date(when)).isoformat()
    return {("shapes", STRIP_PEILDATUM_INDEX): {"x0": x, "x1": x}, ("annotations", STRIP_PEILDATUM_INDEX): {"x": x, "text": label}}


def strip_at(base: dict, when, label: str) -> dict | None:
    """``base`` (a ``milestone_strip`` as a plain figure dict) with its peildatum line at ``when``;
    None when ``when`` lies outside its time axis (that strip is drawn wider: build it anew).

    Why: a page load at a new peildatum would otherwise build and validate the whole strip again,
    the costliest part of the overview's first layout, while only one line moves."""
    lo, hi = (pd.Timestamp(x) for x in base["layout"]["xaxis"]["range"])
    if not lo <= pd.Timestamp(to_date(when)) <= hi:
        return None
    layout = dict(base["layout"])
    for (part, index), changes in strip_peildatum_update(when, label).items():
        items = list(layout[part])
        items[index] = {**items[index], **changes}
        layout[part] = items
    return {**base, "layout": layout}


def strip_texts(label: str) -> dict:
    """What ``etvi.stripPeildatum`` (``assets/etvi.js``) needs to move the strip's peildatum line in
    the browser as ``strip_peildatum_update`` and ``stand_meta`` do here: the line's index, its label
    and the source line with ``{datum}`` for the date, and the month names of ``texts.fmt_date``.
    No server round trip for a change that only moves a line."""
    return {"index": STRIP_PEILDATUM_INDEX, "label": label, "bron": BRON, "months": MONTHS}


def stand_meta(stand) -> dict:
    """What a chart's download draws in and is named after (``components.chart``): its source
    line ("Bron: ETVI-monitor, stand op …") and the date."""
    return {"bron": bron(stand), "stand": to_date(stand).isoformat()}


def comparison_dots(frame: pd.DataFrame, name_a: str, name_b: str) -> go.Figure:
    """Two shares per onderdeel (e.g. provincie against Nederland) as a dumbbell chart, values printed.

    ``frame``: onderdeel_title, share_a, share_b. Different marker shapes and a legend, so the
    two series are not told apart by colour alone.
    """
    ys = list(frame["onderdeel_title"])
    a = [round(float(s) * 100, 1) for s in frame["share_a"]]
    b = [round(float(s) * 100, 1) for s in frame["share_b"]]
    seg_x: list = []
    seg_y: list = []
    for y, xa, xb in zip(ys, a, b):
        seg_x += [xa, xb, None]
        seg_y += [y, y, None]
    fig = new_figure()
    fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", line=dict(color="#9e9e9e", width=2), hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=b, y=ys, mode="markers+text", name=name_b, marker=dict(symbol="diamond", size=13, color=NATIONAL_COLOR),
                             text=[fmt_pct(s) for s in frame["share_b"]], textposition="bottom center", hovertemplate=f"<b>{name_b}</b> %{{y}}: %{{x:.0f}}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=a, y=ys, mode="markers+text", name=name_a, marker=dict(symbol="circle", size=13, color=ACCENT),
                             text=[fmt_pct(s) for s in frame["share_a"]], textposition="top center", hovertemplate=f"<b>{name_a}</b> %{{y}}: %{{x:.0f}}%<extra></extra>"))
    _layout(fig, 80 * len(ys) + 120, legend=dict(orientation="h", y=1.12, x=0))
    fig.update_xaxes(range=[-3, 105], ticksuffix="%", title="Aandeel gemeenten gereed")
    fig.update_yaxes(categoryorder="array", categoryarray=ys[::-1], title=None, automargin=True)
    return fig


def projection_chart(
    series: pd.DataFrame,
    deadline,
    projected,
    target_share: float,
    today,
    title: str | None = None,
    confidence: str | None = None,
    share_now: float | None = None,
) -> go.Figure:
    """National share over time (counting from adoption dates) with the projection at the current pace.

    ``series``: date, share. The projection is a dashed straight line from today's share
    (``share_now``, default the last point of the series) to the target at the projected date;
    a projected date more than ``PROJECTION_HORIZON_YEARS`` after today is not drawn (the axis
    stops at the horizon and a note says "niet binnen 10 jaar"). The deadline is a labelled
    vertical line, dotted and marked "(onbevestigd)" when its date is not confirmed.
    """
    today_ts = pd.Timestamp(to_date(today))
    limit = pd.Timestamp(horizon(today))
    fig = new_figure()
    fig.add_trace(go.Scatter(x=series["date"], y=[round(float(v) * 100, 1) for v in series["share"]], mode="lines", name="Gemeten (volgens vaststellingsdatum)",
                             line=dict(color=ACCENT, width=3), hovertemplate="%{x|%d-%m-%Y}: %{y:.0f}%<extra></extra>"))
    now = series[series["date"] <= today_ts]
    start_share = share_now if share_now is not None else (float(now["share"].iloc[-1]) if len(now) else None)
    beyond = projected is not None and pd.Timestamp(to_date(projected)) > limit
    if projected is not None and start_share is not None and not beyond:
        fig.add_trace(go.Scatter(x=[today_ts, pd.Timestamp(to_date(projected))], y=[round(start_share * 100, 1), target_share * 100],
                                 mode="lines+markers", name="Bij huidig tempo", line=dict(color=ACCENT, width=2, dash="dash"), marker=dict(symbol="circle-open", size=9),
                                 hovertemplate="%{x|%d-%m-%Y}: %{y:.0f}%<extra>bij huidig tempo</extra>"))
    if beyond:
        fig.add_annotation(x=limit, y=target_share * 100, text=f"bij dit tempo niet binnen {PROJECTION_HORIZON_YEARS} jaar", showarrow=False,
                           xanchor="right", yanchor="top", font=dict(size=12, color=ACCENT), bgcolor="rgba(255,255,255,0.85)")
    if deadline is not None:
        unconfirmed = is_unconfirmed(confidence)
        fig.add_vline(x=pd.Timestamp(to_date(deadline)).timestamp() * 1000, line=dict(color=TARGET_COLOR, width=2, dash="dot" if unconfirmed else "dash"),
                      annotation=dict(text=f"uiterste datum {fmt_date(deadline)}{unconfirmed_suffix(confidence)}", font=dict(color=TARGET_COLOR, size=12), bgcolor="rgba(255,255,255,0.85)"),
                      annotation_position="top left")
    fig.add_hline(y=target_share * 100, line=dict(color=TARGET_COLOR, width=1, dash="dot"))
    _layout(fig, 300, legend=dict(orientation="h", y=-0.2, x=0), title=dict(text=title, x=0, font=dict(size=15)) if title else None)
    fig.update_yaxes(range=[0, 105], ticksuffix="%", title=None)
    # from a little before the first progress to the later of deadline and projection, never past the horizon
    lo = _first_progress(series.assign(group_code="x")) if len(series) else today_ts
    ends = [today_ts] + [pd.Timestamp(to_date(d)) for d in (deadline, projected) if d is not None]
    hi = min(max(ends), limit) + pd.DateOffset(months=3)
    fig.update_xaxes(tickformat="%Y", range=[min(lo, today_ts - pd.DateOffset(years=1)), hi])
    return fig


__all__ = [
    "ranking_bar",
    "comparison_dots",
    "projection_chart",
    "progress_lines",
    "milestone_strip",
    "strip_peildatum_update",
    "strip_texts",
    "stand_meta",
]
