"""search_term_count: documents per indexed word and FTS rowid class, so a one-word search counts no match

A search's total and facet counts came from a pass over every match's rowid, which grows with
the catalogue (9,212 matches of "keripik" at 100,000 products, issue 16). This table keeps,
per word and rowid class (``fts_rowid & CLASS_MASK``: facet key and flags), how many documents
hold the word; ``catalog.search.indexing`` keeps it in step on SQLite. Filled here on SQLite
from the FTS5 index itself (its ``instance`` vocabulary); PostgreSQL has the table, unused.

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

CLASS_MASK = (1 << 22) - 1  # catalog.search.models.CLASS_MASK: 20 facet key bits and 2 flags


def upgrade():
    op.create_table('search_term_count',
    sa.Column('term', sa.String(length=80), nullable=False),
    sa.Column('rowid_class', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term', 'rowid_class', name=op.f('pk_search_term_count')),
    sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute("CREATE VIRTUAL TABLE temp.search_fts_instances USING fts5vocab(main, 'search_fts', 'instance')")
    op.execute(
        "INSERT INTO search_term_count (term, rowid_class, documents) "
        f"SELECT term, doc & {CLASS_MASK}, count(DISTINCT doc) FROM temp.search_fts_instances "
        f"GROUP BY term, doc & {CLASS_MASK}"
    )
    op.execute("DROP TABLE temp.search_fts_instances")


def downgrade():
    op.drop_table('search_term_count')
