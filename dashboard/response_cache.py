"""Ready answers for anonymous viewers: a view at a data version is computed once, then sent as bytes.

Most requests to a national monitor are anonymous viewers opening the same public views. The pages
whose answers are functions of their request, the data version and the day say so
(``CACHEABLE = True`` in their module: /, /regios, /provincie/…, /gemeente/…, /mijlpalen); for them
the first HTML, the layout (``X-Etvi-Page``), every callback they register and the downloads of
``downloads.CACHEABLE_VIEWS`` are answered from here once computed, compressed and all. So is
``/_dash-dependencies``. Nothing else is.

The key: method, path with query, the body (a callback), the headers the answer depends on
(``Accept``, ``Accept-Encoding``, ``X-Etvi-Page``, the site's address), the address's ``kennis``,
the data version (``DataSource.version()``: its key and the demo flag, read on every request, so a change made through
another server is seen at the next request), today and the settings that change what a page shows.

Never kept or served from here: a request with the session cookie or an ``Authorization`` header
(the menu and the rights are per user), an answer other than 200, an answer that sets a cookie,
an answer drawn without its boundaries (``runtime.INCOMPLETE``: they may come back).
The security checks run before the lookup (``security._before_request``), the request log line
after it. A failing cache (a database error) only means the answer is computed as without it.

Two layers: the memory of this worker (``ETVI_ANSWER_CACHE_MB``, emptied when the version
changes), and the database (table ``cachedanswer``, ``ETVI_ANSWER_CACHE_ROWS``; on PostgreSQL by
default), shared by every worker of every app server, so a view is computed once for all of them.
Rows of an older version are deleted when a worker first sees a newer one, and the oldest rows
beyond the limit as new ones come in, so random addresses cannot fill the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import dash
from flask import Flask, Response, current_app, g, request
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from dashboard import downloads, kennis, prerender, routing
from dashboard.runtime import INCOMPLETE, current
from etvi.config import settings
from models.db import engine
from models.tables import CachedAnswer, utcnow

log = logging.getLogger(__name__)

EXTENSION = "etvi_response_cache"
UPDATE_PATH = "/_dash-update-component"
LAYOUT_PATH = "/_dash-layout"
DEPENDENCIES_PATH = "/_dash-dependencies"
DOWNLOAD_PREFIX = "/download/"
# per request, not part of what is kept
_NOT_KEPT = {"set-cookie", "content-length", "date", "server", "x-request-id", "x-cache"}
HIT_HEADER = "X-Cache"  # "hit" or "miss" on every answer this cache may keep
PRUNE_EVERY = 50  # database writes of a worker between two checks of the row limit


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def response(self) -> Response:
        response = Response(self.body, status=self.status)
        response.headers.clear()
        for name, value in self.headers:
            response.headers.add(name, value)
        response.headers["Content-Length"] = str(len(self.body))
        return response

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class Memory:
    """This worker's answers of one data version, oldest dropped first beyond ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self.version: str | None = None
        self.items: OrderedDict[str, Answer] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def sees(self, version: str) -> bool:
        """Empty the memory when ``version`` is new here; True when it was."""
        with self.lock:
            if version == self.version:
                return False
            self.items.clear()
            self.size = 0
            self.version = version
            return True

    def get(self, key: str) -> Answer | None:
        with self.lock:
            answer = self.items.get(key)
            if answer is not None:
                self.items.move_to_end(key)
            return answer

    def put(self, version: str, key: str, answer: Answer) -> None:
        if answer.size > self.limit:
            return
        with self.lock:
            if version != self.version or key in self.items:
                return
            self.items[key] = answer
            self.size += answer.size
            while self.size > self.limit:
                _, old = self.items.popitem(last=False)
                self.size -= old.size


class Shared:
    """The answers in the database, for every worker and server (table ``cachedanswer``)."""

    def __init__(self, url: str | None, rows: int):
        self.url = url
        self.rows = rows
        self.writes = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> Answer | None:
        with engine(self.url).connect() as conn:
            row = conn.execute(
                select(CachedAnswer.status, CachedAnswer.headers, CachedAnswer.body).where(CachedAnswer.key == key)
            ).first()
        if row is None:
            return None
        return Answer(int(row.status), tuple((str(k), str(v)) for k, v in json.loads(row.headers)), bytes(row.body))

    def put(self, version: str, key: str, answer: Answer) -> None:
        eng = engine(self.url)
        dialect = postgresql if eng.dialect.name == "postgresql" else sqlite
        values = dict(
            key=key,
            version=version,
            status=answer.status,
            headers=json.dumps(answer.headers),
            body=answer.body,
            created_at=utcnow(),
        )
        with eng.begin() as conn:
            conn.execute(dialect.insert(CachedAnswer).values(**values).on_conflict_do_nothing(index_elements=["key"]))
        with self.lock:
            self.writes += 1
            prune = self.writes % PRUNE_EVERY == 0
        if prune:
            self.prune()

    def forget_other_versions(self, version: str) -> None:
        with engine(self.url).begin() as conn:
            conn.execute(delete(CachedAnswer).where(CachedAnswer.version != version))

    def prune(self) -> None:
        """Keep the newest ``rows`` rows."""
        with engine(self.url).begin() as conn:
            count = conn.execute(select(func.count()).select_from(CachedAnswer)).scalar_one()
            if count <= self.rows:
                return
            oldest = select(CachedAnswer.key).order_by(CachedAnswer.created_at).limit(count - self.rows)
            conn.execute(delete(CachedAnswer).where(CachedAnswer.key.in_(oldest.scalar_subquery())))


def shown_settings() -> tuple:
    """The settings that change what a kept page shows (not the per-server ones: folders, ports, workers)."""
    cfg = settings()
    return (cfg.public, cfg.geo_year, cfg.verdeling_regiotype, cfg.stale_days)


class ResponseCache:
    """What may be cached (the pages and callbacks of ``install``) and the two layers."""

    def __init__(self, app: dash.Dash, modules: set[str], outputs: set[str], url: str | None):
        cfg = settings()
        self.app = app
        self.modules = modules
        self.outputs = outputs
        self.memory = Memory(cfg.answer_cache_mb * 1024 * 1024) if cfg.answer_cache_mb > 0 else None
        rows = cfg.answer_cache_rows if cfg.answer_cache_rows is not None else (0 if cfg.is_sqlite else 5000)
        self.shared = Shared(url, rows) if rows > 0 else None
        self.warned = False

    # --- which requests ------------------------------------------------------------------

    def _page_is_cacheable(self, path: str) -> bool:
        page, _ = routing.page_for(self.app, path)
        return bool(page) and page.get("module") in self.modules

    def cacheable(self) -> bool:
        """Whether this request's answer is a function of the key (see the module's docstring)."""
        session_cookie = current_app.config.get("SESSION_COOKIE_NAME") or "session"
        if request.method not in ("GET", "POST") or session_cookie in request.cookies or "Authorization" in request.headers:
            return False
        path = request.path
        if request.method == "POST":
            if path != UPDATE_PATH:
                return False
            body = request.get_json(silent=True)
            return isinstance(body, dict) and isinstance(body.get("output"), str) and body["output"] in self.outputs
        if path == DEPENDENCIES_PATH:
            return True
        if path == LAYOUT_PATH:
            target = prerender.target()
            return target is not None and self._page_is_cacheable(target[0])
        if path.startswith(DOWNLOAD_PREFIX):
            return path[len(DOWNLOAD_PREFIX) :].rsplit(".", 1)[0] in downloads.CACHEABLE_VIEWS
        return request.endpoint in routing.INDEX_ENDPOINTS and self._page_is_cacheable(path)

    def key(self, version: str) -> str:
        parts = [
            request.method,
            request.full_path,
            request.host_url,
            request.headers.get("Accept", ""),
            request.headers.get("Accept-Encoding", ""),
            request.headers.get(prerender.HEADER, ""),
            kennis.raw_value() or "",
            date.today().isoformat(),
            repr(shown_settings()),
            version,
        ]
        digest = hashlib.sha256("\n".join(parts).encode())
        if request.method == "POST":
            digest.update(b"\n" + request.get_data())
        return digest.hexdigest()

    # --- the request hooks ---------------------------------------------------------------

    def lookup(self) -> Response | None:
        """Before the view (after the security checks): the kept answer, or None to compute it."""
        if (self.memory is None and self.shared is None) or not self.cacheable():
            return None
        try:
            v = current().data.version()
            # the key of the cached figures, and the demo flag the frame shows as a banner
            version = hashlib.sha256(repr((v.key, v.demo)).encode()).hexdigest()
        except SQLAlchemyError:
            return None  # the view will say what is wrong with the database
        if self.memory is not None and self.memory.sees(version) and self.shared is not None:
            self._quietly(self.shared.forget_other_versions, version)
        key = self.key(version)
        answer = self.memory.get(key) if self.memory is not None else None
        if answer is None and self.shared is not None:
            answer = self._quietly(self.shared.get, key)
            if answer is not None and self.memory is not None:
                self.memory.put(version, key, answer)
        if answer is None:
            g.etvi_answer_key = (version, key)
            return None
        response = answer.response()
        response.headers[HIT_HEADER] = "hit"
        return response

    def _quietly(self, work, *args):
        """``work(*args)``; a database error is logged (once per worker) and costs only speed."""
        try:
            return work(*args)
        except SQLAlchemyError as exc:
            if not self.warned:
                self.warned = True
                log.warning(
                    "de antwoordcache in de database is niet bruikbaar (%s); antwoorden worden berekend", type(exc).__name__
                )
            return None

    def keep(self, response: Response) -> Response:
        """After every other hook but the log line: keep a computed answer that may be kept."""
        pending = g.pop("etvi_answer_key", None)
        if pending is None or response.status_code != 200 or response.direct_passthrough or response.is_streamed:
            return response
        if "Set-Cookie" in response.headers or g.get(INCOMPLETE):
            return response
        version, key = pending
        response.headers[HIT_HEADER] = "miss"
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _NOT_KEPT)
        answer = Answer(response.status_code, headers, response.get_data())
        if self.memory is not None:
            self.memory.put(version, key, answer)
        if self.shared is not None:
            self._quietly(self.shared.put, version, key, answer)
        return response


def install(app: dash.Dash, modules: set[str], outputs: set[str], url: str | None = None) -> ResponseCache:
    """Answer the requests of the pages ``modules`` (their callbacks: ``outputs``) from the cache.
    Call after ``security.install`` (its checks must run first) and before ``requestlog.install``."""
    server: Flask = app.server
    cache = ResponseCache(app, modules, outputs, url)
    server.extensions[EXTENSION] = cache
    server.before_request(cache.lookup)
    # after_request functions run last-registered first: at the front, this runs after all of them
    server.after_request_funcs.setdefault(None, []).insert(0, cache.keep)
    return cache
