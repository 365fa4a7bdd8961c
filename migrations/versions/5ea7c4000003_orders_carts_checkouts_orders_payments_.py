"""orders: carts, checkouts, orders, payments, delivery settings

Revision ID: 5ea7c4000003
Revises: 5ea7c4000002
Create Date: 2026-11-28 02:43:35.191667

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000003'
down_revision = '5ea7c4000002'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('provider_event',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('received_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_event'))
    )
    op.create_table('cart',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('user_id IS NOT NULL OR token IS NOT NULL', name=op.f('ck_cart_owner_given')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_cart_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cart')),
    sa.UniqueConstraint('token', name=op.f('uq_cart_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_cart_user_id'))
    )
    op.create_table('checkout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('total_idr', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('street', sa.String(length=255), nullable=False),
    sa.Column('kelurahan_code', sa.String(length=13), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('postal_code', sa.String(length=5), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('kelurahan_code IS NOT NULL OR (city IS NOT NULL AND postal_code IS NOT NULL)', name=op.f('ck_checkout_place_given')),
    sa.CheckConstraint('total_idr >= 0', name=op.f('ck_checkout_total_not_negative')),
    sa.ForeignKeyConstraint(['buyer_id'], ['user.id'], name=op.f('fk_checkout_buyer_id_user')),
    sa.ForeignKeyConstraint(['kelurahan_code'], ['kelurahan.code'], name=op.f('fk_checkout_kelurahan_code_kelurahan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkout')),
    sa.UniqueConstraint('buyer_id', 'idempotency_key', name=op.f('uq_checkout_buyer_id'))
    )
    with op.batch_alter_table('checkout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkout_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkout_expires_at'), ['expires_at'], unique=False)

    op.create_table('delivery_settings',
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('offers_pickup', sa.Boolean(), nullable=False),
    sa.Column('offers_sentra_courier', sa.Boolean(), nullable=False),
    sa.Column('offers_courier', sa.Boolean(), nullable=False),
    sa.Column('courier_base_idr', sa.Integer(), nullable=False),
    sa.Column('courier_per_km_idr', sa.Integer(), nullable=False),
    sa.Column('courier_max_km', sa.Integer(), nullable=False),
    sa.CheckConstraint('courier_base_idr >= 0', name=op.f('ck_delivery_settings_base_not_negative')),
    sa.CheckConstraint('courier_max_km > 0', name=op.f('ck_delivery_settings_max_km_positive')),
    sa.CheckConstraint('courier_per_km_idr >= 0', name=op.f('ck_delivery_settings_per_km_not_negative')),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_delivery_settings_sentra_id_sentra'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sentra_id', name=op.f('pk_delivery_settings'))
    )
    op.create_table('order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payment_status', sa.String(length=20), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('delivery_method', sa.String(length=20), nullable=False),
    sa.Column('subtotal_idr', sa.Integer(), nullable=False),
    sa.Column('delivery_fee_idr', sa.Integer(), nullable=False),
    sa.Column('total_idr', sa.Integer(), nullable=False),
    sa.Column('refunded_idr', sa.Integer(), nullable=False),
    sa.Column('weight_grams', sa.Integer(), nullable=False),
    sa.Column('distance_km', sa.Integer(), nullable=True),
    sa.Column('pickup_code', sa.String(length=6), nullable=True),
    sa.Column('tracking_code', sa.String(length=12), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('disputed_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('delivery_fee_idr >= 0', name=op.f('ck_order_fee_not_negative')),
    sa.CheckConstraint('refunded_idr >= 0', name=op.f('ck_order_refunded_not_negative')),
    sa.CheckConstraint('subtotal_idr >= 0', name=op.f('ck_order_subtotal_not_negative')),
    sa.CheckConstraint('total_idr >= 0', name=op.f('ck_order_total_not_negative')),
    sa.ForeignKeyConstraint(['buyer_id'], ['user.id'], name=op.f('fk_order_buyer_id_user')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkout.id'], name=op.f('fk_order_checkout_id_checkout')),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_order_sentra_id_sentra')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order')),
    sa.UniqueConstraint('number', name=op.f('uq_order_number'))
    )
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.create_index('ix_order_buyer_created', ['buyer_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_checkout_id'), ['checkout_id'], unique=False)
        batch_op.create_index('ix_order_sentra_status', ['sentra_id', 'status'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('amount_idr', sa.Integer(), nullable=False),
    sa.Column('unique_code', sa.Integer(), nullable=True),
    sa.Column('refunded_idr', sa.Integer(), nullable=False),
    sa.Column('provider_ref', sa.String(length=255), nullable=True),
    sa.Column('client_secret', sa.String(length=255), nullable=True),
    sa.Column('provider_started_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('proof_key', sa.String(length=255), nullable=True),
    sa.Column('proof_uploaded_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failure_message', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_idr >= 0', name=op.f('ck_payment_amount_not_negative')),
    sa.CheckConstraint('refunded_idr >= 0', name=op.f('ck_payment_refunded_not_negative')),
    sa.ForeignKeyConstraint(['checkout_id'], ['checkout.id'], name=op.f('fk_payment_checkout_id_checkout')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_payment_decided_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('checkout_id', name=op.f('uq_payment_checkout_id')),
    sa.UniqueConstraint('provider_ref', name=op.f('uq_payment_provider_ref'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('uq_payment_waiting_transfer_amount', ['amount_idr'], unique=True, sqlite_where=sa.text("method = 'bank_transfer' AND state IN ('pending', 'processing')"), postgresql_where=sa.text("method = 'bank_transfer' AND state IN ('pending', 'processing')"))

    op.create_table('order_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_order_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_event_order_id_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_event'))
    )
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_event_order_id'), ['order_id'], unique=False)

    op.create_table('refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('amount_idr', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=255), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_idr > 0', name=op.f('ck_refund_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_refund_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_refund_order_id_order')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_refund_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund'))
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_payment_id'), ['payment_id'], unique=False)

    op.create_table('cart_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cart_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_idr_seen', sa.Integer(), nullable=False),
    sa.Column('added_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_cart_line_quantity_positive')),
    sa.CheckConstraint('unit_price_idr_seen >= 0', name=op.f('ck_cart_line_price_not_negative')),
    sa.ForeignKeyConstraint(['cart_id'], ['cart.id'], name=op.f('fk_cart_line_cart_id_cart'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_cart_line_variant_id_variant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cart_line')),
    sa.UniqueConstraint('cart_id', 'variant_id', name=op.f('uq_cart_line_cart_id'))
    )
    with op.batch_alter_table('cart_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cart_line_cart_id'), ['cart_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cart_line_variant_id'), ['variant_id'], unique=False)

    op.create_table('order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('variant_label', sa.String(length=255), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_idr', sa.Integer(), nullable=False),
    sa.Column('weight_grams', sa.Integer(), nullable=False),
    sa.Column('made_to_order', sa.Boolean(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_line_quantity_positive')),
    sa.CheckConstraint('unit_price_idr >= 0', name=op.f('ck_order_line_price_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_line_order_id_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_order_line_product_id_product'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_order_line_variant_id_variant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_line'))
    )
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_line_variant_id'), ['variant_id'], unique=False)




def downgrade():

    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_line_variant_id'))
        batch_op.drop_index(batch_op.f('ix_order_line_order_id'))

    op.drop_table('order_line')
    with op.batch_alter_table('cart_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cart_line_variant_id'))
        batch_op.drop_index(batch_op.f('ix_cart_line_cart_id'))

    op.drop_table('cart_line')
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_payment_id'))
        batch_op.drop_index(batch_op.f('ix_refund_order_id'))

    op.drop_table('refund')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_event_order_id'))

    op.drop_table('order_event')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('uq_payment_waiting_transfer_amount', sqlite_where=sa.text("method = 'bank_transfer' AND state IN ('pending', 'processing')"), postgresql_where=sa.text("method = 'bank_transfer' AND state IN ('pending', 'processing')"))

    op.drop_table('payment')
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index('ix_order_sentra_status')
        batch_op.drop_index(batch_op.f('ix_order_checkout_id'))
        batch_op.drop_index('ix_order_buyer_created')

    op.drop_table('order')
    op.drop_table('delivery_settings')
    with op.batch_alter_table('checkout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkout_expires_at'))
        batch_op.drop_index(batch_op.f('ix_checkout_buyer_id'))

    op.drop_table('checkout')
    op.drop_table('cart')
    op.drop_table('provider_event')

