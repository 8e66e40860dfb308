"""Queries and writes for printing: decided court cases, what was printed and filed, settings."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Iterator

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import Session

from reviewer.store import models as m, shared_reasons

C, P, E, R, D = m.Conviction, m.Person, m.Evaluation, m.Review, m.Decision
SA = m.SentenceAnswer
Key = tuple[int, str]  # (person id, case key): one court case
# Batches that ended before their combined PDF and bulk motion: their cases count as not printed.
REPRINT_AFTER = ("interrupted", "failed")

CASE_FIELDS = (
    C.person_id, C.case_key, C.id, C.count_order, C.court_case, C.code_section, C.level, C.disposition_date,
    P.name, P.dob, P.cii,
    E.sentence_status, E.reasons, E.suggestion,
    R.status, R.outcome, R.decision_id,
    D.reason, SA.status,
)


def _case_query():
    return (
        select(*CASE_FIELDS)
        .join(C, C.id == E.conviction_id)
        .join(P, P.id == C.person_id)
        .join(R, R.conviction_id == C.id)
        .outerjoin(D, D.id == R.decision_id)
        .outerjoin(SA, SA.conviction_id == C.id)
        .where(E.current.is_(True))
    )


REASONS = next(i for i, field in enumerate(CASE_FIELDS) if field is E.reasons)


def case_rows(conn: Connection, keys: Iterable[Key] | None = None, chunk: int = 500) -> Iterator[tuple]:
    """Every current evaluated count with its decision, ordered by court case then count; streamed; the
    reasons written out (store/shared_reasons.py).

    With `keys`, only those court cases (fetched by person in chunks)."""
    return shared_reasons.expand_rows(conn, _case_rows(conn, keys, chunk), REASONS)


def _case_rows(conn: Connection, keys: Iterable[Key] | None, chunk: int) -> Iterator[tuple]:
    order = (C.person_id, C.case_key, C.count_order)
    if keys is None:
        yield from conn.execute(_case_query().order_by(*order).execution_options(yield_per=5000))
        return
    wanted = set(keys)
    people = sorted({pid for pid, _ in wanted})
    for start in range(0, len(people), chunk):
        part = people[start : start + chunk]
        query = _case_query().where(C.person_id.in_(part)).order_by(*order)
        for row in conn.execute(query):
            if (row[0], row[1]) in wanted:
                yield row


def latest_prints(conn: Connection) -> dict[Key, tuple]:
    """(decisions, printed_at, printed_by, file_path, job_id) of each case's latest print."""
    pc, job = m.PrintedCase, m.PrintJob
    latest = (select(func.max(pc.id).label("id")).join(job, job.id == pc.job_id)
              .where(job.status.not_in(REPRINT_AFTER)).group_by(pc.person_id, pc.case_key).subquery())
    query = select(pc.person_id, pc.case_key, pc.decisions, pc.printed_at, pc.printed_by, pc.file_path, pc.job_id).join(
        latest, latest.c.id == pc.id)
    return {(r[0], r[1]): tuple(r[2:]) for r in conn.execute(query)}


def latest_filings(conn: Connection) -> dict[Key, date]:
    cf = m.CaseFiling
    latest = select(func.max(cf.id).label("id")).group_by(cf.person_id, cf.case_key).subquery()
    query = select(cf.person_id, cf.case_key, cf.filed_on).join(latest, latest.c.id == cf.id)
    return {(r[0], r[1]): r[2] for r in conn.execute(query)}


def entered_case_numbers(conn: Connection) -> dict[Key, str]:
    """The latest hand-entered court case number of each court case that has one."""
    ce = m.CaseNumberEntry
    latest = select(func.max(ce.id).label("id")).group_by(ce.person_id, ce.case_key).subquery()
    query = select(ce.person_id, ce.case_key, ce.court_case).join(latest, latest.c.id == ce.id)
    return {(r[0], r[1]): r[2] for r in conn.execute(query)}


def add_case_number(session: Session, key: Key, court_case: str, user: str) -> str | None:
    """Record a hand-entered number; returns the one it replaces (None: the first)."""
    before = session.execute(select(m.CaseNumberEntry.court_case).where(
        m.CaseNumberEntry.person_id == key[0], m.CaseNumberEntry.case_key == key[1]).order_by(
        m.CaseNumberEntry.id.desc()).limit(1)).scalar()
    session.add(m.CaseNumberEntry(person_id=key[0], case_key=key[1], court_case=court_case, entered_by=user,
                                  entered_at=datetime.now()))
    return before


def start_job(session: Session, user: str, scope: str, out_dir: str, total: int, owner: str | None = None) -> m.PrintJob:
    job = m.PrintJob(started_at=datetime.now(), user_name=user, scope=scope, out_dir=out_dir, status="running",
                     cases_total=total, cases_printed=0, owner=owner)
    session.add(job)
    session.flush()
    return job


def record_printed(session: Session, job_id: int, user: str, rows: list[tuple[Key, str, str, int, str]]) -> None:
    """rows: ((person id, case key), file path, documents, pages, decisions). Core insert, no ORM objects."""
    now = datetime.now()
    session.execute(
        m.PrintedCase.__table__.insert(),
        [{"job_id": job_id, "person_id": k[0], "case_key": k[1], "file_path": path, "documents": docs,
          "pages": pages, "decisions": decisions, "printed_at": now, "printed_by": user}
         for k, path, docs, pages, decisions in rows],
    )
    job = session.get(m.PrintJob, job_id)
    job.cases_printed += len(rows)


def running_jobs(session: Session) -> list[m.PrintJob]:
    return list(session.scalars(select(m.PrintJob).where(m.PrintJob.status == "running").with_for_update()))


def finish_job(session: Session, job_id: int, status: str, combined: str | None = None, bulk: str | None = None) -> None:
    job = session.get(m.PrintJob, job_id)
    job.status, job.finished_at = status, datetime.now()
    job.combined_path, job.bulk_path = combined, bulk


def add_filings(session: Session, keys: Iterable[Key], filed_on: date, user: str) -> int:
    now = datetime.now()
    rows = [{"person_id": k[0], "case_key": k[1], "filed_on": filed_on, "recorded_by": user, "recorded_at": now}
            for k in keys]
    if rows:
        session.execute(m.CaseFiling.__table__.insert(), rows)
    return len(rows)


def set_sentence_answers(session: Session, conviction_ids: Iterable[int], status: str, user: str) -> list[tuple]:
    """Record (or replace) the answers; returns (conviction id, previous answer) pairs."""
    changed = []
    now = datetime.now()
    for cid in conviction_ids:
        row = session.get(SA, cid)
        changed.append((cid, row.status if row else None))
        if row is None:
            session.add(SA(conviction_id=cid, status=status, answered_by=user, answered_at=now))
        else:
            row.status, row.answered_by, row.answered_at = status, user, now
    return changed


def case_counts(conn: Connection, key: Key) -> list[tuple[int, str, str]]:
    """(conviction id, CNT_ORDER, the evaluation's sentence status) of each evaluated count of a court case."""
    query = select(C.id, C.count_order, E.sentence_status).join(E, and_(E.conviction_id == C.id, E.current.is_(True))
                                                               ).where(C.person_id == key[0], C.case_key == key[1])
    return [tuple(r) for r in conn.execute(query.order_by(C.count_order))]


def case_conviction_ids(conn: Connection, key: Key) -> list[int]:
    query = select(C.id).join(E, and_(E.conviction_id == C.id, E.current.is_(True))).where(
        C.person_id == key[0], C.case_key == key[1])
    return [r[0] for r in conn.execute(query)]


def get_setting(conn: Connection, key: str) -> str | None:
    return conn.execute(select(m.Setting.value).where(m.Setting.key == key)).scalar()


def put_setting(session: Session, key: str, value: str) -> str | None:
    row = session.get(m.Setting, key)
    before = row.value if row else None
    if row is None:
        session.add(m.Setting(key=key, value=value))
    else:
        row.value = value
    return before


def jobs(conn: Connection, limit: int = 50) -> list[tuple]:
    j = m.PrintJob
    query = select(j.id, j.started_at, j.finished_at, j.user_name, j.scope, j.status, j.cases_total, j.cases_printed,
                   j.out_dir, j.combined_path).order_by(j.id.desc()).limit(limit)
    return list(conn.execute(query))
