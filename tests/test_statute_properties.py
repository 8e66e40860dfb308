"""Properties of the statute layer over generated records (hypothesis).

A conviction's suggestion rests on the record as it stood at the time of the offense (People v.
Smit (2018) 24 Cal.App.5th 596; HS 11361.8(a)): it never depends on the order of the rows, and
never on convictions entered after it.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from reviewer.domain.code_section import parse_code_section
from reviewer.domain.records import Conviction, Person, PersonRecord
from reviewer.domain.vocabulary import Level
from reviewer.engine.evaluate import evaluate_record

AS_OF = date(2019, 11, 11)
CODES = [
    "11357 HS", "11357(B) HS", "11357(A) HS", "11358 HS", "11359 HS", "11360(A) HS", "11360(B) HS",
    "11359(B) HS", "11360(A)(3)(C) HS", "187 PC", "664/187 PC", "207 PC", "261 PC", "261(A)(2) PC",
    "288(A) PC", "314.1 PC", "220 PC", "192(A) PC", "459 PC", "11364 HS", "136.1 PC", "186.22(B)(4) PC",
]
LEVELS = [Level.FELONY, Level.MISDEMEANOR, Level.INFRACTION]


@st.composite
def convictions(draw, start_id: int = 1, count=st.integers(1, 7)):
    n = draw(count)
    out = []
    for i in range(n):
        code = draw(st.sampled_from(CODES))
        day = date(1980, 1, 1) + timedelta(days=draw(st.integers(0, 14000)))
        arrested = draw(st.one_of(st.none(), st.integers(0, 900)))
        cid = start_id + i
        out.append(Conviction(
            id=cid, offense_text=code, code=parse_code_section(code), level=draw(st.sampled_from(LEVELS)),
            disposition_date=day, county=draw(st.sampled_from(["SACRAMENTO", "YOLO"])),
            case_key=f"{draw(st.integers(1, 4)):03d}001", count_order=f"{cid:03d}001001000",
            offense_date=None if arrested is None else day - timedelta(days=arrested),
            source_file="t.csv", source_line=cid,
        ))
    return out


def _person(registered: bool) -> Person:
    return Person(subject_id="S1", dob=date(1962, 5, 5), pc290_registration=registered,
                  pc290_registration_date=date(1995, 1, 1) if registered else None)


def _by_id(record: PersonRecord) -> dict[int, tuple]:
    return {ev.conviction_id: (ev.suggestion, frozenset(r.text for r in ev.reasons),
                               frozenset(q.key for q in ev.questions))
            for ev in evaluate_record(record, "SACRAMENTO", AS_OF)}


@settings(max_examples=200, deadline=None)
@given(convictions(), st.booleans(), st.randoms(use_true_random=False))
def test_suggestions_never_depend_on_row_order(convs, registered, rnd):
    person = _person(registered)
    shuffled = list(convs)
    rnd.shuffle(shuffled)
    assert _by_id(PersonRecord(person, tuple(convs))) == _by_id(PersonRecord(person, tuple(shuffled)))


@settings(max_examples=200, deadline=None)
@given(convictions(), convictions(start_id=100), st.booleans())
def test_suggestions_never_depend_on_convictions_after_them(convs, later, registered):
    person = _person(registered)
    before = _by_id(PersonRecord(person, tuple(convs)))
    last = max(c.disposition_date for c in convs)
    # Later convictions: disposed after every conviction above, in court cases of their own.
    pushed = [replace(c, disposition_date=last + timedelta(days=1 + i), offense_date=last + timedelta(days=1 + i),
                      case_key=f"9{i:02d}001", county="YOLO") for i, c in enumerate(later)]
    after = _by_id(PersonRecord(person, tuple(convs) + tuple(pushed)))
    assert {k: after[k] for k in before} == before
