"""The counting of etvi.accounts.ratelimit on both databases: a fixed window per client and bucket,
a new window starts from zero and clears the old rows, 0 switches a limit off, a bad setting is a
Dutch configuration error."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlmodel import select

from etvi.accounts import ratelimit
from etvi.config import ConfigError
from models import db
from models.tables import RateCount


def test_a_fixed_window_per_client_and_bucket(db_url, monkeypatch):
    monkeypatch.setenv("ETVI_API_RATE_READ", "2")
    monkeypatch.setenv("ETVI_API_RATE_WINDOW_SECONDS", "60")
    client = ratelimit.client_key("etvi_geheim", "10.0.0.1")
    assert client.startswith("token:") and "etvi_geheim" not in client
    verdicts = []
    for _ in range(3):
        with db.session(db_url) as s:
            verdicts.append(ratelimit.hit(s, "lezen", client, now=1_000_030.0))
    assert [v.allowed for v in verdicts] == [True, True, False] and verdicts[2].retry_after == 50
    with db.session(db_url) as s:
        assert ratelimit.hit(s, "lezen", ratelimit.client_key(None, "10.0.0.1"), now=1_000_030.0).allowed  # another client
        assert ratelimit.hit(s, "upload", client, now=1_000_030.0).allowed  # another bucket
    with db.session(db_url) as s:  # two windows on: counting starts again, the old rows go
        assert ratelimit.hit(s, "lezen", client, now=1_000_150.0).allowed
    with db.session(db_url) as s:
        assert {(r.window_start, r.hits) for r in s.exec(select(RateCount)).all()} == {(1_000_140, 1)}


def test_zero_switches_a_limit_off_and_a_bad_value_is_refused(db_url, monkeypatch):
    monkeypatch.setenv("ETVI_API_RATE_UPLOAD", "0")
    with db.session(db_url) as s:
        assert all(ratelimit.hit(s, "upload", "ip:x").allowed for _ in range(5))
        assert s.exec(select(RateCount)).all() == []
    monkeypatch.setenv("ETVI_API_RATE_UPLOAD", "veel")
    with pytest.raises(ConfigError, match="ETVI_API_RATE_UPLOAD moet een geheel getal"):
        ratelimit.limit_for("upload")


def test_migration_0010_up_and_down(db_url):
    def tables() -> set[str]:
        db.dispose_all()
        return set(inspect(db.engine(db_url)).get_table_names())

    assert "ratecount" in tables() and db.current_revision(db_url) >= "0010"  # later migrations may follow
    command.downgrade(db.alembic_config(db_url), "0009")
    assert "ratecount" not in tables() and "problemlist" in tables()
    command.upgrade(db.alembic_config(db_url), "head")
    with db.session(db_url) as s:
        assert ratelimit.hit(s, "lezen", "ip:x").allowed
