"""Dash pages. Each module has ``PAGE`` (arguments for ``dash.register_page``), ``layout(**query)``
and ``register_callbacks(app)``; ``register_all`` wires them into one app."""

from __future__ import annotations

import dash

from dashboard.pages import data_overview, gemeente, home, mijlpalen, not_found_404, provincie, regios

MODULES = [home, regios, provincie, gemeente, mijlpalen, data_overview, not_found_404]


def register_all(app: dash.Dash) -> None:
    for module in MODULES:
        dash.register_page(module.__name__, layout=module.layout, **module.PAGE)
        module.register_callbacks(app)
