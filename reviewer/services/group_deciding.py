"""Deciding several counts at once, and taking such a step back at once.

A court case (or a whole person) whose pending counts all take the same decision is decided in one
transaction through the same locked, versioned, audited call as a single decision
(`deciding.decide_locked`, reviews locked in one order): each count gets its own decision and audit
entry, and nothing is written if one count changed since it was shown. Taking a group or a bulk
acceptance back goes through the bulk undo (`deciding.undo_many`): only the decisions still standing
at the version they left are undone.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, ReviewStatus
from reviewer.services import deciding
from reviewer.services.deciding import ConflictError, DecisionRefused, DecisionResult
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import models as m
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.transactions import lock_reviews


def decide_group(db: Database, targets: Sequence[tuple[int, int | None]], user: User, kind: DecisionKind,
                 outcome: Outcome | None = None, reason: str = "") -> list[DecisionResult]:
    """Decide every (conviction id, version shown) alike, all or none: ConflictError names the first that
    changed since it was shown, DecisionRefused says why one cannot take this decision."""
    if not targets:
        raise DecisionRefused("There is no pending count to decide here.")
    deciding.check_user(user)
    reason = (reason or "").strip()
    ids = [cid for cid, _ in targets]

    def work(session) -> list[DecisionResult]:
        reviews = lock_reviews(session, ids)
        evaluations = deciding.current_evaluations(session, ids)
        audit, now = AuditLog(session), datetime.now()
        results = []
        for cid, version in targets:
            review, evaluation = reviews.get(cid), evaluations.get(cid)
            if review is None or evaluation is None:
                raise DecisionRefused(f"conviction {cid} has no current evaluation")
            if version is not None and review.version != version:
                raise ConflictError(deciding.conflict_message(review))
            level = session.get(m.Conviction, cid).level if kind is not DecisionKind.ACCEPT else None
            chosen = deciding._outcome(kind, evaluation, outcome, reason, level)  # noqa: SLF001 - the same checks
            results.append(deciding.decide_locked(session, audit, review, evaluation, user, kind, chosen, reason,
                                                  now))
        return results

    return deciding.transaction(db, work)


def last_decision_id(db: Database) -> int:
    """The newest decision's id (decisions made after it belong to a job started now)."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.max(m.Decision.id))).scalar() or 0


def decided_since(db: Database, conviction_ids: Sequence[int], after_id: int, user: User) -> list[DecisionResult]:
    """The standing decisions `user` made on these convictions after decision `after_id` (a job's), each with
    the version it left (what an undo of it must find)."""
    found: list[DecisionResult] = []
    R = m.Review
    with db.engine.connect() as conn:
        for start in range(0, len(conviction_ids), 5000):
            chunk = list(conviction_ids[start:start + 5000])
            found += [DecisionResult(r[1], r[0], Outcome(r[2]), ReviewStatus(r[3]), r[4]) for r in conn.execute(
                select(R.conviction_id, R.decision_id, R.outcome, R.status, R.version)
                .where(R.conviction_id.in_(chunk), R.decision_id > after_id, R.decided_by == user.name))]
    return found


def undo_decisions(db: Database, results: Sequence[DecisionResult], user: User, job: Job = NO_JOB):
    """Take back these decisions, each only while it still stands at the version it left (a colleague's
    later decision stays): deciding.undo_many, audited one by one, a chunk per transaction."""
    return deciding.undo_many(db, list(results), user, job)


__all__ = ["decide_group", "decided_since", "last_decision_id", "undo_decisions"]
