"""``GET /embed/kaart``: the map for other sites to put in an ``<iframe>``.

A minimal page without scripts: the map of ``dashboard.figures.svg_map`` inline (title,
legend with counts and source line drawn in), the source line and a link to the full view.
It takes the parameters of ``/kaart.svg`` (``peildatum``, ``onderdeel``, ``niveau``,
``provincie=PVxx``; wrong ones get a Dutch 400 page). It is the only page any site may frame:
its Content-Security-Policy says ``frame-ancestors *`` (``csp.embed_policy``), and so
``security`` sends no ``X-Frame-Options``; every other response keeps refusing frames.
"""

from __future__ import annotations

from flask import Flask, render_template, request

from dashboard import csp
from dashboard.figures import svg_map
from dashboard.map_images import MapRequestError, cached_response, heading, map_svg, parse_view
from dashboard.runtime import current
from dashboard.security import error_response
from dashboard.texts import APP_TITLE

EMBED_PATH = "/embed/kaart"
STYLESHEET = "/assets/embed.css"


def iframe_snippet(base_url: str, query: str) -> str:
    """The HTML another site pastes to show this map (``base_url`` without trailing slash)."""
    return (
        f'<iframe src="{base_url}{EMBED_PATH}?{query}" title="Kaart uit de {APP_TITLE}" '
        'width="920" height="820" style="border:0;max-width:100%" loading="lazy"></iframe>'
    ).replace("&", "&amp;")


def embed_view():
    try:
        rt = current()
        ref = rt.data.reference(rt.data.version())
        view = parse_view(request.args, ref)
        svg = map_svg(view)
    except MapRequestError as exc:
        return error_response(exc.status, str(exc))
    base = request.url_root.rstrip("/")
    body = render_template(
        "embed.html",
        svg=svg,
        title=heading(view, ref),
        source=svg_map.source_line(view.peildatum),
        full_view=base + view.full_view,
        stylesheet=STYLESHEET,
        app_title=APP_TITLE,
    )
    return cached_response(body.encode("utf-8"), "text/html", headers={"Content-Security-Policy": csp.embed_policy()})


def register(server: Flask) -> None:
    server.add_url_rule(EMBED_PATH, "etvi_embed_kaart", embed_view, methods=["GET"])
