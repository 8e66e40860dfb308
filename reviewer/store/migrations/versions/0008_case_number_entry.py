"""court case numbers entered by hand where the DOJ record has none

* case_number_entry: a court case number a clerk or attorney entered for a court case whose
  DOJ record carries none (the latest per case stands; earlier entries are kept).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_number_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('case_key', sa.String(length=20), nullable=False),
    sa.Column('court_case', sa.String(length=40), nullable=False),
    sa.Column('entered_by', sa.String(length=200), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_case_number_entry_case', 'case_number_entry', ['person_id', 'case_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_number_entry_case', table_name='case_number_entry')
    op.drop_table('case_number_entry')
