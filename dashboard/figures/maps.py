"""Choropleth maps (Plotly ``geo`` subplot, no tiles, no WebGL: works offline and in any browser).

The geometry is referenced by ``geojson`` - a URL in the app (fetched once by the browser and
cached) or an inline FeatureCollection (tests, the benchmark's naive variant). Locations and
names are set once; what changes with peildatum or onderdeel is only ``z`` and ``customdata``
(plus the colour scale when the number of statuses changes), produced by the ``*_update``
functions so callbacks can send a ``dash.Patch`` instead of a figure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.aggregates import NO_DATA_LABEL
from dashboard.figures.palette import (
    BORDER_COLOR,
    FONT,
    MAP_LINE_WIDTH,
    NO_DATA_COLOR,
    NO_DATA_LINE_COLOR,
    NO_DATA_LINE_WIDTH,
    SHARE_COLORSCALE,
    discrete_colorscale,
    new_figure,
    status_colors,
)
from dashboard.texts import fmt_pct

MAP_HEIGHT = 560
HOVER = "<b>%{text}</b><br>%{customdata}<extra></extra>"


def base_layout(fig: go.Figure, height: int, title: str | None) -> go.Figure:
    fig.update_geos(
        visible=False,
        fitbounds="locations",
        projection_type="mercator",
        bgcolor="rgba(0,0,0,0)",
        showframe=False,
    )
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=32 if title else 0, b=0),
        title=dict(text=title, x=0, font=dict(size=16)) if title else None,
        font=FONT,
        paper_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
        uirevision="kaart",
        hoverlabel=dict(bgcolor="white", font=dict(color="#1a1a1a", size=14)),
    )
    return fig


def status_colorscale(n_levels: int) -> list[list]:
    """Colour per class: class 0 = geen gegevens, class i = the i-th status (light to dark)."""
    return discrete_colorscale([NO_DATA_COLOR] + status_colors(n_levels))


# outline per class: (colour, width) for geen gegevens (z = 0) and for every status
LINES = {"nodata": [NO_DATA_LINE_COLOR, NO_DATA_LINE_WIDTH], "base": [BORDER_COLOR, MAP_LINE_WIDTH]}


def status_lines(z: list[int]) -> dict[str, Any]:
    """Marker of a status map: a thick dark outline for geen gegevens (white on a white page)."""
    style = [LINES["nodata"] if v == 0 else LINES["base"] for v in z]
    return {"line": {"color": [c for c, _ in style], "width": [w for _, w in style]}}


def status_update(frame: pd.DataFrame, n_levels: int) -> dict[str, Any]:
    """The per-peildatum/onderdeel part of a status map: z (status index + 1, 0 = geen gegevens), hover text, scale, outlines."""
    z = [int(i) + 1 for i in frame["index"]]
    return {
        "z": z,
        "customdata": [str(label) for label in frame["label"]],
        "colorscale": status_colorscale(n_levels),
        "zmax": n_levels + 0.5,
        "marker": status_lines(z),
    }


def compact_status_update(frame: pd.DataFrame, n_levels: int) -> dict[str, Any]:
    """``status_update`` in its smallest form for the wire: z plus the list of labels once.

    The browser expands it (``assets/etvi.js`` applyMapUpdate; ``expand_update`` here does the
    same) to ``customdata[i] = labels[z[i]]`` and the outlines from ``lines`` by z; ``overrides`` holds the rare points whose label
    is not the class label (a status word the statuses file does not know).
    """
    full = status_update(frame, n_levels)
    labels = [NO_DATA_LABEL] + [str(x) for x in _class_labels(frame, n_levels)]
    overrides = {str(i): lab for i, (zv, lab) in enumerate(zip(full["z"], full["customdata"])) if labels[zv] != lab}
    out = {"z": full["z"], "labels": labels, "colorscale": full["colorscale"], "zmax": full["zmax"], "lines": LINES}
    if overrides:
        out["overrides"] = overrides
    return out


def _class_labels(frame: pd.DataFrame, n_levels: int) -> list[str]:
    """Label of each status class 0..n-1 as found in ``frame`` (classes absent from it get ``''``)."""
    found = {int(i): lab for i, lab in zip(frame["index"], frame["label"]) if int(i) >= 0}
    return [found.get(i, "") for i in range(n_levels)]


def expand_update(update: dict[str, Any]) -> dict[str, Any]:
    """What the browser makes of a compact update (mirror of applyMapUpdate in assets/etvi.js)."""
    if "labels" not in update:
        return dict(update)
    out = {k: v for k, v in update.items() if k not in ("labels", "overrides", "lines")}
    customdata = [update["labels"][z] for z in update["z"]]
    for i, label in (update.get("overrides") or {}).items():
        customdata[int(i)] = label
    out["customdata"] = customdata
    lines = update["lines"]
    style = [lines["nodata"] if z == 0 else lines["base"] for z in update["z"]]
    out["marker"] = {"line": {"color": [c for c, _ in style], "width": [w for _, w in style]}}
    return out


def _choropleth(geojson: Any, locations: pd.Series, names: pd.Series, update: dict[str, Any], border_width: float, **style) -> go.Choropleth:
    """What both maps share; ``update`` is the dict a Patch would carry, so a patched figure equals a rebuilt one."""
    marker = update.get("marker") or dict(line=dict(color=BORDER_COLOR, width=border_width))
    return go.Choropleth(
        geojson=geojson,
        featureidkey="id",
        locations=list(locations),
        text=list(names),
        z=update["z"],
        customdata=update["customdata"],
        hovertemplate=HOVER,
        marker=marker,
        **style,
    )


def status_map(frame: pd.DataFrame, n_levels: int, geojson: Any, height: int = MAP_HEIGHT, title: str | None = None) -> go.Figure:
    """One gemeente per row: ``code``, ``name``, ``index`` (-1 = geen gegevens), ``label``."""
    upd = status_update(frame, n_levels)
    trace = _choropleth(geojson, frame["code"], frame["name"], upd, border_width=MAP_LINE_WIDTH, zmin=-0.5, zmax=upd["zmax"], colorscale=upd["colorscale"], showscale=False)
    return base_layout(new_figure(trace), height, title)


def share_hover(frame: pd.DataFrame) -> list[str]:
    return [f"{fmt_pct(s)} gereed ({int(d)} van {int(n)} gemeenten)" for s, d, n in zip(frame["share"], frame["n_done"], frame["n"])]


def share_update(frame: pd.DataFrame) -> dict[str, Any]:
    """The per-peildatum/onderdeel part of a share map: z (percent) and hover text."""
    return {
        "z": [None if pd.isna(s) else round(float(s) * 100, 1) for s in frame["share"]],
        "customdata": share_hover(frame),
    }


def share_map(frame: pd.DataFrame, geojson: Any, height: int = MAP_HEIGHT, title: str | None = None) -> go.Figure:
    """One region per row: ``group_code``, ``group_name``, ``share``, ``n_done``, ``n``."""
    trace = _choropleth(
        geojson,
        frame["group_code"],
        frame["group_name"],
        share_update(frame),
        border_width=0.6,
        zmin=0,
        zmax=100,
        zauto=False,
        colorscale=SHARE_COLORSCALE,
        showscale=True,
        colorbar=dict(
            title=dict(text="% gereed", side="top"),
            ticksuffix="%",
            tickvals=[0, 25, 50, 75, 100],
            len=0.6,
            thickness=14,
            x=0.02,
            xanchor="left",
            y=0.95,
            yanchor="top",
            bgcolor="rgba(255,255,255,0.85)",
        ),
    )
    return base_layout(new_figure(trace), height, title)


def apply_update(figure: dict | go.Figure, update: dict[str, Any]) -> dict:
    """The figure dict after an update, as the browser has it after a Patch; ``figure`` is not changed
    (a cached base map takes each view's values this way)."""
    fig = figure.to_plotly_json() if isinstance(figure, go.Figure) else dict(figure)
    data = [dict(t) for t in fig["data"]]
    data[0].update(update)
    fig["data"] = data
    return fig


def message_figure(text: str, height: int = 240) -> go.Figure:
    """An empty figure with a message (e.g. no boundary files); the table still has the data."""
    fig = new_figure()
    fig.update_layout(
        height=height,
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        annotations=[dict(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=15))],
        margin=dict(l=0, r=0, t=0, b=0),
        font=FONT,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig
