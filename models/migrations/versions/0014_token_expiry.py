"""apitoken.expires_at: API tokens expire

A national service expects credentials that expire. Every token gets ``expires_at``; a token
that exists at the upgrade expires the default lifetime (``ETVI_TOKEN_DAYS``, 365 days) after the
upgrade, so none silently lives for ever and none stops working at once. Downgrading drops the
date (the tokens then work until revoked, as before).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

from etvi.config import settings

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    conn = op.get_bind()
    until = datetime.now(timezone.utc) + timedelta(days=settings().token_days)
    if conn.dialect.name == "sqlite":  # SQLite keeps UTC without an offset (as UTCDateTime writes it)
        until = until.replace(tzinfo=None)
    conn.execute(sa.text("UPDATE apitoken SET expires_at = :t WHERE expires_at IS NULL"), {"t": until})


def downgrade() -> None:
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
