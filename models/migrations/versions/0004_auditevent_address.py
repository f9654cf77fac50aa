"""auditevent.address: the client address of a login or API event in a column of its own

The login limit per address counted failed logins with a text search on the JSON detail,
which depended on how ``audit`` formats that JSON and used no index. The address now has a
column and an index with the time; existing events get theirs from ``detail["adres"]``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=True))
        batch_op.create_index("ix_auditevent_address_time", ["address", "created_at"], unique=False)
    conn = op.get_bind()
    select = sa.text("SELECT id, detail FROM auditevent WHERE id > :last AND detail LIKE :p ORDER BY id LIMIT :n")
    update = sa.text("UPDATE auditevent SET address = :a WHERE id = :i")
    last = 0
    while True:  # in batches, so a long audit trail is neither read nor updated row by row at once
        rows = conn.execute(select, {"last": last, "p": '%"adres"%', "n": BATCH}).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        changes = []
        for event_id, detail in rows:
            try:
                address = json.loads(detail).get("adres")
            except (ValueError, AttributeError):
                continue
            if address:
                changes.append({"a": str(address), "i": event_id})
        if changes:
            conn.execute(update, changes)


def downgrade() -> None:
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index("ix_auditevent_address_time")
        batch_op.drop_column("address")
