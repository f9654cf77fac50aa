"""What a benchmark needs before it starts, checked up front so a missing piece is one Dutch line
on stderr and exit code 2, not a traceback halfway through a run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
MISSING = 2  # exit code: a precondition is missing (1 = ran, but a target was not met)


class Missing(Exception):
    """A precondition of a benchmark is not met; the message says which and how to fix it."""


def fail(message: str) -> int:
    print(f"Benchmark niet uitgevoerd: {message}", file=sys.stderr)
    return MISSING


def geo_dir() -> Path:
    """ETVI_GEO_DIR, set and holding boundary files."""
    raw = os.environ.get("ETVI_GEO_DIR")
    if not raw:
        raise Missing("zet ETVI_GEO_DIR op de map met grensbestanden (bijv. cartomap-nl/wgs84); `make benchmark` doet dat als ../shared/geo bestaat.")
    path = Path(raw).expanduser()
    if not path.is_dir() or not any(path.iterdir()):
        raise Missing(f"ETVI_GEO_DIR={raw} is geen map met grensbestanden.")
    return path


def data_dir(repo: Path) -> Path:
    path = Path(os.environ.get("ETVI_DATA_DIR") or repo / "data")
    if not (path / "statussen.csv").is_file():
        raise Missing(f"de referentiegegevens ontbreken in {path} (statussen.csv); zet ETVI_DATA_DIR of werk vanuit de repository.")
    return path


def chromium() -> str | None:
    """Chromium and Playwright for the browser measurements; ``None`` (with a note) when either
    is missing, so the HTTP measurements still run."""
    if not Path(CHROMIUM).exists():
        print(f"Let op: {CHROMIUM} ontbreekt; de metingen in de browser worden overgeslagen.", file=sys.stderr)
        return None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        print("Let op: Playwright is niet geïnstalleerd; de metingen in de browser worden overgeslagen.", file=sys.stderr)
        return None
    return CHROMIUM


def postgres(admin_url: str) -> None:
    """The admin URL answers (the benchmark creates and drops a temporary database there)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = create_engine(admin_url)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise Missing(f"--postgres {admin_url!r} is geen bruikbare database-URL ({type(exc).__name__}: {exc}).") from None
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Missing(f"PostgreSQL op --postgres is niet bereikbaar: {first}") from None
    finally:
        engine.dispose()
