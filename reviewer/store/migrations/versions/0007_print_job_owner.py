"""the process that runs a print job (print_job.owner: host, pid and start time as JSON)

A job still `running` whose owner process is gone was killed: the next start marks it
interrupted, and its cases are printed again by the next batch (they never reached a
combined PDF nor a bulk motion).

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.drop_column('owner')
