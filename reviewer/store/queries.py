"""Read-only queries over current evaluations (exports, summaries)."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import Connection, select

from reviewer.store import models as m, shared_reasons
from reviewer.store.answered import join_answered, suggestion_changed

C, P, E, R, RUN = m.Conviction, m.Person, m.Evaluation, m.Review, m.EvaluationRun

RESULT_FIELDS = (
    C.source_file, C.source_line, P.subject_id, P.cii, P.name, P.dob, C.county, C.court_case, C.code_section,
    C.level, C.disposition_date, E.suggestion, E.policy_reason, E.reasons, E.sentence_status, E.flagged,
    E.disqualified, R.status, R.outcome, R.decided_by, R.decided_at, C.id, RUN.as_of, RUN.engine_version,
    RUN.policy_name, RUN.policy_version, RUN.policy_digest, E.questions, suggestion_changed(E, R),
)

_REASONS = next(i for i, field in enumerate(RESULT_FIELDS) if field is E.reasons)


def current_results(conn: Connection, batch: int = 10000) -> Iterator[tuple]:
    """Every current evaluation with its conviction and person, in file order; streamed; the reasons written
    out (store/shared_reasons.py)."""
    query = (
        join_answered(
            select(*RESULT_FIELDS)
            .join(C, C.id == E.conviction_id)
            .join(P, P.id == C.person_id)
            .join(RUN, RUN.id == E.run_id)
            .outerjoin(R, R.conviction_id == C.id))
        .where(E.current.is_(True))
        .order_by(C.source_file, C.source_line)
        .execution_options(yield_per=batch)
    )
    yield from shared_reasons.expand_rows(conn, conn.execute(query), _REASONS)


def answered_questions(conn: Connection) -> set[tuple[int, str]]:
    """(conviction id, question key) of every question an attorney has answered (few)."""
    A = m.QuestionAnswer
    return {(r[0], r[1]) for r in conn.execute(select(A.conviction_id, A.question_key).distinct())}
