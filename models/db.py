"""Engine, sessions and migrations for SQLite (embedded default) and PostgreSQL (server)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlmodel import Session, select

from etvi.config import ConfigError, check_database_url, settings
from models.tables import Meta

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_engines: dict[str, Engine] = {}


def _pool_options(parsed) -> dict:
    """``ETVI_DB_POOL_SIZE`` and ``ETVI_DB_MAX_OVERFLOW``: connections each server process keeps
    open and may add at peaks. Every worker of every app server has its own pool, so PostgreSQL's
    ``max_connections`` must cover servers × workers × (pool size + overflow); see the README.
    An in-memory SQLite database has a single connection per thread, without a pool to size."""
    if parsed.get_backend_name() == "sqlite" and (not parsed.database or parsed.database == ":memory:"):
        return {}
    cfg = settings()
    return {"pool_size": cfg.db_pool_size, "max_overflow": cfg.db_max_overflow}


def _create(url: str) -> Engine:
    check_database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"ETVI_DATABASE_URL is geen geldige database-URL: {url!r}.") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **_pool_options(parsed))
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, **_pool_options(parsed))
    except (NoSuchModuleError, ImportError):
        raise ConfigError(
            f"Het databasetype in ETVI_DATABASE_URL wordt niet ondersteund: {parsed.drivername}. "
            "Gebruik sqlite:///pad/naar/bestand.sqlite of postgresql+psycopg://gebruiker:wachtwoord@host/db."
        ) from None


def engine(url: str | None = None) -> Engine:
    url = url or settings().database_url
    if url not in _engines:
        _engines[url] = _create(url)
    return _engines[url]


def dispose_all() -> None:
    """Close pooled connections, e.g. before forking server workers or dropping a test database."""
    for cached in _engines.values():
        cached.dispose()
    _engines.clear()


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine(url), expire_on_commit=False) as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


def alembic_config(url: str | None = None):
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", (url or settings().database_url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    with engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def has_schema(url: str | None = None) -> bool:
    return inspect(engine(url)).has_table("gemeente")


def get_meta(key: str, default: str | None = None, url: str | None = None) -> str | None:
    with session(url) as s:
        row = s.get(Meta, key)
        return row.value if row else default


def set_meta(s: Session, key: str, value: str) -> None:
    row = s.get(Meta, key)
    if row is None:
        s.add(Meta(key=key, value=value))
    else:
        row.value = value
        s.add(row)


def bump_data_version(s: Session) -> None:
    """Mark that statuses changed, so cached aggregates in every server worker are invalidated."""
    row = s.exec(select(Meta).where(Meta.key == "data_version").with_for_update()).first()
    set_meta(s, "data_version", str(int(row.value) + 1 if row else 1))
