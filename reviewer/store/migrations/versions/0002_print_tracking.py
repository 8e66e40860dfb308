"""print tracking: print jobs, printed cases, filings, sentence answers

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('print_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('out_dir', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cases_total', sa.Integer(), nullable=False),
    sa.Column('cases_printed', sa.Integer(), nullable=False),
    sa.Column('combined_path', sa.String(length=1000), nullable=True),
    sa.Column('bulk_path', sa.String(length=1000), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('printed_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('case_key', sa.String(length=20), nullable=False),
    sa.Column('file_path', sa.String(length=1000), nullable=False),
    sa.Column('documents', sa.String(length=80), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.Column('printed_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['print_job.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('printed_case', schema=None) as batch_op:
        batch_op.create_index('ix_printed_case_case', ['person_id', 'case_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_printed_case_job_id'), ['job_id'], unique=False)

    op.create_table('case_filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('case_key', sa.String(length=20), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_filing', schema=None) as batch_op:
        batch_op.create_index('ix_case_filing_case', ['person_id', 'case_key'], unique=False)

    op.create_table('sentence_answer',
    sa.Column('conviction_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('answered_by', sa.String(length=200), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conviction_id'], ['conviction.id'], ),
    sa.PrimaryKeyConstraint('conviction_id')
    )


def downgrade() -> None:
    op.drop_table('sentence_answer')
    with op.batch_alter_table('case_filing', schema=None) as batch_op:
        batch_op.drop_index('ix_case_filing_case')
    op.drop_table('case_filing')
    with op.batch_alter_table('printed_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printed_case_job_id'))
        batch_op.drop_index('ix_printed_case_case')
    op.drop_table('printed_case')
    op.drop_table('print_job')
