"""Bar, line and timeline charts. Every chart has a table next to it with the same numbers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.aggregates import NATIONAL_CODE, to_date
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
from dashboard.texts import CONFIDENCE_LABELS, fmt_date, fmt_milestone_date, fmt_pct

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
    for m in (milestones.itertuples() if milestones is not None else []):
        if m.deadline is None:
            continue
        fig.add_vline(
            x=pd.Timestamp(m.deadline).timestamp() * 1000,
            line=dict(color=TARGET_COLOR, width=1.5, dash="dash"),
            annotation=dict(text=_short(m.title), textangle=-90, font=dict(size=12, color=TARGET_COLOR)),
            annotation_position="top left",
        )
    if peildatum is not None:
        fig.add_vline(
            x=pd.Timestamp(to_date(peildatum)).timestamp() * 1000,
            line=dict(color=PEILDATUM_COLOR, width=1.5, dash="dot"),
            annotation=dict(text="peildatum", font=dict(size=12, color=PEILDATUM_COLOR)),
            annotation_position="bottom right",
        )
    _layout(fig, 460, legend=dict(orientation="v", x=1.01, y=1, font=dict(size=12)))
    fig.update_yaxes(range=[0, 105], ticksuffix="%", title="Aandeel gemeenten gereed")
    fig.update_xaxes(title=None, tickformat="%b %Y")
    return fig


def _short(text: str, n: int = 38) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def milestone_strip(milestones: pd.DataFrame, today, peildatum, start: date | None = None, end: date | None = None) -> go.Figure:
    """The programme and Wvrv timeline: one row per kind, symbol per confidence, today and peildatum marked.

    ``milestones``: id, title, date, date_precision, deadline, kind, confidence. Milestones
    without a date are not drawn (they are listed in the table below the strip). A year- or
    month-precise date is drawn at the end of its period; the hover text gives the precision.
    """
    m = milestones[milestones["date"].notna()].copy()
    fig = new_figure()
    for conf, sub in m.groupby("confidence", sort=False):
        fig.add_trace(
            go.Scatter(
                # a year or month stands for its whole period: drawn at its last day (the deadline)
                x=[pd.Timestamp(to_date(dl if dl is not None and not pd.isna(dl) else d)) for d, dl in zip(sub["date"], sub["deadline"] if "deadline" in sub else sub["date"])],
                y=[KIND_ROWS.get(k, k) for k in sub["kind"]],
                mode="markers",
                name=CONFIDENCE_LABELS.get(conf, conf),
                marker=dict(symbol=CONFIDENCE_SYMBOLS.get(conf, "circle"), size=13, color=ACCENT, line=dict(color=ACCENT, width=2)),
                customdata=[[t, fmt_milestone_date(d, p), CONFIDENCE_LABELS.get(conf, conf)] for t, d, p in zip(sub["title"], sub["date"], sub["date_precision"])],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<extra></extra>",
            )
        )
    dates = [to_date(d) for d in m["date"]] + [to_date(d) for d in m.get("deadline", m["date"]) if d is not None and not pd.isna(d)] + [to_date(today), to_date(peildatum)]
    lo = start or min(dates).replace(month=1, day=1)
    hi = end or max(dates).replace(month=12, day=31)
    _add_marker_line(fig, "today", today, f"vandaag ({fmt_date(today)})", TODAY_COLOR, "solid", "top")
    _add_marker_line(fig, "peildatum", peildatum, f"peildatum ({fmt_date(peildatum)})", PEILDATUM_COLOR, "dash", "bottom")
    _layout(fig, 230, legend=dict(orientation="h", y=-0.35, x=0, title=dict(text="Zekerheid: ")))
    fig.update_xaxes(range=[pd.Timestamp(lo), pd.Timestamp(hi)], tickformat="%Y", dtick="M12", showgrid=True)
    fig.update_yaxes(categoryorder="array", categoryarray=list(KIND_ROWS.values())[::-1], title=None)
    fig.update_layout(margin=dict(l=10, r=20, t=30, b=10), hovermode="closest")
    return fig


def _add_marker_line(fig: go.Figure, name: str, when, label: str, color: str, dash: str, where: str) -> None:
    x = pd.Timestamp(to_date(when))
    fig.add_shape(type="line", name=name, x0=x, x1=x, y0=0, y1=1, yref="paper", line=dict(color=color, width=2, dash=dash))
    fig.add_annotation(name=name, x=x, y=1.0 if where == "top" else 0.0, yref="paper", text=label, showarrow=False,
                       yanchor="bottom" if where == "top" else "top", xanchor="left", font=dict(size=12, color=color), bgcolor="rgba(255,255,255,0.85)")


# milestone_strip draws the today line first and the peildatum line second (shapes and annotations).
STRIP_PEILDATUM_INDEX = 1


def strip_peildatum_update(when, label: str) -> dict:
    """What changes in the milestone strip when the peildatum moves: {(part, index): changes}."""
    x = pd.Timestamp(to_date(when)).isoformat()
    return {("shapes", STRIP_PEILDATUM_INDEX): {"x0": x, "x1": x}, ("annotations", STRIP_PEILDATUM_INDEX): {"x": x, "text": label}}


def strip_peildatum_patch(when, label: str):
    """The same as a ``dash.Patch`` for the strip figure."""
    import dash

    patch = dash.Patch()
    for (part, index), changes in strip_peildatum_update(when, label).items():
        for key, value in changes.items():
            patch["layout"][part][index][key] = value
    return patch


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


def projection_chart(series: pd.DataFrame, deadline, projected, target_share: float, today, title: str | None = None) -> go.Figure:
    """National share over time (counting from adoption dates) with the projection at the current pace.

    ``series``: date, share. The projection is a dashed straight line from today's share to the
    target at the projected date; the deadline is a labelled vertical line.
    """
    fig = new_figure()
    fig.add_trace(go.Scatter(x=series["date"], y=[round(float(v) * 100, 1) for v in series["share"]], mode="lines", name="Gemeten",
                             line=dict(color=ACCENT, width=3), hovertemplate="%{x|%d-%m-%Y}: %{y:.0f}%<extra></extra>"))
    now = series[series["date"] <= pd.Timestamp(to_date(today))]
    if projected is not None and len(now):
        fig.add_trace(go.Scatter(x=[now["date"].iloc[-1], pd.Timestamp(to_date(projected))], y=[round(float(now["share"].iloc[-1]) * 100, 1), target_share * 100],
                                 mode="lines+markers", name="Bij huidig tempo", line=dict(color=ACCENT, width=2, dash="dash"), marker=dict(symbol="circle-open", size=9),
                                 hovertemplate="%{x|%d-%m-%Y}: %{y:.0f}%<extra>bij huidig tempo</extra>"))
    if deadline is not None:
        fig.add_vline(x=pd.Timestamp(to_date(deadline)).timestamp() * 1000, line=dict(color=TARGET_COLOR, width=2, dash="dash"),
                      annotation=dict(text=f"uiterste datum {fmt_date(deadline)}", font=dict(color=TARGET_COLOR, size=12)), annotation_position="top left")
    fig.add_hline(y=target_share * 100, line=dict(color=TARGET_COLOR, width=1, dash="dot"))
    _layout(fig, 300, legend=dict(orientation="h", y=-0.2, x=0), title=dict(text=title, x=0, font=dict(size=15)) if title else None)
    fig.update_yaxes(range=[0, 105], ticksuffix="%", title=None)
    fig.update_xaxes(tickformat="%Y")
    return fig


__all__ = [
    "ranking_bar",
    "comparison_dots",
    "projection_chart",
    "progress_lines",
    "milestone_strip",
    "strip_peildatum_update",
    "strip_peildatum_patch",
]
