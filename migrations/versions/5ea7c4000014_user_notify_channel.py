"""user notify channel: each user chooses email, WhatsApp or both for their updates

``user.notify_channel`` is ``email``, ``whatsapp``, ``both`` or NULL (not chosen yet: WhatsApp
and email with a phone number, email only without one). Existing users keep NULL.

Revision ID: 5ea7c4000014
Revises: 5ea7c4000013
Create Date: 2026-12-07 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ea7c4000014'
down_revision = '5ea7c4000013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_channel', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('notify_channel')
