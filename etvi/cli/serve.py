"""``etvi serve``: the dashboard. Several gunicorn workers by default; ``--dev`` for Dash's
development server (one process, debug tools, reloads on code changes)."""

from __future__ import annotations

import logging
from typing import Optional

import typer
from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication
from rich.console import Console
from sqlalchemy import text

from dashboard.app import complete_setup, create_app
from etvi import logging_config
from etvi.config import Settings, settings
from models import db

err = Console(stderr=True)
log = logging.getLogger("etvi.serve")


def check_database(url: str | None = None) -> int:
    """The number of current gemeenten; raises typer.Exit(2) with a Dutch message when there are none."""
    if not db.has_schema(url):
        err.print("[bold red]Fout:[/] de database heeft nog geen tabellen. Voer eerst [bold]etvi init[/] uit.", highlight=False)
        raise typer.Exit(2)
    with db.engine(url).connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM gemeente WHERE valid_to IS NULL")).scalar_one()
    if not count:
        err.print(
            "[bold red]Fout:[/] er staan nog geen gemeenten in de database, dus het dashboard heeft niets te tonen. "
            "Voer eerst [bold]etvi init[/] uit.",
            highlight=False,
        )
        raise typer.Exit(2)
    return int(count)


def gunicorn_options(host: str, port: int, workers: int, cfg: Settings | None = None) -> dict:
    """gunicorn's settings for ``etvi serve``; threads, keep-alive, connections and the worker timeout
    from ``cfg`` (ETVI_THREADS, ETVI_KEEPALIVE, ETVI_WORKER_CONNECTIONS, ETVI_WORKER_TIMEOUT)."""
    cfg = cfg or settings()
    return {
        "bind": f"{host}:{port}",
        "workers": max(1, workers),
        "worker_class": "gthread",
        "threads": cfg.threads,
        # An idle kept-alive connection is closed after this many seconds. A client that sends its
        # next request on it just then gets a reset connection (the request is lost: browsers retry
        # some, a proxy usually not a POST). gunicorn's default of 2 s made that happen to about
        # 1 request in 100 under load (benchmarks/load_bench.py); it must be longer than the idle timeout of the proxy or
        # load balancer in front (nginx upstream keepalive and most cloud balancers: 60 s), so that
        # the side that closes is always the one that knows no request is on its way.
        "keepalive": cfg.keepalive,
        # open connections per worker, idle kept-alive ones included; at the limit it stops accepting
        "worker_connections": cfg.worker_connections,
        "timeout": cfg.worker_timeout,
        "graceful_timeout": 20,
        "accesslog": None,  # the app logs each request itself, without query strings (dashboard/requestlog.py)
        "errorlog": "-",
        "loglevel": "info",
        "logconfig_dict": logging_config.dict_config(),
        "preload_app": False,  # every worker opens its own database connections
        # gunicorn's control socket lives in one fixed place per user; two dashboards (or a
        # test next to a running one) would fight over it, and ``etvi serve`` does not use it
        "control_socket_disable": True,
        # gunicorn would take X-Forwarded-Proto from 127.0.0.1 on its own; forwarded headers are
        # the app's business and trusted only with ETVI_TRUSTED_PROXIES (dashboard/security.py)
        "forwarded_allow_ips": "",
    }


class DashboardApplication(BaseApplication):
    """gunicorn with ``options``; each worker imports ``dashboard.wsgi`` itself (``preload_app`` off)."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings this gunicorn version does not know are skipped
                self.cfg.set(key, value)

    def load(self):
        return gunicorn_util.import_app("dashboard.wsgi:server")


def run_gunicorn(options: dict) -> None:
    DashboardApplication(options).run()


def serve(
    host: Optional[str] = typer.Option(None, "--host", help="Adres om op te luisteren (standaard ETVI_HOST, 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", help="Poort (standaard ETVI_PORT, 8050)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Aantal serverprocessen (standaard ETVI_WORKERS, 2)."),
    dev: bool = typer.Option(False, "--dev", help="Ontwikkelserver van Dash: één proces, foutmeldingen in de browser, herladen bij wijzigingen."),
) -> None:
    """Het dashboard starten."""
    cfg = settings()
    # a server's log lines (one per request, see dashboard/requestlog.py) go to stderr; the
    # other commands keep library output quiet (etvi.cli.main)
    logging_config.configure(cfg.log_format)

    host = host or cfg.host
    port = port or cfg.port
    workers = workers or cfg.workers
    count = check_database()
    db.dispose_all()  # no pooled connections may cross into the worker processes
    # a log line like every other line of a running server (one JSON object with ETVI_LOG_FORMAT=json)
    log.info("Dashboard met %s gemeenten op http://%s:%s/ (%s).", count, host, port, "ontwikkelserver" if dev else f"{workers} processen")
    if dev:
        app = create_app()
        complete_setup(app)
        app.run(host=host, port=port, debug=True)
        return
    run_gunicorn(gunicorn_options(host, port, workers, cfg))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
