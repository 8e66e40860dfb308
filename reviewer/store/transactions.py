"""Short write transactions for concurrent reviewers: one lock order, deadlock victims retried.

Lock order, for every writer that touches decisions (single, bulk, undo, answers):
  1. review rows, in ascending conviction id (`lock_reviews`);
  2. the audit chain (AuditLog takes it on its first entry, just before commit).
Re-evaluation takes its county lock (`lock_county`) before any of these.

A transaction PostgreSQL chose as a deadlock victim, or one SQLite found busy, is run again
from the start (a few times, with a short random pause); whatever still fails becomes a
`BusyError` or `Refused` whose message names no SQL and no personal data.
"""
from __future__ import annotations

import random
import time
from typing import Callable, Iterable, Sequence, TypeVar

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from reviewer.store import models as m

T = TypeVar("T")

# PostgreSQL SQLSTATEs worth running again: serialization_failure, deadlock_detected, lock_not_available.
RETRY_CODES = {"40001", "40P01", "55P03"}
PRIVILEGE_CODE = "42501"  # insufficient_privilege: the signed-in role may not do this
ATTEMPTS = 6


class BusyError(Exception):
    """The database stayed busy (other reviewers' transactions) after several attempts."""


class Refused(Exception):
    """The database itself refused the change (a grant, a trigger, a constraint); the message says which."""


def sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "pgcode", "") or getattr(orig, "sqlstate", "") or "")


def is_retryable(exc: BaseException) -> bool:
    if sqlstate(exc) in RETRY_CODES:
        return True
    message = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and ("database is locked" in message or "database is busy" in message)


def plain_message(exc: DBAPIError) -> str:
    """What the database said, without the statement or its parameters (they may hold personal data)."""
    code = sqlstate(exc)
    if code == PRIVILEGE_CODE:
        return "your database role is not allowed to do this (ask the office's Reviewer administrator)"
    first = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = first[0] if first else type(exc).__name__
    if "append-only" in reason:
        return "the audit log is append-only: entries cannot be changed or removed"
    return f"the database refused the change ({type(getattr(exc, 'orig', exc)).__name__}{', ' + code if code else ''})"


def run_retrying(db, work: Callable[[Session], T], attempts: int = ATTEMPTS) -> T:
    """Run `work(session)` in one transaction of `db`; again from the start when it was a deadlock victim."""
    for attempt in range(1, attempts + 1):
        try:
            with db.session() as session:
                return work(session)
        except DBAPIError as exc:
            if is_retryable(exc) and attempt < attempts:
                time.sleep(random.uniform(0.01, 0.05) * attempt)
                continue
            if is_retryable(exc):
                raise BusyError("The database is busy with other reviewers' work; nothing was saved. "
                                "Try again in a moment.") from None
            raise Refused(plain_message(exc)) from None
    raise AssertionError("unreachable")


def lock_reviews(session: Session, conviction_ids: Sequence[int]) -> dict[int, m.Review]:
    """Lock these convictions' review rows, in ascending id, and return them (fresh from the database).

    PostgreSQL: SELECT ... FOR UPDATE in id order, so two writers never wait on each other in a circle.
    SQLite: a no-op UPDATE first takes the file's write lock (waiting for the busy timeout), so the
    rows read next cannot change before commit.
    """
    ids = sorted({int(i) for i in conviction_ids})
    if not ids:
        return {}
    R = m.Review
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(R).where(R.conviction_id == ids[0]).values(version=R.version)
                        .execution_options(synchronize_session=False))
        query = select(R).where(R.conviction_id.in_(bindparam("ids", expanding=True)))
    else:
        query = (select(R).where(R.conviction_id.in_(bindparam("ids", expanding=True)))
                 .order_by(R.conviction_id).with_for_update())
    rows = session.scalars(query.execution_options(populate_existing=True), {"ids": ids}).all()
    return {r.conviction_id: r for r in rows}


def lock_county(session: Session, county: str) -> None:
    """Serialise writers of one county's evaluations (PostgreSQL; SQLite serialises all writers anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(641362, hashtext(:county))"), {"county": county})


def lock_import(session: Session, sha256: str) -> None:
    """Serialise two imports of the same file: the second then finds the first's batch ("already imported").
    PostgreSQL: an advisory lock on the file's hash; SQLite: the file's write lock, taken by a no-op UPDATE."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(641363, hashtext(:sha))"), {"sha": sha256})
    else:
        session.execute(update(m.ImportBatch).where(m.ImportBatch.id == -1).values(rows=m.ImportBatch.rows)
                        .execution_options(synchronize_session=False))


def chunks(ids: Iterable[int], size: int) -> Iterable[list[int]]:
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start:start + size]
