"""search: the sql backend's index (documents, vocabulary, synonyms; FTS5 or a GIN tsvector index)

Revision ID: 5ea7c4000001
Revises: 6491b359f0d6
Create Date: 2026-12-01 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# Frozen copies of catalog.search.models' DDL at this revision.
SQLITE_FTS = [
    'DROP TABLE IF EXISTS search_fts',
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, content='search_document', content_rowid='fts_rowid', tokenize='unicode61', prefix='2 3')",
    'CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.fts_rowid, new.title_terms, new.body_terms); END',
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.fts_rowid, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE OF title_terms, body_terms, fts_rowid ON search_document BEGIN INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.fts_rowid, old.title_terms, old.body_terms); INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.fts_rowid, new.title_terms, new.body_terms); END",
]
POSTGRES_FTS = ["CREATE INDEX IF NOT EXISTS ix_search_document_tsv ON search_document USING gin (to_tsvector('simple', title_terms || ' ' || body_terms))"]


# revision identifiers, used by Alembic.
revision = '5ea7c4000001'
down_revision = '6491b359f0d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_document',
    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=140), nullable=False),
    sa.Column('subsector', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('sentra', sa.String(length=80), nullable=False),
    sa.Column('sentra_name', sa.String(length=120), nullable=False),
    sa.Column('kelurahan', sa.String(length=13), nullable=False),
    sa.Column('kelurahan_name', sa.String(length=80), nullable=False),
    sa.Column('kecamatan', sa.String(length=8), nullable=False),
    sa.Column('kecamatan_name', sa.String(length=80), nullable=False),
    sa.Column('price_min_idr', sa.BigInteger(), nullable=False),
    sa.Column('price_max_idr', sa.BigInteger(), nullable=False),
    sa.Column('in_stock', sa.Boolean(), nullable=False),
    sa.Column('made_to_order', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('rating', sa.Float(), nullable=False),
    sa.Column('thumb_key', sa.String(length=255), nullable=True),
    sa.Column('title_terms', sa.Text(), nullable=False),
    sa.Column('body_terms', sa.Text(), nullable=False),
    sa.Column('fts_rowid', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_search_document')),
    sa.UniqueConstraint('fts_rowid', name=op.f('uq_search_document_fts_rowid'))
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_created', ['created_at', 'product_id'], unique=False)
        batch_op.create_index('ix_search_document_facets', ['subsector', 'sentra', 'kecamatan', 'kelurahan', 'in_stock', 'made_to_order', 'price_min_idr', 'created_at', 'rating'], unique=False)
        batch_op.create_index('ix_search_document_kecamatan', ['kecamatan'], unique=False)
        batch_op.create_index('ix_search_document_kelurahan', ['kelurahan'], unique=False)
        batch_op.create_index('ix_search_document_price', ['price_min_idr', 'product_id'], unique=False)
        batch_op.create_index('ix_search_document_sentra', ['sentra'], unique=False)
        batch_op.create_index('ix_search_document_subsector', ['subsector'], unique=False)

    op.create_table('search_facet_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subsector', sa.String(length=40), nullable=False),
    sa.Column('kecamatan', sa.String(length=8), nullable=False),
    sa.Column('kelurahan', sa.String(length=13), nullable=False),
    sa.Column('sentra', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_facet_key')),
    sa.UniqueConstraint('subsector', 'kecamatan', 'kelurahan', 'sentra', name=op.f('uq_search_facet_key_subsector'))
    )
    op.create_table('search_synonym',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('words', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonym'))
    )
    op.create_table('search_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_term')),
    sa.UniqueConstraint('term', name=op.f('uq_search_term_term')),
    sqlite_autoincrement=True
    )

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for statement in POSTGRES_FTS:
            op.execute(statement)
    # Products that exist already are indexed by `flask --app shop search reindex`.


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TABLE IF EXISTS search_fts')
    op.drop_table('search_term')
    op.drop_table('search_synonym')
    op.drop_table('search_facet_key')
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index('ix_search_document_subsector')
        batch_op.drop_index('ix_search_document_sentra')
        batch_op.drop_index('ix_search_document_price')
        batch_op.drop_index('ix_search_document_kelurahan')
        batch_op.drop_index('ix_search_document_kecamatan')
        batch_op.drop_index('ix_search_document_facets')
        batch_op.drop_index('ix_search_document_created')

    op.drop_table('search_document')
