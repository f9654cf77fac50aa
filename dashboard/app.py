"""The Dash application: ``create_app(url=None) -> dash.Dash`` with the Flask server at ``app.server``.

Every page is registered by ``dashboard.pages`` (``use_pages=True, pages_folder=""``), around
each the frame of ``dashboard.frame``; the security hooks and the HTTP API add theirs to
``app.server``. Every callback is bound to this app instance (``app.callback``), so several
apps can live in one process (tests) without sharing callbacks.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import dash
import flask

from dashboard import (
    api,
    csp,
    downloads,
    embed,
    faults,
    frame,
    health,
    kennis,
    map_images,
    pages,
    prerender,
    requestlog,
    response_cache,
    routing,
    security,
)
from dashboard.data import DataSource
from dashboard.figures import maps
from dashboard.pages import provincie as provincie_page
from dashboard.runtime import Runtime, current
from dashboard.shapes import ShapeStore, register_route
from dashboard.static import configure_compression, register_static, replace_polyfill
from dashboard.texts import APP_SUBTITLE, APP_TITLE
from etvi import publicatie as publicaties
from etvi.publicatie import PublicatieError

ASSETS = Path(__file__).resolve().parent / "assets"

# The <noscript> says in Dutch what works without JavaScript (the downloads, the API, logging in);
# Dash's English "Loading..." becomes Dutch (EtviDash) and is hidden without scripting (style.css).
INDEX = """<!DOCTYPE html>
<html lang="nl">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <noscript>
            <section class="noscript" aria-label="Zonder JavaScript">
                <h1>ETVI-monitor zonder JavaScript</h1>
                <p>De kaarten, tabellen en keuzes van deze monitor werken alleen met JavaScript. Zet JavaScript aan
                in uw browser om ze te gebruiken. Zonder JavaScript werkt nog wel:</p>
                <ul>
                    <li>de gegevens downloaden: <a href="/download/gemeenten.csv">alle gemeenten (CSV)</a>,
                        <a href="/download/gemeenten.xlsx">alle gemeenten (Excel)</a>,
                        <a href="/download/mijlpalen.csv">de mijlpalen (CSV)</a>;</li>
                    <li>de API: <a href="/api/v1/status?format=csv">de stand per gemeente (CSV)</a> of
                        <a href="/api/v1/status">als JSON</a>, onder <code>/api/v1/</code>;</li>
                    <li><a href="/login">inloggen</a> en uitloggen.</li>
                </ul>
            </section>
        </noscript>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""

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


def _index_title(app: dash.Dash) -> str | None:
    """The ``<title>`` of the page at this address, as the browser sets it once the page runs:
    also without JavaScript and before, an unknown address is titled "Pagina niet gevonden"."""
    try:
        if not flask.has_request_context():
            return None
        page, variables = routing.page_for(app, flask.request.path)
        if not page:
            page, variables = routing.not_found_page() or {}, {}
        title = page.get("title")
        return title(**variables) if callable(title) else title
    except Exception:  # noqa: BLE001 - a title must never break the page
        return None


FIRST_MAP_ID = "etvi-eerste-kaart"
PROVINCIE_PATH = re.compile(r"^/provincie/(PV\d{2})$", re.IGNORECASE)


def _first_map() -> str:
    """The map of this address (``/``, ``/provincie/PVxx``) as SVG for the first HTML: visible
    before plotly.js has loaded, and without JavaScript, with a link per area. In the browser
    ``assets/first_map.js`` lays it over the map's place once the page is drawn and removes it
    when Plotly has drawn its map. Empty for other addresses and whenever anything fails."""
    try:
        path = flask.request.path
        match = PROVINCIE_PATH.match(path)
        if path != "/" and not match:
            return ""
        rt = current()
        ref = rt.data.reference(rt.data.version())
        provincie = match.group(1).upper() if match else None
        if provincie and ref.provincie_name(provincie) is None:
            return ""
        view = map_images.page_view(flask.request.args, ref, provincie)
        svg = map_images.map_svg(view, link=map_images.area_link(view), link_key="eerste-kaart")
    except Exception:  # noqa: BLE001 - the first paint must never break the page; Plotly draws the map anyway
        return ""
    height = provincie_page.MAP_HEIGHT if provincie else maps.MAP_HEIGHT  # of the Plotly map it stands in for
    return f'<section id="{FIRST_MAP_ID}" class="first-map" aria-label="Kaart" data-height="{height}">{svg}</section>'


class EtviDash(dash.Dash):
    def interpolate_index(self, **kwargs):
        kwargs["title"] = _index_title(self) or kwargs.get("title", "")
        kwargs["metas"] = kwargs.get("metas", "") + "\n        " + _preloads()
        kwargs["scripts"] = replace_polyfill(kwargs.get("scripts", ""))
        # Dash's placeholder until the renderer runs (``<div class="_dash-loading">Loading...</div>``, with white space)
        kwargs["app_entry"] = _first_map() + kwargs.get("app_entry", "").replace("Loading...", "Bezig met laden…")
        return super().interpolate_index(**kwargs)


def _shell():
    """The frame around every page; a function so the demo banner reflects the database on each
    load and the menu the logged-in user (rendered per request, checked on the server)."""
    path = flask.request.path if flask.has_request_context() else "/"
    if path.startswith("/_dash"):
        path = "/"
    menu = frame.entries(security.current_account_menu(path))
    return frame.dash_shell(menu, frame.demo_loaded(), prerender.page_container())


def warm_up(app: dash.Dash, background: bool = True) -> None:
    """Load reference data, the status history and the gemeente shapes before the first visitor.

    Runs in a thread by default so a worker starts serving at once; errors are ignored here
    (the page that needs the data shows them).
    """

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
    server = api.make_server("dashboard", template_folder=str(frame.TEMPLATES))  # a Flask with the OpenAPI description
    configure_compression(server)
    external_scripts = register_static(server)
    runtime = Runtime(data=DataSource(url, kennis_source=kennis.from_request), shapes=ShapeStore(shape_loader))
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
    cacheable = pages.register_all(app)
    app.layout = _shell

    register_route(server, runtime.shapes, lambda level: runtime.resolve_shape(level))
    downloads.register(server)
    map_images.register(server)  # /kaart.svg, /kaart.png
    embed.register(server)  # /embed/kaart, the one page other sites may frame
    security.install(app, url=url)  # sessions, CSRF, the access check of every page
    api.install(app)  # /api/v1

    frame.register_callbacks(app)
    server.after_request(_not_found_status(app))
    server.after_request(prerender.no_store)
    faults.install(server)
    response_cache.install(app, cacheable.modules, cacheable.outputs, url)  # after security, before the log line
    requestlog.install(server)  # after the other hooks: its start runs first, its log line last
    health.install(server, url)  # /health/live and /health/ready, in front of all of the above
    # Dash adds inline scripts up to its setup on the first request: hash them per response
    server.extensions[csp.EXTENSION] = lambda: csp.policy(app.csp_hashes())
    return app


SETUP_PATH = "/_favicon.ico"  # open without a login (security.OPEN_PATHS), needs no database


def complete_setup(app: dash.Dash) -> None:
    """Run Dash's once-per-process setup now, before the server accepts a request (the WSGI
    entry point and the development server call it; afterwards Flask accepts no new routes).

    Dash does it in a ``before_request`` hook on the first request and sets its "done" flag
    before the work, so under threaded workers a second request arriving meanwhile sees an
    empty library registry and its ``/_dash-component-suites/...`` asset fails with 500 (plotly/
    dash#3971). One request through Flask's test client here runs every such hook (the server
    setup and the pages router) to completion first; a failure stops the worker at start.
    """
    response = app.server.test_client().get(SETUP_PATH)
    if response.status_code >= 500 or not app.registered_paths.get("dash"):
        raise RuntimeError(f"Het dashboard kon niet worden ingericht (HTTP {response.status_code} op {SETUP_PATH}).")


# --------------------------------------------------------------------------------------------
# HTTP 404 for unknown addresses
# --------------------------------------------------------------------------------------------


def known_page(app: dash.Dash, path: str) -> bool:
    """Whether ``path`` is a page of this app with an existing gemeente or provincie code (or publicatie).

    Dash serves its index for every path and shows the 404 page (or the page's own "niet
    gevonden") in the browser; this check lets the server answer with the right status too.
    """
    page, variables = routing.page_for(app, path)
    if not page or page.get("path") == "/404":
        return False
    code = (variables.get("code") or "").upper()
    template = page.get("path_template") or ""
    if template.startswith("/publicatie/"):
        try:
            publicaties.get(variables.get("nummer"), current().data.url)
        except PublicatieError:
            return False
        except Exception:  # noqa: BLE001 - a broken database: the page shows its own message
            return True
        return True
    if template.startswith("/gemeente/") or template.startswith("/provincie/"):
        try:
            rt = current()
            ref = rt.data.reference(rt.data.version())
            name = ref.gemeente_name(code) if template.startswith("/gemeente/") else ref.provincie_name(code)
        except Exception:  # noqa: BLE001 - a broken database: the page shows its own message
            return True
        return name is not None
    return True


def _not_found_status(app: dash.Dash):
    """An ``after_request`` hook: HTTP 404 for Dash's index on an address that is no page."""

    def hook(response: flask.Response) -> flask.Response:
        req = flask.request
        if (
            response.status_code == 200
            and req.method in ("GET", "HEAD")
            and req.endpoint in routing.INDEX_ENDPOINTS
            and not known_page(app, req.path)
        ):
            response.status_code = 404
        return response

    return hook
