"""benchmarks/load_bench.py: its replay sends what Chromium sends on ``/`` and runs against a live
``etvi serve`` without errors (a short run; no timing is asserted)."""

from __future__ import annotations

import itertools
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.browser import dropdown_option
from tests.support.database import filled_database
from tests.support.live import LiveServers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))  # a script folder, not a package
import load_bench  # noqa: E402


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("load")
    url, drop = filled_database("sqlite", tmp)
    with LiveServers(tmp) as servers:
        yield servers.start(url, "serve", workers=2).url
    drop()


def test_the_replay_posts_what_chromium_posts_for_a_peildatum_change(live, page):
    """The same page in Chromium and in the replay, the same peildatum chosen: the same bodies."""
    path = "/?peildatum=2026-09-30&onderdeel=verordening"
    posted = []
    page.on("request", lambda r: posted.append((r.post_data_json, r.all_headers())) if "/_dash-update-component" in r.url else None)
    page.goto(live + path)
    page.wait_for_selector("#ov-map .choroplethlayer path", timeout=30000)
    page.wait_for_timeout(500)
    posted.clear()
    page.click("#ov-peildatum")
    dropdown_option(page).nth(1).click()
    deadline = time.monotonic() + 20
    while len(posted) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    sent = sorted((body for body, _ in posted), key=lambda b: b["output"])
    chosen = sent[0]["inputs"][0]["value"]
    assert chosen != "2026-09-30"
    assert all(h.get("origin") == live and h.get("sec-fetch-site") == "same-origin" for _, h in posted)

    stats = load_bench.Stats()
    with ThreadPoolExecutor(4) as pool:
        viewer = load_bench.Viewer([live], itertools.count(), stats, pool, random.Random(1), think=0, changes=1)
        viewer.page = path
        assert viewer.visit()
    viewer.values["ov-peildatum.value"] = chosen
    replayed = sorted((load_bench.callback_body(cb, viewer.values) for cb in viewer.callbacks), key=lambda b: b["output"])
    assert [b["output"] for b in replayed] == [
        "..ov-cards.children...ov-voorlopig.children..",
        "..ov-map.figure...ov-map-update.data...ov-legend.children...ov-map-heading.children...ov-map-summary.children...ov-map-key.data"
        "...ov-kaart-svg.href...ov-kaart-png.href...ov-embed-code.value..",
    ]  # the strip's line moves in the browser, and a hidden table asks nothing
    assert replayed == sent


def test_a_short_replay_against_etvi_serve_has_no_errors_and_every_kind_answers_200(live):
    stats = load_bench.replay([live], viewers=3, seconds=3, think=0.1, changes=2)
    kinds = {"pagina /", "/_dash-layout", "/_dash-dependencies", "download csv", load_bench.CHANGE} | {
        f"callback {cid}" for cid in ("ov-map", "ov-cards")
    }
    assert set(stats.statuses) == kinds
    assert {kind: set(counts) for kind, counts in stats.statuses.items()} == {kind: {200} for kind in kinds}
    assert stats.error_count == 0 and stats.failed_changes == 0
    assert all(stats.times[kind] for kind in kinds)
