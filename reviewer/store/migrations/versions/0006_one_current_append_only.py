"""one current evaluation per conviction; the account signed in on each decision; audit log append-only

* evaluation: a partial unique index allows at most one current evaluation per conviction (two
  re-evaluations at once can no longer both stay current). Where an older database already has
  two, the newer stays current and the older is kept on file, no longer current;
* decision.account: who was signed in (the PostgreSQL role, or the operating-system user beside
  the typed name on a SQLite file);
* evaluation.policy_reason: text of any length (a county's reason longer than 400 characters was
  stored by SQLite and refused by PostgreSQL);
* PostgreSQL: a trigger refuses UPDATE, DELETE and TRUNCATE on audit_log for every role (only the
  table's owner can drop or disable it); `reviewer office-db setup` adds the grants.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION reviewer_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=200), nullable=False, server_default=''))
    op.execute(
        "UPDATE evaluation SET current = false WHERE current = true AND id < "
        "(SELECT max(e2.id) FROM evaluation e2 WHERE e2.conviction_id = evaluation.conviction_id AND e2.current = true)"
    )
    op.create_index('ux_evaluation_one_current', 'evaluation', ['conviction_id'], unique=True,
                    sqlite_where=sa.text("current IS 1"), postgresql_where=sa.text("current IS true"))
    if op.get_bind().dialect.name == 'postgresql':  # (SQLite does not enforce a VARCHAR length)
        op.alter_column('evaluation', 'policy_reason', type_=sa.Text(), existing_type=sa.String(length=400))
        op.execute(APPEND_ONLY)
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION reviewer_audit_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION reviewer_audit_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS reviewer_audit_append_only()")
    op.drop_index('ux_evaluation_one_current', table_name='evaluation')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('account')
