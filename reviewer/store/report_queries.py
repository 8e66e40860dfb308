"""Read-only queries for reports: the register's rows (streamed) and the summary's counts.

Everything is aggregated in SQL (SQLite or PostgreSQL alike) so a summary of a million
convictions costs a few grouped scans, not a million Python objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterator

from sqlalchemy import Connection, String, and_, case, func, literal, select, type_coerce

from reviewer.store import models as m, shared_reasons
from reviewer.store.answered import decided_suggestion, join_answered, suggestion_changed

C, P, E, R, D = m.Conviction, m.Person, m.Evaluation, m.Review, m.Decision
REGISTER_FIELD_NAMES = (
    "name", "dob", "cii", "court_case", "count_order", "code_section", "offense_text", "level", "disposition_date",
    "county", "suggestion", "policy_reason", "reasons", "sentence_status", "flagged", "review_status", "outcome",
    "decision_reason", "decided_by", "decided_at", "printed_at", "filed_on", "source_file", "source_line",
    "conviction_id", "suggestion_changed", "decided_suggestion",
)

RELIEF = ("DISMISS_AND_SEAL", "REDESIGNATE_MISDEMEANOR", "REDESIGNATE_INFRACTION")
DISMISSED = ("DISMISS_AND_SEAL",)
# What accepting a suggestion gives (NEEDS_REVIEW gives nothing until someone decides).
ACCEPTED = {
    "DISMISS_AND_SEAL": "DISMISS_AND_SEAL",
    "REDESIGNATE_MISDEMEANOR": "REDESIGNATE_MISDEMEANOR",
    "REDESIGNATE_INFRACTION": "REDESIGNATE_INFRACTION",
    "NOT_ELIGIBLE": "CHALLENGE_NOT_ELIGIBLE",
    "REFER": "REFER",
}


def _text(column):
    """Dates as the driver returns them (ISO text on SQLite): no per-value type processing."""
    return type_coerce(column, String)


def _per_case(column, table):
    """The latest `column` of each court case (person, case key) in a print-tracking table."""
    return (
        select(table.person_id, table.case_key, func.max(column).label("at"))
        .group_by(table.person_id, table.case_key).subquery()
    )


def register_rows(conn: Connection, batch: int = 5000) -> Iterator[tuple]:
    """Every current evaluation with its person, conviction, decision and print/filing dates, by person; streamed.

    Fields: see REGISTER_FIELD_NAMES; the reasons written out (store/shared_reasons.py)."""
    printed = _per_case(m.PrintedCase.printed_at, m.PrintedCase)
    filed = _per_case(m.CaseFiling.filed_on, m.CaseFiling)
    SA = m.SentenceAnswer
    fields = (
        P.name, _text(P.dob), P.cii, C.court_case, C.count_order, C.code_section, C.offense_text, C.level,
        _text(C.disposition_date), C.county, E.suggestion, E.policy_reason, E.reasons,
        func.coalesce(SA.status, E.sentence_status), E.flagged, R.status, R.outcome, D.reason, R.decided_by,
        _text(R.decided_at), _text(printed.c.at), _text(filed.c.at), C.source_file, C.source_line, C.id,
        suggestion_changed(E, R), decided_suggestion(),
    )
    on_case = lambda t: and_(t.c.person_id == C.person_id, t.c.case_key == C.case_key)  # noqa: E731
    query = (
        join_answered(
            select(*fields)
            .select_from(E)
            .join(C, C.id == E.conviction_id)
            .join(P, P.id == C.person_id)
            .outerjoin(R, R.conviction_id == C.id)
            .outerjoin(D, D.id == R.decision_id), decision=D)
        .outerjoin(SA, SA.conviction_id == C.id)
        .outerjoin(printed, on_case(printed))
        .outerjoin(filed, on_case(filed))
        .where(E.current.is_(True))
        .order_by(P.name, P.id, C.disposition_date, C.id)
        .execution_options(yield_per=batch, stream_results=True)
    )
    yield from shared_reasons.expand_rows(conn, conn.execute(query), REGISTER_FIELD_NAMES.index("reasons"))


def count_current(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(E).where(E.current.is_(True))).scalar() or 0


@dataclass(frozen=True)
class RunInfo:
    county: str
    as_of: date | None
    policy: str


def latest_run(conn: Connection) -> RunInfo | None:
    """The most recent evaluation run that still has current evaluations."""
    has_current = select(E.id).where(E.run_id == m.EvaluationRun.id, E.current.is_(True)).exists()  # run_id index
    row = conn.execute(
        select(m.EvaluationRun.county, m.EvaluationRun.as_of, m.EvaluationRun.policy_name, m.EvaluationRun.policy_version)
        .where(has_current)
        .order_by(m.EvaluationRun.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    policy = f"{row[2]} v{row[3]}" if row[3] else row[2]
    return RunInfo(row[0], row[1], policy)


def by_section_level(conn: Connection) -> list[tuple[str | None, str | None, int]]:
    query = (
        select(C.section, C.level, func.count())
        .select_from(E).join(C, C.id == E.conviction_id)
        .where(E.current.is_(True)).group_by(C.section, C.level)
    )
    return [tuple(r) for r in conn.execute(query)]


def by_suggestion(conn: Connection) -> dict[str, int]:
    query = select(E.suggestion, func.count()).where(E.current.is_(True)).group_by(E.suggestion)
    return {r[0]: r[1] for r in conn.execute(query)}


def by_decision(conn: Connection) -> list[tuple[str | None, str | None, int]]:
    """(review status, outcome, count) over current evaluations; no review row counts as pending."""
    query = (
        select(R.status, R.outcome, func.count())
        .select_from(E).outerjoin(R, R.conviction_id == E.conviction_id)
        .where(E.current.is_(True)).group_by(R.status, R.outcome)
    )
    return [tuple(r) for r in conn.execute(query)]


def queue_counts(conn: Connection) -> dict[str, int]:
    decided = R.status.in_(("accepted", "overridden"))
    one = literal(1)
    query = (
        select(
            func.count(),
            func.sum(case((decided, one), else_=0)),
            func.sum(case((E.flagged.is_(True), one), else_=0)),
            func.sum(case((and_(E.flagged.is_(True), decided), one), else_=0)),
            func.sum(case((and_(E.flagged.is_(True), E.priority == 0, ~decided), one), else_=0)),
            func.count(func.distinct(C.person_id)),
            func.sum(suggestion_changed(E, R)),
        )
        .select_from(E).join(C, C.id == E.conviction_id).outerjoin(R, R.conviction_id == E.conviction_id)
    )
    row = conn.execute(join_answered(query).where(E.current.is_(True))).one()
    keys = ("evaluated", "decided", "flagged", "flagged_decided", "attention_pending", "persons", "changed")
    return {k: int(v or 0) for k, v in zip(keys, row)}


def _accepted_outcome(suggestion):
    return case(*[(suggestion == s, literal(o)) for s, o in ACCEPTED.items()], else_=None)


def outcome_expression(mode: str, county: str = ""):
    """The outcome each conviction is counted with.

    projected: the decision where one is recorded, else what accepting the suggestion gives;
    decided: decisions only; suggested: suggestions only (gogen's figures);
    dismiss_all: every cannabis conviction of `county` dismissed (gogen's "dismiss all Prop 64")."""
    if mode == "projected":
        return func.coalesce(R.outcome, _accepted_outcome(E.suggestion))
    if mode == "decided":
        return R.outcome
    if mode == "suggested":
        return _accepted_outcome(E.suggestion)
    if mode == "dismiss_all":
        return case((and_(C.is_cannabis.is_(True), C.county == county), literal("DISMISS_AND_SEAL")), else_=None)
    raise ValueError(mode)


@dataclass(frozen=True)
class PersonRelief:
    no_felony: int
    no_conviction: int
    no_recent_conviction: int


def person_relief(conn: Connection, mode: str, recent_since: date, county: str = "") -> PersonRelief:
    """Persons whose every felony gets relief; whose every conviction is dismissed; whose every
    conviction dated after `recent_since` is dismissed. Each counts only persons who had one
    (gogen's CountSubjectsNoFelony, NoConviction, NoConvictionLast7Years)."""
    outcome = outcome_expression(mode, county)
    relief = outcome.in_(RELIEF)
    dismissed = outcome.in_(DISMISSED)
    felony = C.level == "F"
    recent = C.disposition_date > recent_since
    one = literal(1)

    def total(cond):
        return func.sum(case((cond, one), else_=0))

    evaluated_persons = select(C.person_id).join(E, E.conviction_id == C.id).where(E.current.is_(True))
    per_person = (
        select(
            total(felony).label("fel"), total(and_(felony, relief)).label("fel_relief"),
            func.count().label("n"), total(dismissed).label("n_dismissed"),
            total(recent).label("recent"), total(and_(recent, dismissed)).label("recent_dismissed"),
        )
        .select_from(C)
        .outerjoin(E, and_(E.conviction_id == C.id, E.current.is_(True)))
        .outerjoin(R, R.conviction_id == C.id)
        .where(C.person_id.in_(evaluated_persons))
        .group_by(C.person_id)
        .subquery("pp")
    )
    pp = per_person.c
    row = conn.execute(select(
        total(and_(pp.fel > 0, pp.fel == pp.fel_relief)),
        total(and_(pp.n > 0, pp.n == pp.n_dismissed)),
        total(and_(pp.recent > 0, pp.recent == pp.recent_dismissed)),
    )).one()
    return PersonRelief(*(int(v or 0) for v in row))


def persons_with_some_relief(conn: Connection, mode: str) -> int:
    outcome = outcome_expression(mode)
    query = (
        select(func.count(func.distinct(C.person_id)))
        .select_from(E).join(C, C.id == E.conviction_id).outerjoin(R, R.conviction_id == C.id)
        .where(E.current.is_(True), outcome.in_(RELIEF))
    )
    return int(conn.execute(query).scalar() or 0)


def cannabis_in_county(conn: Connection, county: str) -> tuple[list[tuple[str, str | None, int]], date | None, int]:
    """(section, level, count) of the county's HS 11357-11360 convictions, the earliest date, persons."""
    where = (C.county == county, C.is_cannabis.is_(True))
    rows = [tuple(r) for r in conn.execute(select(C.section, C.level, func.count()).where(*where).group_by(C.section, C.level))]
    earliest = conn.execute(select(func.min(C.disposition_date)).where(*where)).scalar()
    persons = conn.execute(select(func.count(func.distinct(C.person_id))).where(*where)).scalar() or 0
    return rows, earliest, int(persons)


def reasons_by_suggestion(conn: Connection) -> list[tuple[str, str, int]]:
    query = select(E.suggestion, E.policy_reason, func.count()).where(E.current.is_(True)).group_by(
        E.suggestion, E.policy_reason)
    return [tuple(r) for r in conn.execute(query)]


def current_suggestions(conn: Connection, county: str) -> dict[int, tuple[str, str]]:
    """conviction id -> (suggestion, policy reason) of the county's current evaluations."""
    query = (
        select(E.conviction_id, E.suggestion, E.policy_reason)
        .join(C, C.id == E.conviction_id)
        .where(E.current.is_(True), C.county == county, C.is_cannabis.is_(True))
    )
    return {r[0]: (r[1], r[2] or "") for r in conn.execute(query)}


def doj_batches(conn: Connection) -> list[tuple[int, str, str, str, int]]:
    """(id, file name, sha256, encoding, rows) of every DOJ import, oldest first."""
    B = m.ImportBatch
    query = select(B.id, B.file_name, B.sha256, B.encoding, B.rows).where(B.kind == "doj").order_by(B.id)
    return [tuple(r) for r in conn.execute(query)]
