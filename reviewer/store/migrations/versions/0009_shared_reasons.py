"""reasons many evaluations share, stored once; the county indexes of convictions carry the person

* shared_reason: a reason that thousands of evaluations carry word for word (which layer decided,
  a county policy's rule, the itemised "no felony exception"), under the start of its SHA-256; an
  evaluation's reasons list names it by that key instead of writing it out (store/shared_reasons.py).
  Evaluations already stored keep their reasons written out and read as before.
* conviction: the partial indexes by county (cannabis convictions; possible plea bargains) also hold
  the person, so an evaluation finds the county's persons in person order (its first step, per worker).

Revision ID: 0009
Revises: 0008
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


INDEXES = (
    ('ix_conviction_cannabis_county', sa.text("is_cannabis IS 1"), sa.text("is_cannabis IS true")),
    ('ix_conviction_arrest_county', sa.text("cannabis_arrest IS NOT NULL"), sa.text("cannabis_arrest IS NOT NULL")),
)


def _county_indexes(columns: list[str]) -> None:
    for name, on_sqlite, on_postgresql in INDEXES:
        op.drop_index(name, table_name='conviction')
        op.create_index(name, 'conviction', columns, unique=False, sqlite_where=on_sqlite,
                        postgresql_where=on_postgresql)


def upgrade() -> None:
    op.create_table('shared_reason',
    sa.Column('ref', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('ref')
    )
    _county_indexes(['county', 'person_id'])


def downgrade() -> None:
    # Evaluations that name a shared reason would lose it: write their references out first.
    conn = op.get_bind()
    shared = dict(conn.execute(sa.text("SELECT ref, reason FROM shared_reason")).all())
    if shared:
        reference = re.compile(r'(?<=[\[,])"([0-9a-f]{16})"(?=[,\]])')
        rows = conn.execute(sa.text("SELECT id, reasons FROM evaluation")).all()
        changed = [{"id": i, "reasons": reference.sub(lambda m: shared[m.group(1)], text)}
                   for i, text in rows if text and reference.search(text)]
        if changed:
            conn.execute(sa.text("UPDATE evaluation SET reasons = :reasons WHERE id = :id"), changed)
    op.drop_table('shared_reason')
    _county_indexes(['county'])
