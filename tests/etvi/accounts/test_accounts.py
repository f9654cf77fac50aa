"""Account logic: hashing, tokens, throttling, scopes and the pure permission checks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from etvi.accounts import clock, errors, policy, sessions, throttle, tokens, users
from etvi.upload import log
from models import db
from models.tables import AuditEvent, User


def _user(role, codes="", provincie=None, active=True):
    return User(id=1, username="x", role=role, gemeente_codes=codes, provincie_code=provincie, active=active)


def test_permission_matrix_pure():
    beheerder = _user("beheerder")
    gem = _user("gemeente", "GM0363,GM0518")
    prov = _user("provincie", provincie="PV27")
    off = _user("gemeente", "GM0363", active=False)

    assert policy.can_view(None, public=True)
    assert not policy.can_view(None, public=False)
    assert policy.can_view(gem, public=False)
    assert not policy.can_view(off, public=False)

    assert policy.can_upload_for(gem, ["GM0363"])
    assert policy.can_upload_for(gem, ["GM0363", "GM0518"])
    assert not policy.can_upload_for(gem, ["GM0363", "GM0599"])
    assert not policy.can_upload_for(gem, [])
    assert policy.can_upload_for(beheerder, ["GM0599"])
    assert not policy.can_upload_for(prov, ["GM0363"])
    assert not policy.can_upload_for(off, ["GM0363"])
    assert not policy.can_upload_for(None, ["GM0363"])

    assert policy.upload_scope(gem) == {"GM0363", "GM0518"}
    assert policy.upload_scope(beheerder) is None
    with pytest.raises(errors.AccountError):
        policy.upload_scope(prov)
    with pytest.raises(errors.AccountError):
        policy.upload_scope(off)

    for check in (policy.can_see_audit, policy.can_manage_users):
        assert check(beheerder)
        assert not check(gem) and not check(prov) and not check(off) and not check(None)
        assert not check(_user("beheerder", active=False))

    assert policy.can_see_delivery(prov, "PV27")
    assert not policy.can_see_delivery(prov, "PV26")
    assert policy.can_see_delivery(beheerder, "PV26")
    assert not policy.can_see_delivery(gem, "PV27")

    principal = policy.Principal.from_user(gem)
    assert policy.can_upload_for(principal, ["GM0518"]) and not policy.can_upload_for(principal, ["GM0599"])


def test_create_user_validates_scope(ref_db):
    with db.session(ref_db) as s:
        user, pw = users.create_user(s, "Amsterdam", "gemeente", ["363", "gm0518"])
        assert user.username == "amsterdam"
        assert user.gemeente_codes == "GM0363,GM0518"
        assert pw and len(pw) >= 20
        assert user.password_hash.startswith("$argon2id$") and pw not in user.password_hash
    bad = [
        dict(username="a", role="gemeente", gemeente_codes=["GM0363"]),
        dict(username="amsterdam", role="gemeente", gemeente_codes=["GM0363"]),  # exists
        dict(username="x1", role="gemeente", gemeente_codes=[]),
        dict(username="x2", role="gemeente", gemeente_codes=["GM9999"]),
        dict(username="x3", role="gemeente", gemeente_codes=["GM0457"]),  # Weesp, merged into Amsterdam
        dict(username="x4", role="provincie", provincie_code="PV99"),
        dict(username="x5", role="provincie"),
        dict(username="x6", role="koning"),
        dict(username="x7", role="beheerder", gemeente_codes=["GM0363"]),
        dict(username="x8", role="beheerder", password="kort"),
    ]
    for kwargs in bad:
        with pytest.raises(errors.AccountError):
            with db.session(ref_db) as s:
                users.create_user(s, **kwargs)
    with db.session(ref_db) as s:
        assert [u.username for u in users.list_users(s)] == ["amsterdam"]
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
        assert actions == ["gebruiker_aangemaakt"]


def test_login_throttling_and_reset(ref_db):
    with db.session(ref_db) as s:
        users.create_user(s, "nh", "provincie", provincie_code="PV27", password="juist-wachtwoord-1")
    with db.session(ref_db) as s:
        assert throttle.authenticate(s, "NH", "juist-wachtwoord-1").username == "nh"
    now = clock.utcnow()
    for attempt in range(1, throttle.MAX_FAILED_LOGINS + 1):
        with pytest.raises(errors.LoginError) as info:
            with db.session(ref_db) as s:
                throttle.authenticate(s, "nh", "fout", now=now)
        # The answer never says whether the account exists or is locked.
        assert str(info.value) == throttle.LOGIN_FAILED_MESSAGE and info.value.locked_until is None
    with db.session(ref_db) as s:
        locked = clock.aware(users.get_user(s, "nh").locked_until)
    assert locked == now + timedelta(minutes=throttle.LOCK_MINUTES)
    # Locked: even the right password is refused, with the same answer.
    with pytest.raises(errors.LoginError) as info:
        with db.session(ref_db) as s:
            throttle.authenticate(s, "nh", "juist-wachtwoord-1", now=now + timedelta(minutes=1))
    assert str(info.value) == throttle.LOGIN_FAILED_MESSAGE
    # After the lock expires the right password works and resets the counter.
    with db.session(ref_db) as s:
        later = now + timedelta(minutes=throttle.LOCK_MINUTES + 1)
        user = throttle.authenticate(s, "nh", "juist-wachtwoord-1", now=later)
        assert user.failed_logins == 0
    with db.session(ref_db) as s:
        events = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    # Four wrong passwords, the fifth locks, the refusal while locked is counted like them.
    assert events.count("inloggen_mislukt") == throttle.MAX_FAILED_LOGINS
    assert events.count("account_geblokkeerd") == 1 and "inloggen_geweigerd" not in events
    assert events[-1] == "ingelogd"

    # Reset lifts a lock and ends the account's browser sessions.
    with db.session(ref_db) as s:
        sid = sessions.start(s, users.get_user(s, "nh").id)
    with db.session(ref_db) as s:
        assert sessions.principal(s, users.get_user(s, "nh").id, sid).username == "nh"
        new_pw = users.reset_password(s, "nh")
    with db.session(ref_db) as s:
        assert sessions.principal(s, users.get_user(s, "nh").id, sid) is None
        assert throttle.authenticate(s, "nh", new_pw)
    with pytest.raises(errors.LoginError) as info:
        with db.session(ref_db) as s:
            throttle.authenticate(s, "niemand", "wat-dan-ook")
    assert str(info.value) == throttle.LOGIN_FAILED_MESSAGE


def test_tokens_store_only_a_hash(ref_db):
    with db.session(ref_db) as s:
        users.create_user(s, "utrecht", "gemeente", ["GM0344"])
        token = users.create_token(s, "utrecht")
    with db.session(ref_db) as s:
        user = users.get_user(s, "utrecht")
        [row] = tokens.of_user(s, user)
        assert row.token_hash == tokens.hash_token(token) and token not in row.token_hash
        assert tokens.user_for_token(s, token).username == "utrecht"
        assert tokens.user_for_token(s, token + "x") is None
        assert tokens.user_for_token(s, "") is None
        second = users.create_token(s, "utrecht")
    with db.session(ref_db) as s:
        assert tokens.user_for_token(s, token).username == "utrecht"  # one more: the first keeps working
        assert tokens.user_for_token(s, second).username == "utrecht"
        users.disable_user(s, "utrecht")
    with db.session(ref_db) as s:
        assert tokens.user_for_token(s, second) is None
        with pytest.raises(errors.LoginError):
            throttle.authenticate(s, "utrecht", "whatever-password")


def test_delivery_overview_scoped_to_provincie(ref_db):
    with db.session(ref_db) as s:
        rows = log.delivery_overview(s, "PV27")
        all_rows = log.delivery_overview(s)
    assert len(all_rows) == 342
    assert rows and all(r["provincie_code"] == "PV27" for r in rows)
    assert any(r["gemeente_code"] == "GM0363" for r in rows)
    assert all(r["laatst_aangeleverd"] is None for r in rows)  # nothing delivered yet


def test_production_hashing_parameters():
    """The module's own hasher (not the cheap one these tests patch in) is Argon2id with the
    library's recommended parameters."""
    import subprocess
    import sys

    code = "from etvi.accounts import passwords; print(passwords.hash_password('een-wachtwoord-123'))"
    h = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert h.startswith("$argon2id$") and "m=65536" in h and "t=3" in h


def test_login_limit_per_address_moves_with_the_window(ref_db, monkeypatch):
    """Failures from one address, for any usernames, block that address until the oldest
    counted failure leaves the window; other addresses and the accounts are not affected."""
    monkeypatch.setenv("ETVI_LOGIN_IP_MAX_FAILURES", "3")
    monkeypatch.setenv("ETVI_LOGIN_IP_WINDOW_MINUTES", "10")
    with db.session(ref_db) as s:
        users.create_user(s, "nh", "provincie", provincie_code="PV27", password="juist-wachtwoord-1")
    for name in ("nh", "onbekend", "nog-een"):
        with pytest.raises(errors.LoginError) as info:
            with db.session(ref_db) as s:
                throttle.authenticate(s, name, "fout", address="203.0.113.7")
        assert not info.value.per_address
    now = clock.utcnow()
    with pytest.raises(errors.LoginError) as info:
        with db.session(ref_db) as s:
            throttle.authenticate(s, "nh", "juist-wachtwoord-1", address="203.0.113.7", now=now)
    assert info.value.per_address and "vanaf uw internetadres" in str(info.value) and "10 minuten" in str(info.value)
    assert now + timedelta(minutes=9) < info.value.locked_until <= now + timedelta(minutes=10)
    with db.session(ref_db) as s:  # another address, and no address (e.g. a script): not blocked
        assert throttle.authenticate(s, "nh", "juist-wachtwoord-1", address="203.0.113.8").username == "nh"
        assert throttle.authenticate(s, "nh", "juist-wachtwoord-1").username == "nh"
    with db.session(ref_db) as s:  # after the window the address may try again
        later = now + timedelta(minutes=10, seconds=1)
        assert throttle.authenticate(s, "nh", "juist-wachtwoord-1", address="203.0.113.7", now=later).username == "nh"
    # An address matches only itself (no pattern), and it is kept in its own column.
    with db.session(ref_db) as s:
        assert throttle.address_blocked_until(s, "203.0.113._", now) is None
        assert throttle.address_blocked_until(s, "%", now) is None
        assert throttle.address_blocked_until(s, "203.0.113.7", now) is not None
        events = s.exec(select(AuditEvent).where(AuditEvent.action.in_(throttle.FAILED_LOGIN_ACTIONS))).all()
        assert events and {e.address for e in events} == {"203.0.113.7"}
        assert all(json.loads(e.detail)["adres"] == e.address for e in events)


def test_login_limit_settings(monkeypatch):
    from etvi.config import ConfigError, settings

    cfg = settings()
    assert (cfg.login_ip_max_failures, cfg.login_ip_window_minutes, cfg.trusted_proxies) == (20, 15, 0)
    monkeypatch.setenv("ETVI_TRUSTED_PROXIES", "-1")
    with pytest.raises(ConfigError, match="ETVI_TRUSTED_PROXIES"):
        settings()


def test_usersession_migration_down_and_up(db_url):
    """0005 adds the session table; downgrading drops it (and every session), upgrading brings it
    back empty: everyone logs in again, nobody keeps a session."""
    from alembic import command
    from sqlalchemy import inspect

    from models.db import alembic_config

    with db.session(db_url) as s:
        user, _ = users.create_user(s, "vng", "beheerder", password="juist-wachtwoord-1")
        sid = sessions.start(s, user.id)
    with db.session(db_url) as s:
        assert sessions.principal(s, user.id, sid).username == "vng"
    db.dispose_all()
    command.downgrade(alembic_config(db_url), "0004")
    db.dispose_all()
    assert "usersession" not in inspect(db.engine(db_url)).get_table_names()
    db.upgrade(db_url)
    with db.session(db_url) as s:
        assert sessions.principal(s, user.id, sid) is None
        assert sessions.principal(s, user.id, None) is None
        assert sessions.principal(s, "1", sid) is None  # a forged cookie value of the wrong type
