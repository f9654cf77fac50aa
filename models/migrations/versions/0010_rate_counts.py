"""ratecount: the API's rate limits per client, counted in the database

Every worker and app server counts the requests of one client (API token or address) in the same
row per time window, so the limits hold however many servers run (no new service).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratecount",
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("bucket", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client", "bucket", "window_start"),
    )


def downgrade() -> None:
    op.drop_table("ratecount")
