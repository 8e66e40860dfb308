"""Read-only queries behind the review queue: the queue's keys, pages of rows, one case.

Everything here returns plain tuples and frozen dataclasses; no ORM object leaves.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Iterator, Sequence

from sqlalchemy import Connection, String, func, select, type_coerce

from reviewer.store import models as m

C, P, E, R, D, RUN = m.Conviction, m.Person, m.Evaluation, m.Review, m.Decision, m.EvaluationRun

_RULE = re.compile(r'"rule"\s*:\s*"([^"]*)"')

# One row per flagged felony: what the queue filters, sorts and searches on. Dates come back as
# ISO text (no per-row date parsing over 100,000 rows) and only the head of the reasons.
KEY_FIELDS = (
    E.conviction_id, E.priority, E.suggestion, func.substr(E.reasons, 1, 120), E.policy_reason, R.status,
    R.decided_by, C.section, C.code_section, type_coerce(C.disposition_date, String), C.court_case,
    type_coerce(P.dob, String), P.name, P.cii, P.id,
)


@dataclass(frozen=True)
class QueueKeys:
    """The queue's keys column by column (one entry per flagged felony, same order in every column)."""

    conviction_id: list[int]
    priority: list[int]
    suggestion: list[str]
    first_rule: list[str]
    policy_reason: list[str]
    status: list[str]
    decided_by: list[str]
    section: list[str]
    code_section: list[str]
    disposition_date: list[str]  # ISO text, "" when unknown
    court_case: list[str]
    dob: list[str]  # ISO text, "" when unknown
    name: list[str]
    cii: list[str]
    person_id: list[int]

    def __len__(self) -> int:
        return len(self.conviction_id)


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


@dataclass(frozen=True, slots=True)
class ReviewState:
    conviction_id: int
    status: str
    outcome: str | None
    decided_by: str
    decision_id: int | None
    version: int


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


def queue_keys(conn: Connection) -> QueueKeys:
    """Every flagged felony under a current evaluation, in no particular order."""
    query = (
        select(*KEY_FIELDS)
        .join(C, C.id == E.conviction_id)
        .join(P, P.id == C.person_id)
        .outerjoin(R, R.conviction_id == E.conviction_id)
        .where(E.current.is_(True), E.flagged.is_(True))
    )
    rows = _fetch_plain(conn, query)
    if not rows:
        return QueueKeys(*([] for _ in KEY_FIELDS))
    cols = [list(c) for c in zip(*rows)]
    text = lambda values: [v or "" for v in values]  # noqa: E731
    iso = lambda values: [str(v) if v else "" for v in values]  # noqa: E731
    return QueueKeys(
        conviction_id=cols[0], priority=cols[1], suggestion=cols[2], first_rule=[first_rule(v) for v in cols[3]],
        policy_reason=text(cols[4]), status=[v or "pending" for v in cols[5]], decided_by=text(cols[6]),
        section=text(cols[7]), code_section=text(cols[8]), disposition_date=iso(cols[9]), court_case=text(cols[10]),
        dob=iso(cols[11]), name=text(cols[12]), cii=text(cols[13]), person_id=cols[14],
    )


def _fetch_plain(conn: Connection, query) -> list[tuple]:
    """Run a read-only query on the driver's cursor: plain tuples, none of SQLAlchemy's per-row work.

    Only for queries without user input (values are rendered as literals for this dialect).
    """
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


ROW_FIELDS = (
    C.id, C.person_id, P.name, P.dob, P.cii, C.court_case, C.code_section, C.level, C.disposition_date,
    E.suggestion, E.priority, E.disqualified, E.sentence_status, R.status, R.outcome, R.decided_by, R.version,
)


def rows_by_ids(conn: Connection, ids: Sequence[int]) -> dict[int, QueueRow]:
    """Queue rows for these convictions (current evaluation), keyed by conviction id."""
    out: dict[int, QueueRow] = {}
    for start in range(0, len(ids), 500):
        chunk = [int(i) for i in ids[start:start + 500]]
        query = (
            select(*ROW_FIELDS)
            .join(E, (E.conviction_id == C.id) & E.current.is_(True))
            .join(P, P.id == C.person_id)
            .outerjoin(R, R.conviction_id == C.id)
            .where(C.id.in_(chunk))
        )
        for r in conn.execute(query):
            out[r[0]] = QueueRow(r[0], r[1], r[2] or "", r[3], r[4] or "", r[5] or "", r[6] or "", r[7] or "", r[8],
                                 r[9], r[10], bool(r[11]), r[12], r[13] or "pending", r[14], r[15] or "", r[16] or 0)
    return out


def review_states(conn: Connection, ids: Iterable[int]) -> dict[int, ReviewState]:
    ids = [int(i) for i in ids]
    out: dict[int, ReviewState] = {}
    for start in range(0, len(ids), 500):
        query = select(R.conviction_id, R.status, R.outcome, R.decided_by, R.decision_id, R.version).where(
            R.conviction_id.in_(ids[start:start + 500]))
        for r in conn.execute(query):
            out[r[0]] = ReviewState(r[0], r[1], r[2], r[3] or "", r[4], r[5])
    return out


def evaluation_detail(conn: Connection, conviction_id: int) -> EvaluationDetail | None:
    query = (
        select(E.conviction_id, C.person_id, E.id, E.suggestion, E.statute_suggestion, E.policy_reason, E.reasons,
               E.sentence_status, E.disqualified, E.priority, RUN.policy_name, RUN.policy_version, RUN.as_of,
               RUN.engine_version, R.status, R.outcome, R.decided_by, R.decision_id, R.version)
        .join(C, C.id == E.conviction_id)
        .join(RUN, RUN.id == E.run_id)
        .outerjoin(R, R.conviction_id == E.conviction_id)
        .where(E.conviction_id == conviction_id, E.current.is_(True))
    )
    r = conn.execute(query).first()
    if r is None:
        return None
    try:
        reasons = tuple(json.loads(r[6] or "[]"))
    except ValueError:
        reasons = ()
    review = ReviewState(r[0], r[14] or "pending", r[15], r[16] or "", r[17], r[18] or 0)
    return EvaluationDetail(r[0], r[1], r[2], r[3], r[4], r[5] or "", reasons, r[7], bool(r[8]), r[9], r[10], r[11],
                            r[12], r[13], review)


def decision_history(conn: Connection, conviction_id: int) -> list[DecisionEntry]:
    query = (
        select(D.id, D.kind, D.outcome, D.reason, D.user_name, D.bar_number, D.role, D.decided_at, D.undone_at,
               D.undone_by)
        .where(D.conviction_id == conviction_id)
        .order_by(D.id)
    )
    return [DecisionEntry(*r) for r in conn.execute(query)]


def latest_run(conn: Connection) -> RunInfo | None:
    r = conn.execute(
        select(RUN.county, RUN.as_of, RUN.policy_name, RUN.policy_version, RUN.created_at)
        .order_by(RUN.id.desc()).limit(1)
    ).first()
    return RunInfo(*r) if r else None
