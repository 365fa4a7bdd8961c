"""public page indexes: product lists read a page in index order; search keys carry the stock flags

The category, storefront and "more from this sentra" lists walk the products newest first
within a subsector or a sentra (``ix_product_subsector_newest``, ``ix_product_sentra_newest``)
instead of sorting every match. Their capped counts start from the active sentras, so
``ix_product_public`` also carries the subsector (a kecamatan's category count reads only
its matches). ``ix_product_subsector_status`` is a prefix of the new subsector index.

``search_facet_key`` gains ``in_stock`` and ``made_to_order``, so a text search filtered by
them is answered from FTS5 alone. Existing keys are the combinations with both flags off;
documents with a flag on move to a key with their flags (their FTS5 rowid changes with it,
which the update trigger carries into ``search_fts``).

Revision ID: 5ea7c4000012
Revises: 5ea7c4000010
Create Date: 2026-12-06 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ea7c4000012'
down_revision = '5ea7c4000010'
branch_labels = None
depends_on = None


_SAME_KEY = (
    "k.subsector = d.subsector AND k.kecamatan = d.kecamatan AND k.kelurahan = d.kelurahan "
    "AND k.sentra = d.sentra AND k.in_stock = d.in_stock AND k.made_to_order = d.made_to_order"
)


def upgrade():
    with op.batch_alter_table('search_facet_key', schema=None) as batch_op:
        batch_op.drop_constraint('uq_search_facet_key_subsector', type_='unique')
        batch_op.add_column(sa.Column('in_stock', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('made_to_order', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(
            'uq_search_facet_key_subsector',
            ['subsector', 'kecamatan', 'kelurahan', 'sentra', 'in_stock', 'made_to_order'])
    op.execute(
        'INSERT INTO search_facet_key (subsector, kecamatan, kelurahan, sentra, in_stock, made_to_order) '
        'SELECT DISTINCT d.subsector, d.kecamatan, d.kelurahan, d.sentra, d.in_stock, d.made_to_order '
        f'FROM search_document d WHERE NOT EXISTS (SELECT 1 FROM search_facet_key k WHERE {_SAME_KEY})'
    )
    op.execute(
        'UPDATE search_document SET fts_rowid = CAST(product_id AS BIGINT) * 1048576 + '
        f'(SELECT k.id FROM search_facet_key k, search_document d WHERE d.product_id = search_document.product_id '
        f'AND {_SAME_KEY}) WHERE in_stock OR made_to_order'
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_subsector_status')
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'sentra_id', 'subsector_code'], unique=False)
        batch_op.create_index('ix_product_subsector_newest', ['subsector_code', 'status', 'created_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_product_sentra_newest', ['sentra_id', 'status', 'created_at', 'id'], unique=False)


def downgrade():
    # Every document goes back to the key of its places and subsector alone.
    op.execute(
        'INSERT INTO search_facet_key (subsector, kecamatan, kelurahan, sentra, in_stock, made_to_order) '
        'SELECT DISTINCT d.subsector, d.kecamatan, d.kelurahan, d.sentra, false, false FROM search_document d '
        'WHERE NOT EXISTS (SELECT 1 FROM search_facet_key k WHERE k.subsector = d.subsector '
        'AND k.kecamatan = d.kecamatan AND k.kelurahan = d.kelurahan AND k.sentra = d.sentra '
        'AND NOT k.in_stock AND NOT k.made_to_order)'
    )
    op.execute(
        'UPDATE search_document SET fts_rowid = CAST(product_id AS BIGINT) * 1048576 + '
        '(SELECT k.id FROM search_facet_key k, search_document d WHERE d.product_id = search_document.product_id '
        'AND k.subsector = d.subsector AND k.kecamatan = d.kecamatan AND k.kelurahan = d.kelurahan '
        'AND k.sentra = d.sentra AND NOT k.in_stock AND NOT k.made_to_order) WHERE in_stock OR made_to_order'
    )
    op.execute('DELETE FROM search_facet_key WHERE in_stock OR made_to_order')
    with op.batch_alter_table('search_facet_key', schema=None) as batch_op:
        batch_op.drop_constraint('uq_search_facet_key_subsector', type_='unique')
        batch_op.drop_column('made_to_order')
        batch_op.drop_column('in_stock')
        batch_op.create_unique_constraint('uq_search_facet_key_subsector',
                                          ['subsector', 'kecamatan', 'kelurahan', 'sentra'])
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_sentra_newest')
        batch_op.drop_index('ix_product_subsector_newest')
        batch_op.drop_index('ix_product_public')
        batch_op.create_index('ix_product_public', ['status', 'sentra_id'], unique=False)
        batch_op.create_index('ix_product_subsector_status', ['subsector_code', 'status'], unique=False)
