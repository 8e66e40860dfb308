"""Read persons and their whole records back as domain objects."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Iterator

from sqlalchemy import Connection, select

from reviewer.domain.code_section import CodeSection
from reviewer.domain.records import Conviction, Person, PersonRecord
from reviewer.domain.vocabulary import Level
from reviewer.store import models as m

_C = m.Conviction
_P = m.Person
CONVICTION_FIELDS = (
    _C.id, _C.person_id, _C.offense_text, _C.section, _C.subsection, _C.code, _C.attempt, _C.level,
    _C.disposition_date, _C.county, _C.case_key, _C.count_order, _C.court_case, _C.sentence_end, _C.has_sentence,
    _C.source_file, _C.source_line, _C.issues,
)
PERSON_FIELDS = (_P.id, _P.subject_id, _P.name, _P.cii, _P.dob, _P.deceased, _P.pc290_registration, _P.registration_date)


@lru_cache(maxsize=65536)
def _code(section: str | None, subsection: str, code: str, attempt: bool) -> CodeSection | None:
    if not section:
        return None
    parts = tuple(p for p in subsection.replace(")", "").split("(") if p)
    return CodeSection(section, parts, code, bool(attempt))


_LEVELS = {"F": Level.FELONY, "M": Level.MISDEMEANOR, "I": Level.INFRACTION, None: None}


def conviction_from_row(r) -> Conviction:
    return Conviction(
        id=r[0], offense_text=r[2], code=_code(r[3], r[4] or "", r[5] or "", r[6]), level=_LEVELS.get(r[7]),
        disposition_date=r[8], county=r[9], case_key=r[10], count_order=r[11], court_case=r[12] or "",
        sentence_end=r[13], has_sentence=bool(r[14]), source_file=r[15], source_line=r[16],
        issues=tuple(r[17].split("; ")) if r[17] else (),
    )


def person_from_row(r) -> Person:
    return Person(id=r[0], subject_id=r[1], name=r[2], cii=r[3], dob=r[4], deceased=bool(r[5]),
                  pc290_registration=bool(r[6]), pc290_registration_date=r[7])


def persons_with_cannabis_in(conn: Connection, county: str) -> list[int]:
    query = select(_C.person_id).where(_C.county == county, _C.is_cannabis.is_(True)).distinct()
    return sorted(row[0] for row in conn.execute(query))


def load_records(conn: Connection, person_ids: list[int], chunk: int = 20000) -> Iterator[PersonRecord]:
    """Whole records (all counties) for these persons, fetched in chunks."""
    for start in range(0, len(person_ids), chunk):
        ids = person_ids[start : start + chunk]
        low, high = min(ids), max(ids)
        wanted = set(ids)
        people = {
            r[0]: person_from_row(r)
            for r in conn.execute(select(*PERSON_FIELDS).where(_P.id.between(low, high)))
            if r[0] in wanted
        }
        convictions: dict[int, list[Conviction]] = {pid: [] for pid in people}
        query = select(*CONVICTION_FIELDS).where(_C.person_id.between(low, high)).order_by(_C.person_id, _C.id)
        for r in conn.execute(query):
            bucket = convictions.get(r[1])
            if bucket is not None:
                bucket.append(conviction_from_row(r))
        for pid, person in people.items():
            yield PersonRecord(person, tuple(convictions[pid]))


def load_record(conn: Connection, person_id: int) -> PersonRecord | None:
    return next(iter(load_records(conn, [person_id])), None)


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
