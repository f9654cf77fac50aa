"""A live ``etvi serve`` (real gunicorn workers) in a subprocess, for tests of the server as it runs
in production: ``start_serve``, ``wait_ready``, ``stop`` and ``filled_database``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import requests

from models import db
from tests.conftest import create_database
from tests.dashboard import sample_data
from tests.dashboard.conftest import TEST_END, TEST_START, build_reference_db, free_port


def start_serve(url: str, tmp_path, workers: int = 2, wait: bool = True, port: int | None = None, env_extra: dict | None = None, log=None):
    """Start ``etvi serve`` on ``url``; returns ``(process, base URL)`` once ``/`` answers 200, or
    with ``wait=False`` as soon as the port accepts connections (before the workers are ready:
    gunicorn's master listens first, the workers take the queued connections when they start).
    ``log``: a file path for the server's output (else a pipe, read when it fails to start)."""
    port = port or free_port()
    env = dict(os.environ)
    env.update(
        ETVI_DATABASE_URL=url,
        ETVI_CACHE_DIR=str(tmp_path / f"cache-{port}"),
        ETVI_GEO_URL="http://127.0.0.1:9/",  # never download boundaries in a test
    )
    env.update(env_extra or {})
    proc = subprocess.Popen(
        [sys.executable, "-c", "from etvi.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=open(log, "w") if log else subprocess.PIPE,  # noqa: SIM115 - the child keeps it
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    if not wait:
        while time.time() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"etvi serve stopte: {_output(proc, log)}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, base
            except OSError:
                time.sleep(0.02)
        stop(proc)
        raise AssertionError("etvi serve opende de poort niet")
    wait_ready(proc, base, log, seconds=deadline - time.time())
    return proc, base


def wait_ready(proc, base: str, log=None, seconds: float = 60) -> None:
    """Wait until ``/`` answers 200 (every worker has set up Dash before it takes a request)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"etvi serve stopte: {_output(proc, log)}")
        try:
            if requests.get(base + "/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.3)
    stop(proc)
    raise AssertionError("etvi serve kwam niet op")


def _output(proc, log) -> str:
    text = open(log).read() if log else proc.stdout.read()
    return text[-3000:]


def stop(proc, quick: bool = False) -> None:
    """Stop the server: gracefully (SIGTERM), or ``quick`` (SIGINT: gunicorn's quick shutdown)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT if quick else signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()



def filled_database(backend: str, tmp_path):
    url, drop = create_database(backend, tmp_path)
    build_reference_db(url)
    sample_data.populate(url, start=TEST_START, end=TEST_END)
    db.dispose_all()
    return url, drop
