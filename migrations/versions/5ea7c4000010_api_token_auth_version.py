"""api token auth version: a token issued while the password changed dies with the old password

Revoking every token at a password change misses a token whose issue checked the old
password just before the change committed. Each token now records the user's
``auth_version`` it was issued under, and only a token of the current version works.
Existing tokens take their user's current version (they survived every change so far).

Revision ID: 5ea7c4000010
Revises: 5ea7c4000009
Create Date: 2026-12-06 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ea7c4000010'
down_revision = '5ea7c4000009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_version', sa.Integer(), server_default='1', nullable=False))
    op.execute(
        'UPDATE api_token SET auth_version = '
        '(SELECT "user".auth_version FROM "user" WHERE "user".id = api_token.user_id)'
    )


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('auth_version')
