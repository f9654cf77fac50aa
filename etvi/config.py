"""Settings from ``ETVI_``-prefixed environment variables.

Read fresh on every call so tests and the CLI can change the environment (the parsed result is
kept while the ``ETVI_`` variables and the working folder stay the same: a request asks for
settings several times); every variable has a default that works from a clean clone. The README
lists them all.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from etvi.errors import UserError

REPO_ROOT = Path(__file__).resolve().parent.parent
# The reference CSVs an installed wheel carries: the repository's data/*.csv, mapped into the
# package by setup.py. In a clone (editable install) this folder does not exist; data/ is used.
PACKAGED_DATA_DIR = Path(__file__).resolve().parent / "referentiedata"
PREFIX = "ETVI_"


class ConfigError(UserError, ValueError):
    """A configuration value that cannot be used; the message is Dutch and user-facing."""


# The database URL schemes the product supports (the drivers it installs).
DATABASE_SCHEMES = ("sqlite", "postgresql+psycopg")
_SCHEME_ALIASES = {"sqlite+pysqlite": "sqlite"}


def check_database_url(url: str) -> str:
    """``url`` when its scheme is supported, else ``ConfigError`` naming the supported schemes
    (an unknown scheme would otherwise fail on a missing driver module, in English)."""
    supported = (
        f"Ondersteund zijn {' en '.join(DATABASE_SCHEMES)}, bijvoorbeeld "
        "sqlite:///pad/naar/etvi.sqlite of postgresql+psycopg://gebruiker:wachtwoord@host/database."
    )
    scheme, sep, _ = url.partition("://")
    if not sep or not scheme:
        raise ConfigError(f"{PREFIX}DATABASE_URL is geen geldige database-URL: {url!r}. {supported}")
    if _SCHEME_ALIASES.get(scheme.lower(), scheme.lower()) not in DATABASE_SCHEMES:
        raise ConfigError(
            f"De database-URL ({PREFIX}DATABASE_URL) gebruikt een databasetype dat niet wordt ondersteund: {scheme!r}. {supported}"
        )
    return url


_read: tuple[str, ...] = ()  # every variable ever read, sorted: what a cached Settings depends on
_read_lock = threading.Lock()


def _env(name: str, default: str | None = None) -> str | None:
    global _read
    if name not in _read:
        with _read_lock:
            _read = tuple(sorted({*_read, name}))
    value = os.environ.get(PREFIX + name)
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} moet een geheel getal zijn, niet {raw!r}.") from None


def _at_least(name: str, default: int, minimum: int = 0) -> int:
    value = _int(name, default)
    if value < minimum:
        raise ConfigError(f"{PREFIX}{name} moet een geheel getal van minstens {minimum} zijn, niet {value}.")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "ja", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "nee", "no", "off"):
        return False
    raise ConfigError(f"{PREFIX}{name} moet true of false zijn, niet {raw!r}.")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    geo_dir: Path | None
    geo_year: int | None
    geo_url: str
    cache_dir: Path
    max_file_mb: int
    max_rows: int
    max_uncompressed_mb: int
    verdeling_regiotype: str
    stale_days: int
    public: bool
    secret_key: str | None
    host: str
    port: int
    workers: int
    login_ip_max_failures: int = 20
    login_ip_window_minutes: int = 15
    trusted_proxies: int = 0
    max_columns: int = 200
    max_toelichting: int = 2000
    max_bron: int = 2000
    secret_key_grace_hours: int = 24
    secret_key_refresh_seconds: int = 10
    db_pool_size: int = 5
    db_max_overflow: int = 10
    log_format: str = "text"
    threads: int = 4
    keepalive: int = 75
    worker_connections: int = 1000
    worker_timeout: int = 120
    api_rate_read: int = 1200
    api_rate_upload: int = 120
    api_rate_window_seconds: int = 60
    answer_cache_mb: int = 64
    answer_cache_rows: int | None = None  # None: 5000 on PostgreSQL, none on SQLite
    max_tokens_per_user: int = 10
    token_days: int = 365
    token_max_days: int = 730
    token_warn_days: int = 30

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_data_dir() -> Path:
    """The clone's ``data/`` when running from a source checkout, else ``data/`` in the current
    folder: an installed package must not write its database into site-packages."""
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "data").is_dir():
        return REPO_ROOT / "data"
    return Path.cwd() / "data"


_last: tuple[tuple, Settings] | None = None


def _fingerprint() -> tuple:
    return tuple([os.environ.get(PREFIX + name) for name in _read]), _read, _cwd()


def settings() -> Settings:
    global _last
    last = _last
    if last is not None and last[0] == _fingerprint():
        return last[1]
    value = _read_settings()
    _last = (_fingerprint(), value)  # taken after reading: it covers every variable read
    return value


def _cwd() -> str:
    try:
        return os.getcwd()
    except OSError:  # the working folder was removed
        return ""


def _read_settings() -> Settings:
    data_dir = Path(_env("DATA_DIR") or default_data_dir()).expanduser()
    cache_dir = Path(_env("CACHE_DIR", str(data_dir / "cache"))).expanduser()
    geo_dir = _env("GEO_DIR")
    geo_year = _env("GEO_YEAR")
    if geo_year is not None and not (geo_year.isdigit() and len(geo_year) == 4):
        raise ConfigError(f"{PREFIX}GEO_YEAR moet een jaartal zijn, zoals 2026, niet {geo_year!r}.")
    return Settings(
        data_dir=data_dir,
        database_url=check_database_url(_env("DATABASE_URL", f"sqlite:///{data_dir / 'etvi.sqlite'}")),
        geo_dir=Path(geo_dir).expanduser() if geo_dir else None,
        geo_year=int(geo_year) if geo_year else None,
        geo_url=_env("GEO_URL", "https://cartomap.github.io/nl/wgs84/"),
        cache_dir=cache_dir,
        max_file_mb=_int("MAX_FILE_MB", 10),
        max_rows=_int("MAX_ROWS", 200_000),
        max_uncompressed_mb=_int("MAX_UNCOMPRESSED_MB", 100),
        verdeling_regiotype=_env("VERDELING_REGIOTYPE", "woningmarktregio"),
        stale_days=_int("STALE_DAYS", 365),
        public=_bool("PUBLIC", True),
        secret_key=_env("SECRET_KEY"),
        host=_env("HOST", "127.0.0.1"),
        port=_int("PORT", 8050),
        workers=_int("WORKERS", 2),
        login_ip_max_failures=_at_least("LOGIN_IP_MAX_FAILURES", 20),
        login_ip_window_minutes=_at_least("LOGIN_IP_WINDOW_MINUTES", 15, minimum=1),
        trusted_proxies=_at_least("TRUSTED_PROXIES", 0),
        max_columns=_at_least("MAX_COLUMNS", 200, minimum=2),
        max_toelichting=_at_least("MAX_TOELICHTING", 2000, minimum=1),
        max_bron=_at_least("MAX_BRON", 2000, minimum=1),
        secret_key_grace_hours=_at_least("SECRET_KEY_GRACE_HOURS", 24),
        secret_key_refresh_seconds=_at_least("SECRET_KEY_REFRESH_SECONDS", 10),
        db_pool_size=_at_least("DB_POOL_SIZE", 5, minimum=1),
        db_max_overflow=_at_least("DB_MAX_OVERFLOW", 10),
        log_format=_log_format(),
        threads=_at_least("THREADS", 4, minimum=1),
        keepalive=_at_least("KEEPALIVE", 75),
        worker_connections=_at_least("WORKER_CONNECTIONS", 1000, minimum=1),
        worker_timeout=_at_least("WORKER_TIMEOUT", 120, minimum=1),
        api_rate_read=_at_least("API_RATE_READ", 1200),
        api_rate_upload=_at_least("API_RATE_UPLOAD", 120),
        api_rate_window_seconds=_at_least("API_RATE_WINDOW_SECONDS", 60, minimum=1),
        answer_cache_mb=_at_least("ANSWER_CACHE_MB", 64),
        answer_cache_rows=_at_least("ANSWER_CACHE_ROWS", 0) if _env("ANSWER_CACHE_ROWS") is not None else None,
        max_tokens_per_user=_at_least("MAX_TOKENS_PER_USER", 10, minimum=1),
        **_token_days(),
    )


def _token_days() -> dict[str, int]:
    """How long a new API token lives by default and at most (days); the default may not pass the
    maximum, or every new token without a chosen date would be refused. And how many days before
    its date the owner is warned (``etvi gebruiker tokens-waarschuwen``): a warning window longer
    than a token can live would warn about every token the day it is made."""
    days = _at_least("TOKEN_DAYS", 365, minimum=1)
    most = _at_least("TOKEN_MAX_DAYS", 730, minimum=1)
    if days > most:
        raise ConfigError(f"{PREFIX}TOKEN_DAYS ({days}) mag niet groter zijn dan {PREFIX}TOKEN_MAX_DAYS ({most}).")
    warn = _at_least("TOKEN_WARN_DAYS", 30, minimum=1)
    if warn > most:
        raise ConfigError(f"{PREFIX}TOKEN_WARN_DAYS ({warn}) mag niet groter zijn dan {PREFIX}TOKEN_MAX_DAYS ({most}).")
    return {"token_days": days, "token_max_days": most, "token_warn_days": warn}


def _log_format() -> str:
    value = (_env("LOG_FORMAT", "text") or "text").lower()
    if value not in ("text", "json"):
        raise ConfigError(f"{PREFIX}LOG_FORMAT moet text of json zijn, niet {value!r}.")
    return value
