""""Niets veranderd" at the service level: a status record per onderdeel asked at the round's
peildatum, same status and date, through the upload service; refusals change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from etvi.uitvraag import confirmation, responses, rounds
from etvi.uitvraag.rounds import UitvraagError
from etvi.upload import service
from models import db, queries
from models.tables import AuditEvent, StatusRecord, Upload
from tests.support import uitvraag as scene_
from tests.support.uitvraag import PEILDATUM


@pytest.fixture
def scene(ref_db, tmp_path, fast_hashing):
    return scene_.build(ref_db, tmp_path)


def _state(url, day, code):
    frame = queries.status_asof(day, url)
    mine = frame[frame.gemeente_code == code].sort_values("onderdeel")
    return [(r.onderdeel, r.status, str(r.adopted_on)[:10] if r.adopted_on else None, r.comment, r.source_url) for r in mine.itertuples()]


def test_niets_veranderd_records_the_known_status_at_the_peildatum(scene):
    url = scene.url
    before = _state(url, PEILDATUM, "GM0363")
    result = confirmation.confirm_unchanged(scene.round_id, "gm0363", scene.user("ams"), url=url)
    assert result.outcome == "geladen" and not result.problems
    assert _state(url, PEILDATUM, "GM0363") == before  # nothing changed ...
    with db.session(url) as s:
        new = s.exec(select(StatusRecord).where(StatusRecord.upload_id == result.upload_id).order_by(StatusRecord.onderdeel)).all()
        upload = s.get(Upload, result.upload_id)
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "uitvraag_ongewijzigd_bevestigd")).all()
    # ... but the history shows the confirmation at the round's peildatum
    assert [(r.onderdeel, r.status, r.adopted_on, r.peildatum, r.comment, r.source_url) for r in new] == [
        ("verordening", "vastgesteld", date(2025, 6, 1), PEILDATUM, "besluit raad", "https://amsterdam.example/verordening"),
        ("woonzorgvisie", "in concept", None, PEILDATUM, "besluit raad", "https://amsterdam.example/verordening"),
    ]
    assert (upload.channel, upload.username, upload.peildatum, upload.gemeente_codes) == ("formulier", "ams", PEILDATUM, "GM0363")
    name, original = service.original(result.upload_id, scene.user("ams"), url)  # the gemeente's own proof
    assert name == f"uitvraag-{scene.round_id}-niets-veranderd-GM0363.csv" and b"GM0363;;;vastgesteld;2025-06-01;" in original
    assert len(events) == 1 and events[0].username == "ams"
    _, answers = responses.answers(scene.round_id, url)
    ams = next(a for a in answers if a.gemeente_code == "GM0363")
    assert (ams.antwoord, ams.door, ams.kanaal, ams.upload_id) == ("ongewijzigd", "ams", "formulier", result.upload_id)


def test_only_the_onderdelen_asked_are_confirmed(ref_db, tmp_path, fast_hashing):
    scene_.make_accounts(ref_db)
    scene_.load_baseline(ref_db, tmp_path)
    with db.session(ref_db) as s:
        made = rounds.create_round(s, "Alleen verordening", PEILDATUM, date(2026, 12, 31), ["verordening"], url=ref_db)
        rounds.open_round(s, made.id)
        round_id = made.id
    result = confirmation.confirm_unchanged(round_id, "GM0363", scene_.Scene(ref_db, round_id).user("ams"), url=ref_db)
    with db.session(ref_db) as s:
        written = s.exec(select(StatusRecord.onderdeel).where(StatusRecord.upload_id == result.upload_id)).all()
    assert written == ["verordening"]


def test_refusals_are_dutch_and_write_nothing(scene, ref_db, tmp_path):
    url = scene.url
    with db.session(url) as s:
        concept = rounds.create_round(s, "Nog concept", date(2026, 10, 31), date(2026, 12, 31), url=url).id
        uploads_before = len(s.exec(select(Upload)).all())
    cases = [
        (concept, "GM0363", "ams", {}, "is concept; alleen in een open uitvraag"),
        (scene.round_id, "GM0363", "utr", {}, "U mag niet antwoorden voor GM0363; uw account hoort bij GM0344"),
        (scene.round_id, "GM0363", "nh", {}, "mag geen gegevens aanleveren"),
        (scene.round_id, "GM0014", "noord", {}, "Voor GM0014 is nog geen status bekend"),
        (scene.round_id, "GM0363", "ams", {"today": date(2026, 11, 29)}, "De peildatum 30-11-2026 is nog niet bereikt"),
        (999, "GM0363", "ams", {}, "Uitvraag 999 bestaat niet"),
    ]
    for round_id, code, who, extra, message in cases:
        with pytest.raises(UitvraagError) as err:
            confirmation.confirm_unchanged(round_id, code, scene.user(who), url=url, **extra)
        assert message in str(err.value), (who, str(err.value))
    with db.session(url) as s:
        assert len(s.exec(select(Upload)).all()) == uploads_before
        assert s.exec(select(StatusRecord).where(StatusRecord.peildatum == PEILDATUM)).all() == []
