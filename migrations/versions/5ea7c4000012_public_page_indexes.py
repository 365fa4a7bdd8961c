"""public page indexes: product lists read a page in index order; search rowids carry the stock flags

The category, storefront and "more from this sentra" lists walk the products newest first
within a subsector or a sentra (``ix_product_subsector_newest``, ``ix_product_sentra_newest``)
instead of sorting every match. Their capped counts start from the active sentras, so
``ix_product_public`` also carries the subsector (a kecamatan's category count reads only
its matches). ``ix_product_subsector_status`` is a prefix of the new subsector index.
``ix_variant_product_archived`` (replacing ``ix_variant_product_id``, its prefix) answers
"has an active variant" for each product counted without reading the variant.

The FTS5 rowid of a search document also carries its "in stock" and "made to order" flags
(``product_id << 22 | flags << 20 | facet key``), so a text search filtered by them is
answered from FTS5 alone. Every rowid is rewritten (through a negative value, so that no
new rowid meets an old one on the way); the update trigger carries them into ``search_fts``.

Revision ID: 5ea7c4000012
Revises: 5ea7c4000011
Create Date: 2026-12-06 23:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5ea7c4000012'
down_revision = '5ea7c4000011'
branch_labels = None
depends_on = None


def _rewrite_rowids(product_shift: int, flags: str) -> None:
    op.execute('UPDATE search_document SET fts_rowid = -fts_rowid')
    op.execute(
        f'UPDATE search_document SET fts_rowid = CAST(product_id AS BIGINT) * {1 << product_shift} + {flags} '
        '+ ((-fts_rowid) % 1048576)'
    )
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


def upgrade():
    _rewrite_rowids(22, '(CASE WHEN in_stock THEN 1048576 ELSE 0 END) '
                        '+ (CASE WHEN made_to_order THEN 2097152 ELSE 0 END)')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_subsector_status')
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'sentra_id', 'subsector_code'], unique=False)
        batch_op.create_index('ix_product_subsector_newest', ['subsector_code', 'status', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_product_sentra_newest', ['sentra_id', 'status', 'created_at', 'id'], unique=False)
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index('ix_variant_product_id')
        batch_op.create_index('ix_variant_product_archived', ['product_id', 'archived'], unique=False)


def downgrade():
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index('ix_variant_product_archived')
        batch_op.create_index('ix_variant_product_id', ['product_id'], unique=False)
    _rewrite_rowids(20, '0')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_sentra_newest')
        batch_op.drop_index('ix_product_subsector_newest')
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'sentra_id'], unique=False)
        batch_op.create_index('ix_product_subsector_status', ['subsector_code', 'status'], unique=False)
