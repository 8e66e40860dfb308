"""Attorneys' decisions: accept, override with a reason, undo, bulk accept. Audited one by one.

Every path that decides (a single decision, a redo, an undo, each conviction of a bulk accept)
goes through `decide_locked` or `undo_locked`, inside a short transaction that first locks
the review rows it changes (store.transactions: one lock order) and checks the version the
user saw. A transaction the database chose as a deadlock victim is run again from the start.

The screens build on these (keep the names):
  decide(db, cid, user, kind, outcome, reason, expected_version) -> DecisionResult
  undo(db, cid, user, expected_version, decision_id) -> UndoResult
  accept_many(db, ids, user, seen_versions, job, chunk) -> BulkAcceptResult   (services.bulk_deciding)
  undo_many(db, results, user, job) -> BulkUndoResult                          (services.bulk_deciding)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import object_session

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, ReviewStatus, SentenceStatus, Suggestion
from reviewer.services.grounds import challenge_problem, engine_facts, grants_nothing
from reviewer.store import models as m, shared_reasons
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database
from reviewer.store.transactions import BusyError, Refused, lock_reviews, run_retrying


class DecisionRefused(Exception):
    """The decision cannot be made as asked; the message says why, for the user."""


class ConflictError(DecisionRefused):
    """Someone else decided this conviction since it was shown."""


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    conviction_id: int
    outcome: Outcome
    status: ReviewStatus
    version: int = 0  # the review's version after this decision: what an undo of it must find


@dataclass(frozen=True)
class UndoResult:
    conviction_id: int
    status: ReviewStatus  # where the conviction stands after the undo
    version: int  # the review's version after the undo: what a redo must find
    undone_decision_id: int


def public_safety_allowed(status: SentenceStatus) -> tuple[bool, str]:
    """HS 11361.8(b) / PC 1170.18(c): the public-safety challenge exists only while the sentence is served."""
    if status is SentenceStatus.COMPLETED:
        return False, (
            "The sentence is completed: under HS 11361.8(e)-(f) relief is granted without a public-safety "
            "hearing, so this challenge is not available."
        )
    if status is SentenceStatus.UNKNOWN:
        return True, "The record does not show whether the sentence is still served; confirm before challenging."
    return True, "The person is still serving the sentence (HS 11361.8(b)): a public-safety challenge is possible."


def _review_dict(review: m.Review) -> dict:
    return {"status": review.status, "outcome": review.outcome, "decision_id": review.decision_id,
            "decided_by": review.decided_by, "version": review.version}


def conflict_message(review: m.Review | None) -> str:
    """What the user is told when the conviction changed since it was shown (no personal data)."""
    if review is None or review.status == ReviewStatus.PENDING.value:
        return ("This conviction changed since it was shown (a decision on it was undone); nothing was saved. "
                "It has been reloaded.")
    who = review.decided_by or "another reviewer"
    return (f"{who} decided this conviction since it was shown ({review.status}); their decision stands and "
            "yours was not saved. It has been reloaded.")


def transaction(db: Database, work):
    """run_retrying, with the database's own refusals as DecisionRefused (never a raw database error)."""
    try:
        return run_retrying(db, work)
    except (BusyError, Refused) as exc:
        raise DecisionRefused(str(exc)) from None


def check_user(user: User) -> None:
    if not user.can_decide:
        raise DecisionRefused("Clerks can read the queue but cannot decide; an attorney must.")


def current_evaluations(session, conviction_ids) -> dict[int, m.Evaluation]:
    rows = session.scalars(select(m.Evaluation).where(m.Evaluation.conviction_id.in_(list(conviction_ids)),
                                                      m.Evaluation.current.is_(True)))
    return {e.conviction_id: e for e in rows}


def _outcome(kind: DecisionKind, evaluation: m.Evaluation, outcome: Outcome | None, reason: str,
             level: str | None = None) -> Outcome:
    """The outcome a decision lands on, or DecisionRefused saying why it cannot be made."""
    if kind is DecisionKind.ACCEPT:
        outcome = Outcome.for_suggestion(Suggestion(evaluation.suggestion))
        if outcome is None:
            raise DecisionRefused("This conviction needs review: choose an outcome and give a reason (Override).")
        return outcome
    if outcome is None:
        raise DecisionRefused("Choose an outcome for the override.")
    if not reason:
        raise DecisionRefused("An override needs a written reason.")
    if outcome is Outcome.CHALLENGE_PUBLIC_SAFETY:
        allowed, why = public_safety_allowed(SentenceStatus(evaluation.sentence_status))
        if not allowed:
            raise DecisionRefused(why)
    # No paper that grants nothing; a challenge rests on facts (services/grounds.py).
    why = grants_nothing(outcome, level) or challenge_problem(
        outcome, reason, engine_facts(_reasons(evaluation), evaluation.suggestion))
    if why:
        raise DecisionRefused(why)
    return outcome


def _reasons(evaluation: m.Evaluation) -> str:
    """The evaluation's reasons written out (the shared ones are stored once: store/shared_reasons.py)."""
    session = object_session(evaluation)
    return shared_reasons.expanded(session.connection(), evaluation.reasons) if session else evaluation.reasons


def decide_locked(session, audit: AuditLog, review: m.Review, evaluation: m.Evaluation, user: User,
                   kind: DecisionKind, outcome: Outcome, reason: str, now: datetime, bulk: bool = False
                   ) -> DecisionResult:
    """Record one decision on a review row this transaction has locked and whose version was checked."""
    decision = m.Decision(conviction_id=review.conviction_id, evaluation_id=evaluation.id, kind=kind.value,
                          outcome=outcome.value, reason=reason, user_name=user.name, bar_number=user.bar_number,
                          role=user.role.value, account=user.account, decided_at=now)
    session.add(decision)
    session.flush()
    before = _review_dict(review)
    status = ReviewStatus.ACCEPTED if kind is DecisionKind.ACCEPT else ReviewStatus.OVERRIDDEN
    review.status, review.outcome, review.decision_id = status.value, outcome.value, decision.id
    review.decided_by, review.decided_at, review.version = user.name, now, review.version + 1
    after = {**_review_dict(review), "suggestion": evaluation.suggestion, "evaluation_id": evaluation.id,
             "reason": reason, "kind": kind.value, "account": user.account}
    if bulk:
        after["bulk"] = True
    audit.record(user.name, f"decision.{kind.value.lower()}", "conviction", review.conviction_id, before, after, at=now)
    return DecisionResult(decision.id, review.conviction_id, outcome, status, review.version)


def decide(db: Database, conviction_id: int, user: User, kind: DecisionKind, outcome: Outcome | None = None,
           reason: str = "", expected_version: int | None = None) -> DecisionResult:
    """Record one decision, committed before returning. With `expected_version` (the version the user
    was shown), ConflictError when someone else changed the conviction since."""
    check_user(user)
    reason = (reason or "").strip()

    def work(session) -> DecisionResult:
        review = lock_reviews(session, [conviction_id]).get(conviction_id)
        evaluation = current_evaluations(session, [conviction_id]).get(conviction_id)
        if review is None or evaluation is None:
            raise DecisionRefused(f"conviction {conviction_id} has no current evaluation")
        level = session.get(m.Conviction, conviction_id).level if kind is not DecisionKind.ACCEPT else None
        chosen = _outcome(kind, evaluation, outcome, reason, level)
        if expected_version is not None and review.version != expected_version:
            raise ConflictError(conflict_message(review))
        return decide_locked(session, AuditLog(session), review, evaluation, user, kind, chosen, reason,
                              datetime.now())

    return transaction(db, work)


def undo_locked(session, audit: AuditLog, review: m.Review, user: User, now: datetime) -> UndoResult:
    """Revert the standing decision on a locked review row; it falls back to the decision before."""
    last = session.get(m.Decision, review.decision_id)
    last.undone_at, last.undone_by = now, user.name
    previous = session.scalars(
        select(m.Decision)
        .where(m.Decision.conviction_id == review.conviction_id, m.Decision.undone_at.is_(None),
               m.Decision.id != last.id)
        .order_by(m.Decision.id.desc())
        .limit(1)
    ).first()
    before = _review_dict(review)
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
                 {**_review_dict(review), "undone_decision_id": last.id, "account": user.account}, at=now)
    return UndoResult(review.conviction_id, ReviewStatus(review.status), review.version, last.id)


def undo(db: Database, conviction_id: int, user: User, expected_version: int | None = None,
         decision_id: int | None = None) -> UndoResult:
    """Revert the standing decision on a conviction. With `decision_id` / `expected_version` (what the
    user's undo step recorded), ConflictError when a colleague decided it since: their decision stays."""
    if not user.can_decide:
        raise DecisionRefused("Clerks cannot undo decisions.")

    def work(session) -> UndoResult:
        review = lock_reviews(session, [conviction_id]).get(conviction_id)
        if decision_id is not None and (review is None or review.decision_id != decision_id):
            raise ConflictError(conflict_message(review))
        if review is None or review.decision_id is None:
            raise DecisionRefused("There is no decision to undo on this conviction.")
        if expected_version is not None and review.version != expected_version:
            raise ConflictError(conflict_message(review))
        return undo_locked(session, AuditLog(session), review, user, datetime.now())

    return transaction(db, work)


def pending_ids(db: Database, suggestion: str | None = None, section: str | None = None,
                level: str | None = None, county: str | None = None) -> list[int]:
    """Pending evaluated convictions matching the command-line filters (accept-able or not)."""
    C, E, R = m.Conviction, m.Evaluation, m.Review
    query = (
        select(C.id).join(E, E.conviction_id == C.id).join(R, R.conviction_id == C.id)
        .where(E.current.is_(True), R.status == ReviewStatus.PENDING.value)
    )
    if suggestion:
        query = query.where(E.suggestion == suggestion)
    if section:
        query = query.where(C.section == section.upper().replace("HS", "").strip())
    if level:
        query = query.where(C.level == level)
    if county:
        query = query.where(C.county == county.upper(), C.is_cannabis.is_(True))  # (indexed so)
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(query.order_by(C.id))]


# The bulk paths live beside (same checks, same audited calls); imported here for this module's callers.
from reviewer.services.bulk_deciding import (  # noqa: E402  (they import this module's helpers)
    BulkAcceptResult, BulkUndoResult, SkipReason, accept_many, undo_many,
)
