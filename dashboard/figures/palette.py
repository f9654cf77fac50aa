"""Colours: an ordered, colour-blind-safe sequential palette (ColorBrewer YlGnBu) and plot defaults.

Status is never shown by colour alone: every map has hover text, a legend with labels and
counts, and a table; colours only reinforce the order (light = not started, dark = furthest).
"""

from __future__ import annotations

import plotly.graph_objects as go

# ColorBrewer YlGnBu, 9 classes (colour-blind safe, print friendly, monotonic lightness).
YLGNBU = ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"]
NO_DATA_COLOR = "#ffffff"  # drawn with a dark outline; labelled "Geen gegevens" in legend and hover
BORDER_COLOR = "#4d4d4d"
TEXT_COLOR = "#1a1a1a"
# White "geen gegevens" areas on a white page are told apart by a thick near-black outline on the
# map (the other areas have a thin grey one) and in the legend (issue 14, item 11).
MAP_LINE_WIDTH = 0.4
NO_DATA_LINE_COLOR = TEXT_COLOR
NO_DATA_LINE_WIDTH = 1.6
PAGE_BACKGROUND = "#ffffff"  # body background in assets/style.css
MUTED_TEXT = "#4a4a4a"
ACCENT = "#225ea8"  # bars and lines: contrast 6.7:1 on white
NATIONAL_COLOR = "#1a1a1a"
TARGET_COLOR = "#b2182b"  # target lines (dashed, always labelled)
TODAY_COLOR = "#1a1a1a"
PEILDATUM_COLOR = "#b35806"
# Okabe-Ito, for categories that are not ordered (e.g. region lines): distinguishable with CVD.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# Which YlGnBu shades to use for an ordered status list of n levels (skips the near-white ones).
_PICKS = {
    1: [6],
    2: [3, 7],
    3: [2, 5, 8],
    4: [2, 4, 6, 8],
    5: [2, 3, 5, 7, 8],
    6: [1, 2, 4, 5, 7, 8],
}


def status_colors(n: int) -> list[str]:
    """``n`` ordered colours, light to dark."""
    if n <= 0:
        return []
    if n in _PICKS:
        return [YLGNBU[i] for i in _PICKS[n]]
    step = (len(YLGNBU) - 2) / max(n - 1, 1)
    return [YLGNBU[min(len(YLGNBU) - 1, 1 + round(i * step))] for i in range(n)]


def _luminance(color: str) -> float:
    rgb = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def discrete_colorscale(colors: list[str]) -> list[list]:
    """A stepped Plotly colorscale: class i covers [i/k, (i+1)/k] with colour i (use zmin=-0.5, zmax=k-0.5)."""
    k = len(colors)
    scale: list[list] = []
    for i, c in enumerate(colors):
        scale.append([i / k, c])
        scale.append([(i + 1) / k, c])
    return scale


SHARE_COLORSCALE = [[i / (len(YLGNBU) - 1), c] for i, c in enumerate(YLGNBU)]

FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", size=14, color=TEXT_COLOR)

# Plotly's own texts and number/date formats in Dutch (passed as Graph config ``locales``).
PLOTLY_LOCALE_NL = {
    "dictionary": {
        "Autoscale": "Automatisch schalen",
        "Reset axes": "Assen herstellen",
        "Zoom in": "Inzoomen",
        "Zoom out": "Uitzoomen",
        "Download plot as a png": "Grafiek downloaden als png",
        "Reset": "Herstellen",
        "Pan": "Verschuiven",
        "Zoom": "Zoomen",
    },
    "format": {
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        "date": "%d-%m-%Y",
        "decimal": ",",
        "thousands": ".",
    },
}

GRAPH_CONFIG = {
    "displayModeBar": False,
    "scrollZoom": False,
    "displaylogo": False,
    "responsive": True,
    "locale": "nl",
    "locales": {"nl": PLOTLY_LOCALE_NL},
    "topojsonURL": "/kaartvormen/topojson/",  # see dashboard.shapes.EMPTY_TOPOLOGY: no CDN request
}

# A small template instead of Plotly's default one: the default adds about 6.5 KB to every
# figure sent to the browser and costs 7-20 ms to copy on the server for each figure.
BASE_TEMPLATE = {
    "layout": {
        "font": FONT,
        "colorway": OKABE_ITO,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "separators": ",.",
        "xaxis": {"gridcolor": "#e3e3e3", "linecolor": "#8a8a8a", "zeroline": False, "ticks": "outside", "tickcolor": "#8a8a8a", "automargin": True},
        "yaxis": {"gridcolor": "#e3e3e3", "linecolor": "#8a8a8a", "zeroline": False, "automargin": True},
        "hoverlabel": {"bgcolor": "white", "font": {"color": TEXT_COLOR, "size": 14}},
    }
}


def new_figure(data=None):
    """A Plotly figure with the dashboard's small template."""
    return go.Figure(data=data, layout={"template": BASE_TEMPLATE})
