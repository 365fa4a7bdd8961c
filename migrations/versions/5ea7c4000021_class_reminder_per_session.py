"""a reminder a day before each session of a class, once per session and booking (issue 19)

Revision ID: 5ea7c4000021
Revises: 5ea7c4000018
Create Date: 2026-12-07 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000021'
down_revision = '5ea7c4000018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('class_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', shop.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['class_booking.id'], name=op.f('fk_class_reminder_booking_id_class_booking')),
    sa.ForeignKeyConstraint(['session_id'], ['class_session.id'], name=op.f('fk_class_reminder_session_id_class_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_reminder')),
    sa.UniqueConstraint('booking_id', 'session_id', name=op.f('uq_class_reminder_booking_id'))
    )
    with op.batch_alter_table('class_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_reminder_session_id'), ['session_id'], unique=False)

    # Bookings reminded before this revision were reminded of their first session.
    op.execute(
        "INSERT INTO class_reminder (booking_id, session_id, sent_at) "
        "SELECT b.id, s.id, b.reminded_at FROM class_booking b JOIN class_session s ON s.class_id = b.class_id "
        "WHERE b.reminded_at IS NOT NULL AND s.starts_at = "
        "(SELECT MIN(f.starts_at) FROM class_session f WHERE f.class_id = b.class_id)"
    )


def downgrade():
    with op.batch_alter_table('class_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_reminder_session_id'))

    op.drop_table('class_reminder')
