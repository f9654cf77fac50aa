"""How final the figures at a peildatum are (``rounds.status_of_peildatum``): no round behind
them → None; an open round → voorlopig; closed → definitief; a concept does not count. And where
a gemeente account lands after logging in (``responses.pending_round`` + ``policy.home``). On
every backend."""

from __future__ import annotations

from datetime import date, timedelta

from etvi.accounts import policy
from etvi.accounts.policy import Principal
from etvi.uitvraag import confirmation, responses, rounds
from models import db
from tests.support import uitvraag as scene_
from tests.support.uitvraag import PEILDATUM


def _status(url, day):
    with db.session(url) as s:
        return rounds.status_of_peildatum(s, day)


def test_voorlopig_while_open_definitief_after_closing(ref_db):
    day_after = PEILDATUM + timedelta(days=1)
    assert _status(ref_db, day_after) is None
    with db.session(ref_db) as s:
        made = rounds.create_round(s, "Najaar", PEILDATUM, date(2026, 12, 31), actor="test", url=ref_db)
        round_id = made.id
    assert _status(ref_db, day_after) is None  # a concept does not count
    with db.session(ref_db) as s:
        rounds.open_round(s, round_id, actor="test")
    assert _status(ref_db, PEILDATUM) == rounds.VOORLOPIG
    assert _status(ref_db, day_after) == rounds.VOORLOPIG
    assert _status(ref_db, PEILDATUM - timedelta(days=1)) is None  # figures before the round's peildatum
    with db.session(ref_db) as s:
        rounds.close_round(s, round_id, actor="test")
    assert _status(ref_db, day_after) == rounds.DEFINITIEF
    # a later open round decides for its own peildatum and after it
    with db.session(ref_db) as s:
        later = rounds.create_round(s, "Voorjaar", date(2027, 3, 31), date(2027, 4, 30), actor="test", url=ref_db)
        rounds.open_round(s, later.id, actor="test")
    assert _status(ref_db, day_after) == rounds.DEFINITIEF
    assert _status(ref_db, date(2027, 4, 1)) == rounds.VOORLOPIG


def test_a_gemeente_with_an_open_round_unanswered_lands_on_it(ref_db, tmp_path, fast_hashing):
    scene = scene_.build(ref_db, tmp_path)
    ams = Principal.from_user(scene.user("ams"))
    nh = Principal.from_user(scene.user("nh"))
    vng = Principal.from_user(scene.user("vng"))
    pending = responses.pending_round(ams, ref_db)
    assert pending == scene.round_id
    assert policy.home(ams, pending) == f"/uitvraag/{scene.round_id}"
    assert responses.pending_round(nh, ref_db) is None and responses.pending_round(vng, ref_db) is None
    assert policy.home(nh, 7) == "/aanlevering" and policy.home(vng, 7) == "/aanleveren"  # only a gemeente goes to the round
    confirmation.confirm_unchanged(scene.round_id, "GM0363", ams, url=ref_db)
    assert responses.pending_round(ams, ref_db) is None  # answered: back to its usual home
    assert policy.home(ams, None) == "/aanleveren"
