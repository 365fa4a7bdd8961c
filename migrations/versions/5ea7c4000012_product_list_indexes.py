"""product list indexes: public product lists read a page in index order and count no further than they need

The category, storefront and "more from this sentra" lists walk the products newest first
within a subsector or a sentra (``ix_product_subsector_newest``, ``ix_product_sentra_newest``)
instead of sorting every match. Their capped counts start from the active sentras, so
``ix_product_public`` also carries the subsector (a kecamatan's category count reads only
its matches). ``ix_product_subsector_status`` is a prefix of the new subsector index.

Revision ID: 5ea7c4000012
Revises: 5ea7c4000010
Create Date: 2026-12-06 23:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5ea7c4000012'
down_revision = '5ea7c4000010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_subsector_status')
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'sentra_id', 'subsector_code'], unique=False)
        batch_op.create_index('ix_product_subsector_newest', ['subsector_code', 'status', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_product_sentra_newest', ['sentra_id', 'status', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_sentra_newest')
        batch_op.drop_index('ix_product_subsector_newest')
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'sentra_id'], unique=False)
        batch_op.create_index('ix_product_subsector_status', ['subsector_code', 'status'], unique=False)
