"""offense dates and sentence kinds on convictions; questions on evaluations and their answers

* conviction.offense_date: the arrest date of the conviction's cycle (CYC_DATE where present),
  the evidence of when the offense was committed (a prior must exist at that time);
* conviction.cycle_age: CYC_AGE, the person's age at the cycle;
* conviction.sentence_kind: prison, jail or probation (parts of one sentence are not summed);
* conviction.cannabis_arrest: for a non-cannabis conviction whose cycle began with a cannabis
  arrest (a possible plea bargain), that arrest ("11359 HS on 2012-03-04");
* evaluation.questions: the questions that decide a NEEDS_REVIEW suggestion (JSON);
* question_answer: attorneys' answers to them (the latest per conviction and question stands).

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conviction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offense_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('cycle_age', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sentence_kind', sa.String(length=12), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cannabis_arrest', sa.String(length=400), nullable=True))
    op.create_index('ix_conviction_arrest_county', 'conviction', ['county'], unique=False,
                    sqlite_where=sa.text("cannabis_arrest IS NOT NULL"),
                    postgresql_where=sa.text("cannabis_arrest IS NOT NULL"))
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions', sa.Text(), nullable=False, server_default='[]'))
    op.create_table('question_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conviction_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('answered_by', sa.String(length=200), nullable=False),
    sa.Column('bar_number', sa.String(length=40), nullable=False, server_default=''),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conviction_id'], ['conviction.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_question_answer_conviction', 'question_answer', ['conviction_id', 'question_key'])


def downgrade() -> None:
    op.drop_index('ix_question_answer_conviction', table_name='question_answer')
    op.drop_table('question_answer')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_column('questions')
    op.drop_index('ix_conviction_arrest_county', table_name='conviction')
    with op.batch_alter_table('conviction', schema=None) as batch_op:
        batch_op.drop_column('cannabis_arrest')
        batch_op.drop_column('sentence_kind')
        batch_op.drop_column('cycle_age')
        batch_op.drop_column('offense_date')
