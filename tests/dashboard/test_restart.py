"""Item 8 of issue 9: right after ``etvi serve`` starts, every request is answered, the first burst
of Dash asset requests included (no 500 "dash is not a registered library", plotly/dash#3971:
Dash set itself up on the first request, and under threaded workers a second request could
arrive halfway through). Ten restarts of the real gunicorn server (2 workers with threads);
each time the page and all its component bundles are requested at once, as soon as the port
accepts connections, so they queue up for the workers' very first moments."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from dashboard.app import create_app
from tests.support.database import BACKENDS, filled_database

RESTARTS = 10


def asset_paths(index_html: str) -> list[str]:
    paths = re.findall(r'(?:src|href)="(/_dash-component-suites/[^"]+)"', index_html)
    assert len(paths) >= 5, index_html[:2000]
    return sorted(set(paths))


def burst(base: str, paths: list[str]) -> list[tuple[str, int | str]]:
    def get(path: str):
        try:
            # uncompressed: the test is about the first moments of a worker, not about compression
            return path, requests.get(base + path, headers={"Accept-Encoding": "identity"}, timeout=60).status_code
        except requests.RequestException as exc:
            return path, f"{type(exc).__name__}"

    with ThreadPoolExecutor(max_workers=24) as pool:
        return list(pool.map(get, paths))


def test_every_request_right_after_a_restart_is_answered(tmp_path, live_server):
    """Ten restarts in all, taking turns on SQLite and PostgreSQL (the race is Dash's, not the
    database's; it was seen on PostgreSQL)."""
    databases = [filled_database(backend, tmp_path / backend) for backend in BACKENDS]
    try:
        index = create_app(databases[0][0]).server.test_client().get("/").get_data(as_text=True)
        paths = ["/"] + asset_paths(index)
        failures = []
        stopping = []
        for n in range(RESTARTS):
            url = databases[n % len(databases)][0]
            server = live_server(url, "serve", wait=False)
            try:
                # twice over, so both workers get a share of the first requests
                answers = burst(server.url, paths + paths)
            finally:
                # the next server starts while this one shuts down (each on its own port)
                stopping.append(threading.Thread(target=server.stop, args=(True,)))
                stopping[-1].start()
            failures += [(n, path, status) for path, status in answers if status != 200]
        for thread in stopping:
            thread.join()
        assert not failures, failures
    finally:
        for _, drop in databases:
            drop()
