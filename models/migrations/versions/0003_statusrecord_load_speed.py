"""statusrecord: no foreign key on upload_id, no separate peildatum index (bulk-load speed)

The loader writes an Upload and its records in one transaction and uploads are never deleted,
so the per-row key check on upload_id guarded nothing the loader does not already guarantee;
ix_status_peildatum served no query that ix_status_asof does not.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# 0001 left the constraint unnamed; this convention names it so SQLite's batch mode can drop it.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        name = bind.execute(
            sa.text(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'statusrecord'::regclass "
                "AND contype = 'f' AND conkey = ARRAY[(SELECT attnum FROM pg_attribute "
                "WHERE attrelid = 'statusrecord'::regclass AND attname = 'upload_id')]::smallint[]"
            )
        ).scalar()
        if name:
            op.drop_constraint(name, "statusrecord", type_="foreignkey")
        op.drop_index("ix_status_peildatum", table_name="statusrecord")
        return
    with op.batch_alter_table("statusrecord", naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint("fk_statusrecord_upload_id_upload", type_="foreignkey")
        batch_op.drop_index("ix_status_peildatum")


def downgrade() -> None:
    with op.batch_alter_table("statusrecord", schema=None) as batch_op:
        batch_op.create_index("ix_status_peildatum", ["peildatum"], unique=False)
        batch_op.create_foreign_key("fk_statusrecord_upload_id_upload", "upload", ["upload_id"], ["id"])
