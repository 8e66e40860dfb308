"""Read persons and their whole records back as domain objects."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from sqlalchemy import Connection, String, select, type_coerce, union

from reviewer.domain.code_section import CodeSection
from reviewer.domain.records import Conviction, Person, PersonRecord
from reviewer.domain.vocabulary import SENTENCE_QUESTION, Level
from reviewer.store import bulk
from reviewer.store import models as m

_C = m.Conviction
_P = m.Person


def _text(column):
    """Dates fetched as the driver gives them (ISO text on SQLite): no per-value type processing."""
    return type_coerce(column, String)


CONVICTION_FIELDS = (
    _C.id, _C.person_id, _C.offense_text, _C.section, _C.subsection, _C.code, _C.attempt, _C.level,
    _text(_C.disposition_date), _C.county, _C.case_key, _C.count_order, _C.court_case, _text(_C.sentence_end),
    _C.has_sentence, _C.source_file, _C.source_line, _C.issues, _text(_C.offense_date), _C.cycle_age,
    _C.sentence_kind, _C.cannabis_arrest,
)
PERSON_FIELDS = (_P.id, _P.subject_id, _P.name, _P.cii, _text(_P.dob), _P.deceased, _P.pc290_registration,
                 _text(_P.registration_date))


@lru_cache(maxsize=65536)
def code_section(section: str | None, subsection: str, code: str, attempt: bool) -> CodeSection | None:
    """The parsed code section of a stored conviction (its section, subsection path, code, attempt)."""
    if not section:
        return None
    parts = tuple(p for p in subsection.replace(")", "").split("(") if p)
    return CodeSection(section, parts, code, bool(attempt))


@lru_cache(maxsize=131072)
def _day(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


_LEVELS = {"F": Level.FELONY, "M": Level.MISDEMEANOR, "I": Level.INFRACTION, None: None}


def conviction_from_row(r, _new=Conviction, _levels=_LEVELS) -> Conviction:
    """A CONVICTION_FIELDS row as a Conviction (positional, in Conviction's field order: evaluation
    builds one per conviction of every record it reads)."""
    issues = r[17]
    return _new(
        r[0], r[2], code_section(r[3], r[4] or "", r[5] or "", r[6]), _levels.get(r[7]), _day(r[8]), r[9], r[10], r[11],
        r[12] or "", _day(r[13]), bool(r[14]), r[15], r[16], tuple(issues.split("; ")) if issues else (),
        _day(r[18]), r[19], r[20] or "", r[21] or "",
    )


def person_from_row(r) -> Person:
    return Person(id=r[0], subject_id=r[1], name=r[2], cii=r[3], dob=_day(r[4]), deceased=bool(r[5]),
                  pc290_registration=bool(r[6]), pc290_registration_date=_day(r[7]))


def with_cannabis_in(county: str, shard: tuple[int, int] | None = None):
    """Persons with a cannabis conviction in the county, or a possible plea bargain there (a conviction
    whose arrest cycle began with a cannabis arrest): each arm uses its own partial index, whose
    (county, person_id) order also serves a shard's range of person ids."""
    arms = []
    for where in (_C.is_cannabis.is_(True), _C.cannabis_arrest.is_not(None)):
        query = select(_C.person_id).where(_C.county == county, where)
        if shard is not None:
            query = query.where(_C.person_id.between(*shard))
        arms.append(query)
    return union(*arms)


def persons_with_cannabis_in(conn: Connection, county: str) -> list[int]:
    return sorted({row[0] for row in conn.execute(with_cannabis_in(county))})


def person_ranges(conn: Connection, county: str, parts: int) -> list[tuple[int, int]]:
    """The persons of `records_in_county` cut into at most `parts` ranges of person ids (first, last) with
    about as many persons each, in order: shards whose rows, and so their convictions, follow each other."""
    return person_ranges_of(persons_with_cannabis_in(conn, county), parts)


def person_ranges_of(ids: list[int], parts: int) -> list[tuple[int, int]]:
    """Sorted person ids cut into at most `parts` ranges (first, last) of about as many persons each."""
    if not ids:
        return []
    size = -(-len(ids) // max(1, parts))
    return [(ids[start], ids[min(start + size, len(ids)) - 1]) for start in range(0, len(ids), size)]


def records_in_county(conn: Connection, county: str, shard: tuple[int, int] | None = None) -> Iterator[PersonRecord]:
    """Whole records (all counties) of everyone with a cannabis conviction in `county`, streamed.

    `shard=(first, last)` keeps the persons whose id lies in that range (parallel evaluation). Rows come
    straight from the driver's cursor: evaluation reads every conviction of these persons."""
    who = with_cannabis_in(county, shard)
    people = {r[0]: person_from_row(r) for r in bulk.read_rows(conn, select(*PERSON_FIELDS).where(_P.id.in_(who)))}
    answers = answers_of(conn, who)
    query = select(*CONVICTION_FIELDS).where(_C.person_id.in_(who)).order_by(_C.person_id, _C.id)
    yield from _grouped(bulk.read_rows(conn, query), people, answers)


def load_records(conn: Connection, person_ids: list[int]) -> Iterator[PersonRecord]:
    """Whole records (all counties) for these persons."""
    for start in range(0, len(person_ids), 5000):
        ids = person_ids[start : start + 5000]
        people = {r[0]: person_from_row(r) for r in conn.execute(select(*PERSON_FIELDS).where(_P.id.in_(ids)))}
        answers = answers_of(conn, ids)
        query = select(*CONVICTION_FIELDS).where(_C.person_id.in_(ids)).order_by(_C.person_id, _C.id)
        yield from _grouped(conn.execute(query), people, answers)


def answers_of(conn: Connection, persons) -> dict[int, dict[tuple[int, str], str]]:
    """Attorneys' answers to the engine's questions, by person: {(conviction id, question key): value}.

    `persons` is a list of person ids or a subquery of them. One query; few convictions have
    answers, so it reads little (the latest answer per conviction and question stands)."""
    A, SA = m.QuestionAnswer, m.SentenceAnswer
    answers: dict[int, dict[tuple[int, str], str]] = {}
    # Most databases have no answers at all: two one-row probes instead of two joins over the persons.
    if conn.execute(select(A.id).limit(1)).first() is None and \
            conn.execute(select(SA.conviction_id).limit(1)).first() is None:
        return answers
    # `reviewer sentence` answers the engine's "is the sentence still being served?" too; an answer
    # given through `reviewer answer` is read after it.
    sentence = (select(_C.person_id, SA.conviction_id, SA.status)
                .join(_C, _C.id == SA.conviction_id).where(_C.person_id.in_(persons)))
    # A few persons (a case opened, a person re-evaluated after an answer): SQLAlchemy's cached statement;
    # bulk.read_rows compiles its query each time (2 ms, more than the reading).
    few = isinstance(persons, (list, tuple)) and len(persons) <= 50
    read = conn.execute if few else (lambda query: bulk.read_rows(conn, query))
    for person_id, conviction_id, status in read(sentence):
        answers.setdefault(person_id, {})[(conviction_id, SENTENCE_QUESTION)] = status
    query = (select(_C.person_id, A.conviction_id, A.question_key, A.value)
             .join(_C, _C.id == A.conviction_id).where(_C.person_id.in_(persons)).order_by(A.id))
    for person_id, conviction_id, key, value in read(query):
        answers.setdefault(person_id, {})[(conviction_id, key)] = value
    return answers


def _grouped(rows, people: dict[int, Person], answers: dict[int, dict]) -> Iterator[PersonRecord]:
    current, bucket = None, []
    for r in rows:
        if r[1] != current:
            if current is not None:
                yield _record(people[current], bucket, answers)
            current, bucket = r[1], []
        bucket.append(conviction_from_row(r))
    if current is not None:
        yield _record(people[current], bucket, answers)


def _record(person: Person, convictions: list[Conviction], answers: dict[int, dict]) -> PersonRecord:
    mine = answers.get(person.id) if answers else None
    return PersonRecord(person, tuple(convictions), mine) if mine else PersonRecord(person, tuple(convictions))


def load_record(conn: Connection, person_id: int) -> PersonRecord | None:
    return next(iter(load_records(conn, [person_id])), None)
