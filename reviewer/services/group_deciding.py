"""Deciding several counts at once, and taking such a step back at once.

A court case (or a whole person) whose pending counts all take the same decision is decided in one
transaction through the same versioned, audited call as a single decision (`deciding._decide`): each
count gets its own decision and audit entry, and nothing is written if one count changed since it
was shown. `undo_decisions` takes back a group or a bulk acceptance, a chunk per transaction, only the
decisions that still stand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import func, select

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, ReviewStatus
from reviewer.services import deciding
from reviewer.services.deciding import DecisionRefused, DecisionResult
from reviewer.services.jobs import NO_JOB, Job
from reviewer.store import models as m
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database


@dataclass(frozen=True)
class UndoReport:
    undone: int
    skipped: int  # decided again since (by someone else, or later): those decisions stay


def decide_group(db: Database, targets: Sequence[tuple[int, int]], user: User, kind: DecisionKind,
                 outcome: Outcome | None = None, reason: str = "") -> list[DecisionResult]:
    """Decide every (conviction id, version shown) alike, all or none (ConflictError names the first that
    changed)."""
    if not targets:
        raise DecisionRefused("There is no pending count to decide here.")
    with db.session() as session:
        audit = AuditLog(session)
        return [deciding._decide(session, audit, cid, user, kind, outcome, reason, version)  # noqa: SLF001
                for cid, version in targets]


def last_decision_id(db: Database) -> int:
    """The newest decision's id (decisions made after it belong to a job started now)."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.max(m.Decision.id))).scalar() or 0


def decided_since(db: Database, conviction_ids: Sequence[int], after_id: int, user: User) -> list[DecisionResult]:
    """The standing decisions `user` made on these convictions after decision `after_id` (a job's)."""
    found: list[DecisionResult] = []
    R = m.Review
    with db.engine.connect() as conn:
        for start in range(0, len(conviction_ids), 5000):
            chunk = list(conviction_ids[start:start + 5000])
            found += [DecisionResult(r[1], r[0], Outcome(r[2]), ReviewStatus(r[3])) for r in conn.execute(
                select(R.conviction_id, R.decision_id, R.outcome, R.status)
                .where(R.conviction_id.in_(chunk), R.decision_id > after_id, R.decided_by == user.name))]
    return found


def undo_decisions(db: Database, pairs: Sequence[tuple[int, int]], user: User, job: Job = NO_JOB,
                   chunk: int = 500) -> UndoReport:
    """Take back each (conviction id, decision id) that still stands; the review falls back to the decision
    before it (or pending). Audited one by one ("decision.undo"), one transaction per chunk."""
    if not user.can_decide:
        raise DecisionRefused("Clerks cannot undo decisions.")
    undone = skipped = 0
    total = len(pairs)
    for start in range(0, total, chunk):
        if job.cancelled:
            break
        part = dict(pairs[start:start + chunk])
        with db.session() as session:
            audit = AuditLog(session)
            reviews = session.scalars(select(m.Review).where(m.Review.conviction_id.in_(list(part)))).all()
            for review in reviews:
                if review.decision_id != part[review.conviction_id]:
                    skipped += 1
                    continue
                _take_back(session, audit, review, user)
                undone += 1
            skipped += len(part) - len(reviews)
        job.progress(min(start + chunk, total), max(total, 1), "Undoing")
    return UndoReport(undone, skipped)


def _take_back(session, audit: AuditLog, review: m.Review, user: User) -> None:
    last = session.get(m.Decision, review.decision_id)
    now = datetime.now()
    last.undone_at, last.undone_by = now, user.name
    previous = session.scalars(
        select(m.Decision)
        .where(m.Decision.conviction_id == review.conviction_id, m.Decision.undone_at.is_(None),
               m.Decision.id != last.id)
        .order_by(m.Decision.id.desc()).limit(1)
    ).first()
    before = deciding._review_dict(review)  # noqa: SLF001 - the same audit shape as a single undo
    if previous is None:
        review.status, review.outcome, review.decision_id = ReviewStatus.PENDING.value, None, None
        review.decided_by, review.decided_at = None, None
    else:
        kind = DecisionKind(previous.kind)
        review.status = (ReviewStatus.ACCEPTED if kind is DecisionKind.ACCEPT else ReviewStatus.OVERRIDDEN).value
        review.outcome, review.decision_id = previous.outcome, previous.id
        review.decided_by, review.decided_at = previous.user_name, previous.decided_at
    review.version += 1
    audit.record(user.name, "decision.undo", "conviction", review.conviction_id, before,
                 {**deciding._review_dict(review), "undone_decision_id": last.id, "group": True}, at=now)  # noqa: SLF001


__all__ = ["UndoReport", "decide_group", "decided_since", "last_decision_id", "undo_decisions"]
