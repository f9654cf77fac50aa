"""The second time axis (``models.asof``: the state at peildatum D *as known at moment K*): the SQL
form (``queries.status_asof(..., kennis=K)``, ``status_history(kennis=K)``) against the vectorised
one (``known_by`` on a history with ``known_since``), on random histories whose uploads were made
in an order unrelated to their ids and peildata; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from models import db, queries
from models.asof import asof, end_of_day, in_knowledge_order, known_by
from models.tables import StatusRecord, Upload

CODES = ["GM0363", "GM0518", "GM0599", "GM0344"]
ONDERDELEN = ["verordening", "woonzorgvisie"]
STATUSES = ["geen", "in voorbereiding", "vastgesteld"]
DAYS = [date(2023, 1, 1) + timedelta(days=91 * i) for i in range(5)]
T0 = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)


def _add(url: str, rows: list[tuple]) -> None:
    """rows: (upload number or None, made at (UTC), gemeente, onderdeel, peildatum, status).
    An upload's time is taken from its first row; a record without an upload has its own time."""
    uploads: dict[int, int] = {}
    with db.session(url) as s:
        for number, made, code, onderdeel, peildatum, status in rows:
            if number is not None and number not in uploads:
                upload = Upload(file_name=f"u{number}.xlsx", sha256=f"{number:064x}", outcome="geladen", created_at=made)
                s.add(upload)
                s.flush()
                uploads[number] = upload.id
            s.add(
                StatusRecord(
                    gemeente_code=code, onderdeel=onderdeel, status=status, peildatum=peildatum,
                    upload_id=uploads.get(number), created_at=made,
                )
            )  # fmt: skip
            s.flush()


def _states(frame: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    return {(r.gemeente_code, r.onderdeel): (r.status, pd.Timestamp(r.peildatum).date()) for r in frame.itertuples()}


def _random_rows(seed: int) -> list[tuple]:
    rng = random.Random(seed)
    rows = []
    for number in range(rng.randint(4, 8)):
        made = T0 + timedelta(hours=rng.randint(0, 200))  # not in the order of the ids
        upload = None if rng.random() < 0.2 else number
        for _ in range(rng.randint(1, 10)):
            rows.append((upload, made, rng.choice(CODES), rng.choice(ONDERDELEN), rng.choice(DAYS), rng.choice(STATUSES)))
    return rows


def test_kennis_by_hand(ref_db):
    """A correction for an earlier peildatum changes the past only from the moment it was made."""
    _add(
        ref_db,
        [
            (1, T0, "GM0363", "verordening", DAYS[1], "in voorbereiding"),
            (2, T0 + timedelta(days=30), "GM0363", "verordening", DAYS[1], "vastgesteld"),  # the correction
            (None, T0 + timedelta(days=10), "GM0518", "verordening", DAYS[0], "geen"),  # no upload: its own time
        ],
    )
    before, after = T0 + timedelta(days=1), T0 + timedelta(days=31)
    assert _states(queries.status_asof(DAYS[2], ref_db, kennis=T0 - timedelta(seconds=1))) == {}
    assert _states(queries.status_asof(DAYS[2], ref_db, kennis=before)) == {("GM0363", "verordening"): ("in voorbereiding", DAYS[1])}
    assert _states(queries.status_asof(DAYS[2], ref_db, kennis=after)) == {
        ("GM0363", "verordening"): ("vastgesteld", DAYS[1]),
        ("GM0518", "verordening"): ("geen", DAYS[0]),
    }
    assert _states(queries.status_asof(DAYS[2], ref_db)) == _states(queries.status_asof(DAYS[2], ref_db, kennis=after))
    # exactly at the moment of the upload it is known
    assert _states(queries.status_asof(DAYS[2], ref_db, kennis=T0 + timedelta(days=30)))[("GM0363", "verordening")][0] == "vastgesteld"


@pytest.mark.parametrize("seed", range(4))
def test_vectorised_kennis_equals_the_sql_reference(ref_db, seed):
    _add(ref_db, _random_rows(seed))
    full = queries.status_history(ref_db, with_known_since=True)
    assert list(full.columns[:-1]) == list(queries.status_history(ref_db).columns)
    moments = [T0 - timedelta(hours=1), *(T0 + timedelta(hours=h) for h in range(0, 215, 9)), None]
    days = [DAYS[0] - timedelta(days=1), *DAYS, DAYS[-1] + timedelta(days=30)]
    for kennis in moments:
        vectorised = in_knowledge_order(known_by(full, kennis))
        filtered_in_sql = in_knowledge_order(queries.status_history(ref_db, kennis=kennis))
        assert len(vectorised) == len(filtered_in_sql)
        for day in days:
            reference = _states(queries.status_asof(day, ref_db, kennis=kennis))
            assert _states(asof(vectorised, day)) == reference, (kennis, day)
            assert _states(asof(filtered_in_sql, day)) == reference, (kennis, day)


def test_known_by_none_is_the_whole_history(ref_db):
    _add(ref_db, _random_rows(7))
    full = queries.status_history(ref_db, with_known_since=True)
    assert known_by(full, None) is full
    assert len(full) == len(queries.status_history(ref_db))


def test_end_of_day_is_amsterdam_midnight():
    # winter (CET, UTC+1) and summer (CEST, UTC+2): the day ends at 23:00 / 22:00 UTC
    assert end_of_day(date(2025, 1, 15)) == datetime(2025, 1, 15, 22, 59, 59, 999999, tzinfo=timezone.utc)
    assert end_of_day(date(2025, 7, 15)) == datetime(2025, 7, 15, 21, 59, 59, 999999, tzinfo=timezone.utc)
