"""apitoken: more than one API token per account, each with a label and when it was made

A user had one token (``user.token_hash``); making a new one replaced it. Tokens now live in
``apitoken``; the existing token of each user moves there (label "token", made when the audit
trail says it was made, else now) and keeps working. Downgrading keeps each user's newest token.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MIGRATED_LABEL = "token"


def _made_at(conn) -> dict[str, datetime]:
    """When each user's current token was made: its newest ``token_aangemaakt`` audit event."""
    made: dict[str, datetime] = {}
    rows = conn.execute(
        sa.text("SELECT created_at, detail FROM auditevent WHERE action = 'token_aangemaakt' ORDER BY created_at, id")
    ).fetchall()
    for created_at, detail in rows:
        try:
            name = json.loads(detail or "{}").get("gebruiker")
        except (ValueError, AttributeError):
            continue
        if name and created_at is not None:
            made[name] = created_at
    return made


def upgrade() -> None:
    op.create_table(
        "apitoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apitoken_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_apitoken_user_id"), ["user_id"], unique=False)
    conn = op.get_bind()
    made = _made_at(conn)
    now = datetime.now(timezone.utc)
    if conn.dialect.name == "sqlite":  # SQLite keeps UTC without an offset (as UTCDateTime writes it)
        now = now.replace(tzinfo=None)
    users = conn.execute(sa.text('SELECT id, username, token_hash FROM "user" WHERE token_hash IS NOT NULL ORDER BY id')).fetchall()
    for user_id, username, token_hash in users:
        conn.execute(
            sa.text(
                "INSERT INTO apitoken (user_id, token_hash, label, created_at, created_by) VALUES (:u, :h, :l, :t, :b)"
            ),
            {"u": user_id, "h": token_hash, "l": MIGRATED_LABEL, "t": made.get(username, now), "b": "migratie 0011"},
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_token_hash"))
        batch_op.drop_column("token_hash")


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_token_hash"), ["token_hash"], unique=False)
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT user_id, token_hash FROM apitoken ORDER BY created_at, id")).fetchall()
    newest = {user_id: token_hash for user_id, token_hash in rows}  # the last one per user wins
    for user_id, token_hash in newest.items():
        conn.execute(sa.text('UPDATE "user" SET token_hash = :h WHERE id = :u'), {"h": token_hash, "u": user_id})
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apitoken_user_id"))
        batch_op.drop_index(batch_op.f("ix_apitoken_token_hash"))
    op.drop_table("apitoken")
