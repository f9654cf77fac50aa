"""The answer form's changes at the service level (``etvi.uitvraag.form_answer``): only changed
onderdelen become rows of ``formulier-<code>-<peildatum>.csv``, checked and loaded through the
upload service with channel ``formulier`` (the round counts it as ``gewijzigd``, the CSV is the
upload's original); refusals carry the spreadsheet's Dutch messages, mapped to their field, and
change no status. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from etvi.uitvraag import confirmation, form_answer, responses
from etvi.uitvraag.rounds import UitvraagError
from etvi.upload import service
from models import db
from models.tables import AuditEvent, StatusRecord, Upload
from tests.support import uitvraag as scene_
from tests.support.uitvraag import PEILDATUM


@pytest.fixture
def scene(ref_db, tmp_path, fast_hashing):
    return scene_.build(ref_db, tmp_path)


def _form(scene, code="GM0363", **changes):
    """The form as prefilled for ``code``, with ``changes`` (onderdeel → field → text) applied."""
    known = confirmation.known_statuses(PEILDATUM, ["woonzorgvisie", "verordening", "verdeling opgave", "koploper"], code, scene.url)
    values = {o: form_answer.prefill(known.get(o)) for o in ["woonzorgvisie", "verordening", "verdeling opgave", "koploper"]}
    for onderdeel, fields in changes.items():
        values[onderdeel.replace("_", " ")].update(fields)
    return values


def _records(url) -> int:
    with db.session(url) as s:
        return len(s.exec(select(StatusRecord)).all())


def test_status_words_are_the_validations_list(scene):
    words = form_answer.status_words(scene.url)
    assert words["verordening"] == ["geen", "in voorbereiding", "vastgesteld"]
    assert "opgenomen in volkshuisvestingsprogramma" in words["woonzorgvisie"]


def test_a_changed_status_is_checked_previewed_and_confirmed_as_formulier(scene):
    url, ams = scene.url, scene.user("ams")
    values = _form(scene, woonzorgvisie={"status": "vastgesteld", "datum": "15-10-2026", "bron": "https://amsterdam.example/wzv"})
    checked = form_answer.check(scene.round_id, "GM0363", values, ams, url)
    assert checked.onderdelen == ["woonzorgvisie"]  # verordening is unchanged: no row for it
    assert checked.token and checked.result.outcome == "proef" and not checked.result.problems
    data = service.result_dict(checked.result)
    assert [(c["onderdeel"], c["huidige_status"], c["nieuwe_status"]) for c in data["changes"]] == [("woonzorgvisie", "in concept", "vastgesteld")]
    before = _records(url)
    result = form_answer.confirm(scene.round_id, "GM0363", checked.token, ams, url)
    assert result.outcome == "geladen" and result.records_written == 1
    assert _records(url) == before + 1
    with db.session(url) as s:
        upload = s.get(Upload, result.upload_id)
        assert (upload.channel, upload.file_name, upload.peildatum) == ("formulier", "formulier-GM0363-2026-11-30.csv", PEILDATUM)
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "uitvraag_formulier_bevestigd")).one().username == "ams"
    name, content = service.original(result.upload_id, ams, url)  # the gemeente's own proof of what it answered
    assert name == "formulier-GM0363-2026-11-30.csv"
    text = content.decode("utf-8")
    assert text.splitlines()[1].startswith("GM0363;vastgesteld;15-10-2026;")
    assert "https://amsterdam.example/wzv" in text and "verordening" in text.splitlines()[0]
    _round, answers = responses.answers(scene.round_id, url)
    mine = next(a for a in answers if a.gemeente_code == "GM0363")
    assert (mine.antwoord, mine.kanaal, mine.door) == ("gewijzigd", "formulier", "ams")


def test_nothing_changed_sends_nothing(scene):
    checked = form_answer.check(scene.round_id, "GM0363", _form(scene), scene.user("ams"), scene.url)
    assert checked.result is None and checked.token is None and "Niets veranderd" in checked.nothing_changed
    empty = {o: {} for o in ["woonzorgvisie", "verordening"]}  # noord's Groningen: nothing known, nothing filled in
    nothing = form_answer.check(scene.round_id, "GM0014", empty, scene.user("noord"), scene.url)
    assert nothing.result is None and nothing.nothing_changed.startswith("U heeft nog niets ingevuld.")
    with db.session(scene.url) as s:
        assert s.exec(select(Upload).where(Upload.channel == "formulier")).all() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"verordening": {"datum": "01-12-2026"}}, ("verordening", "datum"), "ligt na de peildatum (30-11-2026)"),
        ({"verordening": {"bron": "ftp://amsterdam.example/v"}}, ("verordening", "bron"), "alleen links die beginnen met http:// of https://"),
        ({"verordening": {"status": "klaar"}}, ("verordening", "status"), "'klaar' is geen geldige status. Toegestaan: geen, in voorbereiding"),
        ({"woonzorgvisie": {"datum": "31-02-2026"}}, ("woonzorgvisie", "datum"), "31-02-2026"),
    ],
)
def test_refusals_name_their_field_in_dutch_and_change_nothing(scene, changes, field, message):
    url = scene.url
    before = _records(url)
    checked = form_answer.check(scene.round_id, "GM0363", _form(scene, **changes), scene.user("ams"), url)
    assert checked.token is None and checked.result.outcome == "geweigerd"
    by_field, rest = form_answer.problems_by_field(service.problem_dicts(checked.result.problems), checked.rows)
    assert rest == [] and list(by_field) == [field]
    assert message in by_field[field][0], by_field
    assert _records(url) == before
    with db.session(url) as s:  # logged like a refused spreadsheet, as the form's channel
        refused = s.exec(select(Upload).where(Upload.outcome == "geweigerd")).all()
        assert [(u.channel, u.file_name) for u in refused] == [("formulier", "formulier-GM0363-2026-11-30.csv")]


def test_another_gemeente_or_a_foreign_token_is_refused(scene):
    url, ams, utr = scene.url, scene.user("ams"), scene.user("utr")
    with pytest.raises(UitvraagError, match="U mag niet antwoorden voor GM0344"):
        form_answer.check(scene.round_id, "GM0344", _form(scene, "GM0344", verordening={"status": "vastgesteld"}), ams, url)
    checked = form_answer.check(scene.round_id, "GM0344", _form(scene, "GM0344", verordening={"status": "vastgesteld"}), utr, url)
    assert checked.token
    with pytest.raises(service.NothingWaiting):  # the token is bound to the user who checked
        form_answer.confirm(scene.round_id, "GM0363", checked.token, ams, url)
    with pytest.raises(UitvraagError, match="U mag niet antwoorden voor GM0344"):
        form_answer.confirm(scene.round_id, "GM0344", checked.token, ams, url)
    with db.session(url) as s:
        assert s.exec(select(Upload).where(Upload.outcome == "geladen", Upload.channel == "formulier")).all() == []
