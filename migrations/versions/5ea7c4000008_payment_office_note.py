"""payment office note: what the office writes when it confirms a transfer stays internal

The note used to go into every order's history, which the buyer and the sentra read; it is now
kept on the payment and shown on the office's transfer page only.

Revision ID: 5ea7c4000008
Revises: 5ea7c4000007
Create Date: 2026-12-06 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ea7c4000008'
down_revision = '5ea7c4000007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_note', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('office_note')
