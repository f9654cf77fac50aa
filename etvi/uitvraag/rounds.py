"""The lifecycle of a round: made (concept), opened, closed. Every step is an audit event.

Functions take a session and an ``actor`` (who does it) so the CLI, the page and the API share
them; bad input raises ``UitvraagError`` with a Dutch message and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlmodel import Session, select

from etl.dates import format_date
from etl.lookups import load_reference
from etvi.accounts import audit
from etvi.accounts.clock import utcnow
from etvi.errors import UserError
from models import db
from models.tables import Uitvraag

CONCEPT, OPEN, GESLOTEN = "concept", "open", "gesloten"
STATES = (CONCEPT, OPEN, GESLOTEN)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TITLE = 200


class UitvraagError(UserError):
    """Bad input for a round; the message is Dutch and says what and where."""


def parse_day(raw: str | date, label: str) -> date:
    """A date given as JJJJ-MM-DD (``label`` names the field in the message)."""
    if isinstance(raw, date):
        return raw
    text = (raw or "").strip()
    try:
        if not ISO_DAY.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise UitvraagError(f"Ongeldige {label} {text!r}: schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2026-12-31.") from None


def onderdelen_of(round_: Uitvraag) -> list[str]:
    return [o for o in round_.onderdelen.split(",") if o]


def all_onderdelen(url: str | None = None) -> list[str]:
    """The onderdelen of the status table, in the order files and exports use."""
    return list(load_reference(url).contract.onderdelen)


def _asked(onderdelen: Iterable[str] | None, url: str | None) -> list[str]:
    known = all_onderdelen(url)
    wanted = [o.strip().lower() for o in (onderdelen or []) if o and o.strip()]
    if not wanted:
        return known
    unknown = [o for o in wanted if o not in known]
    if unknown:
        raise UitvraagError(f"Onbekend onderdeel {', '.join(repr(o) for o in unknown)}. Kies uit: {', '.join(known)}.")
    return [o for o in known if o in wanted]  # the usual order, each once


def get_round(s: Session, round_id: int | str) -> Uitvraag:
    try:
        key = int(str(round_id).strip())
    except ValueError:
        raise UitvraagError(f"Ongeldig uitvraagnummer {round_id!r}: geef het nummer, zoals 'etvi uitvraag list' het toont.") from None
    found = s.get(Uitvraag, key)
    if found is None:
        raise UitvraagError(f"Uitvraag {key} bestaat niet. Bekijk de uitvragen met: etvi uitvraag list")
    return found


def list_rounds(s: Session) -> list[Uitvraag]:
    """Newest first."""
    return list(s.exec(select(Uitvraag).order_by(Uitvraag.id.desc())).all())


def open_rounds(s: Session) -> list[Uitvraag]:
    return list(s.exec(select(Uitvraag).where(Uitvraag.state == OPEN).order_by(Uitvraag.id)).all())


def create_round(
    s: Session,
    title: str,
    peildatum: str | date,
    deadline: str | date,
    onderdelen: Iterable[str] | None = None,
    actor: str = "cli",
    url: str | None = None,
) -> Uitvraag:
    """A new round in state concept (default: every onderdeel asked)."""
    title = " ".join((title or "").split())
    if not title:
        raise UitvraagError("De titel van de uitvraag is leeg; geef een titel (--titel).")
    if len(title) > MAX_TITLE:
        raise UitvraagError(f"De titel is {len(title)} tekens lang; het maximum is {MAX_TITLE}.")
    peil = parse_day(peildatum, "peildatum")
    due = parse_day(deadline, "deadline")
    if due < peil:
        raise UitvraagError(
            f"De deadline ({format_date(due)}) ligt voor de peildatum ({format_date(peil)}); "
            "gemeenten kunnen pas na de peildatum antwoorden. Kies een latere deadline."
        )
    asked = _asked(onderdelen, url)
    round_ = Uitvraag(title=title, peildatum=peil, deadline=due, onderdelen=",".join(asked), state=CONCEPT, created_by=actor)
    s.add(round_)
    s.flush()
    audit.record(s, actor, "uitvraag_aangemaakt", uitvraag=round_.id, titel=title, peildatum=peil, deadline=due, onderdelen=asked)
    return round_


def open_round(s: Session, round_id: int | str, actor: str = "cli") -> Uitvraag:
    """concept → open. One open round per peildatum: answers are matched on it."""
    round_ = get_round(s, round_id)
    if round_.state != CONCEPT:
        raise UitvraagError(f"Uitvraag {round_.id} is al {round_.state}; alleen een concept kan worden geopend.")
    clash = s.exec(select(Uitvraag).where(Uitvraag.state == OPEN, Uitvraag.peildatum == round_.peildatum)).first()
    if clash is not None:
        raise UitvraagError(
            f"Uitvraag {clash.id} ({clash.title}) staat al open met peildatum {format_date(round_.peildatum)}; "
            "sluit die eerst of kies een andere peildatum."
        )
    round_.state, round_.opened_by, round_.opened_at = OPEN, actor, utcnow()
    s.add(round_)
    s.flush()
    audit.record(s, actor, "uitvraag_geopend", uitvraag=round_.id, titel=round_.title, peildatum=round_.peildatum)
    return round_


def close_round(s: Session, round_id: int | str, actor: str = "cli") -> Uitvraag:
    """open → gesloten: answers after this no longer count; the figures become definitief."""
    round_ = get_round(s, round_id)
    if round_.state == GESLOTEN:
        raise UitvraagError(f"Uitvraag {round_.id} is al gesloten (door {round_.closed_by}).")
    if round_.state != OPEN:
        raise UitvraagError(f"Uitvraag {round_.id} is nog een concept; open hem eerst of laat hem staan.")
    round_.state, round_.closed_by, round_.closed_at = GESLOTEN, actor, utcnow()
    s.add(round_)
    s.flush()
    audit.record(s, actor, "uitvraag_gesloten", uitvraag=round_.id, titel=round_.title)
    return round_


VOORLOPIG, DEFINITIEF = "voorlopig", "definitief"


def round_of_peildatum(s: Session, peildatum: date) -> Uitvraag | None:
    """The round that decides how final the figures at ``peildatum`` are: the one (open or
    closed, not a concept) with the latest peildatum on or before it; an open one wins a tie."""
    found = s.exec(
        select(Uitvraag).where(Uitvraag.state.in_([OPEN, GESLOTEN]), Uitvraag.peildatum <= peildatum).order_by(Uitvraag.peildatum.desc(), Uitvraag.id)
    ).all()
    if not found:
        return None
    latest = [r for r in found if r.peildatum == found[0].peildatum]
    return next((r for r in latest if r.state == OPEN), latest[0])


def status_of_peildatum(s: Session, peildatum: date) -> str | None:
    """``voorlopig`` while the round behind the figures at ``peildatum`` is open (gemeenten may
    still answer), ``definitief`` once it is closed (as CBS marks its figures), ``None`` when no
    round is behind them. The one rule the map pages, cards and downloads ask."""
    return stand_of(round_of_peildatum(s, peildatum))


def stand_of(round_: Uitvraag | None) -> str | None:
    """``status_of_peildatum`` for the round already found by ``round_of_peildatum``."""
    if round_ is None:
        return None
    return VOORLOPIG if round_.state == OPEN else DEFINITIEF


@dataclass(frozen=True)
class Stand:
    """How final the figures at a peildatum are (``stand``: voorlopig or definitief) and the round that decides it."""

    stand: str
    title: str
    peildatum: date
    deadline: date


def stand_facts(peildatum: date, url: str | None = None) -> Stand | None:
    """``status_of_peildatum`` with its round, in a session of its own (a page caches it per data
    version: opening and closing a round change the version)."""
    with db.session(url) as s:
        round_ = round_of_peildatum(s, peildatum)
        word = stand_of(round_)
        return None if word is None else Stand(word, round_.title, round_.peildatum, round_.deadline)


def stand_at(peildatum: date, url: str | None = None) -> str | None:
    """``status_of_peildatum`` in a session of its own, for a page or a download."""
    facts = stand_facts(peildatum, url)
    return facts.stand if facts else None
