"""Read-only queries behind the review queue: the queue's keys, pages of rows, one case.

Everything here returns plain tuples and frozen dataclasses; no ORM object leaves.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Iterator, Sequence

import pyarrow as pa

from sqlalchemy import Connection, String, bindparam, case, cast, func, select

from reviewer.domain.vocabulary import ReviewStatus, Suggestion
from reviewer.store import bulk, models as m, shared_reasons
from reviewer.store.answered import decided_suggestion, join_answered, suggestion_changed

C, P, E, R, D, RUN = m.Conviction, m.Person, m.Evaluation, m.Review, m.Decision, m.EvaluationRun

_RULE = re.compile(r'"rule"\s*:\s*"([^"]*)"')


def _text(column, default: str = ""):
    return func.coalesce(column, default)


# Categories come back as small integers (codes into these tuples), not 100,000 strings each.
STATUS_CODES = tuple(s.value for s in ReviewStatus)  # pending, accepted, overridden
SUGGESTION_CODES = tuple(s.value for s in Suggestion)


def _code(column, values: tuple[str, ...]):
    return case({v: i for i, v in enumerate(values)}, value=column, else_=0)


def _iso(column):
    """A date as ISO text ("" when unknown), with no per-row date parsing over 100,000 rows."""
    return func.coalesce(cast(column, String), "")


# One row per flagged felony: what the queue filters, sorts and searches on, with no NULLs, and
# only the head of the reasons (the deciding rule comes first).
KEY_FIELDS = (
    E.conviction_id, E.priority, _code(E.suggestion, SUGGESTION_CODES), func.substr(E.reasons, 1, 64),
    _code(R.status, STATUS_CODES), _text(R.decided_by), _text(C.section), _text(C.code_section),
    _iso(C.disposition_date), _text(C.court_case), _iso(P.dob), _text(P.name), _text(P.cii), P.id,
    suggestion_changed(E, R),
)


@dataclass(frozen=True)
class QueueKeys:
    """The queue's keys column by column, as compact Arrow arrays (one entry per flagged felony, same order)."""

    conviction_id: pa.Array  # int64
    priority: pa.Array  # int8
    suggestion: pa.Array  # int8: index into SUGGESTION_CODES
    first_rule: pa.Array  # string
    status: pa.Array  # int8: index into STATUS_CODES
    decided_by: pa.Array
    section: pa.Array
    code_section: pa.Array
    disposition_date: pa.Array  # ISO text, "" when unknown
    court_case: pa.Array
    dob: pa.Array  # ISO text, "" when unknown
    name: pa.Array
    cii: pa.Array
    person_id: pa.Array  # int64
    suggestion_changed: pa.Array  # int8: 1 where the standing decision answered another suggestion

    def __len__(self) -> int:
        return len(self.conviction_id)


KEY_TYPES = (pa.int64(), pa.int8(), pa.int8(), pa.string(), pa.int8(), *([pa.string()] * 8), pa.int64(), pa.int8())


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue table."""

    conviction_id: int
    person_id: int
    name: str
    dob: date | None
    cii: str
    court_case: str
    code_section: str
    level: str
    disposition_date: date | None
    suggestion: str
    priority: int
    disqualified: bool
    sentence_status: str
    status: str
    outcome: str | None
    decided_by: str
    version: int
    suggestion_changed: bool = False  # decided, and the current suggestion differs from the one answered
    decided_suggestion: str | None = None  # the suggestion the standing decision answered


@dataclass(frozen=True, slots=True)
class ReviewState:
    conviction_id: int
    status: str
    outcome: str | None
    decided_by: str
    decision_id: int | None
    version: int
    suggestion_changed: bool = False  # see QueueRow
    decided_suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class EvaluationDetail:
    conviction_id: int
    person_id: int
    evaluation_id: int
    suggestion: str
    statute_suggestion: str
    policy_reason: str
    reasons: tuple[dict, ...]
    sentence_status: str
    disqualified: bool
    priority: int
    policy_name: str
    policy_version: str
    as_of: date
    engine_version: str
    review: ReviewState
    questions: str = "[]"  # the evaluation's questions (JSON), answered or not


@dataclass(frozen=True, slots=True)
class DecisionEntry:
    id: int
    kind: str
    outcome: str
    reason: str
    user_name: str
    bar_number: str
    role: str
    decided_at: datetime
    undone_at: datetime | None
    undone_by: str | None


@dataclass(frozen=True, slots=True)
class RunInfo:
    county: str
    as_of: date
    policy_name: str
    policy_version: str
    created_at: datetime


def first_rule(reasons_json: str | None) -> str:
    """The deciding rule of an evaluation: the first reason's rule id (the text may be cut short)."""
    match = _RULE.search(reasons_json or "")
    return match.group(1) if match else ""


def _head_rule(conn: Connection, head: str | None, shared: dict[str, str]) -> str:
    """The first rule of a reasons head, whose first reason may be a shared one (store/shared_reasons.py)."""
    keys = shared_reasons.keys_in([head])
    if any(key not in shared for key in keys):  # (`keys - shared.keys()` copies every key known: 2 s a queue)
        shared.update(shared_reasons.load(conn))
    return first_rule(shared_reasons.expand(head, shared) if keys else head)


def queue_keys(conn: Connection, chunk: int = 20_000) -> QueueKeys:
    """Every flagged felony under a current evaluation, in no particular order.

    Read in chunks straight into Arrow arrays, so 100,000 rows never sit in memory as Python objects.
    """
    query = join_answered(
        select(*KEY_FIELDS)
        .join(C, C.id == E.conviction_id)
        .join(P, P.id == C.person_id)
        .outerjoin(R, R.conviction_id == E.conviction_id)
    ).where(E.current.is_(True), E.flagged.is_(True))
    parts: list[list[pa.Array]] = [[] for _ in KEY_FIELDS]
    rules: dict[str, str] = {}  # reasons' heads repeat: parse each distinct one once
    shared: dict[str, str] = {}  # the shared reasons the heads name, read once
    with _small_page_cache(conn):
        for rows in bulk.read_chunks(conn, query, chunk):
            cols = list(zip(*rows))
            cols[3] = [rules[h] if h in rules else rules.setdefault(h, _head_rule(conn, h, shared)) for h in cols[3]]
            for part, col, kind in zip(parts, cols, KEY_TYPES):
                part.append(pa.array(col, type=kind))
    return QueueKeys(*(pa.concat_arrays(part) if part else pa.array([], type=kind)
                       for part, kind in zip(parts, KEY_TYPES)))


def policy_documents(conn: Connection) -> list[str]:
    """The policy (JSON) of every evaluation run, oldest first: they name the rules that decided."""
    return [r[0] for r in conn.execute(select(RUN.policy_document).order_by(RUN.id))]


@contextmanager
def _small_page_cache(conn: Connection, kib: int = 8192) -> Iterator[None]:
    """A whole-queue scan would fill SQLite's page cache (64 MB, sized for imports) and keep it: cap it."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{kib}")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA shrink_memory")
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


ROW_FIELDS = (
    C.id, C.person_id, P.name, P.dob, P.cii, C.court_case, C.code_section, C.level, C.disposition_date,
    E.suggestion, E.priority, E.disqualified, E.sentence_status, R.status, R.outcome, R.decided_by, R.version,
    suggestion_changed(E, R), decided_suggestion(),
)


_ROWS_QUERY = join_answered(
    select(*ROW_FIELDS)
    .join(E, (E.conviction_id == C.id) & E.current.is_(True))
    .join(P, P.id == C.person_id)
    .outerjoin(R, R.conviction_id == C.id)
).where(C.id.in_(bindparam("ids", expanding=True)))


def rows_by_ids(conn: Connection, ids: Sequence[int]) -> dict[int, QueueRow]:
    """Queue rows for these convictions (current evaluation), keyed by conviction id."""
    out: dict[int, QueueRow] = {}
    for start in range(0, len(ids), 500):
        chunk = [int(i) for i in ids[start:start + 500]]
        for r in conn.execute(_ROWS_QUERY, {"ids": chunk}):
            out[r[0]] = QueueRow(r[0], r[1], r[2] or "", r[3], r[4] or "", r[5] or "", r[6] or "", r[7] or "", r[8],
                                 r[9], r[10], bool(r[11]), r[12], r[13] or "pending", r[14], r[15] or "", r[16] or 0,
                                 bool(r[17]), r[18])
    return out


_STATES_QUERY = join_answered(
    select(R.conviction_id, R.status, R.outcome, R.decided_by, R.decision_id, R.version, suggestion_changed(E, R),
           decided_suggestion())
    .outerjoin(E, (E.conviction_id == R.conviction_id) & E.current.is_(True))
).where(R.conviction_id.in_(bindparam("ids", expanding=True)))


def review_states(conn: Connection, ids: Iterable[int]) -> dict[int, ReviewState]:
    ids = [int(i) for i in ids]
    out: dict[int, ReviewState] = {}
    for start in range(0, len(ids), 500):
        for r in conn.execute(_STATES_QUERY, {"ids": ids[start:start + 500]}):
            out[r[0]] = ReviewState(r[0], r[1], r[2], r[3] or "", r[4], r[5], bool(r[6]), r[7])
    return out


def evaluation_detail(conn: Connection, conviction_id: int) -> EvaluationDetail | None:
    query = (
        select(E.conviction_id, C.person_id, E.id, E.suggestion, E.statute_suggestion, E.policy_reason, E.reasons,
               E.sentence_status, E.disqualified, E.priority, RUN.policy_name, RUN.policy_version, RUN.as_of,
               RUN.engine_version, R.status, R.outcome, R.decided_by, R.decision_id, R.version,
               suggestion_changed(E, R), decided_suggestion(), E.questions)
        .join(C, C.id == E.conviction_id)
        .join(RUN, RUN.id == E.run_id)
        .outerjoin(R, R.conviction_id == E.conviction_id)
    )
    query = join_answered(query).where(E.conviction_id == conviction_id, E.current.is_(True))
    r = conn.execute(query).first()
    if r is None:
        return None
    try:
        reasons = tuple(json.loads(shared_reasons.expanded(conn, r[6]) or "[]"))
    except ValueError:
        reasons = ()
    review = ReviewState(r[0], r[14] or "pending", r[15], r[16] or "", r[17], r[18] or 0, bool(r[19]), r[20])
    return EvaluationDetail(r[0], r[1], r[2], r[3], r[4], r[5] or "", reasons, r[7], bool(r[8]), r[9], r[10], r[11],
                            r[12], r[13], review, r[21] or "[]")


def decision_history(conn: Connection, conviction_id: int) -> list[DecisionEntry]:
    query = (
        select(D.id, D.kind, D.outcome, D.reason, D.user_name, D.bar_number, D.role, D.decided_at, D.undone_at,
               D.undone_by)
        .where(D.conviction_id == conviction_id)
        .order_by(D.id)
    )
    return [DecisionEntry(*r) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class AnswerEntry:
    """An attorney's answer to one of the engine's questions on a conviction."""

    question_key: str
    value: str
    answered_by: str
    bar_number: str
    answered_at: datetime


def question_answers(conn: Connection, conviction_id: int) -> list[AnswerEntry]:
    """The answers given on a conviction, oldest first (the latest per question stands)."""
    A = m.QuestionAnswer
    query = (select(A.question_key, A.value, A.answered_by, A.bar_number, A.answered_at)
             .where(A.conviction_id == conviction_id).order_by(A.id))
    return [AnswerEntry(r[0], r[1], r[2] or "", r[3] or "", r[4]) for r in conn.execute(query)]


def latest_run(conn: Connection) -> RunInfo | None:
    r = conn.execute(
        select(RUN.county, RUN.as_of, RUN.policy_name, RUN.policy_version, RUN.created_at)
        .order_by(RUN.id.desc()).limit(1)
    ).first()
    return RunInfo(*r) if r else None
