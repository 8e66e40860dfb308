"""reasons many evaluations share, stored once

* shared_reason: a reason that thousands of evaluations carry word for word (which layer decided,
  a county policy's rule, the itemised "no felony exception"), under the start of its SHA-256; an
  evaluation's reasons list names it by that key instead of writing it out (store/shared_reasons.py).
  Evaluations already stored keep their reasons written out and read as before.

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


def upgrade() -> None:
    op.create_table('shared_reason',
    sa.Column('ref', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('ref')
    )


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
