"""``etvi serve`` keeps idle connections open for ETVI_KEEPALIVE seconds (default 75): gunicorn's own
2 s closed connections that clients were just reusing, which reset their requests
(benchmarks/load_bench.py saw that under load)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from etvi.cli.serve import gunicorn_options
from tests.support.database import filled_database

IDLE = 3.0  # longer than gunicorn's default keep-alive (2 s), far shorter than ours


def ask(sock: socket.socket, host: str) -> bytes:
    """One GET /health/live on an open connection; the raw answer ('' when the server closed it)."""
    sock.sendall(f"GET /health/live HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        if not chunk:
            return answer
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return answer


@pytest.mark.parametrize("keepalive", [None, "1"], ids=["default", "ETVI_KEEPALIVE=1"])
def test_an_idle_kept_alive_connection_stays_open_for_etvi_keepalive_seconds(tmp_path, keepalive, live_server):
    url, drop = filled_database("sqlite", tmp_path)
    server = live_server(url, "serve", workers=1, env={"ETVI_KEEPALIVE": keepalive} if keepalive else None)
    base = server.url
    try:
        host = base.removeprefix("http://")
        address, port = host.split(":")
        with socket.create_connection((address, int(port)), timeout=10) as sock:
            assert ask(sock, host).startswith(b"HTTP/1.1 200")
            time.sleep(IDLE)
            try:
                second = ask(sock, host)
            except ConnectionResetError:
                second = b""
        if keepalive:
            assert second == b""  # the server closed the idle connection after 1 s
        else:
            assert second.startswith(b"HTTP/1.1 200")
    finally:
        server.stop()
        drop()


def test_the_gunicorn_settings_follow_the_etvi_variables(monkeypatch):
    for name in ("ETVI_THREADS", "ETVI_KEEPALIVE", "ETVI_WORKER_CONNECTIONS", "ETVI_WORKER_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    default = gunicorn_options("127.0.0.1", 8050, 2)
    got = (default["worker_class"], default["threads"], default["keepalive"], default["worker_connections"], default["timeout"])
    assert got == ("gthread", 4, 75, 1000, 120)
    monkeypatch.setenv("ETVI_THREADS", "8")
    monkeypatch.setenv("ETVI_KEEPALIVE", "0")
    monkeypatch.setenv("ETVI_WORKER_CONNECTIONS", "200")
    monkeypatch.setenv("ETVI_WORKER_TIMEOUT", "30")
    chosen = gunicorn_options("127.0.0.1", 8050, 2)
    assert (chosen["threads"], chosen["keepalive"], chosen["worker_connections"], chosen["timeout"]) == (8, 0, 200, 30)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("ETVI_KEEPALIVE", "-1", "ETVI_KEEPALIVE moet een geheel getal van minstens 0 zijn, niet -1."),
        ("ETVI_THREADS", "veel", "ETVI_THREADS moet een geheel getal zijn, niet 'veel'."),
        ("ETVI_WORKER_TIMEOUT", "0", "ETVI_WORKER_TIMEOUT moet een geheel getal van minstens 1 zijn, niet 0."),
        ("ETVI_API_RATE_READ", "veel", "ETVI_API_RATE_READ moet een geheel getal zijn, niet 'veel'."),
        ("ETVI_API_RATE_WINDOW_SECONDS", "0", "ETVI_API_RATE_WINDOW_SECONDS moet een geheel getal van minstens 1 zijn, niet 0."),
    ],
)
def test_etvi_serve_refuses_a_bad_setting_in_dutch(tmp_path, name, value, message):
    env = {**os.environ, name: value, "ETVI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run(
        [sys.executable, "-c", "from etvi.cli import main; main()", "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=120
    )
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2 and message in output, output
    assert "Traceback" not in output
