"""The dashboard's data source under a kennis moment (``DataSource.version(kennis=K)``): the history,
the state and the cards it computes with ``aggregates.prepare_history(..., kennis)`` equal the SQL
reference ``queries.status_asof(D, kennis=K)``; the default (now) is untouched by a kennis view
cached next to it; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd

from dashboard.data import DataSource
from models import db, queries
from models.tables import StatusRecord, Upload

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
PEIL = date(2024, 12, 31)


def _upload(url: str, made: datetime, rows: list[tuple[str, str, str, date]]) -> None:
    with db.session(url) as s:
        upload = Upload(file_name="u.xlsx", sha256=f"{int(made.timestamp()):064x}", outcome="geladen", created_at=made)
        s.add(upload)
        s.flush()
        for code, onderdeel, status, peildatum in rows:
            s.add(StatusRecord(gemeente_code=code, onderdeel=onderdeel, status=status, peildatum=peildatum, upload_id=upload.id, created_at=made))


def _states(frame: pd.DataFrame) -> dict:
    return {(r.gemeente_code, r.onderdeel): r.status for r in frame.itertuples()}


def test_kennis_views_equal_the_sql_reference(ref_db):
    _upload(ref_db, T0, [("GM0363", "verordening", "in voorbereiding", date(2024, 6, 1)), ("GM0518", "verordening", "vastgesteld", date(2024, 6, 1))])
    # a month later, a correction for the earlier peildatum and a new gemeente
    _upload(ref_db, T0 + timedelta(days=30), [("GM0363", "verordening", "vastgesteld", date(2024, 6, 1)), ("GM0599", "verordening", "vastgesteld", date(2024, 9, 1))])
    ds = DataSource(ref_db)
    now = ds.version()
    then = ds.version(kennis=T0 + timedelta(days=1))
    assert now.kennis is None and then.key == now.key

    live = _states(ds.status_at(PEIL, now))
    known = _states(ds.status_at(PEIL, then))
    assert known == _states(queries.status_asof(PEIL, ref_db, kennis=then.kennis)) == {
        ("GM0363", "verordening"): "in voorbereiding",
        ("GM0518", "verordening"): "vastgesteld",
    }
    assert live == _states(queries.status_asof(PEIL, ref_db)) and live[("GM0363", "verordening")] == "vastgesteld"
    assert _states(ds.status_at(PEIL, ds.version())) == live  # the kennis view did not replace the live one in the cache

    cards_now = {c.onderdeel: c.n_done for c in ds.cards(PEIL, now)}
    cards_then = {c.onderdeel: c.n_done for c in ds.cards(PEIL, then)}
    assert cards_now["verordening"] == 3 and cards_then["verordening"] == 1
    assert len(ds.history(then)) == 2 and len(ds.history(now)) == 4
    # before anything was known: nothing
    assert ds.status_at(PEIL, ds.version(kennis=T0 - timedelta(seconds=1))).empty


def test_kennis_source_is_asked_when_no_moment_is_given(ref_db):
    moment = T0
    ds = DataSource(ref_db, kennis_source=lambda: moment)
    assert ds.version().kennis == moment
    assert ds.version(kennis=T0 + timedelta(days=2)).kennis == T0 + timedelta(days=2)
