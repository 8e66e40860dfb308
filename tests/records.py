"""Small record factories for engine tests (no database, no files)."""
from __future__ import annotations

from datetime import date
from itertools import count

from reviewer.domain.code_section import parse_code_section
from reviewer.domain.records import Conviction, Person, PersonRecord
from reviewer.domain.vocabulary import Level

_ids = count(1)
LEVELS = {"F": Level.FELONY, "M": Level.MISDEMEANOR, "I": Level.INFRACTION}


def conv(code: str, on: str, level: str = "F", county: str = "SACRAMENTO", case: str | None = None,
         sentence_end: str | None = None, issues: tuple[str, ...] = (), arrested: str | None = None,
         kind: str = "", cycle_age: int | None = None, cannabis_arrest: str = "") -> Conviction:
    """One convicted count; `arrested` is the arrest date of its cycle (the offense-date evidence)."""
    n = next(_ids)
    return Conviction(
        id=n, offense_text=code, code=parse_code_section(code), level=LEVELS.get(level),
        disposition_date=date.fromisoformat(on), county=county, case_key=case or f"{n:03d}001",
        count_order=f"{n:03d}001001000", sentence_end=date.fromisoformat(sentence_end) if sentence_end else None,
        has_sentence=sentence_end is not None, source_file="t.csv", source_line=n, issues=issues,
        offense_date=date.fromisoformat(arrested) if arrested else None, cycle_age=cycle_age, sentence_kind=kind,
        cannabis_arrest=cannabis_arrest,
    )


def record(*convictions: Conviction, dob: str = "1970-01-01", deceased: bool = False,
           registered: str | None = None, answers: dict | None = None) -> PersonRecord:
    person = Person(subject_id="S1", name="DOE,JANE", dob=date.fromisoformat(dob) if dob else None,
                    deceased=deceased, pc290_registration=registered is not None,
                    pc290_registration_date=date.fromisoformat(registered) if registered and registered != "?" else None)
    return PersonRecord(person, tuple(convictions), answers or {})
