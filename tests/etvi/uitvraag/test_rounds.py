"""The lifecycle of a round (concept → open → gesloten) and its refusals, on every backend."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlmodel import select

from etvi.uitvraag import rounds
from etvi.uitvraag.rounds import UitvraagError
from models import db
from models.tables import AuditEvent, Uitvraag, User


def test_a_round_goes_concept_open_gesloten_with_who_and_when(ref_db):
    with db.session(ref_db) as s:
        made = rounds.create_round(s, "  Uitvraag   najaar ", "2026-11-30", "2026-12-31", actor="vng", url=ref_db)
        assert (made.state, made.title, made.created_by) == ("concept", "Uitvraag najaar", "vng")
        assert rounds.onderdelen_of(made) == ["woonzorgvisie", "verordening", "verdeling opgave", "koploper"]
        rounds.open_round(s, made.id, actor="vng")
        round_id = made.id
    with db.session(ref_db) as s:
        closed = rounds.close_round(s, str(round_id), actor="beheer2")
        assert closed.state == "gesloten" and closed.closed_by == "beheer2" and closed.closed_at is not None
        assert closed.opened_by == "vng" and closed.opened_at <= closed.closed_at
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert actions == ["uitvraag_aangemaakt", "uitvraag_geopend", "uitvraag_gesloten"]


def test_onderdelen_asked_are_checked_and_kept_in_order(ref_db):
    with db.session(ref_db) as s:
        made = rounds.create_round(s, "Alleen twee", date(2026, 6, 30), date(2026, 7, 31), ["Koploper", "verordening"], url=ref_db)
        assert rounds.onderdelen_of(made) == ["verordening", "koploper"]
        with pytest.raises(UitvraagError, match="Onbekend onderdeel 'wonen'.*Kies uit: woonzorgvisie"):
            rounds.create_round(s, "Fout", date(2026, 6, 30), date(2026, 7, 31), ["wonen"], url=ref_db)


@pytest.mark.parametrize(
    ("title", "peildatum", "deadline", "message"),
    [
        ("Najaar", "2026-12-31", "2026-11-30", "De deadline (30-11-2026) ligt voor de peildatum (31-12-2026)"),
        ("Najaar", "30-11-2026", "2026-12-31", "Ongeldige peildatum '30-11-2026': schrijf de datum als JJJJ-MM-DD"),
        ("Najaar", "2026-11-30", "2026-02-30", "Ongeldige deadline '2026-02-30'"),
        ("   ", "2026-11-30", "2026-12-31", "De titel van de uitvraag is leeg"),
        ("x" * 201, "2026-11-30", "2026-12-31", "het maximum is 200"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_writes_nothing(ref_db, title, peildatum, deadline, message):
    with db.session(ref_db) as s, pytest.raises(UitvraagError) as err:
        rounds.create_round(s, title, peildatum, deadline, url=ref_db)
    assert message in str(err.value)
    with db.session(ref_db) as s:
        assert s.exec(select(Uitvraag)).all() == [] and s.exec(select(AuditEvent)).all() == []


def test_state_changes_that_make_no_sense_are_refused(ref_db):
    with db.session(ref_db) as s:
        first = rounds.create_round(s, "Een", "2026-11-30", "2026-12-31", url=ref_db)
        second = rounds.create_round(s, "Twee", "2026-11-30", "2026-12-31", url=ref_db)
        ids = first.id, second.id
        with pytest.raises(UitvraagError, match="nog een concept"):
            rounds.close_round(s, first.id)
        rounds.open_round(s, first.id)
        with pytest.raises(UitvraagError, match="is al open"):
            rounds.open_round(s, first.id)
        with pytest.raises(UitvraagError, match=f"Uitvraag {ids[0]} \\(Een\\) staat al open met peildatum 30-11-2026"):
            rounds.open_round(s, second.id)
        rounds.close_round(s, first.id)
        with pytest.raises(UitvraagError, match="is al gesloten"):
            rounds.close_round(s, first.id)
        rounds.open_round(s, second.id)  # the peildatum is free again
        for bad, message in [(999, "Uitvraag 999 bestaat niet"), ("abc", "Ongeldig uitvraagnummer 'abc'")]:
            with pytest.raises(UitvraagError, match=message):
                rounds.get_round(s, bad)
    with db.session(ref_db) as s:
        assert [(r.id, r.state) for r in rounds.list_rounds(s)] == [(ids[1], "open"), (ids[0], "gesloten")]
        assert [r.id for r in rounds.open_rounds(s)] == [ids[1]]


def test_migration_0008_up_and_down(db_url):
    def columns(table: str) -> set[str]:
        db.dispose_all()
        return {c["name"] for c in inspect(db.engine(db_url)).get_columns(table)}

    assert db.current_revision(db_url) >= "0008" and "email" in columns("user")
    command.downgrade(db.alembic_config(db_url), "0007")
    db.dispose_all()
    tables = set(inspect(db.engine(db_url)).get_table_names())
    assert "uitvraag" not in tables and "uitvraagmail" not in tables and "email" not in columns("user")
    command.upgrade(db.alembic_config(db_url), "0008")
    assert "email" in columns("user")
    with db.session(db_url) as s:
        s.add(User(username="x", role="gemeente", gemeente_codes="GM0363", email="x@gemeente.example"))
        s.add(Uitvraag(title="t", peildatum=date(2026, 1, 1), deadline=date(2026, 2, 1), onderdelen="verordening", created_by="t"))
    with db.session(db_url) as s:
        assert s.exec(select(User)).one().email == "x@gemeente.example"
        assert s.exec(select(Uitvraag)).one().state == "concept"
