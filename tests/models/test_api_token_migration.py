"""Migration 0011 (``apitoken``): the one token a user had moves into the new table and keeps
working, with when it was made from the audit trail; downgrading puts each user's newest token
back in ``user.token_hash``. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from alembic import command
from sqlalchemy import inspect, text

from etvi.accounts import clock, tokens
from models import db
from tests.support.database import create_database


def _add_user(conn, username: str, token_hash: str | None, created: datetime) -> None:
    conn.execute(
        text(
            'INSERT INTO "user" (username, role, gemeente_codes, provincie_code, password_hash, token_hash, active, created_at, '
            "failed_logins, locked_until, email) VALUES (:u, 'beheerder', '', NULL, NULL, :h, :a, :t, 0, NULL, NULL)"
        ),
        {"u": username, "h": token_hash, "a": True, "t": created},
    )


def test_migration_0011_moves_the_token_and_downgrades(backend, tmp_path):
    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url, "0010")
        old_token = tokens.generate_token()
        made = datetime(2026, 11, 2, 9, 30)
        with db.engine(url).begin() as conn:
            _add_user(conn, "vng", tokens.hash_token(old_token), made - timedelta(days=30))
            _add_user(conn, "zonder", None, made)
            for when, who in ((made - timedelta(days=10), "vng"), (made, "vng"), (made, "zonder")):
                conn.execute(
                    text("INSERT INTO auditevent (created_at, username, action, detail) VALUES (:t, 'cli', 'token_aangemaakt', :d)"),
                    {"t": when, "d": json.dumps({"gebruiker": who})},
                )
        db.dispose_all()
        db.upgrade(url, "0011")
        assert db.current_revision(url) == "0011"
        assert "token_hash" not in {c["name"] for c in inspect(db.engine(url)).get_columns("user")}
        # At 0011 the table has no expires_at yet (0014), so it is read with SQL, not the models.
        newer = tokens.generate_token()
        with db.engine(url).begin() as conn:
            rows = conn.execute(
                text('SELECT u.username, t.token_hash, t.label, t.created_at FROM apitoken t JOIN "user" u ON u.id = t.user_id')
            ).fetchall()
            [(owner, digest, label, created)] = rows
            assert owner == "vng" and digest == tokens.hash_token(old_token) and label == "token"
            assert clock.aware(datetime.fromisoformat(str(created))).astimezone(timezone.utc).replace(tzinfo=None) == made  # the newest token_aangemaakt of vng
            conn.execute(
                text(
                    "INSERT INTO apitoken (user_id, token_hash, label, created_at, created_by) "
                    "SELECT id, :h, 'tweede', :t, 'test' FROM \"user\" WHERE username = 'vng'"
                ),
                {"h": tokens.hash_token(newer), "t": made + timedelta(days=1)},
            )
        db.dispose_all()
        command.downgrade(db.alembic_config(url), "0010")
        db.dispose_all()
        assert db.current_revision(url) == "0010" and "apitoken" not in inspect(db.engine(url)).get_table_names()
        with db.engine(url).connect() as conn:
            kept = dict(conn.execute(text('SELECT username, token_hash FROM "user"')).fetchall())
        assert kept == {"vng": tokens.hash_token(newer), "zonder": None}  # the newest token of each user
        db.upgrade(url)  # and up again
        with db.session(url) as s:
            assert tokens.user_for_token(s, newer).username == "vng" and tokens.user_for_token(s, old_token) is None
    finally:
        db.dispose_all()
        drop()
