"""What the standing decision answered, against the current suggestion: "suggestion changed since decided".

Each decision records the evaluation it answered (decision.evaluation_id). Re-evaluating never
touches decisions, so after a re-evaluation (another policy, another as-of date) the standing
decision of a conviction (review.decision_id) may answer an earlier evaluation whose suggestion
differs from the current evaluation's. Such a conviction stays decided exactly as it was; these
expressions let the queue, the register and the exports flag it. Two outer joins on primary keys,
in the caller's one query: no per-row lookups.
"""
from __future__ import annotations

from sqlalchemy import and_, case
from sqlalchemy.orm import aliased

from reviewer.store import models as m

STANDING = aliased(m.Decision, name="standing_decision")
ANSWERED = aliased(m.Evaluation, name="answered_evaluation")


def join_answered(query, review=m.Review, decision=None):
    """Outer-join the review's standing decision (unless `decision` already is that join) and the evaluation
    it answered (ANSWERED)."""
    if decision is None:
        query = query.outerjoin(STANDING, STANDING.id == review.decision_id)
        decision = STANDING
    return query.outerjoin(ANSWERED, ANSWERED.id == decision.evaluation_id)


def suggestion_changed(current=m.Evaluation, review=m.Review):
    """1 where a standing decision answered another suggestion than the `current` evaluation's, else 0."""
    return case((and_(review.decision_id.is_not(None), ANSWERED.suggestion != current.suggestion), 1), else_=0)


def decided_suggestion():
    """The suggestion the standing decision answered (NULL while pending)."""
    return ANSWERED.suggestion
