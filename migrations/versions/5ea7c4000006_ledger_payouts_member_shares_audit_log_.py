"""ledger, payouts, member shares, audit log, product events, sentra bank and commission

Revision ID: 5ea7c4000006
Revises: 5ea7c4000005
Create Date: 2026-11-28 05:12:23.731254

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000006'
down_revision = '5ea7c4000005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.String(length=60), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_created_at'), ['created_at'], unique=False)

    op.create_table('payout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('amount_idr', sa.Integer(), nullable=False),
    sa.Column('bank_name', sa.String(length=80), nullable=False),
    sa.Column('account_number', sa.String(length=34), nullable=False),
    sa.Column('account_holder', sa.String(length=120), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('exported_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_idr > 0', name=op.f('ck_payout_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_payout_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_payout_sentra_id_sentra')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout'))
    )
    with op.batch_alter_table('payout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_sentra_id'), ['sentra_id'], unique=False)

    op.create_table('payout_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payout_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('amount_idr', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_idr >= 0', name=op.f('ck_payout_share_amount_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_payout_share_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payout_id'], ['payout.id'], name=op.f('fk_payout_share_payout_id_payout'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_payout_share_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_share')),
    sa.UniqueConstraint('payout_id', 'user_id', name=op.f('uq_payout_share_payout_id'))
    )
    with op.batch_alter_table('payout_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_share_payout_id'), ['payout_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_share_user_id'), ['user_id'], unique=False)

    op.create_table('product_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_product_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_event_product_id_product'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_product_event_sentra_id_sentra'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_event'))
    )
    with op.batch_alter_table('product_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_event_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_product_event_sentra_created', ['sentra_id', 'created_at'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('credit_idr', sa.Integer(), nullable=False),
    sa.Column('debit_idr', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=80), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('refund_id', sa.Integer(), nullable=True),
    sa.Column('payout_id', sa.Integer(), nullable=True),
    sa.Column('goods_idr', sa.Integer(), nullable=True),
    sa.Column('delivery_idr', sa.Integer(), nullable=True),
    sa.Column('commission_idr', sa.Integer(), nullable=True),
    sa.Column('commission_rate_bp', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('credit_idr = 0 OR debit_idr = 0', name=op.f('ck_ledger_entry_one_side')),
    sa.CheckConstraint('credit_idr >= 0', name=op.f('ck_ledger_entry_credit_not_negative')),
    sa.CheckConstraint('debit_idr >= 0', name=op.f('ck_ledger_entry_debit_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_ledger_entry_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_ledger_entry_order_id_order')),
    sa.ForeignKeyConstraint(['payout_id'], ['payout.id'], name=op.f('fk_ledger_entry_payout_id_payout')),
    sa.ForeignKeyConstraint(['refund_id'], ['refund.id'], name=op.f('fk_ledger_entry_refund_id_refund')),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_ledger_entry_sentra_id_sentra')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_ledger_entry_dedupe_key'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entry_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_ledger_entry_sentra_created', ['sentra_id', 'created_at'], unique=False)

    # Member activity in a period is looked up by who acted and when (orders.impact.activity).
    op.create_index('ix_order_event_actor_created', 'order_event', ['actor_id', 'created_at'])
    op.create_index('ix_tracking_event_actor_created', 'tracking_event', ['actor_id', 'created_at'])
    op.create_index('ix_stock_movement_actor_created', 'stock_movement', ['actor_id', 'created_at'])
    op.create_index('ix_product_event_actor_created', 'product_event', ['actor_id', 'created_at'])
    op.create_index('ix_quote_created_by_created', 'quote', ['created_by_id', 'created_at'])
    op.create_index('ix_rfq_comment_author_created', 'rfq_comment', ['author_id', 'created_at'])

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispute_lost_at', shop.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('sentra', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commission_rate_bp', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_sentra_commission_rate_allowed'),
                                         'commission_rate_bp IS NULL OR (commission_rate_bp >= 0 AND commission_rate_bp <= 5000)')
        batch_op.add_column(sa.Column('bank_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('bank_account_number', sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column('bank_account_holder', sa.String(length=120), nullable=True))



def downgrade():
    for name, table in (('ix_order_event_actor_created', 'order_event'),
                        ('ix_tracking_event_actor_created', 'tracking_event'),
                        ('ix_stock_movement_actor_created', 'stock_movement'),
                        ('ix_product_event_actor_created', 'product_event'),
                        ('ix_quote_created_by_created', 'quote'),
                        ('ix_rfq_comment_author_created', 'rfq_comment')):
        op.drop_index(name, table_name=table)

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('dispute_lost_at')

    with op.batch_alter_table('sentra', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sentra_commission_rate_allowed'), type_='check')
        batch_op.drop_column('bank_account_holder')
        batch_op.drop_column('bank_account_number')
        batch_op.drop_column('bank_name')
        batch_op.drop_column('commission_rate_bp')

    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entry_sentra_created')
        batch_op.drop_index(batch_op.f('ix_ledger_entry_order_id'))

    op.drop_table('ledger_entry')
    with op.batch_alter_table('product_event', schema=None) as batch_op:
        batch_op.drop_index('ix_product_event_sentra_created')
        batch_op.drop_index(batch_op.f('ix_product_event_product_id'))
        batch_op.drop_index(batch_op.f('ix_product_event_actor_id'))

    op.drop_table('product_event')
    with op.batch_alter_table('payout_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_share_user_id'))
        batch_op.drop_index(batch_op.f('ix_payout_share_payout_id'))

    op.drop_table('payout_share')
    with op.batch_alter_table('payout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_sentra_id'))
        batch_op.drop_index(batch_op.f('ix_payout_created_at'))

    op.drop_table('payout')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
