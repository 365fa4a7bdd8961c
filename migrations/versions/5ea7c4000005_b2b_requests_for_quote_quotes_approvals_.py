"""b2b: requests for quote, quotes, approvals, invoices, handover records

Revision ID: 5ea7c4000005
Revises: 5ea7c4000004
Create Date: 2026-11-28 04:21:24.594747

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000005'
down_revision = '5ea7c4000004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invoice_counter',
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_invoice_counter_sentra_id_sentra'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sentra_id', 'year', name=op.f('pk_invoice_counter'))
    )
    op.create_table('rfq',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=False),
    sa.Column('recipient', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('street', sa.String(length=255), nullable=False),
    sa.Column('kelurahan_code', sa.String(length=13), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('postal_code', sa.String(length=5), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('kelurahan_code IS NOT NULL OR (city IS NOT NULL AND postal_code IS NOT NULL)', name=op.f('ck_rfq_place_given')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_rfq_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kelurahan_code'], ['kelurahan.code'], name=op.f('fk_rfq_kelurahan_code_kelurahan')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_rfq_partner_id_partner')),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_rfq_sentra_id_sentra')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfq'))
    )
    with op.batch_alter_table('rfq', schema=None) as batch_op:
        batch_op.create_index('ix_rfq_partner_status', ['partner_id', 'status'], unique=False)
        batch_op.create_index('ix_rfq_sentra_status', ['sentra_id', 'status'], unique=False)

    op.create_table('rfq_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_rfq_comment_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfq.id'], name=op.f('fk_rfq_comment_rfq_id_rfq'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfq_comment'))
    )
    with op.batch_alter_table('rfq_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rfq_comment_rfq_id'), ['rfq_id'], unique=False)

    op.create_table('rfq_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('thumb_key', sa.String(length=255), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfq.id'], name=op.f('fk_rfq_image_rfq_id_rfq'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfq_image'))
    )
    with op.batch_alter_table('rfq_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rfq_image_rfq_id'), ['rfq_id'], unique=False)

    op.create_table('rfq_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_rfq_line_quantity_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_rfq_line_product_id_product'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfq.id'], name=op.f('fk_rfq_line_rfq_id_rfq'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfq_line'))
    )
    with op.batch_alter_table('rfq_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rfq_line_rfq_id'), ['rfq_id'], unique=False)

    op.create_table('handover_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('received_by_name', sa.String(length=120), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('received_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_handover_record_order_id_order')),
    sa.ForeignKeyConstraint(['received_by_id'], ['user.id'], name=op.f('fk_handover_record_received_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_record')),
    sa.UniqueConstraint('order_id', name=op.f('uq_handover_record_order_id'))
    )
    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('issued_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('terms_days', sa.Integer(), nullable=True),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('subtotal_idr', sa.Integer(), nullable=False),
    sa.Column('delivery_fee_idr', sa.Integer(), nullable=False),
    sa.Column('tax_rate_percent', sa.Integer(), nullable=False),
    sa.Column('tax_idr', sa.Integer(), nullable=False),
    sa.Column('total_idr', sa.Integer(), nullable=False),
    sa.Column('seller_name', sa.String(length=160), nullable=False),
    sa.Column('seller_address', sa.String(length=400), nullable=False),
    sa.Column('seller_npwp', sa.String(length=16), nullable=True),
    sa.Column('seller_pkp', sa.Boolean(), nullable=False),
    sa.Column('buyer_name', sa.String(length=160), nullable=False),
    sa.Column('buyer_address', sa.String(length=400), nullable=False),
    sa.Column('buyer_npwp', sa.String(length=16), nullable=True),
    sa.Column('paid_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('overdue_notified_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('delivery_fee_idr >= 0', name=op.f('ck_invoice_fee_not_negative')),
    sa.CheckConstraint('subtotal_idr >= 0', name=op.f('ck_invoice_subtotal_not_negative')),
    sa.CheckConstraint('tax_idr >= 0', name=op.f('ck_invoice_tax_not_negative')),
    sa.CheckConstraint('total_idr >= 0', name=op.f('ck_invoice_total_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_invoice_order_id_order')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_invoice_partner_id_partner')),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_invoice_sentra_id_sentra')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('number', name=op.f('uq_invoice_number')),
    sa.UniqueConstraint('order_id', name=op.f('uq_invoice_order_id')),
    sa.UniqueConstraint('sentra_id', 'year', 'sequence', name=op.f('uq_invoice_sentra_id'))
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_due_on'), ['due_on'], unique=False)
        batch_op.create_index('ix_invoice_partner_status', ['partner_id', 'status'], unique=False)

    op.create_table('quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('delivery_method', sa.String(length=20), nullable=False),
    sa.Column('delivery_fee_idr', sa.Integer(), nullable=False),
    sa.Column('subtotal_idr', sa.Integer(), nullable=False),
    sa.Column('tax_rate_percent', sa.Integer(), nullable=False),
    sa.Column('tax_idr', sa.Integer(), nullable=False),
    sa.Column('total_idr', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('delivery_fee_idr >= 0', name=op.f('ck_quote_fee_not_negative')),
    sa.CheckConstraint('subtotal_idr >= 0', name=op.f('ck_quote_subtotal_not_negative')),
    sa.CheckConstraint('tax_idr >= 0', name=op.f('ck_quote_tax_not_negative')),
    sa.CheckConstraint('total_idr >= 0', name=op.f('ck_quote_total_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_quote_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_quote_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_quote_order_id_order')),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfq.id'], name=op.f('fk_quote_rfq_id_rfq'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_quote_sentra_id_sentra')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote')),
    sa.UniqueConstraint('order_id', name=op.f('uq_quote_order_id')),
    sa.UniqueConstraint('rfq_id', 'revision', name=op.f('uq_quote_rfq_id'))
    )
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_rfq_id'), ['rfq_id'], unique=False)
        batch_op.create_index('ix_quote_sentra_status', ['sentra_id', 'status'], unique=False)

    op.create_table('purchase_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('amount_idr', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checkout_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_idr >= 0', name=op.f('ck_purchase_approval_amount_not_negative')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkout.id'], name=op.f('fk_purchase_approval_checkout_id_checkout'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_purchase_approval_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_purchase_approval_partner_id_partner')),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], name=op.f('fk_purchase_approval_quote_id_quote'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_purchase_approval_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_approval'))
    )
    with op.batch_alter_table('purchase_approval', schema=None) as batch_op:
        batch_op.create_index('ix_purchase_approval_partner_status', ['partner_id', 'status'], unique=False)
        batch_op.create_index('uq_purchase_approval_pending_quote', ['quote_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('quote_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('variant_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_idr', sa.Integer(), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('lead_time_days >= 0', name=op.f('ck_quote_line_lead_time_not_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_quote_line_quantity_positive')),
    sa.CheckConstraint('unit_price_idr >= 0', name=op.f('ck_quote_line_price_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_quote_line_product_id_product'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], name=op.f('fk_quote_line_quote_id_quote'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_quote_line_variant_id_variant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_line'))
    )
    with op.batch_alter_table('quote_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_line_quote_id'), ['quote_id'], unique=False)

    with op.batch_alter_table('checkout', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_checkout_partner_id'), ['partner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_checkout_partner_id_partner'), 'partner', ['partner_id'], ['id'])

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_idr', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_order_tax_not_negative'), 'tax_idr >= 0')
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_order_partner_id'), ['partner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_order_partner_id_partner'), 'partner', ['partner_id'], ['id'])

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_threshold_idr', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('terms_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credit_limit_idr', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_partner_threshold_not_negative'),
            'approval_threshold_idr IS NULL OR approval_threshold_idr >= 0')
        batch_op.create_check_constraint(op.f('ck_partner_terms_days_allowed'),
                                         'terms_days IS NULL OR terms_days IN (14, 30)')
        batch_op.create_check_constraint(op.f('ck_partner_credit_limit_not_negative'), 'credit_limit_idr >= 0')

    with op.batch_alter_table('sentra', schema=None) as batch_op:
        batch_op.add_column(sa.Column('npwp', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('is_pkp', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('sentra', schema=None) as batch_op:
        batch_op.drop_column('is_pkp')
        batch_op.drop_column('npwp')

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_partner_threshold_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_partner_terms_days_allowed'), type_='check')
        batch_op.drop_constraint(op.f('ck_partner_credit_limit_not_negative'), type_='check')
        batch_op.drop_column('credit_limit_idr')
        batch_op.drop_column('terms_days')
        batch_op.drop_column('approval_threshold_idr')

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_partner_id_partner'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_partner_id'))
        batch_op.drop_column('partner_id')
        batch_op.drop_constraint(op.f('ck_order_tax_not_negative'), type_='check')
        batch_op.drop_column('tax_idr')

    with op.batch_alter_table('checkout', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_checkout_partner_id_partner'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_checkout_partner_id'))
        batch_op.drop_column('partner_id')

    with op.batch_alter_table('quote_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_line_quote_id'))

    op.drop_table('quote_line')
    with op.batch_alter_table('purchase_approval', schema=None) as batch_op:
        batch_op.drop_index('uq_purchase_approval_pending_quote', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index('ix_purchase_approval_partner_status')

    op.drop_table('purchase_approval')
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index('ix_quote_sentra_status')
        batch_op.drop_index(batch_op.f('ix_quote_rfq_id'))

    op.drop_table('quote')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_partner_status')
        batch_op.drop_index(batch_op.f('ix_invoice_due_on'))

    op.drop_table('invoice')
    op.drop_table('handover_record')
    with op.batch_alter_table('rfq_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rfq_line_rfq_id'))

    op.drop_table('rfq_line')
    with op.batch_alter_table('rfq_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rfq_image_rfq_id'))

    op.drop_table('rfq_image')
    with op.batch_alter_table('rfq_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rfq_comment_rfq_id'))

    op.drop_table('rfq_comment')
    with op.batch_alter_table('rfq', schema=None) as batch_op:
        batch_op.drop_index('ix_rfq_sentra_status')
        batch_op.drop_index('ix_rfq_partner_status')

    op.drop_table('rfq')
    op.drop_table('invoice_counter')
