"""cachedanswer: ready answers for anonymous viewers, shared by every app server

``dashboard.response_cache`` keeps the answer of a public view at a data version here, so it is
computed once for all workers and servers. Only a cache: downgrading drops it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cachedanswer",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(op.f("ix_cachedanswer_version"), "cachedanswer", ["version"], unique=False)
    op.create_index(op.f("ix_cachedanswer_created_at"), "cachedanswer", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_cachedanswer_created_at"), table_name="cachedanswer")
    op.drop_index(op.f("ix_cachedanswer_version"), table_name="cachedanswer")
    op.drop_table("cachedanswer")
