"""Who answered a round, derived from the upload log: every channel counts, a refusal is
``geweigerd``, another peildatum or a late upload does not count."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from etvi.uitvraag import confirmation, responses, rounds
from etvi.upload import service
from models import db
from tests.support import uitvraag as scene_
from tests.support.uitvraag import PEILDATUM, status_csv


@pytest.fixture
def scene(ref_db, tmp_path, fast_hashing):
    return scene_.build(ref_db, tmp_path)


def _by_code(round_id, url, **kw):
    _, answers = responses.answers(round_id, url, **kw)
    return {a.gemeente_code: a for a in answers}


def _load(scene, who, rows, channel, peildatum=PEILDATUM, name="aanlevering.csv"):
    """Bytes through the upload service, the peildatum given as the page and API give it (so a
    refused file still has one)."""
    return service.load_bytes(
        status_csv(rows, peildatum), name, principal=scene.user(who), channel=channel, peildatum=peildatum, url=scene.url
    )


def test_each_channel_and_kind_of_answer_is_told_apart(scene, tmp_path):
    url = scene.url
    confirmation.confirm_unchanged(scene.round_id, "GM0363", scene.user("ams"), url=url)  # formulier, ongewijzigd
    changed = _load(scene, "utr", [("GM0344", "vastgesteld", "2026-11-01", "geen", "", "")], "web")  # bestand, gewijzigd
    assert changed.outcome == "geladen", changed.problems
    refused = _load(scene, "rdm", [("GM0599", "bijna klaar", "", "", "", "")], "api")  # API, geweigerd
    assert refused.outcome == "geweigerd"
    path = tmp_path / "cli.csv"
    path.write_bytes(status_csv([("GM0080", "geen", "", "", "", "")], PEILDATUM))
    assert service.load_file(path, url=url).outcome == "geladen"  # CLI, new: gewijzigd
    other_day = _load(scene, "zonder", [("GM0518", "geen", "", "", "", "")], "web", peildatum=date(2026, 11, 29))
    assert other_day.outcome == "geladen"  # another peildatum: no answer

    answers = _by_code(scene.round_id, url)
    got = {code: (a.antwoord, a.door, a.kanaal) for code, a in answers.items() if a.antwoord != "geen"}
    assert got == {
        "GM0363": ("ongewijzigd", "ams", "formulier"),
        "GM0344": ("gewijzigd", "utr", "bestand"),
        "GM0599": ("geweigerd", "rdm", "API"),
        "GM0080": ("gewijzigd", "cli", "CLI"),
    }
    assert answers["GM0344"].upload_id == changed.upload_id and answers["GM0344"].wanneer is not None
    assert (answers["GM0518"].antwoord, answers["GM0518"].wanneer, answers["GM0518"].kanaal) == ("geen", None, None)
    assert len(answers) == 342
    everything = list(answers.values())
    assert responses.summary_line(everything) == "3 van 342 gemeenten geantwoord"
    counts = responses.summary(everything)
    assert counts["per_antwoord"] == {"gewijzigd": 2, "ongewijzigd": 1, "geweigerd": 1, "geen": 338}
    assert counts["per_provincie"]["Utrecht"]["geantwoord"] == 1 and counts["per_provincie"]["Noord-Holland"]["geantwoord"] == 1
    assert sum(p["totaal"] for p in counts["per_provincie"].values()) == 342
    assert set(responses.unanswered(everything)) == set(answers) - {"GM0363", "GM0344", "GM0080"}

    table = list(csv.reader(io.StringIO(responses.csv_text(everything))))
    assert table[0] == ["gemeentecode", "gemeente", "provincie", "antwoord", "wanneer", "door", "kanaal"]
    row = next(r for r in table if r[0] == "GM0344")
    assert row[1:4] == ["Utrecht", "Utrecht", "gewijzigd"] and row[4].endswith("+00:00") and row[5:] == ["utr", "bestand"]
    assert len(table) == 343


def test_a_file_that_repeats_what_was_known_is_ongewijzigd_and_a_later_change_gewijzigd(scene):
    same = _load(scene, "rdm", [("GM0599", "geen", "", "vastgesteld", "", "")], "api")
    assert same.outcome == "geladen"
    assert _by_code(scene.round_id, scene.url)["GM0599"].antwoord == "ongewijzigd"
    again = _load(scene, "rdm", [("GM0599", "geen", "", "vastgesteld", "", "")], "api")
    assert again.outcome == "ongewijzigd"  # the same bytes: still an answer, the newest one
    assert _by_code(scene.round_id, scene.url)["GM0599"].upload_id == again.upload_id
    _load(scene, "rdm", [("GM0599", "geen", "", "vastgesteld", "nu met toelichting", "")], "api", name="b.csv")
    assert _by_code(scene.round_id, scene.url)["GM0599"].antwoord == "gewijzigd"


def test_an_accepted_answer_beats_an_earlier_refusal(scene):
    _load(scene, "utr", [("GM0344", "fout woord", "", "", "", "")], "web")
    assert _by_code(scene.round_id, scene.url)["GM0344"].antwoord == "geweigerd"
    _load(scene, "utr", [("GM0344", "vastgesteld", "", "", "", "")], "web")
    assert _by_code(scene.round_id, scene.url)["GM0344"].antwoord == "gewijzigd"


def test_after_closing_late_uploads_do_not_count(scene):
    confirmation.confirm_unchanged(scene.round_id, "GM0363", scene.user("ams"), url=scene.url)
    with db.session(scene.url) as s:
        rounds.close_round(s, scene.round_id, actor="vng")
    late = _load(scene, "utr", [("GM0344", "vastgesteld", "", "", "", "")], "web")
    assert late.outcome == "geladen"
    answers = _by_code(scene.round_id, scene.url)
    assert answers["GM0363"].antwoord == "ongewijzigd" and answers["GM0344"].antwoord == "geen"


def test_a_provincie_sees_its_own_gemeenten(scene):
    confirmation.confirm_unchanged(scene.round_id, "GM0363", scene.user("ams"), url=scene.url)
    with db.session(scene.url) as s:
        from_nh = list(s.exec(scene_.gemeenten_in("PV27")).all())
    answers = _by_code(scene.round_id, scene.url, codes=from_nh)
    assert set(answers) == set(from_nh) and "GM0344" not in answers and answers["GM0363"].answered
    assert responses.summary_line(list(answers.values())) == f"1 van {len(from_nh)} gemeenten geantwoord"
