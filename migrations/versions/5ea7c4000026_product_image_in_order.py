"""ix_product_image_in_order: a product's first photo without sorting its photos

Every product card (the lists, the home page, the product page's "more from this sentra") shows
the product's first photo, read by a subquery ordered by (position, id). With an index on
product_id alone, each of those subqueries sorted the product's photos in a temporary B-tree:
24 sorts a list page, about an eighth of a storefront's card query. This index holds the photos in
that order, so the first is the first entry; it replaces ix_product_image_product_id, whose
lookups by product it also serves.

Revision ID: 5ea7c4000026
Revises: 5ea7c4000025
Create Date: 2026-12-07 21:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5ea7c4000026'
down_revision = '5ea7c4000025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.create_index('ix_product_image_in_order', ['product_id', 'position', 'id'], unique=False)
        batch_op.drop_index('ix_product_image_product_id')


def downgrade():
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.create_index('ix_product_image_product_id', ['product_id'], unique=False)
        batch_op.drop_index('ix_product_image_in_order')
