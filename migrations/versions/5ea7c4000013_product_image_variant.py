"""product image variant: a photo may show one variant, so its chip on the product page shows it

``product_image.variant_id`` is nullable (a photo of the whole product has none) and is set
to NULL when the variant row goes (variants are archived, not deleted, so only a deleted
product takes them, and its photos with it).

Revision ID: 5ea7c4000013
Revises: 5ea7c4000012
Create Date: 2026-12-07 01:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ea7c4000013'
down_revision = '5ea7c4000012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variant_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_product_image_variant_id_variant'), 'variant', ['variant_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_product_image_variant_id_variant'), type_='foreignkey')
        batch_op.drop_column('variant_id')
