"""midtrans payments: the gateway's status, instructions and amount mismatches on a payment; the
buyer's bank details on a refund the office pays by hand (a virtual-account payment)

Revision ID: 5ea7c4000015
Revises: 5ea7c4000014
Create Date: 2026-12-07 02:00:00.000000

"""
import sqlalchemy as sa

import shop.db
from alembic import op


# revision identifiers, used by Alembic.
revision = '5ea7c4000015'
down_revision = '5ea7c4000014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_status', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('provider_checked_at', shop.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('provider_data', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('mismatch_idr', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mismatch_at', shop.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('bank_account_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('bank_account_holder', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('bank_details_requested_at', shop.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('bank_details_given_at', shop.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_column('bank_details_given_at')
        batch_op.drop_column('bank_details_requested_at')
        batch_op.drop_column('bank_account_holder')
        batch_op.drop_column('bank_account_number')
        batch_op.drop_column('bank_name')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('mismatch_at')
        batch_op.drop_column('mismatch_idr')
        batch_op.drop_column('provider_data')
        batch_op.drop_column('provider_checked_at')
        batch_op.drop_column('provider_status')
