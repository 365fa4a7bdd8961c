"""impact order facts: a buyer returns at their first order from a second checkout, not a second order

``*_seq`` (how many orders there) gives way to ``*_returned_at`` (when the buyer first ordered there
in another checkout than their first): a checkout split into orders from several sentras is one
purchase. The facts are a cache of the orders, so the table is made again empty and every buyer
who ever ordered is marked stale: the worker (or ``flask --app shop impact refresh``) rebuilds them,
and the first report does it itself if nothing else has.

Revision ID: 5ea7c4000009
Revises: 5ea7c4000008
Create Date: 2026-12-06 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000009'
down_revision = '5ea7c4000008'
branch_labels = None
depends_on = None


def _returned_at(level: str) -> sa.Column:
    return sa.Column(f'{level}_returned_at', shop.db.UTCDateTime(timezone=True), nullable=True)


def _seq(level: str) -> sa.Column:
    return sa.Column(f'{level}_seq', sa.Integer(), nullable=False)


def _create_facts(last_column) -> None:
    """The fact table, empty, with ``last_column(level)`` closing each level's columns; marks every buyer stale."""
    levels = []
    for level in ('kel', 'kec', 'city'):
        levels += [
            sa.Column(f'{level}_prev_at', shop.db.UTCDateTime(timezone=True), nullable=True),
            sa.Column(f'{level}_prev_bekasi_at', shop.db.UTCDateTime(timezone=True), nullable=True),
            last_column(level),
        ]
    op.create_table('impact_order_fact',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('gmv_idr', sa.Integer(), nullable=False),
    sa.Column('partner', sa.Boolean(), nullable=False),
    sa.Column('bekasi', sa.Boolean(), nullable=False),
    *levels,
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_impact_order_fact_order_id_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('month', 'sentra_id', 'created_at', 'order_id', name=op.f('pk_impact_order_fact')),
    sa.UniqueConstraint('order_id', name=op.f('uq_impact_order_fact_order_id')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('impact_order_fact', schema=None) as batch_op:
        batch_op.create_index('ix_impact_order_fact_buyer', ['buyer_id'], unique=False)
    op.execute('INSERT INTO impact_stale_buyer (buyer_id, created_at) '
               'SELECT DISTINCT buyer_id, CURRENT_TIMESTAMP FROM "order"')


def _drop_facts() -> None:
    with op.batch_alter_table('impact_order_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_impact_order_fact_buyer')
    op.drop_table('impact_order_fact')


def upgrade():
    _drop_facts()
    _create_facts(_returned_at)


def downgrade():
    _drop_facts()
    _create_facts(_seq)
