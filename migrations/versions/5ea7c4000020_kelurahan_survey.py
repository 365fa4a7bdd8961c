"""kelurahan survey: the office's field survey of each kelurahan, every save kept as a version

``kelurahan_survey`` holds one row per saved version (raw materials, artisans, cultural assets,
notes, subsector codes; who and when); ``kelurahan_survey_photo`` the photos uploaded with a version.

Revision ID: 5ea7c4000020
Revises: 5ea7c4000021
Create Date: 2026-12-07 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import shop.db


# revision identifiers, used by Alembic.
revision = '5ea7c4000020'
down_revision = '5ea7c4000021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kelurahan_survey',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kelurahan_code', sa.String(length=13), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('raw_materials', sa.Text(), nullable=False),
        sa.Column('artisans', sa.Text(), nullable=False),
        sa.Column('cultural_assets', sa.Text(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('subsectors', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_kelurahan_survey_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['kelurahan_code'], ['kelurahan.code'],
                                name=op.f('fk_kelurahan_survey_kelurahan_code_kelurahan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kelurahan_survey')),
        sa.UniqueConstraint('kelurahan_code', 'version', name='uq_kelurahan_survey_version'),
    )
    with op.batch_alter_table('kelurahan_survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kelurahan_survey_kelurahan_code'), ['kelurahan_code'], unique=False)
    op.create_table(
        'kelurahan_survey_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('caption', sa.String(length=200), nullable=False),
        sa.Column('created_at', shop.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['kelurahan_survey.id'],
                                name=op.f('fk_kelurahan_survey_photo_survey_id_kelurahan_survey'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kelurahan_survey_photo')),
    )
    with op.batch_alter_table('kelurahan_survey_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kelurahan_survey_photo_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('kelurahan_survey_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kelurahan_survey_photo_survey_id'))
    op.drop_table('kelurahan_survey_photo')
    with op.batch_alter_table('kelurahan_survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kelurahan_survey_kelurahan_code'))
    op.drop_table('kelurahan_survey')
