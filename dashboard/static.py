"""Compression and the small Plotly bundle.

* Every response Flask-Compress can compress is compressed (br or gzip). Dash's fingerprinted
  component bundles (``/_dash-component-suites/...``) are compressed once per process and kept
  in memory: they are immutable for a given Dash version.
* Plotly: the dashboard draws only choropleth maps and scatter-based charts, so it serves the
  official *geo* partial bundle of plotly.js (choropleth, scatter, scattergeo; 1.4 MB instead of
  4.8 MB, which roughly quarters the time the browser needs to parse it before the first map).
  The file is vendored in ``dashboard/vendor`` (MIT, from the npm package
  ``plotly.js-geo-dist-min``; see vendor/README.md) and used only when its version equals the
  plotly.js version of the installed Plotly package; otherwise Dash's full bundle is used.
  It is served precompressed with a one-year immutable cache.
* Dash puts ``@babel/polyfill`` (core-js 2) before its renderer. Browsers that run React 18 have
  what it adds natively, yet it replaces some built-ins (``String.prototype.trim``, used in
  Plotly's hot paths) with slower versions and costs main-thread time on every cold load. Of
  it the renderer needs only the global ``regeneratorRuntime``, so its script tag is replaced
  by the vendored ``regenerator-runtime`` (MIT, npm package of that name).
"""

from __future__ import annotations

import gzip
import re
import threading
from pathlib import Path

import brotli
from flask import Flask, Response, abort, request
from flask_compress import Compress
from plotly.offline import get_plotlyjs_version

VENDOR = Path(__file__).resolve().parent / "vendor"
STATIC_PREFIX = "/etvi-static/"
MAX_AGE = 365 * 24 * 3600
_NO_CACHE = "-"


class _SuiteCache:
    """Flask-Compress cache backend that only keeps immutable Dash bundles."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if key.split(";", 1)[-1].startswith(_NO_CACHE):
            return None
        with self.lock:
            return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.split(";", 1)[-1].startswith(_NO_CACHE):
            return
        with self.lock:
            self.data[key] = value


def _cache_key(req) -> str:
    if req.method == "GET" and req.path.startswith("/_dash-component-suites/"):
        return req.full_path
    return _NO_CACHE


def configure_compression(server: Flask) -> None:
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "deflate"],
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=5,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_BACKEND=_SuiteCache,
        COMPRESS_CACHE_KEY=_cache_key,
    )
    Compress(server)


def _bundle_version(path: Path) -> str | None:
    head = path.read_bytes()[:300].decode("utf-8", "replace")
    match = re.search(r"plotly\.js \(geo - minified\) v(\d+\.\d+\.\d+)", head)
    return match.group(1) if match else None


def plotly_bundle() -> Path | None:
    """The vendored geo bundle when it matches the installed plotly.js version, else None."""
    wanted = get_plotlyjs_version()
    for path in sorted(VENDOR.glob("plotly-geo-*.min.js")):
        if _bundle_version(path) == wanted:
            return path
    return None


REGENERATOR = VENDOR / "regenerator-runtime-0.14.1.js"
_POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')


def replace_polyfill(scripts_html: str) -> str:
    """Dash's script tags with its core-js polyfill swapped for regenerator-runtime (see above);
    unchanged when a Dash version no longer includes the polyfill."""
    tag = f'<script src="{STATIC_PREFIX}{REGENERATOR.name}"></script>'
    return _POLYFILL_TAG.sub(lambda _: tag, scripts_html, count=1)


class _Precompressed:
    def __init__(self, raw: bytes):
        self.raw = raw
        self.gzip = gzip.compress(self.raw, compresslevel=9, mtime=0)
        self._br: bytes | None = None
        self.lock = threading.Lock()

    def br(self) -> bytes:
        with self.lock:
            if self._br is None:
                self._br = brotli.compress(self.raw, quality=9)
        return self._br


def register_static(server: Flask) -> list[dict]:
    """Serve the vendored files; returns the ``external_scripts`` entries for Dash (the Plotly
    bundle when it matches, see ``plotly_bundle``)."""
    bundle = plotly_bundle()
    # in a function scope, so its top-level ``var runtime`` does not become a global
    wrapped = b"(function () {\n" + REGENERATOR.read_bytes() + b"\n})();\n"
    files = {REGENERATOR.name: _Precompressed(wrapped)}
    if bundle is not None:
        files[bundle.name] = _Precompressed(bundle.read_bytes())

    @server.route(STATIC_PREFIX + "<name>")
    def etvi_static(name: str):  # noqa: ANN202 - Flask view
        item = files.get(name)
        if item is None:
            abort(404)
        accept = request.headers.get("Accept-Encoding", "").lower()
        headers = {"Cache-Control": f"public, max-age={MAX_AGE}, immutable", "Vary": "Accept-Encoding"}
        body = item.raw
        br = item.br() if "br" in accept else None
        if br is not None:
            body, headers["Content-Encoding"] = br, "br"
        elif "gzip" in accept:
            body, headers["Content-Encoding"] = item.gzip, "gzip"
        return Response(body, mimetype="application/javascript", headers=headers)

    return [{"src": STATIC_PREFIX + bundle.name}] if bundle is not None else []
