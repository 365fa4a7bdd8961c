"""ix_product_popular: the popular ranking walks the unsold products best rated first and stops

The home page's popular products were ranked by one query over every public product (an
in-stock lookup for each, then a sort of them all) to show eight: 1.4 billion instructions a
request at 100,000 products (issue 16). ``catalog.storefront.popularity`` now ranks the sold
products apart, and takes the others from this index in the ranking's order (rating, number of
ratings, newest), stopping at the few it needs.

On SQLite the product table's statistics are taken again with it: a new index without them
looks to the planner as if its (status, listed) picked a handful of rows, and it would walk it
to find the eight cards of given ids (every public product) instead of reading them by id.

Revision ID: 5ea7c4000025
Revises: 5ea7c4000024
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5ea7c4000025'
down_revision = '5ea7c4000024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index('ix_product_popular',
                              ['status', 'listed', 'rating_avg', 'rating_count', 'created_at', 'id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ANALYZE product')


def downgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_popular')
