"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditevent_created_at'), ['created_at'], unique=False)

    op.create_table('merger',
    sa.Column('old_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('old_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('new_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('old_code')
    )
    with op.batch_alter_table('merger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merger_new_code'), ['new_code'], unique=False)

    op.create_table('meta',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('milestone',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('date_precision', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('onderdeel', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('min_status', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('confidence', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('provincie',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('regionmembership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('region_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gemeente_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('region_type', 'region_code', 'gemeente_code')
    )
    with op.batch_alter_table('regionmembership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regionmembership_gemeente_code'), ['gemeente_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_regionmembership_region_type'), ['region_type'], unique=False)

    op.create_table('statuslevel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('onderdeel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_done', sa.Boolean(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('onderdeel', 'status')
    )
    with op.batch_alter_table('statuslevel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statuslevel_onderdeel'), ['onderdeel'], unique=False)

    op.create_table('upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('stored_path', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('peildatum', sa.Date(), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('records_written', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('error_report', sa.Text(), nullable=True),
    sa.Column('warnings', sa.Text(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_upload_sha256'), ['sha256'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gemeente_codes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('provincie_code', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_token_hash'), ['token_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_username'), ['username'], unique=True)

    op.create_table('gemeente',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('provincie_code', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['provincie_code'], ['provincie.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('gemeente', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gemeente_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_gemeente_provincie_code'), ['provincie_code'], unique=False)

    op.create_table('statusrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gemeente_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('onderdeel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('peildatum', sa.Date(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('koploperregio', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_code'], ['gemeente.code'], ),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('statusrecord', schema=None) as batch_op:
        batch_op.create_index('ix_status_asof', ['onderdeel', 'gemeente_code', 'peildatum', 'upload_id', 'id'], unique=False)
        batch_op.create_index('ix_status_peildatum', ['peildatum'], unique=False)
        batch_op.create_index(batch_op.f('ix_statusrecord_upload_id'), ['upload_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('statusrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statusrecord_upload_id'))
        batch_op.drop_index('ix_status_peildatum')
        batch_op.drop_index('ix_status_asof')

    op.drop_table('statusrecord')
    with op.batch_alter_table('gemeente', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gemeente_provincie_code'))
        batch_op.drop_index(batch_op.f('ix_gemeente_name'))

    op.drop_table('gemeente')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_username'))
        batch_op.drop_index(batch_op.f('ix_user_token_hash'))

    op.drop_table('user')
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_sha256'))
        batch_op.drop_index(batch_op.f('ix_upload_created_at'))

    op.drop_table('upload')
    with op.batch_alter_table('statuslevel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statuslevel_onderdeel'))

    op.drop_table('statuslevel')
    with op.batch_alter_table('regionmembership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regionmembership_region_type'))
        batch_op.drop_index(batch_op.f('ix_regionmembership_gemeente_code'))

    op.drop_table('regionmembership')
    op.drop_table('provincie')
    op.drop_table('milestone')
    op.drop_table('meta')
    with op.batch_alter_table('merger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merger_new_code'))

    op.drop_table('merger')
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditevent_created_at'))

    op.drop_table('auditevent')
