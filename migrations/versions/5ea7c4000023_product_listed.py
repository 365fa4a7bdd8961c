"""product.listed: whether a product has an active variant, so the public lists need no lookup per product

A product is public only with at least one active (not archived) variant. The public lists
asked it of every product they counted (up to 501 "has an active variant" lookups per
storefront or category page, issue 16); ``listed`` keeps the answer on the product
(``catalog.products.listed`` keeps it in step with the variants), filled here from the
variants. ``ix_product_public`` carries it, so a capped count reads the index alone.

Revision ID: 5ea7c4000023
Revises: 5ea7c4000022
Create Date: 2026-12-07 15:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5ea7c4000023'
down_revision = '5ea7c4000022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed', sa.Boolean(), server_default=sa.false(), nullable=False))
    product = sa.table('product', sa.column('id', sa.Integer()), sa.column('listed', sa.Boolean()))
    variant = sa.table('variant', sa.column('product_id', sa.Integer()), sa.column('archived', sa.Boolean()))
    active = sa.select(variant.c.product_id).where(variant.c.product_id == product.c.id,
                                                    variant.c.archived == sa.false())
    op.execute(product.update().values(listed=active.exists()))
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'listed', 'sentra_id', 'subsector_code'], unique=False)


def downgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'sentra_id', 'subsector_code'], unique=False)
        batch_op.drop_column('listed')
