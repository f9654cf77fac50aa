"""The Dash application: ``create_app(url=None) -> dash.Dash`` with the Flask server at ``app.server``.

Other parts of the product (login, upload page, HTTP API) add their routes and blueprints to
``app.server``. Pages are registered explicitly (``use_pages=True, pages_folder=""``) and every
callback is bound to this app instance (``app.callback``), so several apps can live in one
process (tests) without sharing callbacks.
"""

from __future__ import annotations

from pathlib import Path

import dash
import flask
from dash import Input, Output, dcc, html

from dashboard import api, downloads, security
from dashboard.data import DataSource
from dashboard.runtime import Runtime, current
from dashboard.shapes import ShapeStore, register_route
from dashboard.static import configure_compression, register_static
from dashboard.texts import APP_SUBTITLE, APP_TITLE

ASSETS = Path(__file__).resolve().parent / "assets"

INDEX = """<!DOCTYPE html>
<html lang="nl">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""

NAV = [
    ("/", "Landelijk overzicht"),
    ("/regios", "Regio's vergelijken"),
    ("/mijlpalen", "Mijlpalen"),
    ("/data", "Data"),
]


ASYNC_CHUNKS = ["/_dash-component-suites/dash/dcc/async-graph.js", "/_dash-component-suites/dash/dcc/async-dropdown.js"]


def _preloads() -> str:
    """``<link rel=preload>`` for what the first map needs, so the browser fetches it while the
    scripts load instead of after the page has rendered: Dash's lazily loaded Graph and Dropdown
    chunks, and the geometry of the map on this address (gemeente, provincie or a region type)."""
    links = [f'<link rel="preload" href="{src}" as="script">' for src in ASYNC_CHUNKS]
    try:
        path = flask.request.path
        level = None
        if path == "/":
            level = flask.request.args.get("niveau") or "gemeente"
        elif path.startswith("/provincie/"):
            level = "gemeente"
        if level:
            shape, _ = current().shape_or_none(level)
            if shape is not None:
                links.append(f'<link rel="preload" href="{shape.url}" as="fetch" crossorigin="anonymous">')
    except Exception:  # noqa: BLE001 - a preload hint must never break the page
        pass
    return "\n        ".join(links)


class EtviDash(dash.Dash):
    def interpolate_index(self, **kwargs):
        kwargs["metas"] = kwargs.get("metas", "") + "\n        " + _preloads()
        return super().interpolate_index(**kwargs).replace(">Loading...<", ">Bezig met laden…<")


def _shell() -> html.Div:
    """The frame around every page; a function so the demo banner reflects the database on each load."""
    try:
        demo = current().data.version().demo
    except Exception:  # noqa: BLE001 - a broken database must still render the page and its message
        demo = False
    banner = (
        html.Div(
            [
                html.Strong("Demonstratiegegevens. "),
                "De cijfers op deze site zijn verzonnen en dienen alleen om de monitor te laten zien. "
                "Gebruik ze niet voor beleid of communicatie.",
            ],
            className="demo-banner",
            role="note",
            id="demo-banner",
        )
        if demo
        else None
    )
    return html.Div(
        [
            html.A("Naar de inhoud", href="#inhoud", className="skip-link"),
            html.Header(
                [
                    html.Div(
                        [
                            dcc.Link(APP_TITLE, href="/", className="brand"),
                            html.Span(APP_SUBTITLE, className="brand-sub"),
                        ],
                        className="brand-block",
                    ),
                    html.Nav(
                        html.Ul([html.Li(dcc.Link(label, href=href, id=f"nav-{i}", className="nav-link")) for i, (href, label) in enumerate(NAV)]),
                        **{"aria-label": "Hoofdmenu"},
                    ),
                ],
                className="site-header",
            ),
            banner,
            html.Main(dash.page_container, id="inhoud", tabIndex="-1"),
            html.Footer(
                [
                    html.P(
                        [
                            "Gegevens: meldingen van gemeenten, provincies en VNG. Grenzen: CBS/PDOK, vereenvoudigd door cartomap/nl. ",
                            dcc.Link("Over de gegevens en downloads", href="/data"),
                            ".",
                        ]
                    ),
                ],
                className="site-footer",
            ),
            dcc.Location(id="etvi-nav", refresh="callback-nav"),
        ],
        className="page",
    )


def warm_up(app: dash.Dash, background: bool = True) -> None:
    """Load reference data, the status history and the gemeente shapes before the first visitor.

    Runs in a thread by default so a worker starts serving at once; errors are ignored here
    (the page that needs the data shows them).
    """
    import threading

    def work() -> None:
        with app.server.app_context():
            try:
                rt = current()
                v = rt.data.version()
                rt.data.reference(v)
                rt.data.history(v)
                rt.shape_or_none("gemeente", v)
            except Exception:  # noqa: BLE001
                pass

    if background:
        threading.Thread(target=work, name="etvi-warm-up", daemon=True).start()
    else:
        work()


def create_app(url: str | None = None, *, shape_loader=None) -> dash.Dash:
    """The dashboard for the database at ``url`` (default: ETVI_DATABASE_URL).

    ``shape_loader(level, year, memberships) -> GeoJSON dict`` replaces ``geo.shapes`` (tests).
    """
    from dashboard import pages

    server = flask.Flask("dashboard")
    configure_compression(server)
    external_scripts = register_static(server)
    runtime = Runtime(data=DataSource(url), shapes=ShapeStore(shape_loader))
    server.extensions["etvi"] = runtime

    app = EtviDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        title=APP_TITLE,
        update_title=None,
        suppress_callback_exceptions=True,
        compress=False,  # configure_compression(server) above
        external_scripts=external_scripts,
        meta_tags=[{"name": "description", "content": APP_SUBTITLE}],
    )
    app.index_string = INDEX
    pages.register_all(app)
    app.layout = _shell

    register_route(server, runtime.shapes, lambda level: runtime.resolve_shape(level))
    downloads.register(server)
    security.install(app, url=url)  # login, sessions, CSRF; pages /aanleveren and /auditlog
    api.install(app)  # /api/v1

    app.clientside_callback(
        dash.ClientsideFunction(namespace="etvi", function_name="markNav"),
        [Output(f"nav-{i}", "className") for i in range(len(NAV))],
        Input("_pages_location", "pathname"),
    )
    return app
