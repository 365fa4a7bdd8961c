"""search_term_count: documents per indexed word and facet key, so a one-word search counts no match

A search's total and facet counts came from a pass over every match's rowid, which grows with
the catalogue (9,212 matches of "keripik" at 100,000 products, issue 16). This table keeps,
per word and facet key, how many documents hold the word, by their flags (in stock, made to
order); ``catalog.search.indexing`` keeps it in step on SQLite. Filled here on SQLite from the
FTS5 index itself (its ``instance`` vocabulary); PostgreSQL has the table, unused.

Revision ID: 5ea7c4000024
Revises: 5ea7c4000023
Create Date: 2026-12-07 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5ea7c4000024'
down_revision = '5ea7c4000023'
branch_labels = None
depends_on = None

FACET_BITS = 20  # catalog.search.models: a rowid's low 20 bits are its facet key, the next two its flags
FACET_MASK = (1 << FACET_BITS) - 1


def upgrade():
    op.create_table('search_term_count',
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.Column('facet_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('plain', sa.Integer(), nullable=False),
    sa.Column('in_stock', sa.Integer(), nullable=False),
    sa.Column('made_to_order', sa.Integer(), nullable=False),
    sa.Column('in_stock_made_to_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term', 'facet_key', name=op.f('pk_search_term_count')),
    sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute("CREATE VIRTUAL TABLE temp.search_fts_instances USING fts5vocab(main, 'search_fts', 'instance')")
    by_flags = ", ".join(
        f"count(DISTINCT CASE WHEN (doc >> {FACET_BITS}) & 3 = {flags} THEN doc END)" for flags in range(4))
    op.execute(
        "INSERT INTO search_term_count (term, facet_key, plain, in_stock, made_to_order, in_stock_made_to_order) "
        f"SELECT term, doc & {FACET_MASK}, {by_flags} FROM temp.search_fts_instances GROUP BY term, doc & {FACET_MASK}"
    )
    op.execute("DROP TABLE temp.search_fts_instances")


def downgrade():
    op.drop_table('search_term_count')
