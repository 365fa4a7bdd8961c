"""potential map: monthly twins of the search rollup (issue 22)

``potential_demand_month`` and ``potential_unmet_term_month``: the daily twins summed by month
(``month``: year * 12 + month), so that a year's figures read twelve months instead of 365 days of
rows. Filled here from the daily twins, so an existing deployment's figures stay right; the worker
keeps them from then on. And an index that lets the office's map by subsector read only that
subsector's rows of ``potential_elsewhere_item_day``.

Revision ID: 5ea7c4000022
Revises: 5ea7c4000019
Create Date: 2026-12-07 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ea7c4000022'
down_revision = '5ea7c4000019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('potential_demand_month',
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=13), nullable=False),
    sa.Column('prev_month', sa.Integer(), nullable=False),
    sa.Column('searchers', sa.Integer(), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'place', 'prev_month', name=op.f('pk_potential_demand_month')),
    sqlite_with_rowid=False
    )
    op.create_table('potential_unmet_term_month',
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=13), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('prev_month', sa.Integer(), nullable=False),
    sa.Column('searchers', sa.Integer(), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('place', 'term', 'month', 'prev_month', name=op.f('pk_potential_unmet_term_month')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('potential_elsewhere_item_day', schema=None) as batch_op:
        batch_op.create_index('ix_potential_elsewhere_item_day_subsector', ['subsector', 'day', 'resident', 'orders'],
                              unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        month = 'CAST(EXTRACT(YEAR FROM day) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM day) AS INTEGER)'
    else:
        month = "CAST(strftime('%Y', day) AS INTEGER) * 12 + CAST(strftime('%m', day) AS INTEGER)"
    op.execute(f'INSERT INTO potential_demand_month (month, place, prev_month, searchers, searches) '
               f'SELECT {month}, place, prev_month, SUM(searchers), SUM(searches) FROM potential_demand_day '
               f'GROUP BY {month}, place, prev_month HAVING SUM(searchers) <> 0 OR SUM(searches) <> 0')
    op.execute(f'INSERT INTO potential_unmet_term_month (month, place, term, prev_month, searchers, searches) '
               f'SELECT {month}, place, term, prev_month, SUM(searchers), SUM(searches) '
               f'FROM potential_unmet_term_day GROUP BY {month}, place, term, prev_month '
               f'HAVING SUM(searchers) <> 0 OR SUM(searches) <> 0')


def downgrade():
    with op.batch_alter_table('potential_elsewhere_item_day', schema=None) as batch_op:
        batch_op.drop_index('ix_potential_elsewhere_item_day_subsector')

    op.drop_table('potential_unmet_term_month')
    op.drop_table('potential_demand_month')
