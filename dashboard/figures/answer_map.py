"""The map of who answered a round (issue 12): every gemeente coloured by its answer.

A pure function of a data frame (``gemeentecode``, ``gemeente``, ``antwoord``), drawn like the
status map of ``/`` (``dashboard.figures.maps``: a Plotly choropleth on the same gemeente shapes,
no tiles). The answers are categories, not an order, so the colours are Okabe-Ito (told apart
with colour-vision deficiencies), each at least 3:1 against the white page (WCAG 1.4.11).
"Geen antwoord" is not a colour at all: white with the thick dark outline "geen gegevens" has on
the other maps, so the most important distinction (answered or not) does not rest on colour.
The legend names every class with its count, the hover names the answer, and the round page
has the same answers as a table. On the page the legend is HTML next to the map; the figure also
carries it as Plotly legend entries, hidden on screen and drawn only in the SVG/PNG download
(``meta.download_legend``, ``assets/chart_download.js``), so a downloaded map explains its colours.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import maps
from dashboard.figures.palette import (
    BORDER_COLOR,
    MAP_LINE_WIDTH,
    NO_DATA_COLOR,
    NO_DATA_LINE_COLOR,
    NO_DATA_LINE_WIDTH,
    discrete_colorscale,
    new_figure,
)

GEEN, GEWEIGERD, ONGEWIJZIGD, GEWIJZIGD = "geen", "geweigerd", "ongewijzigd", "gewijzigd"
ORDER = (GEEN, GEWEIGERD, ONGEWIJZIGD, GEWIJZIGD)  # class 0..3 on the map
COLORS = {GEEN: NO_DATA_COLOR, GEWEIGERD: "#D55E00", ONGEWIJZIGD: "#009E73", GEWIJZIGD: "#0072B2"}
LABELS = {
    GEEN: "geen antwoord",
    GEWEIGERD: "geweigerd (aanlevering afgekeurd)",
    ONGEWIJZIGD: "ongewijzigd (niets veranderd)",
    GEWIJZIGD: "gewijzigd",
}


def counts(frame: pd.DataFrame) -> list[tuple[str, str, str, int]]:
    """(antwoord, colour, label, number of gemeenten) per class, in the legend's order
    (answered first), every class even when nobody has it."""
    found = frame["antwoord"].value_counts() if len(frame) else pd.Series(dtype=int)
    return [(a, COLORS[a], LABELS[a], int(found.get(a, 0))) for a in reversed(ORDER)]


def answer_map(frame: pd.DataFrame, geojson: Any, height: int = maps.MAP_HEIGHT, title: str | None = None) -> go.Figure:
    """One gemeente per row: ``gemeentecode``, ``gemeente``, ``antwoord`` (geen, geweigerd,
    ongewijzigd, gewijzigd). ``geojson``: the gemeente shapes (a URL in the app, as on ``/``)."""
    index = {a: i for i, a in enumerate(ORDER)}
    z = [index.get(a, 0) for a in frame["antwoord"]]
    lines = [(NO_DATA_LINE_COLOR, NO_DATA_LINE_WIDTH) if v == 0 else (BORDER_COLOR, MAP_LINE_WIDTH) for v in z]
    trace = go.Choropleth(
        geojson=geojson,
        featureidkey="id",
        locations=list(frame["gemeentecode"]),
        text=list(frame["gemeente"]),
        z=z,
        customdata=[f"Antwoord: {LABELS.get(a, a)}" for a in frame["antwoord"]],
        hovertemplate=maps.HOVER,
        marker={"line": {"color": [c for c, _ in lines], "width": [w for _, w in lines]}},
        colorscale=discrete_colorscale([COLORS[a] for a in ORDER]),
        zmin=-0.5,
        zmax=len(ORDER) - 0.5,
        showscale=False,
    )
    fig = maps.base_layout(new_figure([trace, *legend_entries(frame)]), height, title)  # the layout of every map (no tiles, fitted)
    fig.update_layout(
        showlegend=False,  # the page's HTML legend is shown; the download shows this one
        legend={"title": {"text": "Antwoord"}},  # beside the map; the plot makes room for it (any width)
        meta={"download_legend": True},
    )
    return fig


def legend_entries(frame: pd.DataFrame) -> list[go.Scattergeo]:
    """One point-less trace per class (colour or outline, label and count), for the legend only."""
    return [
        go.Scattergeo(
            lon=[None], lat=[None], mode="markers", name=f"{label} ({n})", hoverinfo="skip", showlegend=True,
            marker={"symbol": "square", "size": 14, "color": color,
                    "line": {"color": NO_DATA_LINE_COLOR if a == GEEN else BORDER_COLOR, "width": 2 if a == GEEN else 1}},
        )  # fmt: skip
        for a, color, label, n in counts(frame)
    ]
