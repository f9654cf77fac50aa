"""The map of a page (``/``, ``/provincie/...``): its components and its server callback, which
agree on the ids ``<prefix>-map``, ``-legend``, ``-map-heading``, ``-map-summary``, ``-map-key``
(what the browser holds, so an update can be values only) and ``-map-update`` (those values,
patched in by ``common.map_update_callback``, which each page registers)."""

from __future__ import annotations

from typing import Callable

import dash
from dash import Output, State, dcc, html

from dashboard import components as ui
from dashboard.pages.common import MapContent
from dashboard.runtime import current


def components(prefix: str, mc: MapContent, label: str) -> list:
    """Heading, summary, and the map beside its legend."""
    return [
        html.H3(mc.heading, id=f"{prefix}-map-heading"),
        html.P(mc.summary, id=f"{prefix}-map-summary", **{"aria-live": "polite"}),
        html.Div(
            [
                ui.graph(f"{prefix}-map", mc.figure, label, className="map"),
                html.Div(mc.legend, id=f"{prefix}-legend", className="legend-box"),
            ],
            className="map-row",
        ),
    ]


def stores(prefix: str, mc: MapContent) -> list:
    return [dcc.Store(id=f"{prefix}-map-key", data=mc.key), dcc.Store(id=f"{prefix}-map-update")]


def update_callback(app: dash.Dash, prefix: str, controls: list, content: Callable[..., MapContent]) -> None:
    """Redraw the map when ``controls`` (Inputs and States) change.

    ``content(rt, v, *control values, previous_key=...)`` gives the map; passing on the key the
    browser holds is what lets ``common.map_content`` answer with values only.
    """

    @app.callback(
        Output(f"{prefix}-map", "figure"),
        Output(f"{prefix}-map-update", "data"),
        Output(f"{prefix}-legend", "children"),
        Output(f"{prefix}-map-heading", "children"),
        Output(f"{prefix}-map-summary", "children"),
        Output(f"{prefix}-map-key", "data"),
        *controls,
        State(f"{prefix}-map-key", "data"),
        prevent_initial_call=True,
    )
    def update_map(*values):
        *control_values, key = values
        rt = current()
        v = rt.data.version()
        mc = content(rt, v, *control_values, previous_key=key)
        return (*mc.outputs(), mc.legend, mc.heading, mc.summary, mc.key)
