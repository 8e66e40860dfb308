"""A challenge rests on facts and relief grants something: refused when decided, held when printed.

Real SQLite file and PostgreSQL, the gogen fixture evaluated under the statute; papers read back
with pypdf. Conviction ids are looked up by what they are, not by number.
"""
from __future__ import annotations

from datetime import date

import pypdf
import pytest
from sqlalchemy import func, select, update

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Outcome, Role
from reviewer.services import deciding, printing
from reviewer.services.evaluating import evaluate
from reviewer.services.grounds import challenge_problem, grants_nothing, violent_felony_named
from reviewer.services.importing import import_file
from reviewer.services.office import save_office
from reviewer.store import models as m
from reviewer.store.database import Database
from tests.sample_office import OFFICE_DOCUMENT

ATTORNEY = User("A. Deputy", Role.ATTORNEY, "123456")
DOUBT = "relief depends on when the offense was committed"
FACTS = "The court file shows a sale to a minor on 05/01/2012 (count 2 of the complaint)."
DANGER = "Probation report of 06/01/2019: threatened to kill the victim of count 1 with a firearm."


@pytest.fixture
def db(db_url, gogen_dir):
    db = Database(db_url)
    import_file(db, gogen_dir / "no_headers.csv", user="tester")
    evaluate(db, "SAN JOAQUIN", date(2019, 11, 11), None, user="tester")
    save_office(db, OFFICE_DOCUMENT, "tester")
    yield db
    db.dispose()


def _one(db, numbered: bool = False, **where) -> int:
    """The first conviction whose columns hold these values (`numbered`: with a court case number)."""
    E, C = m.Evaluation, m.Conviction
    query = select(C.id).join(E, (E.conviction_id == C.id) & E.current.is_(True))
    if numbered:
        query = query.where(C.court_case != "")
    for column, value in where.items():
        query = query.where((getattr(C, column) if hasattr(C, column) else getattr(E, column)) == value)
    with db.session() as s:
        return s.scalars(query.order_by(C.id)).first()


def _decisions(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Decision))


def test_an_override_that_grants_nothing_is_refused_with_the_reason(db):
    misdemeanor = _one(db, level="M", suggestion="NEEDS_REVIEW")
    before = _decisions(db)
    with pytest.raises(deciding.DecisionRefused, match="already a misdemeanor: redesignating it as a misdemeanor "
                                                       "is not a lesser offense and grants nothing"):
        deciding.decide(db, misdemeanor, ATTORNEY, DecisionKind.OVERRIDE, Outcome.REDESIGNATE_MISDEMEANOR,
                        "The court file shows 6 plants.")
    assert _decisions(db) == before  # nothing recorded, nothing audited
    # a lesser outcome for the same conviction is recorded
    done = deciding.decide(db, misdemeanor, ATTORNEY, DecisionKind.OVERRIDE, Outcome.REDESIGNATE_INFRACTION,
                           "The court file shows 6 plants at age 19.")
    assert done.outcome is Outcome.REDESIGNATE_INFRACTION
    assert grants_nothing(Outcome.REDESIGNATE_MISDEMEANOR, "I").startswith("The conviction is already an infraction")
    assert grants_nothing(Outcome.REDESIGNATE_INFRACTION, "I") and grants_nothing(Outcome.REDESIGNATE_INFRACTION, "M") is None
    assert grants_nothing(Outcome.DISMISS_AND_SEAL, "I") is None and grants_nothing(Outcome.REDESIGNATE_MISDEMEANOR, "F") is None


def test_a_challenge_needs_facts_not_a_doubt(db):
    eligible = _one(db, suggestion="REDESIGNATE_MISDEMEANOR", sentence_status="COMPLETED")
    for reason, says in ((DOUBT, "states a doubt"), ("Prior record?", "at least 3 words"),
                         ("Sale may have been to a minor.", "states a doubt")):
        with pytest.raises(deciding.DecisionRefused, match=says):
            deciding.decide(db, eligible, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE, reason)
    assert deciding.decide(db, eligible, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE,
                           FACTS).outcome is Outcome.CHALLENGE_NOT_ELIGIBLE


def test_a_public_safety_challenge_names_the_violent_felony_feared(db, tmp_path):
    serving = _one(db, sentence_status="SERVING")
    with pytest.raises(deciding.DecisionRefused, match=r"must name what makes the risk unreasonable.*1170\.18, subd\. \(c\)"):
        deciding.decide(db, serving, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_PUBLIC_SAFETY,
                        "Recent violent conduct, see probation report.")
    deciding.decide(db, serving, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_PUBLIC_SAFETY, DANGER)
    assert violent_felony_named(DANGER).startswith("a homicide")
    key = next(c.key for c in printing.list_cases(db, "all") if serving in _ids(db, c.key))
    report = printing.print_batch(db, tmp_path / "out", "clerk", keys=[key])
    assert report.printed == 1
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(str(report.combined)).pages).split())
    assert ("an unreasonable risk that the defendant will commit a new violent felony described in Penal Code "
            "section 667, subdivision (e)(2)(C)(iv), namely a homicide or attempted homicide") in text
    assert "The People state: Probation report of 06/01/2019: threatened to kill" in text


def _ids(db, key) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(m.Conviction.id).where(m.Conviction.person_id == key[0],
                                                            m.Conviction.case_key == key[1])))


def test_a_doubt_is_never_printed_as_a_ground(db, tmp_path):
    """An after-AUMA conviction the engine sends to review: its doubt is not a fact; the attorney's facts are."""
    doubtful = _one(db, suggestion="NEEDS_REVIEW", level="M")
    with db.session() as s:
        assert "relief depends on whether the offense came before" in s.get(m.Evaluation, _eval_id(s, doubtful)).reasons
    deciding.decide(db, doubtful, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE, FACTS)
    key = next(c.key for c in printing.list_cases(db, "all") if doubtful in _ids(db, c.key))
    _decide_the_rest(db, key)
    report = printing.print_batch(db, tmp_path / "out", "clerk", keys=[key])
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(str(report.combined)).pages).split())
    notice = text[text.index("PEOPLE'S NOTICE OF CHALLENGE TO RELIEF"):]
    assert "depends on" not in notice and "reviewing attorney" not in notice
    grounds = notice[notice.index("GROUNDS"):notice.index("The People ask the Court")]
    assert "The People state: " + FACTS in grounds


def _decide_the_rest(db, key) -> None:
    """Every other count of the court case decided (accepted, or dismissed by hand), so that it prints."""
    rest = [cid for cid in _ids(db, key) if cid in set(deciding.pending_ids(db))]
    deciding.accept_many(db, rest, ATTORNEY)
    for cid in set(rest) & set(deciding.pending_ids(db)):
        deciding.decide(db, cid, ATTORNEY, DecisionKind.OVERRIDE, Outcome.DISMISS_AND_SEAL, "Reviewed the court file.")


def _eval_id(s, conviction_id: int) -> int:
    return s.scalar(select(m.Evaluation.id).where(m.Evaluation.conviction_id == conviction_id,
                                                  m.Evaluation.current.is_(True)))


def test_a_challenge_recorded_without_facts_is_held_not_printed(db, tmp_path):
    """A decision made before these checks (its reason a doubt) is held at print time, with the reason."""
    eligible = _one(db, numbered=True, sentence_status="COMPLETED")
    deciding.decide(db, eligible, ATTORNEY, DecisionKind.OVERRIDE, Outcome.CHALLENGE_NOT_ELIGIBLE, FACTS)
    with db.session() as s:  # as an older version of Reviewer could have recorded it
        s.execute(update(m.Decision).where(m.Decision.conviction_id == eligible).values(reason=DOUBT))
    key = next(c.key for c in printing.list_cases(db, "all") if eligible in _ids(db, c.key))
    listed = next(c for c in printing.list_cases(db, "all") if c.key == key)
    assert listed.held and any("challenge without a factual ground" in p for p in listed.problems)
    report = printing.print_batch(db, tmp_path / "out", "clerk", keys=[key])
    assert report.printed == 0 and report.no_ground == [key]
    assert "a challenge has no factual ground" in report.summary()
    assert not list((tmp_path / "out" / "cases").glob("*.pdf"))
    with pytest.raises(printing.PrintRefused, match="factual ground"):
        printing.preview(db, key, tmp_path / "look.pdf")


def test_challenge_problem_accepts_the_engines_facts():
    fact = {"rule": "prior-super-strike", "citation": "PC 667(e)(2)(C)(iv)", "text": "prior conviction PC 187 ..."}
    assert challenge_problem(Outcome.CHALLENGE_NOT_ELIGIBLE, "", (fact,)) is None
    assert "attorney's reason" in challenge_problem(Outcome.CHALLENGE_NOT_ELIGIBLE, "", ())
