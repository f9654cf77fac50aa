"""The Content-Security-Policy of every response: only what the pages need.

- scripts: our own origin (Dash's renderer and component bundles, the vendored Plotly and
  regenerator-runtime, ``assets/*.js``) plus the hashes of Dash's inline scripts (the renderer
  start and the clientside callbacks given as strings), from Dash's public ``csp_hashes()``.
  No ``'unsafe-eval'``: neither Dash's renderer nor the Plotly geo bundle needs it;
- styles: our own origin and ``'unsafe-inline'``: Plotly adds its stylesheet as a ``<style>``
  element at run time and Dash components set ``style`` attributes;
- images and fonts: our own origin and ``data:`` (Plotly's mode bar and map patterns);
- connections: our own origin (callbacks, map shapes, the API);
- nothing may embed a page (``frame-ancestors 'none'``, also ``X-Frame-Options: DENY`` in
  ``security``), no plugins, forms and ``<base>`` only to our own origin.
"""

from __future__ import annotations

from typing import Iterable

EXTENSION = "etvi_csp"  # ``server.extensions[EXTENSION]()``: the app's policy (set by ``dashboard.app``)

DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'", "data:"),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


def policy(script_hashes: Iterable[str] = ()) -> str:
    """The header value; ``script_hashes`` are CSP source expressions like ``'sha256-…'``."""
    directives = dict(DIRECTIVES)
    directives["script-src"] = directives["script-src"] + tuple(dict.fromkeys(script_hashes))
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
