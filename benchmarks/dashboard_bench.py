"""Dashboard benchmark: our map updates (geometry once by URL, Patch with values) against the
naive way (a full figure with the GeoJSON embedded, on every callback), in one run.

    ETVI_GEO_DIR=/pad/naar/cartomap-nl/wgs84 python benchmarks/dashboard_bench.py [--runs 40] [--no-browser]

It builds a temporary SQLite database (342 gemeenten, a quarterly status history 2022-2026
for all four onderdelen, two region types), starts the app in-process on 127.0.0.1 with a free
port (HTTP/1.1 with keep-alive, as ``etvi serve`` answers), and drives it over HTTP exactly like
the browser (POST /_dash-update-component with the payloads of the app's own callbacks,
Accept-Encoding: gzip). The naive variant is a callback
and a page registered on the same app by this script, so both go through the same server and
compression. Printed:

* bytes of the first map (compressed): geometry + figure, ours vs the naive figure;
* bytes per peildatum change: the map's part and all outputs of all callbacks a peildatum
  change triggers, raw and compressed;
* server time per callback (p50/p95 over ``--runs`` peildatum changes, each to a date not seen
  before, so aggregates are computed and not served from cache);
* the map part of the first HTML of ``/`` (the server-side SVG map of the first paint,
  ``#etvi-eerste-kaart``), compressed, and the whole first HTML;
* first map visible in headless Chromium (new browser context = empty cache): on ``/`` the SVG
  of the first HTML and Plotly's own map, and the naive map-only Dash page, each as a ratio
  against the naive page in the same run (the cold starts of both pages alternate, so load
  hits both alike); judged on the median of the cold starts, the worst is printed too. Browser
  timings on a shared 2-core machine depend strongly on its load, which is printed.

Targets (issue 4): geometry <= 40 KB compressed and sent once; map part of a peildatum change
<= 2 KB; all outputs <= 15 KB; callback p95 < 50 ms; Plotly's map < 2 s. Issue 13 (first paint):
first map visible at most half the naive page's time (median, same run); the map part of the
first HTML <= 40 KB compressed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import preconditions  # noqa: E402
import requests  # noqa: E402
from preconditions import CHROMIUM, Missing, fail  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGETS = {
    "geometry": 40 * 1024,
    "map_change": 2 * 1024,
    "all_change": 15 * 1024,
    "p95_ms": 50,
    "first_map_s": 2.0,
    "first_paint_ratio": 0.5,  # first map visible / naive page's map visible, medians of one run
    "first_html_map": 40 * 1024,
}
FIRST_MAP_ID = "etvi-eerste-kaart"  # dashboard.app.FIRST_MAP_ID (not imported: the app is built later, in start())
SVG_MAP = f"#{FIRST_MAP_ID} svg path"
PLOTLY_MAP = "#ov-map .choroplethlayer path"
NAIVE_MAP = "#bench-naive-map .choroplethlayer path"


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --- setup ---------------------------------------------------------------------------------


def build_database(directory: Path) -> str:
    from etl import referencedata
    from models import db
    from tests.support import sample_data
    from tests.support.database import sample_geography

    url = f"sqlite:///{directory / 'bench.sqlite'}"
    db.upgrade(url)
    provincies, gemeenten = sample_geography()
    with db.session(url) as s:
        referencedata.load_data_files(s, REPO / "data")
        referencedata.load_geography(s, provincies, gemeenten)
    sample = sample_data.populate(url, start=date(2022, 6, 30), end=date(2026, 9, 30))
    print(f"Database: {sample.records} statusmeldingen in {len(sample.peildatums)} kwartalen, 342 gemeenten")
    return url


def naive_figure_json(rt, peildatum: date, onderdeel: str) -> dict:
    """The naive map: the same figure, but with the GeoJSON embedded instead of referenced."""
    from dashboard import aggregates as agg
    from dashboard.figures import maps

    v = rt.data.version()
    ref = rt.data.reference(v)
    frame = rt.data.gemeente_status(peildatum, onderdeel, v)
    shape = rt.shape("gemeente", v)
    n = len(agg.levels_for(ref.levels, onderdeel))
    return maps.status_map(frame, n, shape.geojson).to_plotly_json()


def add_naive_variant(app) -> None:
    """A callback and a page that send the full figure with embedded GeoJSON."""
    import dash
    from dash import Input, Output, dcc, html

    from dashboard.figures.palette import GRAPH_CONFIG
    from dashboard.runtime import current

    @app.callback(Output("bench-naive-map", "figure"), Input("bench-naive-peildatum", "value"), Input("bench-naive-onderdeel", "value"))
    def naive(peildatum, onderdeel):
        return naive_figure_json(current(), date.fromisoformat(peildatum), onderdeel or "verordening")

    def layout(**_):
        return html.Div([html.H1("Naïeve kaart"), dcc.Graph(id="bench-naive-map", figure=naive_figure_json(current(), date.today(), "woonzorgvisie"), config=GRAPH_CONFIG)])

    dash.register_page("bench_naive", path="/bench-naief", layout=layout, title="naïef")


def start(url: str):
    import logging

    from werkzeug.serving import WSGIRequestHandler, make_server

    class KeepAliveHandler(WSGIRequestHandler):
        """HTTP/1.1 with keep-alive, as ``etvi serve`` (gunicorn gthread) answers; werkzeug's
        default HTTP/1.0 would make the browser open a new connection for every file."""

        protocol_version = "HTTP/1.1"

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from dashboard.app import create_app

    app = create_app(url)
    add_naive_variant(app)
    with app.server.app_context():
        from dashboard.runtime import current

        rt = current()
        rt.data.reference()
        rt.data.history()
        shape, problem = rt.shape_or_none("gemeente")
        if shape is None:
            raise Missing(f"de gemeentegrenzen konden niet worden geladen uit ETVI_GEO_DIR: {problem}")
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=KeepAliveHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


# --- HTTP ----------------------------------------------------------------------------------


class Client:
    def __init__(self, base: str, app):
        self.base = base
        self.app = app
        self.session = requests.Session()
        self.session.headers["Accept-Encoding"] = "gzip"
        self.session.get(base + "/")  # session and CSRF cookies
        self.session.headers["X-CSRFToken"] = self.session.cookies.get("_csrf_token", "")

    def post(self, output_id: str, prop: str, values: dict, changed: list[str]) -> tuple[dict, int, int, float]:
        """(json, compressed bytes on the wire, raw bytes, seconds)."""
        from tests.support import dashcall

        body = dashcall.payload(self.app, output_id, prop, values, changed)
        t = time.perf_counter()
        r = self.session.post(self.base + "/_dash-update-component", json=body, stream=True)
        wire = r.raw.read(decode_content=False)
        elapsed = time.perf_counter() - t
        r.raise_for_status()
        raw = gzip.decompress(wire) if r.headers.get("Content-Encoding") == "gzip" else wire
        return (json.loads(raw) if raw else {}), len(wire), len(raw), elapsed

    def get(self, path: str) -> tuple[bytes, int, dict]:
        r = self.session.get(self.base + path, stream=True)
        wire = r.raw.read(decode_content=False)
        return wire, len(wire), dict(r.headers)


def first_html(client: Client, path: str = "/") -> dict:
    """The first HTML of ``path`` and its server-side SVG map (``<section id="etvi-eerste-kaart">``),
    compressed as on the wire and alone."""
    wire, wire_bytes, headers = client.get(path)
    raw = gzip.decompress(wire) if headers.get("Content-Encoding") == "gzip" else wire
    text = raw.decode("utf-8")
    start = text.find(f'<section id="{FIRST_MAP_ID}"')
    if start < 0:
        raise Missing(f"de eerste HTML van {path} bevat geen kaart (#{FIRST_MAP_ID}); is de eerste weergave (dashboard/app.py _first_map) uit?")
    section = text[start : text.index("</section>", start) + len("</section>")].encode("utf-8")
    return {
        "html_wire": wire_bytes,
        "html_raw": len(raw),
        "map_raw": len(section),
        "map_gz": gz(section),
        "map_paths": section.count(b"<path"),
    }


def peildatum_change_calls(onderdeel: str, key: str) -> list[tuple[str, str, dict, list[str]]]:
    """Every server callback a peildatum change on / triggers: the map, and the cards with the
    voorlopig notice (the URL sync and the strip's line are clientside; a hidden table asks nothing)."""

    def calls(peildatum: str):
        base = {"ov-peildatum.value": peildatum, "ov-onderdeel.value": onderdeel, "ov-niveau.value": "gemeente"}
        return [
            ("ov-map", "figure", {**base, "ov-map-key.data": key}, ["ov-peildatum.value"]),
            ("ov-cards", "children", base, ["ov-peildatum.value"]),
        ]

    return calls


def http_benchmark(client: Client, runs: int) -> dict:
    onderdeel = "verordening"
    # first map: the full figure (geometry by URL) and the geometry file
    first, first_wire, first_raw, _ = client.post(
        "ov-map", "figure", {"ov-peildatum.value": "2026-09-30", "ov-onderdeel.value": onderdeel, "ov-niveau.value": "gemeente", "ov-map-key.data": None}, ["ov-niveau.value"]
    )
    fig = first["response"]["ov-map"]["figure"]
    key = first["response"]["ov-map-key"]["data"]
    geo_url = fig["data"][0]["geojson"]
    geo_wire, geo_bytes, geo_headers = client.get(geo_url)
    fig_json = json.dumps(fig, separators=(",", ":")).encode()
    naive_first, naive_first_wire, naive_first_raw, _ = client.post("bench-naive-map", "figure", {"bench-naive-peildatum.value": "2026-09-30", "bench-naive-onderdeel.value": onderdeel}, ["bench-naive-peildatum.value"])

    calls = peildatum_change_calls(onderdeel, key)
    start_day = date(2022, 7, 1)
    days = [(start_day + timedelta(days=37 * i)).isoformat() for i in range(runs)]  # all different: cold aggregates
    per_output: dict[str, list] = {}
    map_part_raw, map_part_gz, all_wire, all_raw = [], [], [], []
    times: dict[str, list[float]] = {}
    for d in days:
        total_wire = total_raw = 0
        for output_id, prop, values, changed in calls(d):
            data, wire, raw, secs = client.post(output_id, prop, values, changed)
            times.setdefault(output_id, []).append(secs * 1000)
            total_wire += wire
            total_raw += raw
            per_output.setdefault(output_id, []).append(wire)
            if output_id == "ov-map":
                assert "ov-map" not in data["response"], "expected values only, not a figure"
                part = json.dumps(data["response"]["ov-map-update"]["data"], separators=(",", ":")).encode()
                map_part_raw.append(len(part))
                map_part_gz.append(gz(part))
        all_wire.append(total_wire)
        all_raw.append(total_raw)
    # warm: the same dates again (aggregates cached per data version and peildatum)
    warm: list[float] = []
    for d in days[: max(5, runs // 4)]:
        _, _, _, secs = client.post(*calls(d)[0])
        warm.append(secs * 1000)
    naive_wire, naive_raw, naive_times = [], [], []
    for d in days:
        data, wire, raw, secs = client.post("bench-naive-map", "figure", {"bench-naive-peildatum.value": d, "bench-naive-onderdeel.value": onderdeel}, ["bench-naive-peildatum.value"])
        naive_wire.append(wire)
        naive_raw.append(raw)
        naive_times.append(secs * 1000)
    other_wire = [a - m for a, m in zip(all_wire, per_output["ov-map"])]
    return {
        "geometry_wire": geo_bytes,
        "geometry_raw": len(gzip.decompress(geo_wire)) if geo_headers.get("Content-Encoding") == "gzip" else geo_bytes,
        "geometry_cache": geo_headers.get("Cache-Control", ""),
        "first_fig_wire": first_wire,
        "first_fig_raw": first_raw,
        "first_fig_gz_alone": gz(fig_json),
        "naive_first_wire": naive_first_wire,
        "naive_first_raw": naive_first_raw,
        "map_part_raw": statistics.median(map_part_raw),
        "map_part_gz": statistics.median(map_part_gz),
        "map_response_wire": statistics.median(per_output["ov-map"]),
        "all_wire": statistics.median(all_wire),
        "all_wire_max": max(all_wire),
        "all_raw": statistics.median(all_raw),
        "naive_wire": statistics.median(naive_wire),
        "naive_raw": statistics.median(naive_raw),
        "naive_all_wire": statistics.median([n + o for n, o in zip(naive_wire, other_wire)]),
        "times": times,
        "all_times": [t for ts in times.values() for t in ts],
        "warm_times": warm,
        "naive_times": naive_times,
        "runs": runs,
    }


# --- browser -------------------------------------------------------------------------------


# Installed in every new document before its first byte is parsed (Playwright init script, which
# the page's CSP does not apply to): records when each selector first matches, in ms since the
# navigation started, also for an element that is removed again (the first paint's SVG is, once
# Plotly has drawn).
SEEN_JS = """(selectors) => {
    const seen = window.__etviSeen = {};
    const check = () => {
        for (const s of selectors) { if (!(s in seen) && document.querySelector(s)) { seen[s] = performance.now(); } }
        if (Object.keys(seen).length === selectors.length) { observer.disconnect(); }
    };
    const observer = new MutationObserver(check);
    observer.observe(document, {childList: true, subtree: true});
    check();
}"""


def seen_times(page, selectors: list[str]) -> dict[str, float]:
    """Seconds from the navigation's start until each selector was first in the page."""
    from playwright.sync_api import Error

    try:
        page.wait_for_function("(n) => window.__etviSeen && Object.keys(window.__etviSeen).length >= n", arg=len(selectors), timeout=60000)
        seen = page.evaluate("window.__etviSeen")
    except Error as exc:
        seen = page.evaluate("window.__etviSeen || {}") if "context was destroyed" not in str(exc) else {}
        missing = [s for s in selectors if s not in seen]
        raise Missing(f"de kaart ({', '.join(missing) or selectors[0]}) verscheen niet in Chromium: {str(exc).splitlines()[0]}") from None
    return {sel: seen[sel] / 1000 for sel in selectors}


def first_map_visible(base: str, pages: dict[str, list[str]], runs: int = 3) -> dict[str, dict]:
    """Per page (path -> the selectors to time): cold starts (a new context: empty cache) and a
    reload (warm cache). The pages take turns, so a load peak hits all of them alike."""
    from playwright.sync_api import sync_playwright

    result = {path: {"cold": {s: [] for s in sels}, "warm": {s: [] for s in sels}, "geo_transfers_after_reload": []} for path, sels in pages.items()}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                for path, selectors in pages.items():
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.add_init_script(f"({SEEN_JS})({json.dumps(selectors)})")
                    page = context.new_page()
                    page.goto(base + path, wait_until="commit")
                    for sel, secs in seen_times(page, selectors).items():
                        result[path]["cold"][sel].append(secs)
                    page.reload(wait_until="commit")  # the same browser again (HTTP cache warm)
                    for sel, secs in seen_times(page, selectors).items():
                        result[path]["warm"][sel].append(secs)
                    result[path]["geo_transfers_after_reload"].append(
                        page.evaluate("performance.getEntriesByType('resource').filter(e => e.name.includes('/kaartvormen/gemeente.geojson')).map(e => e.transferSize)")
                    )
                    context.close()
        finally:
            browser.close()
    return result


# --- report --------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "OK " if ok else "NIET GEHAALD"


def browser_rows(b: dict) -> list[tuple[str, list[float], list[float]]]:
    """(label, cold, warm) of the first map on / (SVG, Plotly) and of the naive page."""
    return [
        ("SVG in de eerste HTML (/)", b["/"]["cold"][SVG_MAP], b["/"]["warm"][SVG_MAP]),
        ("Plotly-kaart (/)", b["/"]["cold"][PLOTLY_MAP], b["/"]["warm"][PLOTLY_MAP]),
        ("naïeve kaartpagina", b["/bench-naief"]["cold"][NAIVE_MAP], b["/bench-naief"]["warm"][NAIVE_MAP]),
    ]


def report(h: dict, fh: dict, b: dict | None) -> bool:
    ok_all = True
    print()
    print("=" * 78)
    print(f"{'':38}{'ons':>18}{'naïef':>18}")
    print("-" * 78)
    print(f"{'Eerste kaart, gecomprimeerd (draad)':38}{kb(h['geometry_wire'] + h['first_fig_wire']):>18}{kb(h['naive_first_wire']):>18}")
    print(f"{'  waarvan geometrie (1x, cachebaar)':38}{kb(h['geometry_wire']):>18}{'in elk antwoord':>18}")
    print(f"{'  waarvan figuur zonder geometrie':38}{kb(h['first_fig_wire']):>18}{'':>18}")
    print(f"{'Per peildatumwijziging: kaartdeel':38}{kb(h['map_part_gz']) + ' gz':>18}{kb(h['naive_wire']) + ' gz':>18}")
    print(f"{'  (ongecomprimeerd)':38}{kb(h['map_part_raw']):>18}{kb(h['naive_raw']):>18}")
    print(f"{'Per peildatumwijziging: alle uitvoer':38}{kb(h['all_wire']) + ' gz':>18}{kb(h['naive_all_wire']) + ' gz':>18}")
    print(f"{'  (ongecomprimeerd)':38}{kb(h['all_raw']):>18}{'':>18}")
    print(f"{'Servertijd per callback p50 (koud)':38}{pct(h['all_times'], .5):>15.1f} ms{pct(h['naive_times'], .5):>15.1f} ms")
    print(f"{'Servertijd per callback p95 (koud)':38}{pct(h['all_times'], .95):>15.1f} ms{pct(h['naive_times'], .95):>15.1f} ms")
    print(f"{'Kaartcallback p50/p95 (koud)':38}{pct(h['times']['ov-map'], .5):>7.1f}/{pct(h['times']['ov-map'], .95):.1f} ms")
    print(f"{'Kaartcallback p50 (warm, uit cache)':38}{pct(h['warm_times'], .5):>15.1f} ms")
    for oid, ts in h["times"].items():
        print(f"{'  ' + oid + ' p50/p95':38}{pct(ts, .5):>7.1f}/{pct(ts, .95):.1f} ms")
    print(f"{'Kaartdeel van de eerste HTML van /':38}{kb(fh['map_gz']) + ' gz':>18}{'':>18}")
    print(f"{'  (ongecomprimeerd; ' + str(fh['map_paths']) + ' paden)':38}{kb(fh['map_raw']):>18}")
    print(f"{'  hele eerste HTML (draad)':38}{kb(fh['html_wire']) + ' gz':>18}")
    if b:
        naive_cold = statistics.median(b["/bench-naief"]["cold"][NAIVE_MAP])
        naive_warm = statistics.median(b["/bench-naief"]["warm"][NAIVE_MAP])
        runs = len(b["/"]["cold"][SVG_MAP])
        print(f"Eerste kaart zichtbaar (Chromium), mediaan over {runs} koude starts; verhouding t.o.v. de naïeve pagina (zelfde run):")
        print(f"{'':38}{'koud':>10}{'x naïef':>9}{'slechtste':>11}{'warm':>10}")
        for label, cold, warm in browser_rows(b):
            med = statistics.median(cold)
            print(f"{'  ' + label:38}{med:>8.2f} s{med / naive_cold:>9.2f}{max(cold):>9.2f} s{statistics.median(warm):>8.2f} s")
        print(f"{'  (herladen warm, x naïef)':38}{statistics.median(b['/']['warm'][SVG_MAP]) / naive_warm:>19.2f}")
        print(f"{'  geometrie over de draad na herladen':38}{str(b['/']['geo_transfers_after_reload'][0]) + ' B':>18}")
    print("-" * 78)
    checks = [
        ("geometrie <= 40 KB gecomprimeerd, 1x verstuurd (immutable cache)", h["geometry_wire"] <= TARGETS["geometry"] and "immutable" in h["geometry_cache"]),
        ("kaartdeel van een peildatumwijziging <= 2 KB", h["map_part_gz"] <= TARGETS["map_change"]),
        ("alle uitvoer van een peildatumwijziging <= 15 KB", h["all_wire_max"] <= TARGETS["all_change"]),
        ("callback p95 < 50 ms", pct(h["all_times"], 0.95) < TARGETS["p95_ms"]),
    ]
    checks.append((f"kaartdeel van de eerste HTML <= 40 KB gecomprimeerd ({kb(fh['map_gz'])})", fh["map_gz"] <= TARGETS["first_html_map"]))
    if b:
        svg_cold = b["/"]["cold"][SVG_MAP]
        plotly_cold = b["/"]["cold"][PLOTLY_MAP]
        ratio = statistics.median(svg_cold) / statistics.median(b["/bench-naief"]["cold"][NAIVE_MAP])
        checks.append(
            (
                f"eerste kaart zichtbaar (SVG) <= 0.5 x de naïeve pagina (mediaan, zelfde run): {ratio:.2f} x",
                ratio <= TARGETS["first_paint_ratio"],
            )
        )
        checks.append(
            (
                f"Plotly-kaart zichtbaar < 2 s (mediaan van de koude starts; slechtste {max(plotly_cold):.2f} s)",
                statistics.median(plotly_cold) < TARGETS["first_map_s"],
            )
        )
    for text, ok in checks:
        ok_all &= ok
        print(f"  [{verdict(ok)}] {text}")
    print(
        f"  ({h['runs']} peildatumwijzigingen, elk naar een nieuwe datum; machine: {os.cpu_count()} cores, "
        f"load bij start {h.get('load_start', float('nan')):.1f}, nu {os.getloadavg()[0]:.1f}: tijden in de browser hangen sterk af van de load)"
    )
    print("=" * 78)
    return ok_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40, help="peildatumwijzigingen (standaard 40)")
    parser.add_argument("--browser-runs", type=int, default=3, help="koude starts in Chromium (standaard 3)")
    parser.add_argument("--no-browser", action="store_true", help="sla de meting in Chromium over")
    args = parser.parse_args()
    if args.runs < 1 or args.browser_runs < 1:
        return fail("--runs en --browser-runs moeten minstens 1 zijn.")
    try:
        preconditions.geo_dir()
        preconditions.data_dir(REPO)
        browser = None if args.no_browser else preconditions.chromium()
        return run(args, browser is not None)
    except Missing as exc:
        return fail(str(exc))
    except requests.HTTPError as exc:
        print(f"Benchmark afgebroken: de server antwoordde {exc.response.status_code} op {exc.request.url}: "
              f"{exc.response.text[:300]}", file=sys.stderr)  # fmt: skip
        return 1


def run(args, with_browser: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="etvi-bench-") as tmp:
        os.environ["ETVI_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ.setdefault("ETVI_DATA_DIR", str(REPO / "data"))
        load_start = os.getloadavg()[0]
        url = build_database(Path(tmp))
        app, server, base = start(url)
        try:
            client = Client(base, app)
            h = http_benchmark(client, args.runs)
            h["load_start"] = load_start
            fh = first_html(client)
            b = None
            if with_browser:
                b = first_map_visible(base, {"/": [SVG_MAP, PLOTLY_MAP], "/bench-naief": [NAIVE_MAP]}, args.browser_runs)
            ok = report(h, fh, b)
        finally:
            server.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
