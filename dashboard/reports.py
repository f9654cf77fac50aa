"""Long validation reports on /aanleveren, kept on the server so the page shows them in pages.

A report can list 100,000 row warnings; sending them all in one callback answer would make a
page the browser cannot render. The page gets the first page, a count per kind of message and
a token; the full list waits here (a JSON file under the cache directory, bound to the user who
uploaded the file, removed after a day) for the next page and for the download as CSV.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from etl.export import to_csv_bytes
from etvi.config import settings

PAGE_SIZE = 100  # rows of a report shown at once
KEEP_HOURS = 24
KINDS_SHOWN = 20  # kinds of message listed in the summary of a long report
CSV_COLUMNS = ["Blad", "Rij", "Kolom", "Waarde", "Melding"]

_QUOTED = re.compile(r"'[^']*'|‘[^’]*’|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")


def store_root() -> Path:
    return Path(settings().cache_dir) / "meldingen"


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


def _valid(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


def _cleanup(root: Path) -> None:
    cutoff = time.time() - KEEP_HOURS * 3600
    for entry in root.glob("*.json"):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            pass


def save(problems: list[dict], username: str) -> str | None:
    """Keep the whole list for ``username``; the token, or ``None`` when it cannot be written
    (the page then shows the first page and the count, without paging)."""
    root = store_root()
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        _cleanup(root)
        token = secrets.token_urlsafe(18)
        path = root / f"{token}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"username": username, "items": [item(p) for p in problems]}, ensure_ascii=False))
        tmp.replace(path)
    except OSError:
        return None
    return token


def load(token, username: str) -> list[dict] | None:
    """The list saved under ``token``, only for the user it was saved for."""
    if not _valid(token):
        return None
    try:
        data = json.loads((store_root() / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("username") != username:
        return None
    return data.get("items") or []


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
