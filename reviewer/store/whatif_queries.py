"""Read-only: where each conviction of a county's people stands now, for a what-if comparison."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, String, select, type_coerce

from reviewer.store import bulk
from reviewer.store import models as m
from reviewer.store.answered import decided_suggestion, join_answered
from reviewer.store.records import with_cannabis_in

C, P, E, R = m.Conviction, m.Person, m.Evaluation, m.Review


@dataclass(frozen=True, slots=True)
class Standing:
    """One conviction of a person with a cannabis conviction in the county, as it stands."""

    conviction_id: int
    person_id: int
    name: str
    cii: str
    court_case: str
    code_section: str
    level: str
    disposition_date: str
    county: str
    suggestion: str  # current evaluation's ("" when it has none)
    policy_reason: str
    status: str  # review status ("" when never evaluated)
    outcome: str  # standing decision's outcome ("" when pending)
    decided_by: str
    decided_suggestion: str  # what the standing decision answered


def standing_in_county(conn: Connection, county: str) -> dict[int, Standing]:
    """conviction id -> Standing, for every conviction (all counties) of the county's people."""
    who = with_cannabis_in(county)
    query = join_answered(
        select(C.id, C.person_id, P.name, P.cii, C.court_case, C.code_section, C.level,
               type_coerce(C.disposition_date, String), C.county, E.suggestion, E.policy_reason, R.status,
               R.outcome, R.decided_by, decided_suggestion())
        .select_from(C)
        .join(P, P.id == C.person_id)
        .outerjoin(E, (E.conviction_id == C.id) & E.current.is_(True))
        .outerjoin(R, R.conviction_id == C.id)
    ).where(C.person_id.in_(who))
    out = {}
    for r in bulk.read_rows(conn, query):
        out[r[0]] = Standing(r[0], r[1], r[2] or "", r[3] or "", r[4] or "", r[5] or "", r[6] or "",
                             str(r[7] or "")[:10], r[8] or "", r[9] or "", r[10] or "", r[11] or "", r[12] or "",
                             r[13] or "", r[14] or "")
    return out


def latest_run_of(conn: Connection, county: str) -> tuple[int, date, str, str] | None:
    """(id, as-of date, policy name, policy version) of the county's newest run with current evaluations."""
    RUN = m.EvaluationRun
    has_current = select(E.id).where(E.run_id == RUN.id, E.current.is_(True)).exists()
    row = conn.execute(select(RUN.id, RUN.as_of, RUN.policy_name, RUN.policy_version)
                       .where(RUN.county == county, has_current).order_by(RUN.id.desc()).limit(1)).first()
    return tuple(row) if row is not None else None
