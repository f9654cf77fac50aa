"""publicatie: figures that can be cited and never change (the state at a peildatum as known at K)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publicatie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("titel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("kennis", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ronde_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publicatie", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publicatie_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("publicatie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publicatie_created_at"))
    op.drop_table("publicatie")
