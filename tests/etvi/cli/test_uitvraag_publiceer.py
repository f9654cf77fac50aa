"""``etvi uitvraag sluit ID --publiceer`` through the real entry point on SQLite and PostgreSQL:
the round closes and a publicatie of its peildatum is made in the same step (ronde_id set, the
round's title), which its page names; a round that cannot be published is not closed either."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from etvi.uitvraag import rounds
from models import db
from models.tables import AuditEvent, Publicatie, Uitvraag
from tests.support import uitvraag as scene_
from tests.support.app import make_app, page_content
from tests.support.cli import run_cli
from tests.support.uitvraag import PEILDATUM


def etvi(url, tmp_path, *args):
    proc = run_cli("uitvraag", *args, url=url, tmp_path=tmp_path)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def test_sluit_publiceer_makes_the_rounds_publicatie(ref_db, tmp_path, fast_hashing):
    scene = scene_.build(ref_db, tmp_path)
    res = etvi(ref_db, tmp_path, "sluit", str(scene.round_id), "--publiceer")
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.strip().splitlines()
    assert lines[-1].isdigit() and f"Gepubliceerd als publicatie {lines[-1]}" in lines[-2] and "is gesloten" in res.stdout
    with db.session(ref_db) as s:
        (pub,) = s.exec(select(Publicatie)).all()
        round_ = s.get(Uitvraag, scene.round_id)
        assert (pub.id, pub.ronde_id, pub.titel, pub.peildatum) == (int(lines[-1]), scene.round_id, "Uitvraag najaar 2026", PEILDATUM)
        assert round_.state == rounds.GESLOTEN and pub.username.startswith("cli:")
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "publicatie gemaakt")).one()

    page = page_content(make_app(ref_db).server.test_client(), f"/publicatie/{pub.id}")
    assert f"uitvraag {scene.round_id} 'Uitvraag najaar 2026'" in page and f"/uitvraag/{scene.round_id}" in page and "pub-uitvraag" in page
    assert "de stand op 30 november 2026" in page


def test_without_publiceer_no_publicatie(ref_db, tmp_path, fast_hashing):
    scene = scene_.build(ref_db, tmp_path)
    res = etvi(ref_db, tmp_path, "sluit", str(scene.round_id))
    assert res.returncode == 0 and not res.stdout.strip().splitlines()[-1].isdigit()
    with db.session(ref_db) as s:
        assert s.exec(select(Publicatie)).all() == []


def test_a_round_that_cannot_be_published_stays_open(ref_db, tmp_path, fast_hashing):
    """A peildatum ahead of today cannot be published: a Dutch message, the round still open, no publicatie."""
    scene_.make_accounts(ref_db)
    ahead = date.today() + timedelta(days=30)
    round_id = scene_.new_round(ref_db, "Uitvraag vooruit", ahead, ahead + timedelta(days=30))
    res = etvi(ref_db, tmp_path, "sluit", str(round_id), "--publiceer")
    assert res.returncode == 2 and "ligt in de toekomst" in res.stderr and f"uitvraag {round_id}" in res.stderr, res.stdout + res.stderr
    with db.session(ref_db) as s:
        assert s.get(Uitvraag, round_id).state == rounds.OPEN and s.exec(select(Publicatie)).all() == []
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "uitvraag_gesloten")).all() == []

    closed = etvi(ref_db, tmp_path, "sluit", str(round_id))
    assert closed.returncode == 0
    again = etvi(ref_db, tmp_path, "sluit", str(round_id), "--publiceer")
    assert again.returncode == 2 and "is al gesloten" in again.stderr
    with db.session(ref_db) as s:
        assert s.exec(select(Publicatie)).all() == []
