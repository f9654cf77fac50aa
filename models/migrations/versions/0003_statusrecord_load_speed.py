"""statusrecord: keys checked per statement instead of per row; no separate peildatum index

PostgreSQL checks a foreign key with one lookup and row lock per inserted row: for a
100,000-row spreadsheet (400,000 records) that was most of the load time. The gemeente key is
now enforced by triggers that check the whole statement at once on PostgreSQL (a transition
table joined against gemeente) and per row on SQLite, where that is cheap; deleting or renaming
a gemeente that has records is refused as before. ``upload_id`` needs no check: the loader writes
an Upload and its records in one transaction and uploads are never deleted (audit trail).
ix_status_peildatum served no query that ix_status_asof does not.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# 0001 left the constraints unnamed; this convention names them so SQLite's batch mode can drop them.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}

POSTGRES = [
    """
    CREATE FUNCTION etvi_statusrecord_gemeente_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE missing text;
    BEGIN
        SELECT string_agg(DISTINCT n.gemeente_code, ', ') INTO missing FROM etvi_new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM gemeente g WHERE g.code = n.gemeente_code);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'statusrecord.gemeente_code % staat niet in gemeente', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER etvi_statusrecord_gemeente_insert AFTER INSERT ON statusrecord
    REFERENCING NEW TABLE AS etvi_new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION etvi_statusrecord_gemeente_check()
    """,
    """
    CREATE TRIGGER etvi_statusrecord_gemeente_update AFTER UPDATE ON statusrecord
    REFERENCING NEW TABLE AS etvi_new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION etvi_statusrecord_gemeente_check()
    """,
    """
    CREATE FUNCTION etvi_gemeente_in_use() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM statusrecord s WHERE s.gemeente_code = OLD.code) THEN
            RAISE EXCEPTION 'gemeente % heeft statusrecords', OLD.code USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER etvi_gemeente_delete BEFORE DELETE ON gemeente
    FOR EACH ROW EXECUTE FUNCTION etvi_gemeente_in_use()
    """,
    """
    CREATE TRIGGER etvi_gemeente_rename BEFORE UPDATE OF code ON gemeente
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION etvi_gemeente_in_use()
    """,
]

SQLITE = [
    """
    CREATE TRIGGER etvi_statusrecord_gemeente_insert BEFORE INSERT ON statusrecord
    WHEN NOT EXISTS (SELECT 1 FROM gemeente WHERE code = NEW.gemeente_code)
    BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: statusrecord.gemeente_code staat niet in gemeente'); END
    """,
    """
    CREATE TRIGGER etvi_statusrecord_gemeente_update BEFORE UPDATE OF gemeente_code ON statusrecord
    WHEN NOT EXISTS (SELECT 1 FROM gemeente WHERE code = NEW.gemeente_code)
    BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: statusrecord.gemeente_code staat niet in gemeente'); END
    """,
    """
    CREATE TRIGGER etvi_gemeente_delete BEFORE DELETE ON gemeente
    WHEN EXISTS (SELECT 1 FROM statusrecord WHERE gemeente_code = OLD.code)
    BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: gemeente heeft statusrecords'); END
    """,
    """
    CREATE TRIGGER etvi_gemeente_rename BEFORE UPDATE OF code ON gemeente
    WHEN OLD.code IS NOT NEW.code AND EXISTS (SELECT 1 FROM statusrecord WHERE gemeente_code = OLD.code)
    BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: gemeente heeft statusrecords'); END
    """,
]


def _postgres_fk_names(bind) -> list[str]:
    return list(
        bind.execute(
            sa.text("SELECT conname FROM pg_constraint WHERE conrelid = 'statusrecord'::regclass AND contype = 'f'")
        ).scalars()
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in _postgres_fk_names(bind):
            op.drop_constraint(name, "statusrecord", type_="foreignkey")
        op.drop_index("ix_status_peildatum", table_name="statusrecord")
        statements = POSTGRES
    else:
        with op.batch_alter_table("statusrecord", naming_convention=NAMING) as batch_op:
            batch_op.drop_constraint("fk_statusrecord_upload_id_upload", type_="foreignkey")
            batch_op.drop_constraint("fk_statusrecord_gemeente_code_gemeente", type_="foreignkey")
            batch_op.drop_index("ix_status_peildatum")
        statements = SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for trigger, table in [
            ("etvi_statusrecord_gemeente_insert", "statusrecord"),
            ("etvi_statusrecord_gemeente_update", "statusrecord"),
            ("etvi_gemeente_delete", "gemeente"),
            ("etvi_gemeente_rename", "gemeente"),
        ]:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS etvi_statusrecord_gemeente_check()")
        op.execute("DROP FUNCTION IF EXISTS etvi_gemeente_in_use()")
    else:
        for trigger in ["etvi_statusrecord_gemeente_insert", "etvi_statusrecord_gemeente_update", "etvi_gemeente_delete", "etvi_gemeente_rename"]:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    with op.batch_alter_table("statusrecord", schema=None) as batch_op:
        batch_op.create_index("ix_status_peildatum", ["peildatum"], unique=False)
        batch_op.create_foreign_key("fk_statusrecord_upload_id_upload", "upload", ["upload_id"], ["id"])
        batch_op.create_foreign_key("fk_statusrecord_gemeente_code_gemeente", "gemeente", ["gemeente_code"], ["code"])
