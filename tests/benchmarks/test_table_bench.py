"""benchmarks/table_bench.py in `make benchmark`: without Chromium it says so and exits 2 (it does
not crash); the naive table it compares with is the home page's rows as Dash components."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from datetime import date

from dashboard.app import create_app
from tests.support.paths import REPO
from tests.support.shapes import synthetic_loader

NO_CHROMIUM = (
    "import sys; sys.path.insert(0, 'benchmarks'); import preconditions; "
    "preconditions.CHROMIUM = '/bestaat/niet/chromium'; import table_bench; sys.exit(table_bench.main())"
)


def test_without_chromium_it_says_so_and_exits_2(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "ETVI_GEO_DIR": os.environ.get("ETVI_GEO_DIR") or str(tmp_path)}
    (tmp_path / "x.geojson").write_text("{}")
    r = subprocess.run([sys.executable, "-c", NO_CHROMIUM], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "Benchmark niet uitgevoerd" in r.stderr and "Chromium" in r.stderr
    assert "Traceback" not in r.stderr


def test_make_benchmark_runs_it():
    makefile = (REPO / "Makefile").read_text()
    assert "table_bench.py" in makefile.split("benchmark:", 1)[1]


def test_the_naive_table_has_the_same_rows_as_components(ref_db):
    dash_app = create_app(ref_db, shape_loader=synthetic_loader)
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        table_bench = importlib.import_module("table_bench")
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    with dash_app.server.app_context():
        naive = table_bench.naive_table(date(2025, 6, 30), "verordening")
    text = json.dumps(naive.to_plotly_json(), default=lambda c: c.to_plotly_json())
    assert text.count('"Tr"') == 343 and '"Link"' in text
