"""The first layout of a page load carries that page's content.

Dash pages normally render a page in two steps: the browser fetches the shell
(``/_dash-layout``), its ``dcc.Location`` then reports the address, and a callback sends the
page. On a cold load that second round trip and the second render pass sit in front of the
first map. ``assets/etvi.js`` names the address of the page in the ``X-Etvi-Page`` header of
the layout request; ``page_container()`` then returns Dash's page container with the
Location's ``pathname``/``search`` and the page content already filled in. The Location sees
the address it was given, reports no change, and the routing callback is not called.

The content is computed exactly as Dash's routing callback does (``dash.Dash.enable_pages``:
path variables and query parameters as keyword arguments, the ``not_found_404`` page for
unknown paths; the page found by ``dashboard.routing``, public Dash API only); a test compares
both for several addresses. Anything unexpected (no header, a
header that is not a local path, an error in a layout, an app with ``routing_callback_inputs``)
gives Dash's empty container, and the page loads the usual way. A layout must return what Dash
can serialise (components), as for the routing callback; here a failure there would fail the
whole layout request instead of only the page area.
"""

from __future__ import annotations

import copy
import logging
from urllib.parse import urlsplit

import dash
import flask
from dash import html

from dashboard import faults, routing

HEADER = "X-Etvi-Page"
LOCATION_ID = "_pages_location"
CONTENT_ID = "_pages_content"
STORE_ID = "_pages_store"

log = logging.getLogger(__name__)


def target() -> tuple[str, str] | None:
    """(pathname, search) named by the layout request, or None."""
    if not flask.has_request_context() or not flask.request.path.endswith("/_dash-layout"):
        return None
    value = flask.request.headers.get(HEADER, "")
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.fragment:
        return None
    return parts.path, f"?{parts.query}" if parts.query else ""


def content_for(app: dash.Dash, pathname: str, search: str) -> tuple[object, str]:
    """(layout, title) of the page at ``pathname``+``search``, as Dash's routing callback gives them."""
    page, variables = routing.page_for(app, pathname)
    if page == {}:
        missing = routing.not_found_page()
        if missing is not None:
            layout, title = missing["layout"], missing["title"]
        else:
            layout, title = html.H1("404 - Page not found"), app.title
    else:
        layout, title = page.get("layout", ""), page["title"]
    if callable(layout):
        layout = layout(**{**variables, **routing.query_arguments(search)})
    if callable(title):
        title = title(**variables)
    return layout, title


def page_container():
    """``dash.page_container``, filled for the page named by the layout request when there is one."""
    named = target()
    if named is None:
        return dash.page_container
    pathname, search = named
    app = dash.get_app()
    if app.routing_callback_inputs:  # layouts would also get those values; not mirrored here
        return dash.page_container
    try:
        layout, title = content_for(app, pathname, search)
    except Exception as exc:  # noqa: BLE001 - the routing callback will render the page (and show its error)
        if faults.is_database_unavailable(exc):  # an outage, not a bug: one line, no traceback
            log.warning("eerste pagina-inhoud voor %s%s overgeslagen: de database is niet bereikbaar", pathname, search)
        else:
            log.exception("eerste pagina-inhoud voor %s%s mislukt", pathname, search)
        return dash.page_container
    container = copy.copy(dash.page_container)
    children = []
    for child in dash.page_container.children:
        child = copy.copy(child)
        if child.id == LOCATION_ID:
            child.pathname, child.search = pathname, search
        elif child.id == CONTENT_ID:
            child.children = layout
        elif child.id == STORE_ID:
            child.data = {"title": title}
        children.append(child)
    container.children = children
    return container


def no_store(response: flask.Response) -> flask.Response:
    """The layout differs per page now: never reuse one from a cache."""
    if flask.request.path.endswith("/_dash-layout"):
        response.headers["Cache-Control"] = "no-store"
        response.vary.add(HEADER)
    return response
