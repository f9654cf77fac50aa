"""The one logging configuration of a running server: ``etvi serve`` (also gunicorn's own loggers,
via ``dict_config`` as its ``logconfig_dict``) and every worker (``dashboard.wsgi``).

Everything goes to stderr: plain text by default, one JSON object per line with
``ETVI_LOG_FORMAT=json`` for central logging. The request lines (``dashboard.requestlog``), the
database outages (``dashboard.faults``), ETL and security events keep their own logger names.
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from datetime import datetime, timezone

from etvi.config import settings

TEXT_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
# attributes every LogRecord has; anything else was passed with ``extra=`` and goes into the JSON
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the ``extra=``
    fields (a request line's ``request_id``, ``status`` …) and a traceback as ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is at each record: a test runner (and a daemoniser) swaps it
    after logging was set up, and a handler holding the old one writes into a closed file."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def dict_config(log_format: str | None = None) -> dict:
    """The ``logging.config.dictConfig`` of this server: root and gunicorn's loggers to stderr."""
    fmt = log_format or settings().log_format
    formatter = {"()": JsonFormatter} if fmt == "json" else {"format": TEXT_FORMAT}
    handler = {"()": StderrHandler, "formatter": "etvi"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"etvi": formatter},
        "handlers": {"stderr": handler},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's own messages in the same format; its access log is off (the app writes one
            # line per request without query strings, see dashboard.requestlog)
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "werkzeug": {"level": "WARNING"},  # ``--dev``: its access lines carry query strings
            "alembic": {"level": "WARNING"},  # its plugin set-up lines on import are noise in a server log
        },
    }


def configure(log_format: str | None = None) -> None:
    """Apply ``dict_config`` to this process (replaces any earlier configuration)."""
    logging.config.dictConfig(dict_config(log_format))
