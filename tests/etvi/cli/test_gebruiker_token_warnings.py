"""``etvi gebruiker tokens-waarschuwen`` through the real entry point, against a real SMTP server,
on SQLite and PostgreSQL: owners of tokens that expire soon get one Dutch mail, once per token;
--proef and a failing mail server record nothing; bad input is refused in Dutch."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from etl.dates import format_date
from etvi.accounts import tokens, users
from models import db
from models.tables import ApiToken, AuditEvent
from tests.support.cli import run_cli
from tests.support.smtp import HOST, free_port

ACTION = "token_verloopt_binnenkort_gemeld"
AMS, UTR = "wonen@amsterdam.example", "data@utrecht.example"


def gebruiker(url, tmp_path, *args, env=None):
    proc = run_cli("gebruiker", *args, url=url, tmp_path=tmp_path, extra_env=env)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def _kenmerk(token: str) -> str:
    return tokens.kenmerk(tokens.hash_token(token))


@pytest.fixture
def scene(ref_db, fast_hashing):
    """ams: a token that expires in 10 days, one in 60 days, one expired yesterday and one revoked
    (10 days); utr (another address): one in 20 days; vng (beheerder, no address): one in 5 days;
    off (disabled): one in 3 days. Returns (url, {name: kenmerk})."""
    today = tokens.today()
    with db.session(ref_db) as s:
        users.create_user(s, "ams", "gemeente", ["GM0363"], email=AMS)
        users.create_user(s, "utr", "gemeente", ["GM0344"], email=UTR)
        users.create_user(s, "vng", "beheerder")
        users.create_user(s, "off", "gemeente", ["GM0599"], email="uit@rotterdam.example")
        made = {
            "soon": users.create_token(s, "ams", label="zaaksysteem", verloopt=today + timedelta(days=10)),
            "later": users.create_token(s, "ams", label="later systeem", verloopt=today + timedelta(days=60)),
            "expired": users.create_token(s, "ams", label="oud systeem", verloopt=today + timedelta(days=5)),
            "revoked": users.create_token(s, "ams", label="ingetrokken", verloopt=today + timedelta(days=10)),
            "utr": users.create_token(s, "utr", label="GIS-koppeling", verloopt=today + timedelta(days=20)),
            "vng": users.create_token(s, "vng", label="beheerscript", verloopt=today + timedelta(days=5)),
            "off": users.create_token(s, "off", label="uitgeschakeld", verloopt=today + timedelta(days=3)),
        }
    with db.session(ref_db) as s:
        expired = s.exec(select(ApiToken).where(ApiToken.token_hash == tokens.hash_token(made["expired"]))).one()
        expired.expires_at = tokens.expiry_moment(today - timedelta(days=1))
        users.revoke_token(s, "ams", _kenmerk(made["revoked"]))
        users.disable_user(s, "off")
    return ref_db, {name: _kenmerk(token) for name, token in made.items()}


def _warned(url) -> list[dict]:
    with db.session(url) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action == ACTION).order_by(AuditEvent.id)).all()
        return [json.loads(r.detail) for r in rows]


def test_a_token_that_expires_soon_is_warned_about_once(scene, tmp_path, smtp_server):
    url, marks = scene
    today = tokens.today()
    sent = gebruiker(url, tmp_path, "tokens-waarschuwen", env=smtp_server.env())
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [UTR, AMS]
    ams = smtp_server.to(AMS)[0]
    soon = format_date(today + timedelta(days=10))
    assert ams.message["Subject"] == f"Uw API-token voor de ETVI-monitor verloopt op {soon}"
    assert f"- zaaksysteem (kenmerk {marks['soon']}): verloopt op {soon}" in ams.body
    assert "POST https://monitor.example/api/v1/ik/tokens" in ams.body and "vraag de beheerder" in ams.body
    for other in ("later", "expired", "revoked"):  # 60 days away, expired, revoked: not in the mail
        assert marks[other] not in ams.body
    assert "GIS-koppeling" in smtp_server.to(UTR)[0].body
    # the beheerder without an address is named for the beheerder to act on; the disabled account is left out
    assert f"geen e-mailadres vng: beheerscript ({marks['vng']})" in " ".join(sent.stdout.split())
    assert "off" not in sent.stdout.split() and "uitgeschakeld" not in sent.stdout
    assert "2 waarschuwing(en) verstuurd" in sent.stdout and "1 account(s) zonder e-mailadres" in sent.stdout
    assert sorted((d["gebruiker"], d["kenmerk"]) for d in _warned(url)) == sorted([("ams", marks["soon"]), ("utr", marks["utr"])])

    again = gebruiker(url, tmp_path, "tokens-waarschuwen", env=smtp_server.env())
    assert again.returncode == 0, again.stderr
    assert len(smtp_server.received) == 2 and len(_warned(url)) == 2
    assert "0 waarschuwing(en) verstuurd" in again.stdout

    # a wider window takes in the 60-day token, once; the tokens warned about before stay out
    wider = gebruiker(url, tmp_path, "tokens-waarschuwen", "--dagen", "90", env=smtp_server.env())
    assert wider.returncode == 0 and len(smtp_server.received) == 3
    late = smtp_server.received[-1]
    assert late.rcpt_tos == [AMS] and marks["later"] in late.body and marks["soon"] not in late.body


def test_proef_sends_and_records_nothing(scene, tmp_path, smtp_server):
    url, marks = scene
    trial = gebruiker(url, tmp_path, "tokens-waarschuwen", "--proef", env=smtp_server.env())
    assert trial.returncode == 0, trial.stderr
    assert "zou krijgen" in trial.stdout and marks["soon"] in trial.stdout and AMS in trial.stdout
    assert "Proef: 2 waarschuwing(en)" in trial.stdout and "niets verstuurd of vastgelegd" in trial.stdout
    assert smtp_server.received == [] and _warned(url) == []


def test_a_mail_server_that_is_down_records_nothing(scene, tmp_path, smtp_server):
    url, _ = scene
    down = gebruiker(url, tmp_path, "tokens-waarschuwen", env={"ETVI_SMTP_URL": f"smtp://{HOST}:{free_port()}"})
    assert down.returncode == 1
    assert "MISLUKT" in down.stdout and "de mailserver is niet bereikbaar" in down.stdout
    assert "2 waarschuwing(en) niet verstuurd" in down.stderr
    assert _warned(url) == []
    # once the server is back, the warnings go out
    back = gebruiker(url, tmp_path, "tokens-waarschuwen", env=smtp_server.env())
    assert back.returncode == 0 and len(smtp_server.received) == 2 and len(_warned(url)) == 2


def test_without_a_mail_server_nothing_is_recorded(scene, tmp_path):
    url, _ = scene
    res = gebruiker(url, tmp_path, "tokens-waarschuwen")
    assert res.returncode == 1 and "Er is geen mailserver ingesteld" in res.stderr
    assert _warned(url) == []


def test_bad_input_is_refused_in_dutch(scene, tmp_path, smtp_server):
    url, _ = scene
    for value, message in (("dertig", "--dagen moet een geheel getal zijn"), ("0", "--dagen moet tussen 1 en 3650 liggen"), ("-5", "niet -5")):
        res = gebruiker(url, tmp_path, "tokens-waarschuwen", "--dagen", value, env=smtp_server.env())
        assert res.returncode == 2 and message in res.stderr, (value, res.stderr)
    bad = gebruiker(url, tmp_path, "tokens-waarschuwen", env={"ETVI_SMTP_URL": "http://mail.example"})
    assert bad.returncode == 2 and "ETVI_SMTP_URL moet beginnen met smtp://" in bad.stderr
    setting = gebruiker(url, tmp_path, "tokens-waarschuwen", env={**smtp_server.env(), "ETVI_TOKEN_WARN_DAYS": "veel"})
    assert setting.returncode == 2 and "ETVI_TOKEN_WARN_DAYS moet een geheel getal zijn" in setting.stderr
    assert smtp_server.received == [] and _warned(url) == []
