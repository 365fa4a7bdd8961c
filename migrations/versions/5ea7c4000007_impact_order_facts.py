"""impact order facts: the rollup the impact report sums buyers from, and the marks of stale buyers

Every buyer who ever ordered is marked stale, so the worker (or ``flask --app shop impact refresh``)
builds the facts after the upgrade; the first report builds them itself if nothing else has.

Revision ID: 5ea7c4000007
Revises: 5ea7c4000006
Create Date: 2026-11-28 07:56:54.590576

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000007'
down_revision = '5ea7c4000006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('impact_stale_buyer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_stale_buyer'))
    )
    with op.batch_alter_table('impact_stale_buyer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_stale_buyer_buyer_id'), ['buyer_id'], unique=False)

    op.create_table('impact_order_fact',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('gmv_idr', sa.Integer(), nullable=False),
    sa.Column('partner', sa.Boolean(), nullable=False),
    sa.Column('bekasi', sa.Boolean(), nullable=False),
    sa.Column('kel_prev_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kel_prev_bekasi_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kel_seq', sa.Integer(), nullable=False),
    sa.Column('kec_prev_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kec_prev_bekasi_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kec_seq', sa.Integer(), nullable=False),
    sa.Column('city_prev_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('city_prev_bekasi_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('city_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_impact_order_fact_order_id_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('month', 'sentra_id', 'created_at', 'order_id', name=op.f('pk_impact_order_fact')),
    sa.UniqueConstraint('order_id', name=op.f('uq_impact_order_fact_order_id')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('impact_order_fact', schema=None) as batch_op:
        batch_op.create_index('ix_impact_order_fact_buyer', ['buyer_id'], unique=False)
    op.execute('INSERT INTO impact_stale_buyer (buyer_id, created_at) '
               'SELECT DISTINCT buyer_id, CURRENT_TIMESTAMP FROM "order"')



def downgrade():
    with op.batch_alter_table('impact_order_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_impact_order_fact_buyer')

    op.drop_table('impact_order_fact')
    with op.batch_alter_table('impact_stale_buyer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_stale_buyer_buyer_id'))

    op.drop_table('impact_stale_buyer')
