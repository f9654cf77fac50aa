"""benchmarks/load_bench.py: its replay sends what Chromium sends on ``/`` and runs against a live
``etvi serve`` without errors (a short run; no timing is asserted)."""

from __future__ import annotations

import itertools
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.dashboard.serving import filled_database, start_serve, stop

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))  # a script folder, not a package
import load_bench  # noqa: E402

# The bodies Chromium posted for a peildatum change on / (recorded with Playwright from a live
# etvi serve, Dash 4), with the chosen date and the map key the page held in their places.
PEILDATUM, KEY = "<peildatum>", "<kaartsleutel>"
RECORDED = [
    {
        "output": "..ov-map.figure...ov-map-update.data...ov-legend.children...ov-map-heading.children...ov-map-summary.children...ov-map-key.data..",
        "outputs": [
            {"id": "ov-map", "property": "figure"},
            {"id": "ov-map-update", "property": "data"},
            {"id": "ov-legend", "property": "children"},
            {"id": "ov-map-heading", "property": "children"},
            {"id": "ov-map-summary", "property": "children"},
            {"id": "ov-map-key", "property": "data"},
        ],
        "inputs": [
            {"id": "ov-peildatum", "property": "value", "value": PEILDATUM},
            {"id": "ov-onderdeel", "property": "value", "value": "verordening"},
            {"id": "ov-niveau", "property": "value", "value": "gemeente"},
        ],
        "changedPropIds": ["ov-peildatum.value"],
        "parsedChangedPropsIds": ["ov-peildatum.value"],
        "state": [{"id": "ov-map-key", "property": "data", "value": KEY}],
    },
    {
        "output": "ov-cards.children",
        "outputs": {"id": "ov-cards", "property": "children"},
        "inputs": [{"id": "ov-peildatum", "property": "value", "value": PEILDATUM}],
        "changedPropIds": ["ov-peildatum.value"],
        "parsedChangedPropsIds": ["ov-peildatum.value"],
    },
    {
        "output": "ov-mstrip.figure",
        "outputs": {"id": "ov-mstrip", "property": "figure"},
        "inputs": [{"id": "ov-peildatum", "property": "value", "value": PEILDATUM}, {"id": "ov-after-map-stale", "property": "data"}],
        "changedPropIds": ["ov-peildatum.value"],
        "parsedChangedPropsIds": ["ov-peildatum.value"],
    },
    {
        "output": "ov-table.children",
        "outputs": {"id": "ov-table", "property": "children"},
        "inputs": [
            {"id": "ov-peildatum", "property": "value", "value": PEILDATUM},
            {"id": "ov-onderdeel", "property": "value", "value": "verordening"},
            {"id": "ov-niveau", "property": "value", "value": "gemeente"},
            {"id": "ov-tabel", "property": "data", "value": False},
        ],
        "changedPropIds": ["ov-peildatum.value"],
        "parsedChangedPropsIds": ["ov-peildatum.value"],
    },
]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("load")
    url, drop = filled_database("sqlite", tmp)
    proc, base = start_serve(url, tmp, workers=2)
    yield base
    stop(proc)
    drop()


def test_the_replay_posts_the_bodies_chromium_posts_for_a_peildatum_change(live):
    stats = load_bench.Stats()
    with ThreadPoolExecutor(4) as pool:
        viewer = load_bench.Viewer([live], itertools.count(), stats, pool, random.Random(1), think=0, changes=1)
        viewer.page = "/?peildatum=2026-09-30&onderdeel=verordening"
        assert viewer.visit()
        key = viewer.values["ov-map-key.data"]
        assert key
        viewer.values["ov-peildatum.value"] = "2024-03-31"
        bodies = [load_bench.callback_body(cb, viewer.values) for cb in viewer.callbacks]
    recorded = [
        {k: [dict(i, value={PEILDATUM: "2024-03-31", KEY: key}.get(i.get("value"), i.get("value"))) if "value" in i else i for i in v] if k in ("inputs", "state") else v for k, v in body.items()}
        for body in RECORDED
    ]
    assert bodies == recorded


def test_a_short_replay_against_etvi_serve_has_no_errors_and_every_kind_answers_200(live):
    stats = load_bench.replay([live], viewers=3, seconds=3, think=0.1, changes=2)
    kinds = {"pagina /", "/_dash-layout", "/_dash-dependencies", "download csv", load_bench.CHANGE} | {
        f"callback {cid}" for cid in ("ov-map", "ov-cards", "ov-mstrip", "ov-table")
    }
    assert set(stats.statuses) == kinds
    assert {kind: set(counts) for kind, counts in stats.statuses.items()} == {kind: {200} for kind in kinds}
    assert stats.error_count == 0 and stats.failed_changes == 0
    assert all(stats.times[kind] for kind in kinds)
