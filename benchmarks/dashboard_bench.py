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
* first map visible in headless Chromium (new browser context = empty cache), ours vs naive;
  judged on the median of the cold starts, the worst is printed too. Browser timings on a
  shared 2-core machine depend strongly on its load, which is printed.

Targets (issue 4): geometry <= 40 KB compressed and sent once; map part of a peildatum change
<= 2 KB; all outputs <= 15 KB; callback p95 < 50 ms; first map < 2 s.
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
TARGETS = {"geometry": 40 * 1024, "map_change": 2 * 1024, "all_change": 15 * 1024, "p95_ms": 50, "first_map_s": 2.0}


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


def peildatum_change_calls(onderdeel: str, key: str) -> list[tuple[str, str, dict, list[str]]]:
    """Every server callback a peildatum change on / triggers (the URL sync is clientside)."""

    def calls(peildatum: str):
        base = {"ov-peildatum.value": peildatum, "ov-onderdeel.value": onderdeel, "ov-niveau.value": "gemeente"}
        return [
            ("ov-map", "figure", {**base, "ov-map-key.data": key}, ["ov-peildatum.value"]),
            ("ov-cards", "children", base, ["ov-peildatum.value"]),
            ("ov-mstrip", "figure", base, ["ov-peildatum.value"]),
            ("ov-table", "children", {**base, "ov-tabel.data": False}, ["ov-peildatum.value"]),
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


FIRST_MAP_JS = """(sel) => new Promise((resolve, reject) => {
    const done = () => resolve(performance.now());
    if (document.querySelector(sel)) return done();
    // Observe the document itself: right after the navigation commits, the new document may
    // have no <html> element yet (observe(document.documentElement) then throws).
    const obs = new MutationObserver(() => { if (document.querySelector(sel)) { obs.disconnect(); done(); } });
    obs.observe(document, {childList: true, subtree: true});
    setTimeout(() => { obs.disconnect(); reject(new Error('geen kaart na 60 s')); }, 60000);
})"""


def time_first_map(page, selector: str) -> float:
    """Milliseconds from the navigation's start until ``selector`` is in the page."""
    from playwright.sync_api import Error

    for attempt in range(3):
        try:
            return page.evaluate(FIRST_MAP_JS, selector)
        except Error as exc:
            # The document that was current at "commit" can still be replaced (a redirect);
            # evaluate again in the one that is there now.
            if "context was destroyed" not in str(exc) or attempt == 2:
                raise Missing(f"de kaart ({selector}) verscheen niet in Chromium: {str(exc).splitlines()[0]}") from None
    raise AssertionError("unreachable")


def first_map_visible(base: str, path: str, graph_id: str, runs: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    cold, warm, geo_transfers = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + path, wait_until="commit")
                ms = time_first_map(page, f"#{graph_id} .choroplethlayer path")
                cold.append(ms / 1000)
                # the same browser again (HTTP cache warm): reload
                page.reload(wait_until="commit")
                ms = time_first_map(page, f"#{graph_id} .choroplethlayer path")
                warm.append(ms / 1000)
                geo_transfers.append(
                    page.evaluate("performance.getEntriesByType('resource').filter(e => e.name.includes('/kaartvormen/gemeente.geojson')).map(e => e.transferSize)")
                )
                context.close()
        finally:
            browser.close()
    return {"cold": cold, "warm": warm, "geo_transfers_after_reload": geo_transfers}


# --- report --------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "OK " if ok else "NIET GEHAALD"


def report(h: dict, ours_b: dict | None, naive_b: dict | None) -> bool:
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
    if ours_b and naive_b:
        print(f"{'Eerste kaart zichtbaar (Chromium, leeg)':38}{max(ours_b['cold']):>16.2f} s{max(naive_b['cold']):>16.2f} s")
        print(f"{'  mediaan over ' + str(len(ours_b['cold'])) + ' koude starts':38}{statistics.median(ours_b['cold']):>16.2f} s{statistics.median(naive_b['cold']):>16.2f} s")
        print(f"{'  herladen (cache warm), mediaan':38}{statistics.median(ours_b['warm']):>16.2f} s{statistics.median(naive_b['warm']):>16.2f} s")
        print(f"{'  geometrie over de draad na herladen':38}{str(ours_b['geo_transfers_after_reload'][0]) + ' B':>18}")
    print("-" * 78)
    checks = [
        ("geometrie <= 40 KB gecomprimeerd, 1x verstuurd (immutable cache)", h["geometry_wire"] <= TARGETS["geometry"] and "immutable" in h["geometry_cache"]),
        ("kaartdeel van een peildatumwijziging <= 2 KB", h["map_part_gz"] <= TARGETS["map_change"]),
        ("alle uitvoer van een peildatumwijziging <= 15 KB", h["all_wire_max"] <= TARGETS["all_change"]),
        ("callback p95 < 50 ms", pct(h["all_times"], 0.95) < TARGETS["p95_ms"]),
    ]
    if ours_b:
        checks.append(
            (
                f"eerste kaart zichtbaar < 2 s (mediaan van de koude starts; slechtste {max(ours_b['cold']):.2f} s)",
                statistics.median(ours_b["cold"]) < TARGETS["first_map_s"],
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
            ours_b = naive_b = None
            if with_browser:
                ours_b = first_map_visible(base, "/", "ov-map", args.browser_runs)
                naive_b = first_map_visible(base, "/bench-naief", "bench-naive-map", args.browser_runs)
            ok = report(h, ours_b, naive_b)
        finally:
            server.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
