"""Attorneys' decisions: accept, override with a reason, undo, bulk accept. Audited one by one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import select, update

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, ReviewStatus, SentenceStatus, Suggestion
from reviewer.services.grounds import challenge_problem, engine_facts, grants_nothing
from reviewer.store import models as m
from reviewer.store.audit import AuditLog
from reviewer.store.database import Database


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


def _state(session, conviction_id: int):
    row = session.execute(
        select(m.Evaluation, m.Review)
        .join(m.Review, m.Review.conviction_id == m.Evaluation.conviction_id)
        .where(m.Evaluation.conviction_id == conviction_id, m.Evaluation.current.is_(True))
    ).first()
    if row is None:
        raise DecisionRefused(f"conviction {conviction_id} has no current evaluation")
    return row[0], row[1]


def _review_dict(review: m.Review) -> dict:
    return {"status": review.status, "outcome": review.outcome, "decision_id": review.decision_id,
            "decided_by": review.decided_by, "version": review.version}


def decide(db: Database, conviction_id: int, user: User, kind: DecisionKind, outcome: Outcome | None = None,
           reason: str = "", expected_version: int | None = None) -> DecisionResult:
    """Record one decision, committed before returning."""
    with db.session() as session:
        return _decide(session, AuditLog(session), conviction_id, user, kind, outcome, reason, expected_version)


def _decide(session, audit, conviction_id, user, kind, outcome, reason, expected_version) -> DecisionResult:
    if not user.can_decide:
        raise DecisionRefused("Clerks can read the queue but cannot decide; an attorney must.")
    evaluation, review = _state(session, conviction_id)
    suggestion = Suggestion(evaluation.suggestion)
    reason = (reason or "").strip()
    if kind is DecisionKind.ACCEPT:
        outcome = Outcome.for_suggestion(suggestion)
        if outcome is None:
            raise DecisionRefused("This conviction needs review: choose an outcome and give a reason (Override).")
    else:
        if outcome is None:
            raise DecisionRefused("Choose an outcome for the override.")
        if not reason:
            raise DecisionRefused("An override needs a written reason.")
        if outcome is Outcome.CHALLENGE_PUBLIC_SAFETY:
            allowed, why = public_safety_allowed(SentenceStatus(evaluation.sentence_status))
            if not allowed:
                raise DecisionRefused(why)
        why = grants_nothing(outcome, session.get(m.Conviction, conviction_id).level) or challenge_problem(
            outcome, reason, engine_facts(evaluation.reasons, evaluation.suggestion))
        if why:
            raise DecisionRefused(why)
    version = review.version if expected_version is None else expected_version
    now = datetime.now()
    decision = m.Decision(conviction_id=conviction_id, evaluation_id=evaluation.id, kind=kind.value,
                          outcome=outcome.value, reason=reason, user_name=user.name, bar_number=user.bar_number,
                          role=user.role.value, decided_at=now)
    session.add(decision)
    session.flush()
    before = _review_dict(review)
    status = ReviewStatus.ACCEPTED if kind is DecisionKind.ACCEPT else ReviewStatus.OVERRIDDEN
    changed = session.execute(
        update(m.Review)
        .where(m.Review.conviction_id == conviction_id, m.Review.version == version)
        .values(status=status.value, outcome=outcome.value, decision_id=decision.id, decided_by=user.name,
                decided_at=now, version=version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.refresh(review)
        raise ConflictError(
            f"{review.decided_by or 'Another reviewer'} changed this conviction since it was shown; "
            "it has been reloaded."
        )
    after = {**before, "status": status.value, "outcome": outcome.value, "decision_id": decision.id,
             "decided_by": user.name, "version": version + 1}
    audit.record(user.name, f"decision.{kind.value.lower()}", "conviction", conviction_id, before,
                 {**after, "suggestion": suggestion.value, "evaluation_id": evaluation.id, "reason": reason}, at=now)
    return DecisionResult(decision.id, conviction_id, outcome, status)


def undo(db: Database, conviction_id: int, user: User) -> ReviewStatus:
    """Revert the latest standing decision on a conviction; the review falls back to the one before."""
    if not user.can_decide:
        raise DecisionRefused("Clerks cannot undo decisions.")
    with db.session() as session:
        review = session.get(m.Review, conviction_id)
        if review is None or review.decision_id is None:
            raise DecisionRefused("There is no decision to undo on this conviction.")
        last = session.get(m.Decision, review.decision_id)
        now = datetime.now()
        last.undone_at, last.undone_by = now, user.name
        previous = session.scalars(
            select(m.Decision)
            .where(m.Decision.conviction_id == conviction_id, m.Decision.undone_at.is_(None), m.Decision.id != last.id)
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
        AuditLog(session).record(user.name, "decision.undo", "conviction", conviction_id, before,
                                 {**_review_dict(review), "undone_decision_id": last.id}, at=now)
        return ReviewStatus(review.status)


def accept_many(db: Database, conviction_ids: Iterable[int], user: User) -> int:
    """Accept each pending conviction in one transaction; each gets its own decision and audit entry."""
    if not user.can_decide:
        raise DecisionRefused("Clerks can read the queue but cannot decide; an attorney must.")
    ids = list(conviction_ids)
    done = 0
    with db.session() as session:
        audit = AuditLog(session)
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            rows = session.execute(
                select(m.Evaluation, m.Review)
                .join(m.Review, m.Review.conviction_id == m.Evaluation.conviction_id)
                .where(m.Evaluation.conviction_id.in_(chunk), m.Evaluation.current.is_(True),
                       m.Review.status == ReviewStatus.PENDING.value)
            ).all()
            now = datetime.now()
            pairs = []
            for evaluation, review in rows:
                outcome = Outcome.for_suggestion(Suggestion(evaluation.suggestion))
                if outcome is None:
                    continue
                decision = m.Decision(conviction_id=review.conviction_id, evaluation_id=evaluation.id,
                                      kind=DecisionKind.ACCEPT.value, outcome=outcome.value, reason="",
                                      user_name=user.name, bar_number=user.bar_number, role=user.role.value,
                                      decided_at=now)
                session.add(decision)
                pairs.append((evaluation, review, decision, outcome))
            session.flush()
            for evaluation, review, decision, outcome in pairs:
                before = _review_dict(review)
                review.status, review.outcome, review.decision_id = ReviewStatus.ACCEPTED.value, outcome.value, decision.id
                review.decided_by, review.decided_at, review.version = user.name, now, review.version + 1
                audit.record(user.name, "decision.accept", "conviction", review.conviction_id, before,
                             {**_review_dict(review), "suggestion": evaluation.suggestion,
                              "evaluation_id": evaluation.id, "bulk": True}, at=now)
                done += 1
            session.flush()
    return done


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
