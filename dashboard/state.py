"""Reading view state from the query string: every value is checked, anything odd falls back to a default.

The query string is the single source of a view's state: page layouts read it, controls write
it back (``history.replaceState`` in ``assets/etvi.js``), so a copied address reproduces the view.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple
from urllib.parse import urlencode

from dashboard.aggregates import month_ends, to_date
from models.asof import end_of_day


def parse_date(value, default: date) -> date:
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        d = to_date(value) if value else None
    except (ValueError, TypeError):
        d = None
    return d or default


def parse_peildatum(value, today: date) -> date:
    """A peildatum from the query string: malformed -> ``today``; a future date is clamped to
    ``today`` (there is no data from the future; see ``future_peildatum``)."""
    return min(parse_date(value, today), today)


def future_peildatum(value, today: date) -> bool:
    """True when ``value`` is a well-formed peildatum after ``today`` (the page says it shows today)."""
    return parse_date(value, today) > today


FUTURE_NOTICE = "De gekozen datum (stand op) ligt in de toekomst; de stand van vandaag wordt getoond."


KENNIS_SHOWN = 40  # characters of a bad value repeated in the message


class Kennis(NamedTuple):
    """A page's kennis: the moment (None: as known now), its notice, and whether that is a warning."""

    moment: datetime | None
    notice: str | None
    warning: bool = False


def parse_kennis(value, today: date) -> Kennis:
    """``?kennis=JJJJ-MM-DD``: the end of that day in Europe/Amsterdam (``models.asof.end_of_day``)
    and the page's notice. Absent: now, no notice; today: now; malformed or in the future: now,
    with a Dutch warning that says so."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or value == "":
        return Kennis(None, None)
    text = str(value).strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        shown = text if len(text) <= KENNIS_SHOWN else text[:KENNIS_SHOWN] + "…"
        return Kennis(None, f"De kennisdatum '{shown}' in het adres is geen datum in de vorm JJJJ-MM-DD; de cijfers worden getoond zoals ze nu bekend zijn.", True)
    if day > today:
        return Kennis(None, f"De kennisdatum {day:%d-%m-%Y} ligt in de toekomst; de cijfers worden getoond zoals ze nu bekend zijn.", True)
    if day == today:
        return Kennis(None, f"Kennis van {day:%d-%m-%Y} (vandaag): de cijfers zoals ze nu bekend zijn.")
    return Kennis(
        end_of_day(day),
        f"Kennis van {day:%d-%m-%Y}: de cijfers zoals ze aan het eind van die dag bekend waren. "
        "Latere aanleveringen, ook correcties van eerdere peildata, tellen niet mee.",
    )


def choose(value, allowed: list[str], default: str) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if value in allowed else default


def flag(value) -> bool:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).lower() in ("1", "ja", "true", "on")


def positive_int(value, default: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if n > 0 else default


def query(**params) -> str:
    """'?a=1&b=2' without empty values ('' when nothing is left)."""
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    return "?" + urlencode(clean) if clean else ""


def peildatum_options(first: date | None, today: date, extra: list[date] | None = None, selected: date | None = None) -> list[date]:
    """Dates offered by the peildatum control: month ends from the first data month to today,
    every peildatum in the data, today, and the selected date. Newest first."""
    dates = set(extra or [])
    dates.add(today)
    if selected:
        dates.add(selected)
    if first and first <= today:
        dates.update(month_ends(first, today))
    return sorted(dates, reverse=True)
