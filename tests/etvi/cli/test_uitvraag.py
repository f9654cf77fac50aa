"""``etvi uitvraag`` through the real entry point on SQLite and PostgreSQL: open, list, status
(table and CSV), herinner against a real SMTP server, sluit, and Dutch errors that change nothing."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from etvi.uitvraag import confirmation
from models import db
from models.tables import AuditEvent, Uitvraag, UitvraagMail
from tests.support import uitvraag as scene_
from tests.support.cli import run_cli
from tests.support.uitvraag import ADDRESSES, PEILDATUM, status_csv


@pytest.fixture
def prepared(ref_db, tmp_path, fast_hashing):
    """Accounts and the baseline, no round yet."""
    scene_.prepare(ref_db, tmp_path)
    return ref_db


def etvi(url, tmp_path, *args, env=None):
    proc = run_cli("uitvraag", *args, url=url, tmp_path=tmp_path, extra_env=env)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def test_a_round_from_open_to_closed_through_the_cli(prepared, tmp_path, smtp_server):
    url = prepared
    opened = etvi(url, tmp_path, "open", "--titel", "Uitvraag najaar 2026", "--peildatum", "2026-11-30", "--deadline", "2026-12-31")
    assert opened.returncode == 0, opened.stderr
    round_id = opened.stdout.strip().splitlines()[-1]
    assert round_id.isdigit() and "is open: peildatum 30-11-2026, deadline 31-12-2026" in opened.stdout
    listing = etvi(url, tmp_path, "list")
    assert "Uitvraag najaar 2026" in listing.stdout and "open" in listing.stdout

    # Amsterdam clicks "Niets veranderd"; Utrecht's file arrives through etvi load (the CLI channel)
    confirmation.confirm_unchanged(round_id, "GM0363", scene_.Scene(url, int(round_id)).user("ams"), url=url)
    path = tmp_path / "utrecht.csv"
    path.write_bytes(status_csv([("GM0344", "vastgesteld", "2026-11-01", "geen", "", "")], PEILDATUM))
    loaded = run_cli("load", str(path), url=url, tmp_path=tmp_path)
    assert loaded.returncode == 0, loaded.stderr

    table = etvi(url, tmp_path, "status", round_id)
    assert table.returncode == 0, table.stderr
    assert table.stdout.strip().splitlines()[-1] == "2 van 342 gemeenten geantwoord"
    assert "ongewijzigd" in table.stdout and "formulier" in table.stdout
    as_csv = etvi(url, tmp_path, "status", round_id, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 342 and "2 van 342 gemeenten geantwoord" in as_csv.stderr
    by_code = {r["gemeentecode"]: r for r in rows}
    assert (by_code["GM0363"]["antwoord"], by_code["GM0363"]["door"], by_code["GM0363"]["kanaal"]) == ("ongewijzigd", "ams", "formulier")
    assert (by_code["GM0344"]["antwoord"], by_code["GM0344"]["kanaal"], by_code["GM0344"]["provincie"]) == ("gewijzigd", "CLI", "Utrecht")
    assert by_code["GM0599"]["antwoord"] == "geen" and by_code["GM0599"]["wanneer"] == ""

    trial = etvi(url, tmp_path, "herinner", round_id, "--dry-run")
    assert trial.returncode == 0 and "Proef: 2 herinnering(en)" in trial.stdout and smtp_server.received == []
    sent = etvi(url, tmp_path, "herinner", round_id, env=smtp_server.env())
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sent.stdout.strip().splitlines()[-1] == "2 herinnering(en) verstuurd."
    assert {r.rcpt_tos[0] for r in smtp_server.received} == {ADDRESSES["rdm"], ADDRESSES["noord"]}
    again = etvi(url, tmp_path, "herinner", round_id, "--gemeente", "GM0599", env=smtp_server.env())
    assert "0 herinnering(en) verstuurd, 1 overgeslagen (vandaag al verstuurd)" in again.stdout
    forced = etvi(url, tmp_path, "herinner", round_id, "--gemeente", "GM0599", "--opnieuw", env=smtp_server.env())
    assert "1 herinnering(en) verstuurd" in forced.stdout and len(smtp_server.to(ADDRESSES["rdm"])) == 2

    closed = etvi(url, tmp_path, "sluit", round_id)
    assert closed.returncode == 0 and "is gesloten; 2 van 342 gemeenten geantwoord" in closed.stdout
    twice = etvi(url, tmp_path, "sluit", round_id)
    assert twice.returncode == 2 and f"Uitvraag {round_id} is al gesloten" in twice.stderr
    late = etvi(url, tmp_path, "herinner", round_id, env=smtp_server.env())
    assert late.returncode == 2 and "herinneringen gaan alleen uit voor een open uitvraag" in late.stderr


def test_without_smtp_the_cli_prints_and_writes_recipients_and_text(prepared, tmp_path):
    url = prepared
    round_id = etvi(url, tmp_path, "open", "--titel", "Zonder mail", "--peildatum", "2026-11-30", "--deadline", "2026-12-31",
                    "--onderdeel", "verordening").stdout.strip().splitlines()[-1]  # fmt: skip
    target = tmp_path / "ontvangers.csv"
    res = etvi(url, tmp_path, "herinner", round_id, "--uitvoer", str(target))
    assert res.returncode == 1 and "geen mailserver ingesteld" in res.stderr
    for address in ADDRESSES.values():
        assert f"Aan: {address}" in res.stdout
    assert "Gevraagd: verordening" in res.stdout and "0 herinnering(en) verstuurd (4 ontvangers" in res.stdout
    written = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {r["email"] for r in written} == set(ADDRESSES.values()) and "Deadline: 31-12-2026" in written[0]["tekst"]
    with db.session(url) as s:
        assert s.exec(select(UitvraagMail)).all() == []


def test_open_with_announcement_mails_and_still_ends_with_the_id(prepared, tmp_path, smtp_server):
    res = etvi(prepared, tmp_path, "open", "--titel", "Met aankondiging", "--peildatum", "2026-11-30", "--deadline", "2026-12-31",
               "--aankondigen", env=smtp_server.env())  # fmt: skip
    assert res.returncode == 0, res.stderr
    lines = res.stdout.strip().splitlines()
    assert lines[-1].isdigit() and "4 aankondiging(en) verstuurd." in lines[-2]
    assert len(smtp_server.received) == 4 and smtp_server.received[0].message["Subject"].startswith("Nieuwe uitvraag: Met aankondiging")


BAD_INPUT = [
    (("open", "--titel", "X", "--peildatum", "2026-12-31", "--deadline", "2026-11-30"), "De deadline (30-11-2026) ligt voor de peildatum"),
    (("open", "--titel", "X", "--peildatum", "31-12-2026", "--deadline", "2027-01-31"), "Ongeldige peildatum '31-12-2026'"),
    (("open", "--titel", "X", "--peildatum", "2026-11-30", "--deadline", "2026-02-30"), "Ongeldige deadline '2026-02-30'"),
    (("open", "--titel", "X", "--peildatum", "2026-11-30", "--deadline", "2026-12-31", "--onderdeel", "wonen"), "Onbekend onderdeel 'wonen'"),
    (("status", "999"), "Uitvraag 999 bestaat niet"),
    (("status", "een"), "Ongeldig uitvraagnummer 'een'"),
    (("sluit", "999"), "Uitvraag 999 bestaat niet"),
    (("herinner", "999"), "Uitvraag 999 bestaat niet"),
]


def test_bad_input_gives_a_dutch_error_and_changes_nothing(ref_db, tmp_path):
    for args, message in BAD_INPUT:
        res = etvi(ref_db, tmp_path, *args)
        assert res.returncode == 2 and message in res.stderr, (args, res.stdout + res.stderr)
    with db.session(ref_db) as s:
        assert s.exec(select(Uitvraag)).all() == [] and s.exec(select(AuditEvent)).all() == []


def test_an_unknown_format_is_refused(ref_db, tmp_path):
    round_id = etvi(ref_db, tmp_path, "open", "--titel", "X", "--peildatum", "2026-11-30", "--deadline", "2026-12-31").stdout.split()[-1]
    bad = etvi(ref_db, tmp_path, "status", round_id, "--format", "xml")
    assert bad.returncode == 2 and "Onbekend formaat 'xml': kies tabel of csv" in bad.stderr


def _mail_rows(url):
    with db.session(url) as s:
        mails = [(m.email, m.gemeente_codes) for m in s.exec(select(UitvraagMail).order_by(UitvraagMail.id)).all()]
        events = s.exec(select(AuditEvent).where(AuditEvent.action.like("uitvraag_herinnering_%"))).all()
    return mails, len(events)


def test_herinner_to_a_selection_of_gemeenten(ref_db, tmp_path, smtp_server, fast_hashing):
    """``--gemeente`` (repeatable) mails only the chosen not-answered gemeenten; a chosen gemeente
    that already answered, or an unknown code, is a Dutch error and nothing at all is sent."""
    scene = scene_.build(ref_db, tmp_path, answered=("ams",))  # Amsterdam answered
    rid = str(scene.round_id)
    for selection, message in [
        (["GM0363"], "Er is geen herinnering verstuurd: GM0363 (Amsterdam) heeft al geantwoord op uitvraag"),
        (["GM0599", "GM0363"], "GM0363 (Amsterdam) heeft al geantwoord"),
        (["GM0599", "GM9999"], "Onbekende gemeentecode 'GM9999'"),
    ]:
        args = [a for code in selection for a in ("--gemeente", code)]
        refused = etvi(ref_db, tmp_path, "herinner", rid, *args, env=smtp_server.env())
        assert refused.returncode == 2 and message in refused.stderr, (selection, refused.stdout + refused.stderr)
    assert smtp_server.received == [] and _mail_rows(ref_db) == ([], 0)

    sent = etvi(ref_db, tmp_path, "herinner", rid, "--gemeente", "GM0599", "--gemeente", "gm0014", env=smtp_server.env())
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sent.stdout.strip().splitlines()[-1] == "2 herinnering(en) verstuurd."
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == sorted([ADDRESSES["rdm"], ADDRESSES["noord"]])
    noord = smtp_server.to(ADDRESSES["noord"])[0].body
    assert "- Groningen (GM0014)" in noord and "GM0080" not in noord  # only the chosen gemeente of a shared account
    assert _mail_rows(ref_db) == ([(ADDRESSES["noord"], "GM0014"), (ADDRESSES["rdm"], "GM0599")], 2)
