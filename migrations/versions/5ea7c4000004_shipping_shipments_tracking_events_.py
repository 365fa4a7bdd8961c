"""shipping: shipments, tracking events, problems, reviews, ratings, promised dates

Revision ID: 5ea7c4000004
Revises: 5ea7c4000003
Create Date: 2026-11-28 03:17:53.270317

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000004'
down_revision = '5ea7c4000003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sentra_reply', sa.Text(), nullable=True),
    sa.Column('replied_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('settlement_note', sa.Text(), nullable=True),
    sa.Column('settled_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_order_problem_order_id_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['user.id'], name=op.f('fk_order_problem_replied_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_order_problem_sentra_id_sentra')),
    sa.ForeignKeyConstraint(['settled_by_id'], ['user.id'], name=op.f('fk_order_problem_settled_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_problem'))
    )
    with op.batch_alter_table('order_problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_problem_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_problem_sentra_id'), ['sentra_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_problem_status'), ['status'], unique=False)

    op.create_table('shipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('courier_user_id', sa.Integer(), nullable=True),
    sa.Column('carrier', sa.String(length=20), nullable=True),
    sa.Column('carrier_name', sa.String(length=60), nullable=True),
    sa.Column('waybill', sa.String(length=40), nullable=True),
    sa.Column('delivery_pin', sa.String(length=6), nullable=True),
    sa.Column('code_failures', sa.Integer(), nullable=False),
    sa.Column('locked_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recipient_name', sa.String(length=120), nullable=True),
    sa.Column('proof_key', sa.String(length=255), nullable=True),
    sa.Column('ready_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('delivered_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('code_failures >= 0', name=op.f('ck_shipment_failures_not_negative')),
    sa.ForeignKeyConstraint(['courier_user_id'], ['user.id'], name=op.f('fk_shipment_courier_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_shipment_order_id_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_shipment_sentra_id_sentra')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment')),
    sa.UniqueConstraint('order_id', name=op.f('uq_shipment_order_id'))
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index('ix_shipment_courier_status', ['courier_user_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_sentra_id'), ['sentra_id'], unique=False)

    op.create_table('tracking_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('photo_key', sa.String(length=255), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_tracking_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_tracking_event_shipment_id_shipment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracking_event'))
    )
    with op.batch_alter_table('tracking_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracking_event_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sentra_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('photo_key', sa.String(length=255), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('replied_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_at', shop.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_review_rating_one_to_five')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_review_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user.id'], name=op.f('fk_review_hidden_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_line.id'], name=op.f('fk_review_order_line_id_order_line'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_review_product_id_product'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['user.id'], name=op.f('fk_review_replied_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sentra_id'], ['sentra.id'], name=op.f('fk_review_sentra_id_sentra'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('order_line_id', name=op.f('uq_review_order_line_id'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_product_visible', ['product_id', 'hidden_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_sentra_id'), ['sentra_id'], unique=False)

    with op.batch_alter_table('delivery_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handling_days', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_check_constraint('handling_not_negative', 'handling_days >= 0')

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('promised_at', shop.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('completed_at', shop.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_order_promised_at'), ['promised_at'], unique=False)

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_avg', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('rating_count', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('sentra', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_avg', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('rating_count', sa.Integer(), nullable=False, server_default='0'))



    _backfill_shipments()


def _backfill_shipments() -> None:
    """Orders placed before this revision get their shipment (and a delivery PIN for the sentra courier)."""
    import secrets

    from shop.db import utcnow

    conn = op.get_bind()
    rows = conn.execute(sa.text(
        'SELECT id, sentra_id, delivery_method FROM "order" WHERE id NOT IN (SELECT order_id FROM shipment)'
    )).all()
    shipment = sa.table(
        "shipment", sa.column("order_id", sa.Integer), sa.column("sentra_id", sa.Integer),
        sa.column("method", sa.String), sa.column("delivery_pin", sa.String), sa.column("code_failures", sa.Integer),
        sa.column("reminders_sent", sa.Integer), sa.column("created_at", shop.db.UTCDateTime(timezone=True)),
    )
    for order_id, sentra_id, method in rows:
        pin = f"{secrets.randbelow(1_000_000):06d}" if method == "sentra_courier" else None
        conn.execute(shipment.insert().values(order_id=order_id, sentra_id=sentra_id, method=method, delivery_pin=pin,
                                              code_failures=0, reminders_sent=0, created_at=utcnow()))

def downgrade():
    with op.batch_alter_table('sentra', schema=None) as batch_op:
        batch_op.drop_column('rating_count')
        batch_op.drop_column('rating_avg')

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('rating_count')
        batch_op.drop_column('rating_avg')

    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_promised_at'))
        batch_op.drop_column('completed_at')
        batch_op.drop_column('promised_at')

    with op.batch_alter_table('delivery_settings', schema=None) as batch_op:
        batch_op.drop_constraint('handling_not_negative', type_='check')
        batch_op.drop_column('handling_days')

    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_sentra_id'))
        batch_op.drop_index('ix_review_product_visible')

    op.drop_table('review')
    with op.batch_alter_table('tracking_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracking_event_shipment_id'))

    op.drop_table('tracking_event')
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_sentra_id'))
        batch_op.drop_index('ix_shipment_courier_status')

    op.drop_table('shipment')
    with op.batch_alter_table('order_problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_problem_status'))
        batch_op.drop_index(batch_op.f('ix_order_problem_sentra_id'))
        batch_op.drop_index(batch_op.f('ix_order_problem_order_id'))

    op.drop_table('order_problem')
