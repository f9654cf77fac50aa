"""uitvraag: reporting rounds, their mails, and an e-mail address on accounts

VNG asks every gemeente for its status at a peildatum before a deadline (a round, "uitvraag");
reminders go by mail to the accounts' addresses. Answers are derived from the upload log, so
no answer table. Existing accounts get no address (NULL) until the beheerder sets one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uitvraag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("onderdelen", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("opened_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("uitvraag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_uitvraag_peildatum"), ["peildatum"], unique=False)
        batch_op.create_index(batch_op.f("ix_uitvraag_state"), ["state"], unique=False)
    op.create_table(
        "uitvraagmail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uitvraag_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("gemeente_codes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("uitvraagmail", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_uitvraagmail_uitvraag_id"), ["uitvraag_id"], unique=False)
        batch_op.create_index("ix_uitvraagmail_email_time", ["email", "created_at"], unique=False)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("uitvraagmail", schema=None) as batch_op:
        batch_op.drop_index("ix_uitvraagmail_email_time")
        batch_op.drop_index(batch_op.f("ix_uitvraagmail_uitvraag_id"))
    op.drop_table("uitvraagmail")
    with op.batch_alter_table("uitvraag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_uitvraag_state"))
        batch_op.drop_index(batch_op.f("ix_uitvraag_peildatum"))
    op.drop_table("uitvraag")
