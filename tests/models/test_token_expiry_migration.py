"""Migration 0014 (``apitoken.expires_at``): a token that exists at the upgrade keeps working and
expires the default lifetime (ETVI_TOKEN_DAYS) after the upgrade, so none lives for ever;
downgrading drops the date and keeps the token. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alembic import command
from sqlalchemy import inspect, text

from etvi.accounts import tokens, users
from models import db
from tests.support.database import create_database


def test_migration_0014_gives_existing_tokens_an_expiry_and_downgrades(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("ETVI_TOKEN_DAYS", "100")
    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url, "0013")
        token = tokens.generate_token()
        made = datetime(2026, 11, 2, 9, 30)
        with db.engine(url).begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO "user" (username, role, gemeente_codes, provincie_code, password_hash, active, created_at, '
                    "failed_logins, locked_until, email) VALUES ('vng', 'beheerder', '', NULL, NULL, :a, :t, 0, NULL, NULL)"
                ),
                {"a": True, "t": made},
            )
            conn.execute(
                text(
                    "INSERT INTO apitoken (user_id, token_hash, label, created_at, created_by) "
                    "SELECT id, :h, 'koppeling', :t, 'cli:beheer' FROM \"user\" WHERE username = 'vng'"
                ),
                {"h": tokens.hash_token(token), "t": made},
            )
        db.dispose_all()
        before = datetime.now(timezone.utc)
        db.upgrade(url, "0014")
        after = datetime.now(timezone.utc)
        assert db.current_revision(url) == "0014"
        with db.session(url) as s:
            user = tokens.user_for_token(s, token)
            assert user is not None and user.username == "vng"  # it keeps working
            [row] = tokens.of_user(s, user)
            expires = row.expires_at.replace(tzinfo=timezone.utc) if row.expires_at.tzinfo is None else row.expires_at
            assert before + timedelta(days=100) - timedelta(seconds=1) <= expires <= after + timedelta(days=100)
            [listed] = tokens.listed(s, user)
            assert listed["verloopt"] == tokens.expiry_day(expires) and listed["actief"] is True and listed["label"] == "koppeling"
            newer = users.create_token(s, "vng", actor="test", label="nieuw")
        db.dispose_all()
        command.downgrade(db.alembic_config(url), "0013")
        db.dispose_all()
        assert db.current_revision(url) == "0013"
        assert "expires_at" not in {c["name"] for c in inspect(db.engine(url)).get_columns("apitoken")}
        with db.engine(url).connect() as conn:
            kept = {h for (h,) in conn.execute(text("SELECT token_hash FROM apitoken")).fetchall()}
        assert kept == {tokens.hash_token(token), tokens.hash_token(newer)}
        db.upgrade(url)  # and up again
        with db.session(url) as s:
            assert tokens.user_for_token(s, token).username == "vng" and tokens.user_for_token(s, newer).username == "vng"
    finally:
        db.dispose_all()
        drop()
