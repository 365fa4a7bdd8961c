"""page version: how far each scope of the public pages has moved on (the page cache, issue 16)

A cached public page is served only while the versions of its scopes are those it was built
with; every change moves its scopes' versions in its own transaction.

Revision ID: 5ea7c4000011
Revises: 5ea7c4000010
Create Date: 2026-12-06 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ea7c4000011'
down_revision = '5ea7c4000010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'page_version',
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_page_version')),
    )


def downgrade():
    op.drop_table('page_version')
