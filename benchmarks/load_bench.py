"""Load benchmark: many browsers on ``/`` against ``etvi serve`` (gunicorn), replayed over HTTP, in one run
with a naive baseline (one viewer at a time on the same servers).

    python benchmarks/load_bench.py [--viewers 50] [--seconds 30] [--think 1.0] [--postgres URL | --sqlite]
    python benchmarks/load_bench.py --quick          # what `make benchmark` runs: 10 s, 10/20 viewers

It makes a temporary database (PostgreSQL: a fresh database on ``--postgres``, default
``ETVI_TEST_POSTGRES_URL`` or the local server; SQLite with ``--sqlite`` or when PostgreSQL does not
answer), fills it like ``etvi demo --no-serve`` (``etvi init`` + demo data), starts ``etvi serve`` on a
free port on 127.0.0.1 with its own empty data folder, and replays what Chromium sends (recorded from a
real session; see the README):

* a visit: ``GET /?peildatum=…&onderdeel=…`` (the document), then at once ``GET /_dash-layout`` (with the
  ``X-Etvi-Page`` header that ``assets/etvi.js`` adds) and ``GET /_dash-dependencies``;
* ``--changes`` peildatum changes: the server callbacks that ``/_dash-dependencies`` says take
  ``ov-peildatum.value`` as input (today the map, and the cards with the voorlopig notice), sent at once as
  the browser does, with the bodies Dash's renderer builds (values from the layout, the map key the
  browser holds, ``Origin``/``Referer``/``Sec-Fetch-Site`` of the page: the same-origin check of
  ``dashboard/security.py``); a peildatum change lasts until its last callback answered;
* the CSV download of the view (``/download/overzicht.csv?…``, the link ``syncUrl`` writes).

Each viewer is one ``requests.Session`` (keep-alive, at most 6 connections, as a browser per host) that
waits ``--think`` seconds (on average, uniform 0.5-1.5x) between actions. Errors are every status
>= 400 and every connection reset, connection closed by the server, refused connection or time-out
(no retries: a browser retries a reset request only sometimes, a proxy usually not at all).

Then the same with two fresh ``etvi serve`` on two ports on the same database (each its own data
folder), every request to the next server in turn (a round-robin load balancer without sticky
sessions), with ``--viewers2`` viewers (default twice ``--viewers``). SQLite: the single-server part
only. Each part starts with an empty answer cache (``dashboard.response_cache``, table ``cachedanswer``).

Printed per part: requests/s, p50/p95/p99 per request kind and of a whole peildatum change, errors,
the share of answers the servers had ready (``X-Cache: hit``),
the same for one viewer at a time (the baseline, measured in the same run) and the ratio, and how busy
the machine was (load average, CPU used by the servers, this client and everything else). Targets
(issue 10): 0 errors; p95 of a peildatum change < 150 ms (on an idle machine: compare the baseline
and the CPU line before reading much into a miss on a shared one).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import preconditions  # noqa: E402
import requests  # noqa: E402
from dashboard_bench import pct  # noqa: E402
from preconditions import Missing, fail  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
TARGET_CHANGE_P95_MS = 150
TIMEOUT = 30  # seconds for one request; a run is bounded by --seconds + this
CHANGE = "peildatumwijziging"
PEILDATUM = "ov-peildatum"
BROWSER_CONNECTIONS = 6  # connections per host a browser opens at most
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CACHE_HEADER = "X-Cache"  # dashboard.response_cache: "hit" when the answer was ready


# --- what a browser sends ---------------------------------------------------------------------


def component_values(layout) -> dict[str, object]:
    """'id.prop' -> value of every component with a string id in a Dash layout (what the renderer holds)."""
    values: dict[str, object] = {}
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "type" in node:
                cid = props.get("id")
                for prop, value in props.items():
                    if isinstance(cid, str) and prop != "children":
                        values[f"{cid}.{prop}"] = value
                    if isinstance(value, (dict, list)):
                        stack.append(value)
    return values


def _outputs(key: str) -> list[dict]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]


def change_callbacks(dependencies: list[dict]) -> list[dict]:
    """The server callbacks a peildatum change on / fires (clientside ones cost the server nothing)."""
    return [
        cb
        for cb in dependencies
        if not cb.get("clientside_function") and any(i["id"] == PEILDATUM and i["property"] == "value" for i in cb["inputs"])
    ]


def callback_body(cb: dict, values: dict) -> dict:
    """The body Dash's renderer posts to /_dash-update-component (a value only where the renderer has one)."""

    def item(dep):
        entry = {"id": dep["id"], "property": dep["property"]}
        key = f"{dep['id']}.{dep['property']}"
        if key in values:
            entry["value"] = values[key]
        return entry

    outputs = [{"id": o["id"], "property": o["property"].split("@")[0]} for o in _outputs(cb["output"])]
    changed = [f"{PEILDATUM}.value"]
    body = {
        "output": cb["output"],
        "outputs": outputs if cb["output"].startswith("..") else outputs[0],
        "inputs": [item(i) for i in cb["inputs"]],
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }
    if cb.get("state"):
        body["state"] = [item(s) for s in cb["state"]]
    return body


def callback_kind(cb: dict) -> str:
    return "callback " + _outputs(cb["output"])[0]["id"]


# --- measuring --------------------------------------------------------------------------------


def error_name(exc: BaseException) -> str:
    """A connection error in words; the cause is in the exception's text (requests wraps urllib3 wraps OSError)."""
    text_ = repr(exc)
    if isinstance(exc, requests.Timeout):
        return "time-out"
    if "RemoteDisconnected" in text_ or "Remote end closed" in text_ or "IncompleteRead" in text_:
        return "verbinding door de server gesloten (remote closed)"
    if "ConnectionResetError" in text_ or "Connection reset" in text_ or "BrokenPipe" in text_:
        return "verbinding verbroken (connection reset)"
    if "Connection refused" in text_ or "ConnectionRefused" in text_:
        return "verbinding geweigerd"
    return type(exc).__name__


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=dict)  # kind -> ms of each answered request
    statuses: dict[str, Counter] = field(default_factory=dict)  # kind -> status -> count
    errors: Counter = field(default_factory=Counter)  # (kind, what) -> count
    hits: Counter = field(default_factory=Counter)  # kind -> answers the server had ready (X-Cache: hit)
    failed_changes: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self, kind: str, status: int, ms: float, hit: bool = False) -> None:
        with self.lock:
            self.hits[kind] += hit
            self.times.setdefault(kind, []).append(ms)
            self.statuses.setdefault(kind, Counter())[status] += 1
            if status >= 400:
                self.errors[(kind, f"status {status}")] += 1

    def failed(self, kind: str, what: str) -> None:
        with self.lock:
            self.statuses.setdefault(kind, Counter())[what] += 1
            self.errors[(kind, what)] += 1

    @property
    def requests(self) -> int:
        return sum(sum(c.values()) for kind, c in self.statuses.items() if kind != CHANGE)

    @property
    def error_count(self) -> int:
        return sum(n for (kind, _), n in self.errors.items())


class Viewer:
    """One browser: its own session (cookies, keep-alive connections), visits / and changes the peildatum."""

    def __init__(self, bases: list[str], turn, stats: Stats, pool: ThreadPoolExecutor, rng: random.Random, think: float, changes: int):
        self.bases, self.turn, self.stats, self.pool, self.rng = bases, turn, stats, pool, rng
        self.think, self.changes = think, changes
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=len(bases), pool_maxsize=BROWSER_CONNECTIONS, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.headers.update({"User-Agent": "etvi-load-bench (python-requests)", "Accept-Encoding": "gzip, deflate"})
        self.page = "/"
        self.values: dict = {}
        self.callbacks: list[dict] = []

    def base(self) -> str:
        return self.bases[next(self.turn) % len(self.bases)]

    def send(self, kind: str, method: str, path: str, headers: dict, body: dict | None = None):
        """The response (its content read), or ``None`` after a connection error; both counted."""
        base = self.base()
        headers = {k: v.replace("{base}", base) for k, v in headers.items()}
        data = json.dumps(body, separators=(",", ":")) if body is not None else None
        start = time.perf_counter()
        try:
            response = self.session.request(method, base + path, headers=headers, data=data, timeout=TIMEOUT)
            response.content  # noqa: B018 - the whole answer, as the browser waits for it
        except requests.RequestException as exc:
            self.stats.failed(kind, error_name(exc))
            return None
        self.stats.answered(kind, response.status_code, (time.perf_counter() - start) * 1000, response.headers.get(CACHE_HEADER) == "hit")
        return response

    def pause(self, deadline: float) -> bool:
        """Think, then say whether there is time for another action."""
        if self.think:
            time.sleep(min(self.think * self.rng.uniform(0.5, 1.5), max(0.0, deadline - time.monotonic())))
        return time.monotonic() < deadline

    def visit(self) -> bool:
        page = self.send("pagina /", "GET", self.page, {"Accept": HTML, "Sec-Fetch-Site": "none"})
        if page is None or page.status_code != 200:
            return False
        same = {"Accept": "application/json", "Content-Type": "application/json", "Referer": "{base}" + self.page, "Sec-Fetch-Site": "same-origin"}
        layout_f = self.pool.submit(self.send, "/_dash-layout", "GET", "/_dash-layout", {**same, "X-Etvi-Page": self.page})
        deps = self.send("/_dash-dependencies", "GET", "/_dash-dependencies", same)
        layout = layout_f.result()
        if not (layout is not None and layout.status_code == 200 and deps is not None and deps.status_code == 200):
            return False
        self.values = component_values(layout.json())
        self.callbacks = change_callbacks(deps.json())
        return bool(self.callbacks) and f"{PEILDATUM}.options" in self.values

    def change(self) -> None:
        options = [o["value"] for o in self.values[f"{PEILDATUM}.options"] if o["value"] != self.values.get(f"{PEILDATUM}.value")]
        self.values[f"{PEILDATUM}.value"] = self.rng.choice(options)
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Origin": "{base}",
            "Referer": "{base}" + self.page,
            "Sec-Fetch-Site": "same-origin",
        }
        start = time.perf_counter()
        futures = [
            self.pool.submit(self.send, callback_kind(cb), "POST", "/_dash-update-component", headers, callback_body(cb, self.values))
            for cb in self.callbacks[1:]
        ]
        first = self.send(callback_kind(self.callbacks[0]), "POST", "/_dash-update-component", headers, callback_body(self.callbacks[0], self.values))
        responses = [first] + [f.result() for f in futures]
        ms = (time.perf_counter() - start) * 1000
        if all(r is not None and r.status_code == 200 for r in responses):
            self.stats.answered(CHANGE, 200, ms)
            self._remember(responses)
        else:
            with self.stats.lock:
                self.stats.failed_changes += 1

    def _remember(self, responses) -> None:
        """Keep what the renderer keeps for the next change: the outputs that are inputs or state (the map key)."""
        wanted = {f"{d['id']}.{d['property']}" for cb in self.callbacks for d in cb["inputs"] + cb.get("state", [])}
        for r in responses:
            for cid, props in (r.json().get("response") or {}).items():
                for prop, value in props.items():
                    if f"{cid}.{prop}" in wanted:
                        self.values[f"{cid}.{prop}"] = value

    def download(self) -> None:
        query = {"peildatum": self.values[f"{PEILDATUM}.value"], "onderdeel": self.values.get("ov-onderdeel.value"), "niveau": self.values.get("ov-niveau.value")}
        path = "/download/overzicht.csv?" + urlencode({k: v for k, v in query.items() if v})
        self.send("download csv", "GET", path, {"Accept": HTML, "Referer": "{base}" + self.page, "Sec-Fetch-Site": "same-origin"})

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if not self.visit():
                time.sleep(0.2)  # a server that does not answer is not hammered
                self.pause(deadline)
                continue
            for _ in range(self.changes):
                if not self.pause(deadline):
                    return
                self.change()
            if not self.pause(deadline):
                return
            self.download()
            # the next visit opens a link to another view, as a shared link would
            onderdelen = [o["value"] for o in self.values.get("ov-onderdeel.options") or []]
            query = {"peildatum": self.values[f"{PEILDATUM}.value"]}
            if onderdelen:
                query["onderdeel"] = self.rng.choice(onderdelen)
            self.page = "/?" + urlencode(query)
            if not self.pause(deadline):
                return


def replay(bases: list[str], viewers: int, seconds: float, think: float = 1.0, changes: int = 5, seed: int = 1) -> Stats:
    """``viewers`` browsers for ``seconds`` (they start spread over the first second or two); bounded:
    no request starts after the deadline and each one gives up after TIMEOUT seconds."""
    stats = Stats()
    turn = itertools.count()
    rng = random.Random(seed)
    ramp = min(2.0, seconds / 5)
    with ThreadPoolExecutor(max_workers=viewers * 3, thread_name_prefix="load") as pool:
        start = time.monotonic()
        deadline = start + seconds
        people = [Viewer(bases, turn, stats, pool, random.Random(rng.random()), think, changes) for _ in range(viewers)]

        def run(viewer: Viewer, delay: float) -> None:
            time.sleep(delay)
            viewer.run(deadline)

        threads = [threading.Thread(target=run, args=(v, ramp * i / viewers), daemon=True) for i, v in enumerate(people)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(0.0, deadline + TIMEOUT * 3 - time.monotonic()))
        stats.seconds = time.monotonic() - start
        for v in people:
            v.session.close()
    return stats


class Usage:
    """CPU used while measuring: the whole machine (/proc/stat), the servers (their process groups)
    and this client, in cores; plus the load average. Linux only; elsewhere the CPU part is left out."""

    def __init__(self, server_pids: list[int]):
        self.server_pids = server_pids
        self.load_start = os.getloadavg()[0]
        self.start = self._sample()

    @staticmethod
    def _ticks_machine() -> tuple[int, int] | None:
        try:
            fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields) - idle, sum(fields)

    def _ticks_servers(self) -> int:
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parts = stat[stat.rfind(")") + 2 :].split()
            if int(parts[2]) in self.server_pids:  # pgrp: each server runs in its own session
                total += int(parts[11]) + int(parts[12])
        return total

    def _sample(self):
        ru = resource.getrusage(resource.RUSAGE_SELF)
        return time.monotonic(), self._ticks_machine(), self._ticks_servers(), ru.ru_utime + ru.ru_stime

    def report(self, requests_done: int) -> str:
        """The load average before and after, and the CPU split; with the servers' CPU time per
        request, which says more than latencies on a shared machine: it does not wait for the others."""
        end = self._sample()
        wall = end[0] - self.start[0]
        hz = os.sysconf("SC_CLK_TCK")
        parts = [f"load {self.load_start:.1f} -> {os.getloadavg()[0]:.1f} op {os.cpu_count()} cores"]
        if self.start[1] and end[1]:
            busy = (end[1][0] - self.start[1][0]) / hz / wall
            servers = (end[2] - self.start[2]) / hz / wall
            client = (end[3] - self.start[3]) / wall
            parts.append(f"CPU bezet {busy:.2f} cores: servers {servers:.2f}, deze client {client:.2f}, de rest {max(0.0, busy - servers - client):.2f}")
            if requests_done:
                parts.append(f"servers {servers * wall * 1000 / requests_done:.1f} CPU-ms per verzoek")
        return "; ".join(parts)


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def etvi_env(url: str, folder: Path, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.update(ETVI_DATABASE_URL=url, ETVI_DATA_DIR=str(folder), ETVI_CACHE_DIR=str(folder / "cache"), ETVI_LOG_FORMAT="text")
    env.update(extra or {})
    return env


def etvi(*args: str) -> list[str]:
    return [sys.executable, "-c", "from etvi.cli import main; main()", *args]


def fill_database(url: str, folder: Path) -> None:
    """``etvi demo --no-serve``: schema, reference data, the demo history."""
    folder.mkdir(parents=True, exist_ok=True)
    env = etvi_env(url, folder, {"ETVI_DATA_DIR": str(preconditions.data_dir(REPO))})
    done = subprocess.run(etvi("demo", "--no-serve"), env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise Missing(f"`etvi demo --no-serve` mislukte: {(done.stdout + done.stderr).strip()[-800:]}")


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    log: Path


def start_server(url: str, folder: Path, workers: int, extra: dict | None = None) -> Server:
    """``etvi serve`` on a free port, with its own data folder; ready once /health/ready and / answer 200."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            etvi("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            env=etvi_env(url, folder, extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Missing(f"etvi serve stopte meteen: {log.read_text()[-800:]}")
        try:
            if requests.get(server.base + "/health/ready", timeout=5).status_code == 200 and requests.get(server.base + "/", timeout=30).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise Missing(f"etvi serve kwam niet op binnen 120 s: {log.read_text()[-800:]}")


def log_notes(server: Server, workers: int) -> list[str]:
    """What the server's log says went wrong: workers restarted or killed, errors."""
    lines = server.log.read_text(errors="replace").splitlines()
    notes = []
    booted = sum("Booting worker" in line for line in lines)
    if booted > workers:
        notes.append(f"{booted - workers} workers opnieuw gestart")
    for marker in ("WORKER TIMEOUT", "Traceback", "ERROR", "CRITICAL"):
        n = sum(marker in line for line in lines)
        if n:
            notes.append(f"{n} regels met {marker}")
    return [f"{server.base}: {note}" for note in notes]


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()


def postgres_database(admin_url: str) -> tuple[str, callable]:
    name = f"etvi_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def postgres_problem(admin_url: str) -> str | None:
    """Why PostgreSQL at ``admin_url`` cannot be used (asked with a short connect timeout), or ``None``."""
    try:
        if make_url(admin_url).get_backend_name() != "postgresql":
            return f"--postgres {admin_url!r} is geen PostgreSQL-URL."
        engine = create_engine(admin_url, connect_args={"connect_timeout": 5})
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        return f"--postgres {admin_url!r} is geen bruikbare database-URL ({type(exc).__name__}: {exc})."
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL ({make_url(admin_url).render_as_string()}) is niet bereikbaar: {first}."
    finally:
        engine.dispose()
    return None


# --- report -----------------------------------------------------------------------------------


def kind_order(stats: Stats) -> list[str]:
    first = ["pagina /", "/_dash-layout", "/_dash-dependencies"]
    callbacks = sorted(k for k in stats.statuses if k.startswith("callback "))
    return [k for k in first + callbacks + ["download csv", CHANGE] if k in stats.statuses or k in stats.times]


def report(title: str, load: Stats, base: Stats, usage: dict[str, str], viewers: int, notes: list[str]) -> bool:
    rps, rps_base = load.requests / load.seconds, base.requests / base.seconds
    print()
    print("=" * 100)
    print(title)
    print("-" * 100)
    print(f"{'':34}{'belasting (' + str(viewers) + ' kijkers)':>30}{'1 kijker tegelijk (naïef)':>28}{'p95':>8}")
    print(f"{'soort verzoek':34}{'n':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'n':>6}{'p50':>8}{'p95':>8}{'p99':>6}{'x':>8}")
    for kind in kind_order(load):
        t, b = load.times.get(kind, []), base.times.get(kind, [])
        ratio = pct(t, 0.95) / pct(b, 0.95) if b and t else float("nan")
        label = f"{CHANGE} (alle callbacks)" if kind == CHANGE else kind
        print(f"{label:34}{len(t):>6}{pct(t, .5):>8.0f}{pct(t, .95):>8.0f}{pct(t, .99):>8.0f}{len(b):>6}{pct(b, .5):>8.0f}{pct(b, .95):>8.0f}{pct(b, .99):>6.0f}{ratio:>7.1f}x")
    print(f"{'(ms; x = p95 belasting / p95 naïef)':34}")
    print(f"{'verzoeken/s':34}{rps:>30.1f}{rps_base:>28.1f}{rps / rps_base if rps_base else float('nan'):>7.1f}x")
    errors = load.error_count
    print(f"{'fouten':34}{f'{errors} van {load.requests}':>30}{f'{base.error_count} van {base.requests}':>28}")
    for (kind, what), n in sorted((load.errors + base.errors).items()):
        print(f"    {n:>5} x {kind}: {what}")
    if load.failed_changes:
        print(f"    {load.failed_changes} peildatumwijzigingen niet compleet")
    ready = [f"{kind} {100 * load.hits[kind] / len(load.times[kind]):.0f}%" for kind in kind_order(load) if kind != CHANGE and load.times.get(kind)]
    print(f"  kant-en-klare antwoorden (X-Cache: hit) tijdens de belasting: {', '.join(ready)}")
    for part, text_ in usage.items():
        print(f"  machine tijdens {'de belasting' if part == 'belasting' else 'de naïeve meting'}: {text_}")
    for note in notes:
        print(f"  serverlog: {note}")
    checks = [
        ("0 fouten (status >= 400, verbroken of gesloten verbinding, time-out)", errors == 0 and base.error_count == 0),
        (f"p95 van een peildatumwijziging < {TARGET_CHANGE_P95_MS} ms ({pct(load.times.get(CHANGE, []), .95):.0f} ms)", pct(load.times.get(CHANGE, []), 0.95) < TARGET_CHANGE_P95_MS),
    ]
    for text_, ok in checks:
        print(f"  [{'OK ' if ok else 'NIET GEHAALD'}] {text_}")
    print("=" * 100)
    return all(ok for _, ok in checks)


def forget_answers(url: str) -> None:
    """Empty the shared answer cache (``dashboard.response_cache``), so a part does not start with
    the answers of the one before it."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM cachedanswer"))
    finally:
        engine.dispose()


def measure(title: str, servers: list[Server], args, viewers: int) -> bool:
    bases = [s.base for s in servers]
    replay(bases, viewers=min(4, viewers), seconds=args.warmup, think=0, changes=args.changes, seed=7)  # every worker's caches warm
    pids = [s.proc.pid for s in servers]
    usage = Usage(pids)
    base = replay(bases, viewers=1, seconds=args.baseline_seconds, think=0, changes=args.changes, seed=3)
    base_usage = usage.report(base.requests)
    usage = Usage(pids)
    load = replay(bases, viewers=viewers, seconds=args.seconds, think=args.think, changes=args.changes, seed=5)
    notes = [note for s in servers for note in log_notes(s, args.workers)]
    return report(title, load, base, {"belasting": usage.report(load.requests), "naïef": base_usage}, viewers, notes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=50, help="gelijktijdige kijkers op één server (standaard 50)")
    parser.add_argument("--viewers2", type=int, help="kijkers op twee servers (standaard 2x --viewers)")
    parser.add_argument("--seconds", type=float, default=30, help="duur van elke belastingmeting (standaard 30 s)")
    parser.add_argument("--baseline-seconds", type=float, default=10, help="duur van de meting met één kijker (standaard 10 s)")
    parser.add_argument("--warmup", type=float, default=5, help="opwarmen vóór de metingen (standaard 5 s)")
    parser.add_argument("--think", type=float, default=1.0, help="gemiddelde denktijd tussen acties van een kijker (standaard 1 s; 0 = verzadiging)")
    parser.add_argument("--changes", type=int, default=5, help="peildatumwijzigingen per bezoek (standaard 5)")
    parser.add_argument("--workers", type=int, default=2, help="workers per etvi serve (standaard 2)")
    parser.add_argument("--postgres", default=os.environ.get("ETVI_TEST_POSTGRES_URL") or DEFAULT_POSTGRES, help="PostgreSQL admin-URL (er wordt een tijdelijke database gemaakt)")
    parser.add_argument("--sqlite", action="store_true", help="SQLite in plaats van PostgreSQL (alleen de meting met één server)")
    parser.add_argument("--one-server", action="store_true", help="sla de meting met twee servers over")
    parser.add_argument("--quick", action="store_true", help="kort (make benchmark): 10 s, 10 kijkers (20 op twee servers), 3 s naïef, 2 s opwarmen")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.viewers, args.baseline_seconds, args.warmup = 10, 10, 3, 2
    args.viewers2 = args.viewers2 or 2 * args.viewers
    if min(args.viewers, args.viewers2, args.changes, args.workers) < 1 or min(args.seconds, args.baseline_seconds) <= 0 or args.think < 0:
        return fail("--viewers, --changes en --workers moeten minstens 1 zijn, de duur positief, de denktijd niet negatief.")
    try:
        preconditions.geo_dir()
        preconditions.data_dir(REPO)
        return run(args)
    except Missing as exc:
        return fail(str(exc))


def run(args) -> int:
    problem = None if args.sqlite else postgres_problem(args.postgres)
    if problem:
        sys.stdout.flush()
        print(f"Let op: {problem} De meting draait op SQLite, met één server; de meting met twee servers (die een PostgreSQL nodig heeft) wordt overgeslagen.", file=sys.stderr)
    on_postgres = not args.sqlite and not problem
    ok = True
    with tempfile.TemporaryDirectory(prefix="etvi-load-") as tmp:
        tmp = Path(tmp)
        if on_postgres:
            url, drop = postgres_database(args.postgres)
        else:
            url, drop = f"sqlite:///{tmp / 'load.sqlite'}", lambda: None
        servers: list[Server] = []
        try:
            fill_database(url, tmp / "init")
            servers.append(start_server(url, tmp / "server-a", args.workers))
            forget_answers(url)
            what = "PostgreSQL" if on_postgres else "SQLite"
            setup = f"{args.workers} workers x 4 threads per server, {what}, {args.seconds:.0f} s, denktijd {args.think:g} s, {args.changes} wijzigingen per bezoek"
            ok &= measure(f"Eén etvi serve: {args.viewers} kijkers ({setup})", servers, args, args.viewers)
            if on_postgres and not args.one_server:
                # fresh servers and an empty cache: this part does not start with the answers of the first
                stop_server(servers.pop())
                servers += [start_server(url, tmp / name, args.workers) for name in ("server-c", "server-d")]
                forget_answers(url)
                ok &= measure(f"Twee etvi serve op één database, om de beurt: {args.viewers2} kijkers ({setup})", servers, args, args.viewers2)
        finally:
            for server in servers:
                stop_server(server)
            drop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
