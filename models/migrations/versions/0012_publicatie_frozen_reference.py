"""publicatie: the reference data and the csv frozen with it, so a reference reload changes neither

A publicatie's statuses are read as known at its moment K; its gemeenten, levels, milestones and
regions were read as they are today. ``referentie`` (``models.frozen_reference``) and ``csv`` (the
exact bytes of its export) now hold them as they were when it was made. Publicaties made before
this migration are frozen here, from the reference data as it is at upgrade time (the best that
is still known), and their csv as known at their K. Downgrading drops both columns.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

from etvi.publicatie import frozen_csv  # the product's own rules, read beside this transaction
from models import frozen_reference
from models.asof import utc

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publicatie", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referentie", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("csv", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, peildatum, kennis FROM publicatie ORDER BY id")).fetchall()
    if not rows:
        return
    url = conn.engine.url.render_as_string(hide_password=False)
    referentie = frozen_reference.freeze(url)
    for id_, peildatum, kennis in rows:
        day = peildatum if isinstance(peildatum, date) else date.fromisoformat(str(peildatum)[:10])
        moment = utc(kennis if isinstance(kennis, datetime) else datetime.fromisoformat(str(kennis)))
        conn.execute(
            sa.text("UPDATE publicatie SET referentie = :r, csv = :c WHERE id = :id"),
            {"r": referentie, "c": frozen_csv(day, moment, url), "id": id_},
        )


def downgrade() -> None:
    with op.batch_alter_table("publicatie", schema=None) as batch_op:
        batch_op.drop_column("csv")
        batch_op.drop_column("referentie")
