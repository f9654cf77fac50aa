"""Long problem lists of a check on /aanleveren, kept in the database so the page shows them in pages.

A report can list 100,000 row warnings; sending them all in one callback answer would make a
page the browser cannot render. The page gets the first page, a count per kind of message and
a token; the full list waits in ``problemlist`` (bound to the user who checked the file, the
token stored as its SHA-256, removed after a day) for the next page and the CSV download, on
whichever app server the next request reaches.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections import Counter
from datetime import timedelta

import pandas as pd
from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from etl.export import to_csv_bytes
from models import db
from models.tables import ProblemList, utcnow

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # rows of a report shown at once
KEEP_HOURS = 24
KINDS_SHOWN = 20  # kinds of message listed in the summary of a long report
CSV_COLUMNS = ["Blad", "Rij", "Kolom", "Waarde", "Melding"]

_QUOTED = re.compile(r"'[^']*'|‘[^’]*’|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")


def item(problem: dict) -> dict:
    """What the page and the CSV show of one problem."""
    return {
        "sheet": problem.get("sheet"),
        "row": problem.get("row"),
        "column": problem.get("column"),
        "value": problem.get("value"),
        "text": problem.get("text") or problem.get("message") or "",
    }


def kind_of(problem: dict) -> str:
    """The message without the values in it ("kolom '…' is onbekend"), to count by kind."""
    message = str(problem.get("message") or problem.get("text") or "").strip()
    message = _QUOTED.sub(lambda m: m.group(0)[0] + "…" + m.group(0)[-1], message)
    return _NUMBER.sub("…", message)


def kinds(problems: list[dict]) -> list[tuple[str, int]]:
    """(kind, count), most frequent first."""
    return Counter(kind_of(p) for p in problems).most_common()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _valid(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


def _cutoff():
    return utcnow() - timedelta(hours=KEEP_HOURS)


def save(problems: list[dict], username: str, url: str | None = None) -> str | None:
    """Keep the whole list for ``username``; the token, or ``None`` when it cannot be written
    (the page then shows the first page and the count, without paging)."""
    token = secrets.token_urlsafe(18)
    items = json.dumps([item(p) for p in problems], ensure_ascii=False)
    try:
        with db.session(url) as s:
            s.execute(delete(ProblemList).where(ProblemList.created_at < _cutoff()))
            s.add(ProblemList(token_hash=_hash(token), username=username, items=items))
            s.commit()
    except SQLAlchemyError:
        log.exception("Meldingenlijst niet bewaard")
        return None
    return token


def load(token, username: str, url: str | None = None) -> list[dict] | None:
    """The list saved under ``token``, only for the user it was saved for."""
    if not _valid(token):
        return None
    with db.session(url) as s:
        raw = s.exec(
            select(ProblemList.items).where(
                ProblemList.token_hash == _hash(token), ProblemList.username == username, ProblemList.created_at >= _cutoff()
            )
        ).first()
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, list) else None


def page_start(start, step: int, total: int) -> int:
    """The first index of the page ``step`` pages from ``start`` (clamped to the list)."""
    try:
        start = int(start)
    except (TypeError, ValueError):
        start = 0
    last = max(0, (total - 1) // PAGE_SIZE * PAGE_SIZE)
    return min(max(0, start + step * PAGE_SIZE), last)


def csv_bytes(items: list[dict]) -> bytes:
    """The whole list as Dutch Excel opens it (``;``, UTF-8 with BOM, formulas neutralised)."""
    rows = [[i.get("sheet"), i.get("row"), i.get("column"), i.get("value"), i.get("text")] for i in items]
    frame = pd.DataFrame(rows, columns=CSV_COLUMNS, dtype=object)
    return to_csv_bytes(frame.where(frame.notna(), None))
