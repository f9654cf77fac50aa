"""The Content-Security-Policy of every response: only what the pages need.

- scripts: our own origin (Dash's renderer and component bundles, the vendored Plotly and
  regenerator-runtime, ``assets/*.js``) plus the hashes of Dash's inline scripts (the renderer
  start and the clientside callbacks given as strings), from Dash's public ``csp_hashes()``.
  No ``'unsafe-eval'``: neither Dash's renderer nor the Plotly geo bundle needs it;
- styles: our own origin and ``'unsafe-inline'``: Plotly adds its stylesheet as a ``<style>``
  element at run time and Dash components set ``style`` attributes;
- images: our own origin, ``data:`` (Plotly's map patterns) and ``blob:`` (the PNG of a chart
  download: Plotly draws it from an SVG blob, ``assets/chart_download.js``); fonts: our own
  origin and ``data:``;
- connections: our own origin (callbacks, map shapes, the API);
- nothing may embed a page (``frame-ancestors 'none'``, also ``X-Frame-Options: DENY`` in
  ``security``), no plugins, forms and ``<base>`` only to our own origin. The one exception is
  the embeddable map (``dashboard.embed``): its response carries ``embed_policy()``, with
  ``frame-ancestors *``, and therefore no ``X-Frame-Options`` (``allows_framing``).
"""

from __future__ import annotations

from typing import Iterable

EXTENSION = "etvi_csp"  # ``server.extensions[EXTENSION]()``: the app's policy (set by ``dashboard.app``)

DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:", "blob:"),
    "font-src": ("'self'", "data:"),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


EMBED_FRAME_ANCESTORS = ("*",)


def policy(script_hashes: Iterable[str] = (), frame_ancestors: tuple[str, ...] | None = None) -> str:
    """The header value; ``script_hashes`` are CSP source expressions like ``'sha256-…'``."""
    directives = dict(DIRECTIVES)
    directives["script-src"] = directives["script-src"] + tuple(dict.fromkeys(script_hashes))
    if frame_ancestors is not None:
        directives["frame-ancestors"] = frame_ancestors
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def embed_policy() -> str:
    """The policy of a page other sites may frame (no scripts needed: none allowed but our own)."""
    return policy(frame_ancestors=EMBED_FRAME_ANCESTORS)


def allows_framing(header: str | None) -> bool:
    """Whether a response's policy lets other sites frame it (then it must not say ``X-Frame-Options: DENY``)."""
    for directive in (header or "").split(";"):
        name, _, value = directive.strip().partition(" ")
        if name == "frame-ancestors":
            return value.split() != ["'none'"]
    return False
