"""PostgreSQL: a first load into an empty table checks its foreign keys once, after the rows are in.

Each row of an INSERT is checked against the tables it references by a trigger of its own: for
the 348k convictions of a million-row file, about 2.9 of the 4.3 seconds of their INSERT ...
SELECT. Into an empty `conviction` table, and where the connection's role owns it, the foreign
keys are dropped for the load and added again after it, exactly as the catalog defined
them (`pg_get_constraintdef`); adding one checks every row in a single join. It all happens in the
import's transaction: PostgreSQL's DDL is transactional, so a failed import leaves the keys as they
were. Other roles (an office's administrator role holds INSERT, not ownership) and later imports
take the ordinary path: the same statement, checked row by row.

Two first imports at once: each takes a transaction lock (`claim`, the first statement of its
transaction, so that a waiting import holds no lock the first one needs to drop a key) and the
second waits for the first to end, then finds the table no longer empty.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Connection

_LOCK = (641364, 1)  # pg_advisory_xact_lock keys (641364: Reviewer's; 0 is office_roles' setup lock)


def _owned_and_empty(cursor, table: str) -> bool:
    cursor.execute("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                   "WHERE oid = to_regclass(%s)", (table,))
    row = cursor.fetchone()
    if not row or not row[0]:
        return False
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
    return bool(cursor.fetchone()[0])


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname", (table,))
    return [(name, definition) for name, definition in cursor.fetchall()]


def claim(conn: Connection, table: str) -> bool:
    """At the start of an import's writes: whether its load into `table` may defer the foreign keys (an
    empty table this role owns). If so the transaction now holds the first-load lock.

    The first look is on a connection of its own, committed at once: a look from the import's transaction
    would hold its lock on the table to the end, and a first load waiting to drop the keys would wait for
    it while this one waited for the first-load lock (a deadlock). Under the lock, the table is looked at
    again: a first import that ended meanwhile has filled it."""
    if conn.dialect.name != "postgresql":
        return False
    with conn.engine.connect() as look:
        cursor = look.connection.dbapi_connection.cursor()
        empty = _owned_and_empty(cursor, table)
        cursor.close()
        look.rollback()
    if not empty:
        return False
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", _LOCK)
        return _owned_and_empty(cursor, table)
    finally:
        cursor.close()


@contextmanager
def foreign_keys_checked_after(conn: Connection, table: str) -> Iterator[None]:
    """Drop `table`'s foreign keys, run the block, add them again (each validated over all rows)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        keys = _foreign_keys(cursor, table)
        for name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        yield
        for name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    finally:
        cursor.close()
