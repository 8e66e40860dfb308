"""index only the cannabis convictions by county (what evaluation and the reports look up)

A full (county, is_cannabis) index took a third of the conviction insert time on import;
two thirds of a record's convictions are not cannabis and were never looked up through it.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

CANNABIS = sa.text("is_cannabis IS true")


def upgrade() -> None:
    with op.batch_alter_table('conviction', schema=None) as batch_op:
        batch_op.drop_index('ix_conviction_county_cannabis')
    op.create_index('ix_conviction_cannabis_county', 'conviction', ['county'], unique=False,
                    sqlite_where=sa.text("is_cannabis IS 1"), postgresql_where=CANNABIS)


def downgrade() -> None:
    op.drop_index('ix_conviction_cannabis_county', table_name='conviction')
    with op.batch_alter_table('conviction', schema=None) as batch_op:
        batch_op.create_index('ix_conviction_county_cannabis', ['county', 'is_cannabis'], unique=False)
