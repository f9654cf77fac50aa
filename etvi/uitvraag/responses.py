"""Who answered a round, derived from the upload log (no answer table of its own).

Any accepted upload (``geladen``, or ``ongewijzigd``: the same bytes again) whose peildatum is the
round's peildatum counts as the answer of every gemeente it was about, whatever the channel: a
file on the page, the API, the CLI, or the form. For a closed round only uploads up to the close
count. Per gemeente:

- ``gewijzigd``: its records at the peildatum differ from what was known before the peildatum
  in a stored column (status, vastgesteld op, toelichting, bron, koploperregio), or are new;
- ``ongewijzigd``: they only confirm what was known (the "Niets veranderd" answer);
- ``geweigerd``: no accepted upload, but a refused one at the peildatum;
- ``geen``: nothing.

``wanneer``/``door``/``kanaal`` come from the latest counted upload of that answer.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable

import pandas as pd
from sqlmodel import Session, select

from etvi.accounts import policy
from etvi.accounts.clock import aware
from etvi.uitvraag import rounds
from models import db, queries
from models.asof import in_knowledge_order
from models.tables import Gemeente, Provincie, Uitvraag, Upload

GEWIJZIGD, ONGEWIJZIGD, GEWEIGERD, GEEN = "gewijzigd", "ongewijzigd", "geweigerd", "geen"
ANSWERED = (GEWIJZIGD, ONGEWIJZIGD)
ACCEPTED = ("geladen", "ongewijzigd")
# Upload.channel → the word a round's overview uses.
CHANNEL_LABELS = {"web": "bestand", "api": "API", "cli": "CLI", "formulier": "formulier", "demo": "demo"}
COMPARED = ("status", "adopted_on", "comment", "source_url", "koploperregio")
CSV_COLUMNS = ["gemeentecode", "gemeente", "provincie", "antwoord", "wanneer", "door", "kanaal"]


@dataclass(frozen=True)
class Answer:
    gemeente_code: str
    gemeente: str
    provincie: str
    antwoord: str
    wanneer: datetime | None = None
    door: str | None = None
    kanaal: str | None = None
    upload_id: int | None = None

    @property
    def answered(self) -> bool:
        return self.antwoord in ANSWERED


def _norm(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) and pd.isna(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _counted_uploads(s: Session, round_: Uitvraag) -> list[Upload]:
    stmt = select(Upload).where(Upload.peildatum == round_.peildatum).order_by(Upload.id)
    found = list(s.exec(stmt).all())
    closed = aware(round_.closed_at)
    return [u for u in found if closed is None or aware(u.created_at) <= closed]


def _changed(codes: set[str], peildatum: date, upload_ids: set[int], url: str | None) -> set[str]:
    """The gemeenten among ``codes`` whose records at ``peildatum`` (from ``upload_ids``) change
    something against the state before the peildatum (the as-of rule, ``models.asof``)."""
    if not codes:
        return set()
    history = queries.status_history(url, until=peildatum, codes=sorted(codes))
    if history.empty:
        return set()
    h = in_knowledge_order(history)
    day = pd.Timestamp(peildatum)
    before = h[h["peildatum"] < day].groupby(["gemeente_code", "onderdeel"], sort=False).tail(1)
    at = h[(h["peildatum"] == day) & h["upload_key"].isin(list(upload_ids))].groupby(["gemeente_code", "onderdeel"], sort=False).tail(1)
    known = {(r.gemeente_code, r.onderdeel): r for r in before.itertuples(index=False)}
    changed = set()
    for r in at.itertuples(index=False):
        old = known.get((r.gemeente_code, r.onderdeel))
        if old is None or any(_norm(getattr(old, f)) != _norm(getattr(r, f)) for f in COMPARED):
            changed.add(r.gemeente_code)
    return changed


def answers(round_id: int | str, url: str | None = None, codes: Iterable[str] | None = None) -> tuple[Uitvraag, list[Answer]]:
    """The round and one answer per current gemeente (by name), limited to ``codes`` when given
    (a provincie user sees its own)."""
    wanted = set(codes) if codes is not None else None
    with db.session(url) as s:
        round_ = rounds.get_round(s, round_id)
        s.expunge(round_)
        rows = s.exec(
            select(Gemeente.code, Gemeente.name, Provincie.name)
            .join(Provincie, Provincie.code == Gemeente.provincie_code, isouter=True)
            .where(Gemeente.valid_to.is_(None))
            .order_by(Gemeente.name, Gemeente.code)
        ).all()
        uploads = _counted_uploads(s, round_)
    accepted: dict[str, Upload] = {}
    refused: dict[str, Upload] = {}
    for u in uploads:  # by id: the last one wins
        target = accepted if u.outcome in ACCEPTED else refused if u.outcome == "geweigerd" else None
        if target is not None:
            for code in policy.split_codes(u.gemeente_codes):
                target[code] = u
    upload_ids = {u.id for u in uploads if u.outcome in ACCEPTED}
    changed = _changed(set(accepted), round_.peildatum, upload_ids, url)
    out = []
    for code, name, provincie in rows:
        if wanted is not None and code not in wanted:
            continue
        upload = accepted.get(code)
        kind = (GEWIJZIGD if code in changed else ONGEWIJZIGD) if upload is not None else None
        if upload is None and code in refused:
            upload, kind = refused[code], GEWEIGERD
        if upload is None:
            out.append(Answer(code, name, provincie or "", GEEN))
            continue
        channel = CHANNEL_LABELS.get(upload.channel, upload.channel)
        out.append(Answer(code, name, provincie or "", kind, aware(upload.created_at), upload.username, channel, upload.id))
    return round_, out


def unanswered(answers_: Iterable[Answer]) -> list[str]:
    """The gemeentecodes that have not answered (also those whose only attempt was refused)."""
    return [a.gemeente_code for a in answers_ if not a.answered]


def summary(answers_: list[Answer]) -> dict:
    """Counts for the overview: answered of total, per antwoord and per provincie."""
    per_provincie: dict[str, dict[str, int]] = {}
    per_answer = {k: 0 for k in (GEWIJZIGD, ONGEWIJZIGD, GEWEIGERD, GEEN)}
    for a in answers_:
        per_answer[a.antwoord] += 1
        p = per_provincie.setdefault(a.provincie, {"geantwoord": 0, "totaal": 0})
        p["totaal"] += 1
        p["geantwoord"] += a.answered
    answered = per_answer[GEWIJZIGD] + per_answer[ONGEWIJZIGD]
    return {"geantwoord": answered, "totaal": len(answers_), "per_antwoord": per_answer, "per_provincie": dict(sorted(per_provincie.items()))}


def summary_line(answers_: list[Answer]) -> str:
    counts = summary(answers_)
    return f"{counts['geantwoord']} van {counts['totaal']} gemeenten geantwoord"


def when_text(value: datetime | None) -> str:
    """ISO 8601 in UTC, to the second (CSV and API)."""
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat() if value else ""


def rows(answers_: list[Answer]) -> list[list[str]]:
    return [[a.gemeente_code, a.gemeente, a.provincie, a.antwoord, when_text(a.wanneer), a.door or "", a.kanaal or ""] for a in answers_]


def csv_text(answers_: list[Answer]) -> str:
    """The overview as CSV (comma-separated, header row, UTF-8 text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows(answers_))
    return buffer.getvalue()


def pending_round(user, url: str | None = None) -> int | None:
    """The open round (oldest first) that one of a gemeente account's gemeenten has not answered:
    where the account goes first after logging in. ``None`` for other roles or when all answered."""
    if not policy.is_active(user) or user.role != "gemeente":
        return None
    codes = policy.gemeenten_of(user)
    if not codes:
        return None
    with db.session(url) as s:
        ids = [r.id for r in rounds.open_rounds(s)]
    for round_id in ids:
        _, found = answers(round_id, url, codes)
        if any(not a.answered for a in found):
            return round_id
    return None
