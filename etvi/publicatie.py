"""Publicaties: figures that can be cited and never change.

A publicatie fixes a peildatum and a moment K (``kennis``): its figures are the state at the
peildatum *as known at K* (``models.asof``), so a later upload that corrects the past changes
the live views but never a publicatie. Making one is a beheerder action and is audited; rows
are never changed or deleted. K is stamped in one serialisation with the uploads' own moments
(``models.kennis_moment``), so an upload that commits after K never enters a publicatie.
Reference data (gemeenten, levels, milestones, regions) is frozen with the row as it is made
(``models.frozen_reference``), and so are the exact bytes of its csv: a later ``etvi init`` with a
merger or a new name, a region reload or an edited milestone changes neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlmodel import Session, select

from etl.export import export_frame, to_csv_bytes
from etvi.accounts import audit
from etvi.errors import UserError
from models import db, frozen_reference, kennis_moment, queries
from models.asof import utc
from models.tables import Publicatie, Uitvraag

MAX_TITEL = 200


class PublicatieError(UserError):
    """A publicatie that cannot be made or found; the message is Dutch."""


@dataclass(frozen=True)
class PublicatieInfo:
    """A publicatie as read from the database (detached from any session)."""

    id: int
    titel: str
    peildatum: date
    kennis: datetime
    username: str
    created_at: datetime
    ronde_id: int | None


def _info(row: Publicatie) -> PublicatieInfo:
    return PublicatieInfo(row.id, row.titel, row.peildatum, utc(row.kennis), row.username, utc(row.created_at), row.ronde_id)


def check_titel(titel: str | None) -> str:
    """The title, trimmed; a Dutch message when it is empty, too long or holds control characters."""
    clean = (titel or "").strip()
    if not clean:
        raise PublicatieError("De titel van de publicatie is leeg; geef een titel, bijvoorbeeld 'Kamerbrief maart 2026'.")
    if len(clean) > MAX_TITEL:
        raise PublicatieError(f"De titel is {len(clean)} tekens lang; het maximum is {MAX_TITEL}.")
    if any(ord(c) < 32 for c in clean):
        raise PublicatieError("De titel bevat een regeleinde of een ander stuurteken; geef één regel tekst.")
    return clean


def make(titel: str, actor: str, peildatum: date | None = None, kennis: datetime | None = None, url: str | None = None) -> PublicatieInfo:
    """Publish the state at ``peildatum`` (default today) as known now (or at ``kennis``)."""
    clean = check_titel(titel)
    today = date.today()
    when = peildatum or today
    if when > today:
        raise PublicatieError(f"De peildatum {when:%d-%m-%Y} ligt in de toekomst; een publicatie gaat over vandaag of eerder.")
    with db.session(url) as s:
        row = _add(s, clean, when, kennis_moment.publicatie_moment(s, kennis), actor, url=url)
        s.commit()
        s.refresh(row)
        return _info(row)


def _add(s: Session, titel: str, peildatum: date, moment: datetime, actor: str, ronde_id: int | None = None, url: str | None = None) -> Publicatie:
    """The row, with its reference data and csv frozen (read beside ``s``, which holds the lock
    of ``kennis_moment``: every upload known at ``moment`` has committed)."""
    url = url if url is not None else s.get_bind().url.render_as_string(hide_password=False)
    row = Publicatie(
        titel=titel,
        peildatum=peildatum,
        kennis=moment,
        username=actor,
        ronde_id=ronde_id,
        referentie=frozen_reference.freeze(url),
        csv=frozen_csv(peildatum, moment, url),
    )
    s.add(row)
    s.flush()
    extra = {"uitvraag": ronde_id} if ronde_id is not None else {}
    audit.record(s, actor, "publicatie gemaakt", id=row.id, titel=titel, peildatum=peildatum.isoformat(), kennis=moment.isoformat(), **extra)
    return row


def for_round(s: Session, round_: Uitvraag, actor: str) -> PublicatieInfo:
    """Publish a round as it closes (``etvi uitvraag sluit --publiceer``): its peildatum as known
    now, titled after it, in the session that closes it, so both happen or neither. A Dutch message
    (and nothing changed, as the caller's session rolls back) when its peildatum lies ahead."""
    if round_.peildatum > date.today():
        raise PublicatieError(
            f"De peildatum van uitvraag {round_.id} ({round_.peildatum:%d-%m-%Y}) ligt in de toekomst; publiceer de uitvraag "
            "op of na de peildatum met 'etvi publicatie maak', of sluit hem zonder --publiceer."
        )
    row = _add(s, check_titel(round_.title), round_.peildatum, kennis_moment.publicatie_moment(s), actor, ronde_id=round_.id)
    return _info(row)


def get(publicatie_id: int | str, url: str | None = None) -> PublicatieInfo:
    """The publicatie with this id; a Dutch message when the id is not a number or unknown."""
    try:
        number = int(str(publicatie_id).strip())
    except ValueError:
        raise PublicatieError(f"'{publicatie_id}' is geen publicatienummer; gebruik het nummer uit 'etvi publicatie list'.") from None
    with db.session(url) as s:
        row = s.get(Publicatie, number)
        if row is None:
            raise PublicatieError(f"Publicatie {number} bestaat niet; 'etvi publicatie list' toont de publicaties.")
        return _info(row)


def ronde_titel(p: PublicatieInfo, url: str | None = None) -> str | None:
    """The title of the round this publicatie published when it closed (None: not a round's)."""
    if p.ronde_id is None:
        return None
    with db.session(url) as s:
        row = s.get(Uitvraag, p.ronde_id)
        return row.title if row is not None else None


def all_publicaties(url: str | None = None) -> list[PublicatieInfo]:
    """Every publicatie, newest first."""
    with db.session(url) as s:
        return [_info(r) for r in s.exec(select(Publicatie).order_by(Publicatie.created_at.desc(), Publicatie.id.desc())).all()]


CORRECTION_COLUMNS = ["gemeente_code", "onderdeel", "gepubliceerd", "nu"]


def corrections(p: PublicatieInfo, url: str | None = None) -> pd.DataFrame:
    """Where later uploads changed the status the publicatie shows: one row per (gemeente,
    onderdeel) whose status at its peildatum as known now differs from as known at its moment
    (``gepubliceerd`` None: nothing was known then). Sorted by gemeente code and onderdeel."""
    then = queries.status_asof(p.peildatum, url, kennis=p.kennis)[["gemeente_code", "onderdeel", "status"]]
    now = queries.status_asof(p.peildatum, url)[["gemeente_code", "onderdeel", "status"]]
    both = now.merge(then, on=["gemeente_code", "onderdeel"], how="outer", suffixes=("_nu", "_toen"))
    nu = both["status_nu"].astype(object).where(both["status_nu"].notna(), None)
    toen = both["status_toen"].astype(object).where(both["status_toen"].notna(), None)
    changed = [a != b for a, b in zip(nu, toen)]
    out = pd.DataFrame(
        {"gemeente_code": both["gemeente_code"].astype(object), "onderdeel": both["onderdeel"].astype(object), "gepubliceerd": toen, "nu": nu}
    )[changed]
    return out.sort_values(["gemeente_code", "onderdeel"], ignore_index=True)[CORRECTION_COLUMNS]


def frozen_csv(peildatum: date, kennis: datetime, url: str | None = None) -> bytes:
    """The csv of ``etvi export`` (one row per gemeente) at ``peildatum`` as known at ``kennis``,
    with today's gemeenten: what a publicatie stores as it is made."""
    return to_csv_bytes(export_frame(peildatum, url, kennis=kennis))


def csv_bytes(p: PublicatieInfo, url: str | None = None) -> bytes:
    """The publicatie's figures: the csv stored as it was made, so the same bytes on every call."""
    with db.session(url) as s:
        return s.get(Publicatie, p.id).csv
