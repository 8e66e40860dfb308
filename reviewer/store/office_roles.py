"""PostgreSQL roles for a shared office: what an attorney, a clerk and an administrator may change.

The database enforces it: a clerk's connection has no INSERT on `decision` and no UPDATE on
`review`, so no program (Reviewer or another) can decide under a clerk's role. No role but the
tables' owner may UPDATE, DELETE or TRUNCATE `audit_log` (and migration 0006's trigger refuses
even the owner until the owner drops it). Roles are cluster-wide: creating them is idempotent and
safe when two setups run at once; the grants are for the schema the connection works in.
"""
from __future__ import annotations

from sqlalchemy import Connection, text

ATTORNEY_ROLE, CLERK_ROLE, ADMIN_ROLE = "reviewer_attorney", "reviewer_clerk", "reviewer_admin"
OFFICE_ROLES = (ATTORNEY_ROLE, CLERK_ROLE, ADMIN_ROLE)

# Beyond SELECT on every table and INSERT on audit_log, which all three have.
WRITES = {
    ATTORNEY_ROLE: {
        "decision": "INSERT, UPDATE", "review": "UPDATE", "question_answer": "INSERT", "sentence_answer": "INSERT, UPDATE",
        "evaluation": "INSERT, UPDATE", "shared_reason": "INSERT",  # an answer re-evaluates the person
        "print_job": "INSERT, UPDATE", "printed_case": "INSERT", "case_filing": "INSERT",
    },
    CLERK_ROLE: {"print_job": "INSERT, UPDATE", "printed_case": "INSERT", "case_filing": "INSERT"},
    ADMIN_ROLE: {
        "import_batch": "INSERT", "person": "INSERT, UPDATE", "conviction": "INSERT, UPDATE",
        "import_source": "INSERT, DELETE", "evaluation_run": "INSERT", "evaluation": "INSERT, UPDATE", "shared_reason": "INSERT",
        "review": "INSERT", "setting": "INSERT, UPDATE, DELETE",
        "print_job": "INSERT, UPDATE", "printed_case": "INSERT", "case_filing": "INSERT",
    },
}

_CREATE_ROLE = """
DO $$
BEGIN
    CREATE ROLE {role} NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;  -- there already (roles are cluster-wide), or another setup created it just now
END
$$
"""

_MEMBERS = """
WITH RECURSIVE member_of(oid) AS (
    SELECT oid FROM pg_roles WHERE rolname = current_user
    UNION
    SELECT a.roleid FROM pg_auth_members a JOIN member_of m ON a.member = m.oid
)
SELECT r.rolname FROM pg_roles r JOIN member_of m ON r.oid = m.oid
"""


class RoleError(Exception):
    """Office roles cannot be set up here (message for the user)."""


def lock_setup(conn: Connection) -> None:
    """Two setups on one database at once: the second waits (concurrent GRANTs on one table fail)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(641364, 0)"))


def create_roles(conn: Connection) -> None:
    lock_setup(conn)
    for role in OFFICE_ROLES:
        conn.execute(text(_CREATE_ROLE.format(role=role)))


def grant_office(conn: Connection) -> list[str]:
    """Grant each office role what it may do in the current schema; returns the statements run."""
    lock_setup(conn)
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    tables = [r[0] for r in conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
    if "audit_log" not in tables:
        raise RoleError("this database has no Reviewer tables yet: open it with Reviewer once (as its owner)")
    quoted = ", ".join(f'"{t}"' for t in sorted(tables))
    roles = ", ".join(OFFICE_ROLES)
    done = [
        f'GRANT USAGE ON SCHEMA "{schema}" TO {roles}',
        f"REVOKE ALL ON {quoted} FROM PUBLIC, {roles}",
        f"GRANT SELECT ON {quoted} TO {roles}",
        f"GRANT INSERT ON audit_log TO {roles}",
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {roles}',
    ]
    for role, writes in WRITES.items():
        done += [f'GRANT {rights} ON "{table}" TO {role}' for table, rights in writes.items() if table in tables]
    for statement in done:
        conn.execute(text(statement))
    return done


def add_member(conn: Connection, login: str, role: str, create_login: bool) -> None:
    """Make an existing (or, with create_login, a new password-less) login role a member of an office role."""
    if role not in OFFICE_ROLES:
        raise RoleError(f"{role!r} is not one of {', '.join(OFFICE_ROLES)}")
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}).first()
    ident = conn.execute(text("SELECT quote_ident(:n)"), {"n": login}).scalar()
    if not exists:
        if not create_login:
            raise RoleError(f"there is no database role {login!r}; create it (or use --create)")
        conn.execute(text(_CREATE_ROLE.format(role=ident).replace("NOLOGIN", "LOGIN")))
    conn.execute(text(f"GRANT {role} TO {ident}"))


def connection_roles(conn: Connection) -> tuple[str, set[str]]:
    """(the connection's role name, the office roles it is a member of, directly or through others)."""
    login = conn.execute(text("SELECT current_user")).scalar()
    names = {r[0] for r in conn.execute(text(_MEMBERS))}
    return login, names & set(OFFICE_ROLES)
