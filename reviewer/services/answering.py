"""The engine's questions: what an attorney must answer for a NEEDS_REVIEW suggestion to be decided.

Each current evaluation stores its questions (JSON, `Question.as_dict`). An answer is recorded
(`question_answer`, the latest per conviction and question stands) and audited in one transaction
with the re-evaluation of the person's convictions in that county: same run, same as-of date and
policy, new current evaluation rows. Reviews and decisions are never touched; a later `evaluate`
reads the answers again, so they stay applied.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from reviewer.domain.people import User
from reviewer.domain.records import Answer, Evaluation, PersonRecord, Question
from reviewer.domain.vocabulary import Suggestion
from reviewer.engine.evaluate import evaluate_record, normalise_county
from reviewer.engine.policy import Policy, policy_from_document
from reviewer.services.evaluating import COMPUTED_COLUMNS, STATUTE_ONLY, evaluation_row
from reviewer.store import models as m, shared_reasons
from reviewer.store.audit import AuditLog
from reviewer.store.transactions import lock_county
from reviewer.store.database import Database
from reviewer.store.records import load_record

C, E, A, RUN = m.Conviction, m.Evaluation, m.QuestionAnswer, m.EvaluationRun


class AnswerRefused(ValueError):
    """The answer cannot be recorded as given; the message says why, for the user."""


class AnswerConflict(AnswerRefused):
    """The conviction was re-evaluated (or answered) by someone else meanwhile."""


@dataclass(frozen=True)
class OpenQuestion:
    """A question of a current evaluation that nobody has answered yet."""

    conviction_id: int
    court_case: str
    code_section: str
    county: str
    suggestion: Suggestion
    question: Question


def questions_from_json(text: str | None) -> tuple[Question, ...]:
    """What evaluation.questions holds, back as domain objects."""
    if not text or text == "[]":
        return ()
    return tuple(
        Question(q["key"], q["text"],
                 tuple(Answer(a["value"], a["label"], Suggestion(a["suggestion"]), a.get("citation", ""))
                       for a in q["answers"]),
                 q.get("citation", ""))
        for q in json.loads(text)
    )


def _answered(conn, conviction_ids) -> set[tuple[int, str]]:
    rows = conn.execute(select(A.conviction_id, A.question_key).where(A.conviction_id.in_(conviction_ids)))
    return {(r[0], r[1]) for r in rows}


def open_questions(db: Database, county: str | None = None, conviction_id: int | None = None) -> list[OpenQuestion]:
    """The current evaluations' questions not answered yet, by conviction id."""
    query = (
        select(C.id, C.court_case, C.code_section, C.county, E.suggestion, E.questions)
        .join(E, E.conviction_id == C.id)
        .where(E.current.is_(True), E.questions != "[]")
        .order_by(C.id)
    )
    if county:
        query = query.where(C.county == normalise_county(county), C.is_cannabis.is_(True))
    if conviction_id is not None:
        query = query.where(C.id == conviction_id)
    found: list[OpenQuestion] = []
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()
        answered: set[tuple[int, str]] = set()
        for start in range(0, len(rows), 5000):
            answered |= _answered(conn, [r[0] for r in rows[start : start + 5000]])
    for cid, court_case, code_section, conv_county, suggestion, text in rows:
        for question in questions_from_json(text):
            if (cid, question.key) not in answered:
                found.append(OpenQuestion(cid, court_case or "", code_section or "", conv_county,
                                          Suggestion(suggestion), question))
    return found


def _run_policy(run: m.EvaluationRun) -> Policy | None:
    """The policy the run evaluated under, rebuilt from the document stored with it."""
    document = json.loads(run.policy_document or "{}")
    if not document and run.policy_name == STATUTE_ONLY:
        return None
    return policy_from_document(document, run.policy_name)


def _allowed(questions: tuple[Question, ...]) -> str:
    return "; ".join(f"{q.key} ({', '.join(a.value for a in q.answers)})" for q in questions)


def answer_question(db: Database, conviction_id: int, key: str, value: str, user: User,
                    on_record: Callable[[PersonRecord], None] | None = None) -> Evaluation:
    """Record an attorney's answer and re-evaluate; returns the conviction's new current Evaluation.
    `on_record` is handed the person's record as re-evaluated, once committed (a screen shows it without
    reading it again)."""
    if not user.can_decide:
        raise AnswerRefused("only an attorney can answer the engine's questions; clerks can read them")
    key, value = (key or "").strip(), (value or "").strip()
    with db.session() as session:
        current = session.execute(
            select(E, RUN).join(RUN, RUN.id == E.run_id)
            .where(E.conviction_id == conviction_id, E.current.is_(True))
        ).first()
        if current is None:
            raise AnswerRefused(f"conviction {conviction_id} has no current evaluation (evaluate its county first)")
        evaluation, run = current
        lock_county(session, run.county)  # a re-evaluation of the county at the same time waits (one current each)
        questions = questions_from_json(evaluation.questions)
        if not questions:
            raise AnswerRefused(f"conviction {conviction_id} has no questions to answer "
                                f"(its suggestion is {evaluation.suggestion})")
        question = next((q for q in questions if q.key == key), None)
        if question is None:
            raise AnswerRefused(f"conviction {conviction_id} has no question {key!r}; its questions: "
                                f"{_allowed(questions)}")
        answer = question.answer(value) or next((a for a in question.answers if a.value.lower() == value.lower()), None)
        if answer is None:
            raise AnswerRefused(f"{value!r} is not an answer to {key!r} ({question.text}); answer one of: "
                                f"{', '.join(a.value for a in question.answers)}")
        previous = session.scalar(
            select(A.value).where(A.conviction_id == conviction_id, A.question_key == key).order_by(A.id.desc())
            .limit(1)
        )
        now = datetime.now()
        value = answer.value
        row = A(conviction_id=conviction_id, question_key=key, value=value, answered_by=user.name,
                bar_number=user.bar_number, answered_at=now)
        session.add(row)
        session.flush()
        mine, in_run, new_id, record = _re_evaluate(session, conviction_id, run)
        AuditLog(session).record(
            user.name, "answer", "conviction", conviction_id,
            before={"question": key, "value": previous, "suggestion": evaluation.suggestion,
                    "evaluation_id": evaluation.id},
            after={"question": key, "value": value, "bar_number": user.bar_number, "suggestion": mine.suggestion.value,
                   "evaluation_id": new_id, "leads_to": answer.suggestion.value,
                   "re_evaluated": sorted(in_run), "answer_id": row.id},
            at=now,
        )
    if on_record is not None and record is not None:
        on_record(record)
    return mine


def _re_evaluate(session, conviction_id: int, run: m.EvaluationRun
                 ) -> tuple[Evaluation, dict[int, int], int, PersonRecord | None]:
    """Evaluate the person again with the answers as they now stand: same run, as-of date and policy.
    Returns the conviction's new Evaluation, {conviction id: retired evaluation id}, its new row id and the
    person's record as read."""
    person_id = session.scalar(select(C.person_id).where(C.id == conviction_id))
    record = load_record(session.connection(), person_id)
    results = evaluate_record(record, run.county, run.as_of, _run_policy(run))
    # The person's convictions whose current evaluation belongs to this run (counts imported since
    # wait for the next `reviewer evaluate`).
    ids = [ev.conviction_id for ev in results]
    # run_id is compared here, not in SQL: with it in the WHERE clause SQLite picks the run_id index and
    # walks every evaluation of the run (40 ms on 2.4M rows) instead of the person's few rows.
    in_run = {
        r[0]: r[1] for r in session.execute(
            select(E.conviction_id, E.id, E.run_id).where(E.conviction_id.in_(ids), E.current.is_(True))
        ) if r[2] == run.id
    }
    results = [ev for ev in results if ev.conviction_id in in_run]
    mine = next((ev for ev in results if ev.conviction_id == conviction_id), None)
    if mine is None:
        raise AnswerConflict(f"conviction {conviction_id} was re-evaluated meanwhile; list its questions again")
    # conviction_id is named too: with only id and current in the WHERE clause SQLite walks the queue index
    # (current, flagged, priority) over every current evaluation (8 ms on 2.4M rows) instead of the ids.
    retired = session.execute(
        update(E).where(E.id.in_(list(in_run.values())), E.conviction_id.in_(list(in_run)), E.current.is_(True))
        .values(current=False).execution_options(synchronize_session=False)
    ).rowcount
    if retired != len(in_run):  # another answer or evaluation got there first: nothing of this stays
        raise AnswerConflict(f"conviction {conviction_id} was re-evaluated meanwhile; list its questions again")
    shared: dict[str, str] = {}
    rows = [m.Evaluation(run_id=run.id, current=True, **dict(zip(COMPUTED_COLUMNS, evaluation_row(ev, shared))))
            for ev in results]
    shared_reasons.save(session.connection(), shared)
    session.add_all(rows)
    session.flush()
    return mine, in_run, next(row.id for row in rows if row.conviction_id == conviction_id), record


def latest_answer_id(db: Database, conviction_id: int, key: str) -> int | None:
    """The standing answer's id for this conviction and question (what an undo takes back)."""
    with db.engine.connect() as conn:
        return conn.execute(select(A.id).where(A.conviction_id == conviction_id, A.question_key == key)
                            .order_by(A.id.desc()).limit(1)).scalar()


def undo_answer(db: Database, answer_id: int, user: User,
                on_record: Callable[[PersonRecord], None] | None = None) -> Evaluation:
    """Take back an answer, only while it is the standing one: the answer before it (or none) stands again and
    the person is re-evaluated, in one transaction, audited ("answer.undo", with the answer taken back)."""
    if not user.can_decide:
        raise AnswerRefused("only an attorney can take back an answer")
    with db.session() as session:
        row = session.get(A, answer_id)
        if row is None:
            raise AnswerConflict("this answer was taken back already")
        cid, key = row.conviction_id, row.question_key
        latest = session.scalar(select(A.id).where(A.conviction_id == cid, A.question_key == key)
                                .order_by(A.id.desc()).limit(1))
        if latest != answer_id:
            raise AnswerConflict("the question was answered again since; that answer stays")
        current = session.execute(
            select(E, RUN).join(RUN, RUN.id == E.run_id).where(E.conviction_id == cid, E.current.is_(True))
        ).first()
        if current is None:
            raise AnswerRefused(f"conviction {cid} has no current evaluation")
        evaluation, run = current
        taken = {"question": key, "value": row.value, "answered_by": row.answered_by, "bar_number": row.bar_number,
                 "answered_at": row.answered_at.isoformat(), "answer_id": row.id,
                 "suggestion": evaluation.suggestion, "evaluation_id": evaluation.id}
        session.delete(row)  # the audit log keeps it (`taken`); the answer before it, if any, stands again
        session.flush()
        standing = session.scalar(select(A.value).where(A.conviction_id == cid, A.question_key == key)
                                  .order_by(A.id.desc()).limit(1))
        mine, in_run, new_id, record = _re_evaluate(session, cid, run)
        AuditLog(session).record(
            user.name, "answer.undo", "conviction", cid, before=taken,
            after={"question": key, "value": standing, "suggestion": mine.suggestion.value, "evaluation_id": new_id,
                   "re_evaluated": sorted(in_run)},
            at=datetime.now(),
        )
    if on_record is not None and record is not None:
        on_record(record)
    return mine
