"""initial schema

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('evaluation_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county', sa.String(length=80), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('engine_version', sa.String(length=20), nullable=False),
    sa.Column('policy_name', sa.String(length=200), nullable=False),
    sa.Column('policy_version', sa.String(length=80), nullable=False),
    sa.Column('policy_digest', sa.String(length=64), nullable=False),
    sa.Column('policy_document', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('evaluated', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=400), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('encoding', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('convictions', sa.Integer(), nullable=False),
    sa.Column('flagged_rows', sa.Integer(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=40), nullable=False),
    sa.Column('cii', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('dob', sa.Date(), nullable=True),
    sa.Column('deceased', sa.Boolean(), nullable=False),
    sa.Column('pc290_registration', sa.Boolean(), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject_id')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('conviction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('source_file', sa.String(length=400), nullable=False),
    sa.Column('source_line', sa.Integer(), nullable=False),
    sa.Column('count_order', sa.String(length=40), nullable=False),
    sa.Column('case_key', sa.String(length=20), nullable=False),
    sa.Column('court_case', sa.String(length=200), nullable=False),
    sa.Column('county', sa.String(length=80), nullable=False),
    sa.Column('disposition_date', sa.Date(), nullable=True),
    sa.Column('offense_text', sa.String(length=400), nullable=False),
    sa.Column('code_section', sa.String(length=80), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=True),
    sa.Column('subsection', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('attempt', sa.Boolean(), nullable=False),
    sa.Column('is_cannabis', sa.Boolean(), nullable=False),
    sa.Column('level', sa.String(length=1), nullable=True),
    sa.Column('has_sentence', sa.Boolean(), nullable=False),
    sa.Column('sentence_end', sa.Date(), nullable=True),
    sa.Column('issues', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'count_order', name='uq_conviction_person_count')
    )
    with op.batch_alter_table('conviction', schema=None) as batch_op:
        batch_op.create_index('ix_conviction_county_cannabis', ['county', 'is_cannabis'], unique=False)

    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('conviction_id', sa.Integer(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('suggestion', sa.String(length=40), nullable=False),
    sa.Column('statute_suggestion', sa.String(length=40), nullable=False),
    sa.Column('policy_reason', sa.String(length=400), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('sentence_status', sa.String(length=12), nullable=False),
    sa.Column('disqualified', sa.Boolean(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conviction_id'], ['conviction.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['evaluation_run.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_current', ['conviction_id', 'current'], unique=False)
        batch_op.create_index('ix_evaluation_queue', ['current', 'flagged', 'priority'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_run_id'), ['run_id'], unique=False)

    op.create_table('review',
    sa.Column('conviction_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conviction_id'], ['conviction.id'], ),
    sa.PrimaryKeyConstraint('conviction_id')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_status', ['status'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conviction_id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('bar_number', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['conviction_id'], ['conviction.id'], ),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_conviction_id'), ['conviction_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_conviction_id'))

    op.drop_table('decision')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_status')

    op.drop_table('review')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_run_id'))
        batch_op.drop_index('ix_evaluation_queue')
        batch_op.drop_index('ix_evaluation_current')

    op.drop_table('evaluation')
    with op.batch_alter_table('conviction', schema=None) as batch_op:
        batch_op.drop_index('ix_conviction_county_cannabis')

    op.drop_table('conviction')
    op.drop_table('setting')
    op.drop_table('person')
    op.drop_table('import_batch')
    op.drop_table('evaluation_run')
    op.drop_table('audit_log')
