"""outbox: background work written with the change that causes it

Revision ID: 5ea7c4000002
Revises: 5ea7c4000001
Create Date: 2026-11-28 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000002'
down_revision = '5ea7c4000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_after', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['done_at', 'run_after'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
