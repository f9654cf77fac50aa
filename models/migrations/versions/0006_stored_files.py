"""storedfile and pendingupload: originals and checked uploads in the database, not on one disk

Several app servers share one database and nothing else; with the originals in a folder
(ETVI_STORE_DIR) only the server that took the upload could hand it out. This upgrade reads
every original the upload log refers to from the folder ETVI_STORE_DIR names at upgrade time
(default: ``uploads/`` in the data folder) into ``storedfile``, once per SHA-256, one file at a
time. A missing file is skipped with a warning and its uploads lose the mark (``stored_path``),
so nobody is offered a download that does not exist. Downgrading writes the originals back into
that folder before dropping the table.

``pendingupload`` holds a file checked on /aanleveren until its confirm (it was a folder under
ETVI_CACHE_DIR), so the confirm may reach another server than the check. Files waiting during
the upgrade are not moved: they are checked again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
import hashlib
import logging
import os
from pathlib import Path

import sqlalchemy as sa
import sqlmodel
from alembic import op

from etvi.config import settings

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def store_dir() -> Path:
    """The former file store, as the setting named it."""
    return Path(os.environ.get("ETVI_STORE_DIR") or settings().data_dir / "uploads").expanduser()


def _inside(root: Path, rel: str) -> Path | None:
    path = (root / rel).resolve()
    return path if root.resolve() in path.parents else None


def upgrade() -> None:
    op.create_table(
        "storedfile",
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "pendingupload",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("meta", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("pendingupload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pendingupload_created_at"), ["created_at"], unique=False)
    conn = op.get_bind()
    root = store_dir()
    rows = conn.execute(
        sa.text("SELECT sha256, MIN(stored_path), MIN(created_at) FROM upload WHERE stored_path IS NOT NULL GROUP BY sha256")
    ).fetchall()
    for sha, rel, created in rows:
        path = _inside(root, rel)
        data = path.read_bytes() if path is not None and path.is_file() else None
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            log.warning("Origineel %s ontbreekt of klopt niet in %s; de upload(s) houden geen origineel.", rel, root)
            conn.execute(sa.text("UPDATE upload SET stored_path = NULL WHERE sha256 = :sha"), {"sha": sha})
            continue
        conn.execute(
            sa.text("INSERT INTO storedfile (sha256, size, content, created_at) VALUES (:sha, :size, :content, :created)"),
            {"sha": sha, "size": len(data), "content": data, "created": created},
        )


def downgrade() -> None:
    conn = op.get_bind()
    root = store_dir()
    marks = dict(conn.execute(sa.text("SELECT sha256, MIN(stored_path) FROM upload WHERE stored_path IS NOT NULL GROUP BY sha256")).fetchall())
    for (sha,) in conn.execute(sa.text("SELECT sha256 FROM storedfile")).fetchall():
        rel = marks.get(sha)
        if rel is None or _inside(root, rel) is None:
            continue
        content = conn.execute(sa.text("SELECT content FROM storedfile WHERE sha256 = :sha"), {"sha": sha}).scalar_one()
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    op.drop_table("storedfile")
    with op.batch_alter_table("pendingupload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pendingupload_created_at"))
    op.drop_table("pendingupload")
