"""Live servers for the tests, the one place that starts them: the app in this process in a thread
(werkzeug's threaded server, as Dash's development server runs it), or the real ``etvi serve``
(gunicorn workers) in a subprocess, as in production. Both on 127.0.0.1 and a free port.

Tests get them from the ``live_server`` fixture (tests/conftest.py); a fixture with a wider scope
uses ``LiveServers`` itself. ``Balancer`` stands in front of several servers as a load balancer does."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from werkzeug.serving import make_server

from dashboard.app import complete_setup
from tests.support.app import make_app

KINDS = ("thread", "serve")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """A running server: ``url`` (no trailing slash), its database, and for ``thread`` the app,
    for ``serve`` the process and the file with its output."""

    kind: str
    url: str
    db_url: str
    app: object | None = None
    process: subprocess.Popen | None = None
    log: Path | None = None
    _server: object | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def wait_ready(self, seconds: float = 60) -> None:
        """Wait until ``/`` answers 200 (every worker has set up Dash before it takes a request)."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"etvi serve stopte: {self.output()}")
            try:
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        self.stop()
        raise AssertionError("etvi serve kwam niet op")

    def output(self) -> str:
        """The end of what ``etvi serve`` wrote."""
        return self.log.read_text(errors="replace")[-3000:] if self.log and self.log.exists() else ""

    def stop(self, quick: bool = False) -> None:
        """Stop the server (again: nothing). ``serve``: gracefully (SIGTERM), or ``quick``
        (SIGINT: gunicorn's quick shutdown)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None
        proc = self.process
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT if quick else signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


class LiveServers:
    """Starts live servers and stops all of them (and restores the environment) on ``close``."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.servers: list[LiveServer] = []
        self._saved_env: dict[str, str | None] = {}

    def __enter__(self) -> LiveServers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(
        self,
        db_url: str,
        kind: str = "thread",
        *,
        env: dict | None = None,
        app=None,
        workers: int = 2,
        wait: bool = True,
        port: int | None = None,
        log: Path | None = None,
    ) -> LiveServer:
        """A server on ``db_url``. ``kind``: ``"thread"`` (``app``, default the real app with
        security and API; ``env`` is set in this process until ``close``) or ``"serve"``
        (``workers`` gunicorn workers, ``env`` added to the subprocess's environment, output in
        ``log``). ``wait``: return once ``/`` answers 200; ``False`` (``serve`` only): as soon as
        the port accepts connections, before the workers are ready."""
        if kind not in KINDS:
            raise ValueError(f"kind is {KINDS}, niet {kind!r}")
        port = port or free_port()
        server = self._start_serve(db_url, port, env, workers, log) if kind == "serve" else self._start_thread(db_url, port, env, app)
        self.servers.append(server)
        if kind == "serve":
            if wait:
                server.wait_ready()
            else:
                _wait_for_port(server, port)
        return server

    def set_env(self, env: dict) -> None:
        """Set ``env`` in this process until ``close`` (for an app built before ``start``)."""
        for key, value in env.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def _start_thread(self, db_url: str, port: int, env: dict | None, app) -> LiveServer:
        self.set_env(env or {})
        app = app or make_app(db_url)
        complete_setup(app)  # as every `etvi serve` worker does: no first-request race (plotly/dash#3971)
        httpd = make_server("127.0.0.1", port, app.server, threaded=True)
        thread = threading.Thread(target=httpd.serve_forever, name="etvi-test-server", daemon=True)
        thread.start()
        return LiveServer("thread", f"http://127.0.0.1:{port}", db_url, app=app, _server=httpd, _thread=thread)

    def _start_serve(self, db_url: str, port: int, env: dict | None, workers: int, log: Path | None) -> LiveServer:
        full_env = dict(os.environ)
        full_env.update(
            ETVI_DATABASE_URL=db_url,
            ETVI_CACHE_DIR=str(self.tmp_path / f"cache-{port}"),
            ETVI_GEO_URL="http://127.0.0.1:9/",  # never download boundaries in a test
        )
        full_env.update(env or {})
        log = log or self.tmp_path / f"serve-{port}.log"
        with open(log, "w") as out:  # the child keeps its own copy
            proc = subprocess.Popen(
                [sys.executable, "-c", "from etvi.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        return LiveServer("serve", f"http://127.0.0.1:{port}", db_url, process=proc, log=log)

    def close(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        self.servers.clear()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()


def _wait_for_port(server: LiveServer, port: int, seconds: float = 60) -> None:
    """gunicorn's master listens first; the workers take the queued connections when they start."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"etvi serve stopte: {server.output()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    server.stop()
    raise AssertionError("etvi serve opende de poort niet")


HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection"}


class Balancer:
    """Forwards every request to ``self.target`` (a port on 127.0.0.1) and counts per port what
    reached which server."""

    def __init__(self, target: int):
        self.target = target
        self.seen: dict[int, list[str]] = {}
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                port = balancer.target
                balancer.seen.setdefault(port, []).append(f"{self.command} {self.path}")
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status, resp.reason)
                for key, value in resp.getheaders():
                    if key.lower() not in HOP_HEADERS and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


class OtherSite:
    """A tiny site on another port of 127.0.0.1, so another origin than the app: serves ``pages``
    (path -> HTML) as they are, for tests of what the app lets other sites do (framing).
    A context manager: ``with OtherSite({"/": html}) as site: site.url``."""

    def __init__(self, pages: dict[str, str]):
        self.pages = pages
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                body = site.pages.get(self.path.split("?", 1)[0])
                data = (body or "niet gevonden").encode("utf-8")
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="etvi-other-site", daemon=True)

    def __enter__(self) -> OtherSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
