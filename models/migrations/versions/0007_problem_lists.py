"""problemlist: the long problem lists of /aanleveren in the database, not in one server's folder

A check with more problems than one page shows keeps the whole list for its next pages and the
CSV download. It was a JSON file under ETVI_CACHE_DIR, so only the server that made the check
could show it. Lists are kept for a day; the old files are not moved (they expire anyway).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "problemlist",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("problemlist", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problemlist_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("problemlist", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problemlist_created_at"))
    op.drop_table("problemlist")
