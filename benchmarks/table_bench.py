"""Table benchmark (issue 14, item 1): "Tabel tonen" on ``/`` at gemeente level (342 gemeenten)
until the table is visible in headless Chromium, ours (one element, drawn by
``assets/tables.js``) against the naive table (the same rows as Dash components, as before), in
one run on the same server.

    ETVI_GEO_DIR=/pad/naar/cartomap-nl/wgs84 python benchmarks/table_bench.py [--runs 3] [--naive-runs 1]

It builds a temporary SQLite database (as ``dashboard_bench.py``), starts the app in-process on
127.0.0.1 with a free port, and registers a page ``/bench-tabel-naief`` with a "Tabel tonen"
button whose server callback returns the table as Dash components (``html.Tr``/``Th``/``Td``,
``dcc.Link`` per gemeente, a link per source). Each run is a fresh browser context: the page
is opened, the map (on ``/``) is waited for, then the button is clicked; the time runs from the
click until all 342 rows are in the page and a frame was painted (timers starve while the page
is frozen, so a freeze counts in full). The same for switching onderdeel with the table open.

Target: < 1 s from the click (median); the naive table is printed for comparison, with the
ratio. Without Chromium or Playwright it says so on one line and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import dash  # noqa: E402
import preconditions  # noqa: E402
from dash import Input, Output, html  # noqa: E402
from dashboard_bench import build_database  # noqa: E402
from preconditions import Missing, fail  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from dashboard import components as ui  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from dashboard.pages import home  # noqa: E402
from dashboard.runtime import current  # noqa: E402

TARGET_S = 1.0
N_GEMEENTEN = 342
NAIVE_PATH = "/bench-tabel-naief"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

UNTIL_DRAWN = """async ([click, sel, rows, caption]) => {
    const t0 = performance.now();
    if (click) { document.querySelector(click).click(); }
    await new Promise((resolve, reject) => {
        (function poll() {
            const table = document.querySelector(sel + ' table');
            const n = table ? table.querySelectorAll('tbody tr').length : 0;
            const cap = table ? table.querySelector('caption').textContent : '';
            if (n === rows && (!caption || cap.includes(caption)) && table.getBoundingClientRect().height > 0) {
                requestAnimationFrame(() => requestAnimationFrame(resolve));
            } else if (performance.now() - t0 > 180000) {
                reject(new Error('geen tabel na 180 s: ' + n + ' rijen'));
            } else {
                setTimeout(poll, 10);
            }
        })();
    });
    return performance.now() - t0;
}"""


class KeepAliveHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"


def naive_table(peildatum: date, onderdeel: str):
    """The home page's gemeente table with the same rows, built as Dash components (the old way)."""

    rt = current()
    v = rt.data.version()
    ours = home._table(rt, v, peildatum, onderdeel, "gemeente")
    spec = json.loads(getattr(ours, "data-table"))
    cols = [c["n"] for c in spec["cols"]]
    return ui._component_table(cols, spec["rows"], spec["caption"], None, {c["n"] for c in spec["cols"] if c["num"]}, None)


def add_naive_page(app) -> None:
    @app.callback(Output("bench-naive-table", "children"), Input("bench-naive-toggle", "n_clicks"), prevent_initial_call=True)
    def show(n):
        return naive_table(date.today(), "verordening")

    def layout(**_):
        return html.Div([html.H1("Naïeve tabel"), html.Button("Tabel tonen", id="bench-naive-toggle", n_clicks=0), html.Div(id="bench-naive-table")])

    dash.register_page("bench_naive_table", path=NAIVE_PATH, layout=layout, title="naïeve tabel")


def start(url: str):

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(url)
    add_naive_page(app)
    with app.server.app_context():
        rt = current()
        rt.data.reference()
        rt.data.history()
        shape, problem = rt.shape_or_none("gemeente")
        if shape is None:
            raise Missing(f"de gemeentegrenzen konden niet worden geladen uit ETVI_GEO_DIR: {problem}")
    server = make_server("127.0.0.1", 0, app.server, threaded=True, request_handler=KeepAliveHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def measure(base: str, runs: int, naive_runs: int) -> dict:
    from playwright.sync_api import sync_playwright  # optional: checked by preconditions.chromium()

    out = {"ours": [], "ours_switch": [], "naive": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=preconditions.CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + "/?onderdeel=verordening")
                page.wait_for_selector("#ov-map .choroplethlayer path", timeout=60000)
                page.wait_for_timeout(500)
                out["ours"].append(page.evaluate(UNTIL_DRAWN, ["#ov-tabel-toggle", "#ov-table", N_GEMEENTEN, ""]) / 1000)
                label = page.evaluate("document.querySelector('#ov-onderdeel label:has(input:not(:checked))').textContent.trim()")
                out["ours_switch"].append(page.evaluate(UNTIL_DRAWN, ["#ov-onderdeel label:has(input:not(:checked)) input", "#ov-table", N_GEMEENTEN, label]) / 1000)
                context.close()
            for _ in range(naive_runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + NAIVE_PATH)
                page.wait_for_selector("#bench-naive-toggle", timeout=60000)
                page.wait_for_timeout(500)
                out["naive"].append(page.evaluate(UNTIL_DRAWN, ["#bench-naive-toggle", "#bench-naive-table", N_GEMEENTEN, ""]) / 1000)
                context.close()
        finally:
            browser.close()
    return out


def report(m: dict, load_start: float) -> bool:
    ours, switch, naive = statistics.median(m["ours"]), statistics.median(m["ours_switch"]), statistics.median(m["naive"])
    print()
    print("=" * 78)
    print(f"{'':44}{'ons':>16}{'naïef':>16}")
    print("-" * 78)
    print(f"{'Tabel tonen tot zichtbaar (342 rijen), mediaan':44}{ours:>14.2f} s{naive:>14.2f} s")
    print(f"{'  slechtste':44}{max(m['ours']):>14.2f} s{max(m['naive']):>14.2f} s")
    print(f"{'Onderdeel wisselen met de tabel open':44}{switch:>14.2f} s")
    print(f"{'Verhouding naïef / ons':44}{naive / ours:>15.0f}x")
    print("-" * 78)
    ok = ours < TARGET_S
    print(f"  [{'OK ' if ok else 'NIET GEHAALD'}] tabel zichtbaar < {TARGET_S:.0f} s na de klik (mediaan van {len(m['ours'])} runs)")
    print(f"  (machine: {os.cpu_count()} cores, load bij start {load_start:.1f}, nu {os.getloadavg()[0]:.1f}: tijden in de browser hangen sterk af van de load)")
    print("=" * 78)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="metingen van onze tabel (standaard 3)")
    parser.add_argument("--naive-runs", type=int, default=1, help="metingen van de naïeve tabel (standaard 1; elk ~30 s)")
    args = parser.parse_args()
    if args.runs < 1 or args.naive_runs < 1:
        return fail("--runs en --naive-runs moeten minstens 1 zijn.")
    try:
        preconditions.geo_dir()
        preconditions.data_dir(REPO)
        if preconditions.chromium() is None:
            raise Missing("de tabelmeting heeft Chromium en Playwright nodig.")
        return run(args)
    except Missing as exc:
        return fail(str(exc))


def run(args) -> int:
    with tempfile.TemporaryDirectory(prefix="etvi-bench-") as tmp:
        os.environ["ETVI_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ.setdefault("ETVI_DATA_DIR", str(REPO / "data"))
        load_start = os.getloadavg()[0]
        url = build_database(Path(tmp))
        server, base = start(url)
        try:
            ok = report(measure(base, args.runs, args.naive_runs), load_start)
        finally:
            server.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
