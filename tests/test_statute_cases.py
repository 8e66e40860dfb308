"""Hand-made records checked against the statute text, one per class of record (issue 10).

Each case names the subdivision that decides it. The points are those of ../shared/DOMAIN.md
("Points that are easy to get wrong") and of issue 10, with their citations:

0. spellings: a cannabis conviction that cannot be read is flagged and reviewed, never dropped;
1. super strikes, PC 667(e)(2)(C)(iv): attempts only for homicide ((IV), PC 187-191.5; PC 664(a));
   PC 192 is outside; PC 207 only with intent (WIC 6600(b)); 217.1(b) not (a); 653f(b) only;
   PC 206 torture (PC 206.1) and conspiracy to murder (PC 182(a)) count;
2. PC 290(c): felony 288.2, 272 lewd conduct, attempts, "314.1 PC"; qualifiers the record cannot
   show are questions;
3. "two or more prior convictions under" HS 11360(a)(2), 11359(b), 11358(c): a now-lawful prior is not one;
4. a prior exists at the time of the offense (People v. Smit (2018) 24 Cal.App.5th 596), never in the
   same court case; undated would-be disqualifiers are questions;
5. under 18 at the offense: HS 11358(a), 11359(a), 11360(a)(1) punish as HS 11357(b)(1);
6. misdemeanor HS 11358 and 11360 may be lawful now (HS 11362.1): a question;
7. convictions after 2016-11-08: AUMA-only subsections, disqualifiers first, then the offense date;
8. HS 11357 letters by the law on the disposition date;
9. a PC 290 registration without a PC 290(c) conviction: a question;
10. sentence status per count: longest part, prison then parole/PRCS (HS 11361.8(a),(e));
11. possible plea bargains at the arrest cycle.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable

import pytest

from reviewer.domain.records import PersonRecord
from reviewer.domain.vocabulary import SentenceStatus, Suggestion
from reviewer.engine.evaluate import evaluate_record
from tests.records import conv, record

AS_OF = date(2019, 11, 11)
S = Suggestion
F, M, I = "F", "M", "I"


@dataclass
class Case:
    point: str
    why: str  # the statute that decides it
    build: Callable[[], PersonRecord]
    expected: Suggestion
    reason_has: tuple[str, ...] = ()  # words the explanation must contain
    question: str = ""  # the key of a question the evaluation must carry
    leads: dict = field(default_factory=dict)  # answer value -> suggestion, for `question`
    citation_has: str = ""
    not_reason: tuple[str, ...] = ()


def _c(*args, **kw):
    return lambda: record(*args, **kw)


def at_step(c, cycle: str, step: str, number: str = ""):
    """`c` recorded at court step `step` of arrest cycle `cycle`, under court case `number`."""
    return replace(c, count_order=f"{cycle}{step}001000", case_key=f"{cycle}{step}", court_case=number)


def cannabis(code="11359 HS-POSSESS FOR SALE", on="2010-06-01", level=F, arrested="2010-01-15", **kw):
    return conv(code, on, level, arrested=arrested, **kw)


CASES = [
    # --- 0. spellings ------------------------------------------------------------------------
    Case("0", "an unreadable cannabis offense is flagged and goes to review",
         lambda: record(conv("11359 HS", "2010-06-01", issues=("t.csv line 4: OFFENSE_DESCR: names HS 11359 but "
                                                                "could not be read",))),
         S.NEEDS_REVIEW, ("could not be read",)),
    Case("0", "HS 11360(a) written run together is HS 11360(a): a gift or transport of 28.5 g or less is lawful now "
              "(HS 11362.1(a)(1)), more a misdemeanor (HS 11360(a)(2)): asked",
         _c(cannabis("11360A HS-SELL MARIJUANA")), S.NEEDS_REVIEW, question="gift-28.5g",
         leads={"yes": S.DISMISS_AND_SEAL, "no": S.REDESIGNATE_MISDEMEANOR}, citation_has="HS 11360(a)(2)"),
    Case("0", "HS 11357(b) written run together, before AUMA: 28.5 g or less, lawful now (HS 11362.1(a)(1))",
         _c(cannabis("11357B HS-POSS MARIJ 28.5 GRMS/LESS", level=M)), S.DISMISS_AND_SEAL, ("lawful",)),
    # --- 1. super strikes ----------------------------------------------------------------------
    Case("1", "attempted murder is a super strike: PC 667(e)(2)(C)(iv)(IV) includes attempts",
         _c(conv("664/187 PC-ATTEMPTED MURDER", "1990-01-01"), cannabis()), S.NOT_ELIGIBLE,
         ("664/187", "1990-01-01"), citation_has="(iv)(IV)"),
    Case("1", "attempted aggravated mayhem is not a super strike: PC 664(a) punishes 5, 7 or 9 years, not life",
         _c(conv("664/205 PC-ATT AGGRAVATED MAYHEM", "1990-01-01"), cannabis()), S.REDESIGNATE_MISDEMEANOR,
         ("no prior super strike (PC 667(e)(2)(C)(iv))",)),
    Case("1", "PC 192 manslaughter is outside PC 187-191.5: not (iv)(IV)",
         _c(conv("192(A) PC-VOLUNTARY MANSLAUGHTER", "1995-01-01"), cannabis()), S.REDESIGNATE_MISDEMEANOR,
         not_reason=("187-191.5 is",)),
    Case("1", "PC 191.5 gross vehicular manslaughter while intoxicated is inside PC 187-191.5",
         _c(conv("191.5(A) PC-GROSS VEH MANSL", "1995-01-01"), cannabis()), S.NOT_ELIGIBLE),
    Case("1", "simple kidnapping PC 207 counts only with intent to commit a sex offense (WIC 6600(b)): a question",
         _c(conv("207(A) PC-KIDNAPPING", "1995-01-01"), cannabis()), S.NEEDS_REVIEW,
         question="qualifier", leads={"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("1", "PC 217.1(a) is an assault on a public official, not the attempted murder of (b)",
         _c(conv("217.1(A) PC-ASSAULT PUBLIC OFFICIAL", "1995-01-01"), cannabis()), S.REDESIGNATE_MISDEMEANOR),
    Case("1", "PC 217.1(b) attempted murder of a public official is a super strike ((iv)(IV))",
         _c(conv("217.1(B) PC-ATT MURDER OFFICIAL", "1995-01-01"), cannabis()), S.NOT_ELIGIBLE),
    Case("1", "PC 206 torture is punishable by life (PC 206.1): (iv)(VIII)",
         _c(conv("206 PC-TORTURE", "1995-01-01"), cannabis()), S.NOT_ELIGIBLE, citation_has="206.1"),
    Case("1", "conspiracy to commit murder is punished as murder (PC 182(a)): (iv)(VIII)",
         _c(conv("182(A)(1) PC-CONSPIRACY TO COMMIT MURDER", "1995-01-01"), cannabis()), S.NOT_ELIGIBLE,
         citation_has="182(a)"),
    Case("1", "PC 653f without subdivision cannot be read as 653f(b): a question",
         _c(conv("653F PC-SOLICIT CRIME", "1995-01-01"), cannabis()), S.NEEDS_REVIEW, question="qualifier"),
    Case("1", "PC 653f(b) solicitation of murder is (iv)(V)",
         _c(conv("653F(B) PC-SOLICIT MURDER", "1995-01-01"), cannabis()), S.NOT_ELIGIBLE, citation_has="(iv)(V)"),
    Case("1", "PC 261(a)(2) rape by force is a sexually violent offense ((iv)(I))",
         _c(conv("261(A)(2) PC-RAPE BY FORCE", "1995-01-01"), cannabis()), S.NOT_ELIGIBLE),
    # --- 2. PC 290(c) ---------------------------------------------------------------------------
    Case("2", "any felony violation of PC 288.2 is a PC 290(c) offense",
         _c(conv("288.2(A) PC-HARMFUL MATTER TO MINOR", "1999-01-01", F), cannabis()), S.NOT_ELIGIBLE,
         ("PC 290(c)",)),
    Case("2", "a misdemeanor PC 288.2 is not listed in PC 290(c)",
         _c(conv("288.2(A) PC-HARMFUL MATTER TO MINOR", "1999-01-01", M), cannabis()), S.REDESIGNATE_MISDEMEANOR),
    Case("2", "PC 272 counts only for lewd or lascivious conduct (PC 290(c)): a question",
         _c(conv("272 PC-CONTRIBUTE DELINQ MINOR", "1999-01-01", M), cannabis()), S.NEEDS_REVIEW,
         question="qualifier", leads={"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("2", "an attempt of a listed offense is a PC 290(c) offense",
         _c(conv("664/288(A) PC-ATT LEWD ACT CHILD", "1999-01-01"), cannabis()), S.NOT_ELIGIBLE, ("PC 290(c)",)),
    Case("2", '"314.1 PC" is PC 314, paragraph 1, listed in PC 290(c)',
         _c(conv("314.1 PC-INDECENT EXPOSURE", "1999-01-01", M), cannabis()), S.NOT_ELIGIBLE),
    Case("2", "PC 261 without paragraph: (a)(5) and (a)(7) are not listed in PC 290(c), so a question",
         _c(conv("261 PC-RAPE", "1999-01-01"), cannabis()), S.NEEDS_REVIEW, question="qualifier"),
    Case("2", "PC 220 is listed except assault to commit mayhem: a question",
         _c(conv("220 PC-ASSAULT W/INT COMMIT MAYHEM/ETC", "1999-01-01"), cannabis()), S.NEEDS_REVIEW,
         question="qualifier"),
    # --- 3. two or more priors --------------------------------------------------------------------
    Case("3", "two prior HS 11359 possession-for-sale convictions: HS 11359(c)(2)",
         _c(conv("11359 HS", "2001-01-01"), conv("11359 HS", "2003-01-01"), cannabis()), S.NOT_ELIGIBLE,
         ("2 (2 needed)",), citation_has="11359(c)(2)"),
    Case("3", "a prior HS 11360(b) gift of 28.5 g or less is not a prior under HS 11360(a)(2)",
         _c(conv("11360(B) HS-GIVE AWAY", "2001-01-01", M), conv("11360(A)(2) HS", "2003-01-01"),
            cannabis("11360(A)(2) HS-SELL")), S.REDESIGNATE_MISDEMEANOR, ("1 (2 needed)",)),
    Case("3", "a prior committed under 18 (an infraction now, HS 11359(a)) is not a prior under HS 11359(b)",
         _c(conv("11359 HS", "1987-01-01", arrested="1986-06-01"), conv("11359 HS", "2003-01-01"), cannabis(),
            dob="1970-01-01"), S.REDESIGNATE_MISDEMEANOR, ("1 (2 needed)",)),
    Case("3", "a misdemeanor HS 11358 prior may have been six plants or fewer (lawful now): a question",
         _c(conv("11358 HS", "2001-01-01", M), conv("11358(C) HS", "2003-01-01"),
            cannabis("11358(C) HS-CULTIVATE >6 PLANTS")),
         S.NEEDS_REVIEW, question="counts", leads={"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("3", "a felony HS 11358 prior before AUMA may have been six plants or fewer: every cultivation was a "
              "felony then, and six plants or fewer is lawful now (HS 11362.1(a)(3)): a question",
         _c(conv("11358 HS", "2001-01-01"), conv("11358(C) HS", "2003-01-01"),
            cannabis("11358(C) HS-CULTIVATE >6 PLANTS")),
         S.NEEDS_REVIEW, question="counts", leads={"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("3", "one prior count recorded again at a later court step of its case (a probation violation) is one "
              "prior conviction, not two: HS 11359(c)(2)",
         _c(at_step(conv("11359 HS", "2001-01-01"), "201", "001", "CR1001"),
            at_step(conv("11359 HS", "2002-06-01"), "201", "002", "CR1001"), cannabis()),
         S.REDESIGNATE_MISDEMEANOR, ("1 (2 needed)",)),
    Case("3", "the same offense at two court steps of one arrest without case numbers: one conviction or two? asked",
         _c(at_step(conv("11359 HS", "2001-01-01"), "201", "001"),
            at_step(conv("11359 HS", "2002-06-01"), "201", "002"), cannabis()),
         S.NEEDS_REVIEW, question="separate", leads={"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("3", "two court cases of one arrest cycle are two prior convictions: HS 11359(c)(2)",
         _c(at_step(conv("11359 HS", "2001-01-01"), "201", "001", "CR1001"),
            at_step(conv("11359 HS", "2002-06-01"), "201", "002", "CR2002"), cannabis()),
         S.NOT_ELIGIBLE, ("2 (2 needed)",)),
    Case("4", "a conviction of the same court case at an earlier court step is never a prior",
         _c(at_step(conv("187 PC-MURDER", "2009-06-01"), "301", "001", "CR3003"),
            at_step(cannabis(arrested=None), "301", "002", "CR3003")), S.REDESIGNATE_MISDEMEANOR),
    Case("3", "priors of another section do not count: HS 11359(c)(2) counts 11359(b) priors only",
         _c(conv("11358 HS", "2001-01-01"), conv("11360(A) HS", "2003-01-01"), cannabis()),
         S.REDESIGNATE_MISDEMEANOR, ("0 (2 needed)",)),
    # --- 4. what prior means -----------------------------------------------------------------------
    Case("4", "a conviction in the same court case is never a prior",
         _c(conv("187 PC-MURDER", "2010-06-01", case="101001"), cannabis(case="101001")), S.REDESIGNATE_MISDEMEANOR,
         ("not priors",)),
    Case("4", "a conviction between the cannabis arrest and its disposition is not a prior (Smit)",
         _c(conv("187 PC-MURDER", "2010-03-01", case="102001"), cannabis(arrested="2010-01-15", case="103001")),
         S.REDESIGNATE_MISDEMEANOR),
    Case("4", "without an arrest date, a conviction shortly before the disposition may postdate the offense: asked",
         _c(conv("187 PC-MURDER", "2010-03-01", case="102001"), cannabis(arrested=None, case="103001")),
         S.NEEDS_REVIEW, question="prior", leads={"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("4", "an undated would-be disqualifier is never ignored: asked, naming it",
         lambda: record(replace(conv("187 PC-MURDER", "2000-01-01", case="102001"), disposition_date=None),
                        cannabis()),
         S.NEEDS_REVIEW, question="prior"),
    Case("4", "a prior from another county counts",
         _c(conv("187 PC-MURDER", "1991-04-11", county="YOLO"), cannabis()), S.NOT_ELIGIBLE, ("Yolo County",)),
    # --- 5. age ---------------------------------------------------------------------------------------
    Case("5", "under 18 at the offense, HS 11359(a) punishes as HS 11357(b)(1): an infraction, priors or not",
         _c(conv("187 PC-MURDER", "1985-01-01"), cannabis(on="1989-03-01", arrested="1988-06-01"), dob="1971-01-01"),
         S.REDESIGNATE_INFRACTION, citation_has="11359(a)"),
    Case("5", "under 18 at the offense, HS 11358(a): an infraction",
         _c(cannabis("11358 HS-CULTIVATE", on="1990-03-01", arrested="1989-06-01"), dob="1972-01-01"),
         S.REDESIGNATE_INFRACTION),
    Case("5", "18 or older at the offense: HS 11360(a)(2) misdemeanor, even if under 21",
         _c(cannabis("11360(A)(2) HS-SELL", on="1990-03-01", arrested="1989-06-01"), dob="1970-01-01"),
         S.REDESIGNATE_MISDEMEANOR),
    Case("5", "convicted after AUMA for an offense before it at 16: HS 11359(a) punishes it as HS 11357(b)(1), "
              "and the felony exceptions ((c)) reach only 18 or older",
         _c(conv("187 PC-MURDER", "2015-01-01"), cannabis(on="2017-03-01", arrested="2016-06-01"), dob="2000-01-01"),
         S.REDESIGNATE_INFRACTION, citation_has="11359(a)", not_reason=("whatever the offense date",)),
    Case("6", "felony HS 11358 without a subdivision: every cultivation was a felony before AUMA, and six plants or "
              "fewer is lawful now (HS 11362.1(a)(3)); more is a misdemeanor (HS 11358(c)): asked",
         _c(cannabis("11358 HS-CULTIVATE")), S.NEEDS_REVIEW, ("no felony exception",), question="plants-6",
         leads={"yes": S.DISMISS_AND_SEAL, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("5", "HS 11357(b) before AUMA under 21 at the offense: an infraction now (HS 11357(a))",
         _c(cannabis("11357(B) HS", on="1991-03-01", arrested="1990-06-01", level=M), dob="1971-01-01"),
         S.REDESIGNATE_INFRACTION),
    Case("5", "CYC_AGE decides where the date of birth is missing",
         _c(cannabis("11359 HS", on="1991-03-01", arrested=None, cycle_age=16), dob=None), S.REDESIGNATE_INFRACTION),
    # --- 6. misdemeanor HS 11358 / 11360 ----------------------------------------------------------------
    Case("6", "misdemeanor HS 11358: six plants or fewer is lawful now (HS 11362.1(a)(3)): a question",
         _c(cannabis("11358 HS-CULTIVATE", level=M)), S.NEEDS_REVIEW, question="plants-6",
         leads={"yes": S.DISMISS_AND_SEAL, "no": S.NOT_ELIGIBLE}),
    Case("6", "misdemeanor HS 11360: giving away or transporting 28.5 g or less is lawful now: a question",
         _c(cannabis("11360(A) HS-TRANSPORT", level=M)), S.NEEDS_REVIEW, question="gift-28.5g",
         leads={"yes": S.DISMISS_AND_SEAL, "no": S.NOT_ELIGIBLE}),
    Case("6", "misdemeanor HS 11359 is already what HS 11359(b) provides",
         _c(cannabis("11359 HS", level=M)), S.NOT_ELIGIBLE, citation_has="11359(b)"),
    # --- 7. after 2016-11-08 -------------------------------------------------------------------------------
    Case("7", "HS 11359(b) exists only in the AUMA text: sentenced under current law",
         _c(cannabis("11359(B) HS", on="2017-06-01", level=M, arrested="2017-01-01")), S.NOT_ELIGIBLE,
         ("only in the text AUMA enacted",)),
    Case("7", "HS 11360(a)(3)(C) after AUMA: not eligible",
         _c(cannabis("11360(A)(3)(C) HS", on="2017-06-01", arrested=None)), S.NOT_ELIGIBLE),
    Case("7", "a disqualifier decides before the offense-date question",
         _c(conv("187 PC-MURDER", "1995-01-01"), cannabis("11359 HS", on="2017-06-01", arrested=None)),
         S.NOT_ELIGIBLE),
    Case("7", "after AUMA with no arrest date: was the offense before 2016-11-09? a question",
         _c(cannabis("11359 HS", on="2017-06-01", arrested=None)), S.NEEDS_REVIEW, question="offense-before-auma",
         leads={"yes": S.REDESIGNATE_MISDEMEANOR, "no": S.NOT_ELIGIBLE}),
    Case("7", "after AUMA for an offense before it, a prior the record leaves open: answering that it is a super "
              "strike leads where the answer, once given, goes (the exception applies whatever the offense date)",
         _c(conv("220 PC-ASSAULT W/INT COMMIT MAYHEM/ETC", "1995-01-01"),
            cannabis("11360 HS-TRANSPORT/SELL", on="2017-03-01", arrested="2016-06-01")), S.NEEDS_REVIEW,
         question="qualifier", leads={"yes": S.NOT_ELIGIBLE, "no": S.NEEDS_REVIEW}),
    Case("7", "after AUMA, arrested before it: the offense came before AUMA (HS 11361.8(a))",
         _c(cannabis("11359 HS", on="2017-06-01", arrested="2016-05-01")), S.REDESIGNATE_MISDEMEANOR),
    Case("7", "HS 11358(d)(3) is a disqualifying subsection",
         _c(cannabis("11358(D)(3) HS", on="2018-06-01", arrested="2018-01-01")), S.NOT_ELIGIBLE),
    # --- 8. HS 11357 letters ---------------------------------------------------------------------------------
    Case("8", "before AUMA HS 11357(a) was concentrated cannabis: the amount decides (HS 11362.1(a)(2))",
         _c(cannabis("11357(A) HS-POSS CONC CANNABIS", level=F)), S.NEEDS_REVIEW, question="amount-8g-concentrate",
         leads={"yes": S.DISMISS_AND_SEAL, "no": S.REDESIGNATE_MISDEMEANOR}),
    Case("8", "before AUMA HS 11357(c) was more than 28.5 g: still a misdemeanor (HS 11357(b)(2))",
         _c(cannabis("11357(C) HS", level=M)), S.NOT_ELIGIBLE, citation_has="11357(b)(2)"),
    Case("8", "before AUMA HS 11357(e) was school grounds under 18: an infraction now (HS 11357(d))",
         _c(cannabis("11357(E) HS", level=M, on="1990-03-01", arrested="1990-01-01"), dob="1973-01-01"),
         S.REDESIGNATE_INFRACTION, citation_has="11357(d)"),
    Case("8", "HS 11357(b) convicted after AUMA for an offense before it: 28.5 g or less in the old text (lawful now), "
              "more than 28.5 g in AUMA's (an offense still); which text is open (In re Estrada): asked",
         _c(cannabis("11357(B) HS-POSSESS MARIJUANA", level=I, on="2016-12-01", arrested="2016-10-01")),
         S.NEEDS_REVIEW, ("does not show which text",), question="11357-text",
         leads={"before": S.DISMISS_AND_SEAL, "after": S.NOT_ELIGIBLE}),
    Case("8", "HS 11357(c) convicted after AUMA for an offense before it: a misdemeanor under either text (more than "
              "28.5 g before; school grounds at 18 or older after): nothing lesser to give, said so",
         _c(cannabis("11357(C) HS-POSSESS MARIJUANA", level=M, on="2017-01-10", arrested="2016-10-01")),
         S.NOT_ELIGIBLE, ("either way",)),
    Case("8", "HS 11357 without subsection: the amount decides, asked",
         _c(cannabis("11357 HS-NO SPECIFIED SUBSECTI", level=M)), S.NEEDS_REVIEW, question="amount-28.5g",
         leads={"yes": S.DISMISS_AND_SEAL, "no": S.NOT_ELIGIBLE}),
    # --- 9. registration --------------------------------------------------------------------------------------
    Case("9", "a PC 290 registration without a 290(c) conviction on the record: named and asked",
         _c(cannabis(), registered="2000-01-01"), S.NEEDS_REVIEW, ("PC 290 offender on 2000-01-01",),
         question="pc290-registration", leads={"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}),
    # --- 11. plea bargains ----------------------------------------------------------------------------------------
    Case("11", "a cycle that began with a cannabis arrest and convicted only HS 11364 is reviewed",
         _c(conv("11364 HS-POSSESS PARAPHERNALIA", "2012-06-01", M, arrested="2012-01-01",
                 cannabis_arrest="11359 HS-POSSESS FOR SALE, arrested 2012-01-01")),
         S.NEEDS_REVIEW, ("11359 HS-POSSESS FOR SALE", "11364 HS")),
]


def _target(rec: PersonRecord):
    results = evaluate_record(rec, "SACRAMENTO", AS_OF)
    # The conviction under review is the last one built (priors first).
    return max(results, key=lambda e: e.conviction_id)


def test_the_set_covers_every_numbered_point_and_has_forty_cases():
    assert len(CASES) >= 40
    assert {c.point for c in CASES} >= {str(n) for n in range(12)} - {"10"}  # 10: test_sentence_status_cases


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.point}:{c.why[:60]}")
def test_hand_made_record(case: Case):
    ev = _target(case.build())
    text = " ".join(r.text for r in ev.reasons)
    assert ev.suggestion is case.expected, f"{case.why}: {[str(r) for r in ev.reasons]}"
    for words in case.reason_has:
        assert words in text, f"{case.why}: {words!r} not in {text!r}"
    for words in case.not_reason:
        assert words not in text
    if case.citation_has:
        assert any(case.citation_has in r.citation for r in ev.reasons), [r.citation for r in ev.reasons]
    assert all(r.citation for r in ev.reasons if r.rule != "data-problem"), "every statute reason cites the law"
    if case.expected is S.NEEDS_REVIEW and ev.reasons[0].rule not in ("data-problem", "possible-plea-bargain"):
        assert ev.questions, "every NEEDS_REVIEW carries the questions that decide it"
    if case.question:
        matching = [q for q in ev.questions if q.key.startswith(case.question)]
        assert matching, [q.key for q in ev.questions]
        if case.leads:
            assert {a.value: a.suggestion for a in matching[0].answers} == case.leads


@pytest.mark.parametrize("case", [c for c in CASES if c.leads], ids=lambda c: f"{c.point}:{c.why[:50]}")
def test_answering_each_question_gives_the_suggestion_it_promised(case: Case):
    rec = case.build()
    ev = _target(rec)
    question = next(q for q in ev.questions if q.key.startswith(case.question))
    for answer in question.answers:
        answered = PersonRecord(rec.person, rec.convictions, {(ev.conviction_id, question.key): answer.value})
        after = _target(answered)
        assert after.suggestion is answer.suggestion
        assert any(r.rule == f"answer:{question.key}" and answer.label in r.text for r in after.reasons)


@pytest.mark.parametrize("kind,end,expected", [
    ("probation", "2020-06-01", SentenceStatus.SERVING),
    ("jail", "2018-06-01", SentenceStatus.COMPLETED),
    # After prison comes parole or PRCS (PC 3000(b), 3456): the record cannot tell within three years.
    ("prison", "2018-06-01", SentenceStatus.UNKNOWN),
    ("prison", "2012-06-01", SentenceStatus.COMPLETED),
    ("prison", "2021-06-01", SentenceStatus.SERVING),
])
def test_sentence_status_cases(kind, end, expected):
    """HS 11361.8(a) (still serving) versus (e) (completed), per count (issue 10 point 10)."""
    ev = _target(record(cannabis(sentence_end=end, kind=kind)))
    assert ev.sentence_status is expected
    if expected is SentenceStatus.UNKNOWN:
        assert any(q.key == "sentence-serving" for q in ev.questions)


@pytest.mark.parametrize("end,kind,cite", [
    ("2021-01-01", "probation", "HS 11361.8(a),(b)"),
    ("2015-01-01", "probation", "HS 11361.8(e),(f)"),
    ("2018-06-01", "prison", "HS 11361.8(b); HS 11361.8(f)"),
])
def test_relief_names_the_subdivision_it_goes_through_and_why(end, kind, cite):
    """HS 11361.8(b) resentencing while serving, (f) redesignation or dismissal once completed; where
    the record cannot tell, both, with the question (never a bare "(b),(f)")."""
    ev = _target(record(cannabis(sentence_end=end, kind=kind)))
    assert ev.suggestion is S.REDESIGNATE_MISDEMEANOR
    (procedure,) = [r for r in ev.reasons if r.rule == "relief-procedure"]
    assert procedure.citation == cite
    assert not any("(b),(f)" in r.citation for r in ev.reasons)


def test_a_policy_that_goes_further_than_the_statute_shows_both_layers():
    from reviewer.engine.policy import policy_from_document
    policy = policy_from_document({"baselineEligibility": {"dismiss": ["11357"]}})
    rec = record(cannabis("11357 HS-NO SPECIFIED SUBSECTI", level=M))
    (ev,) = evaluate_record(rec, "SACRAMENTO", AS_OF, policy)
    assert ev.suggestion is S.DISMISS_AND_SEAL and ev.statute_suggestion is S.NEEDS_REVIEW
    layer = next(r for r in ev.reasons if r.rule == "statute-alone")
    assert "county policy" in layer.text and "needs review" in layer.text
    assert any(r.rule == "11357-no-subsection" for r in ev.reasons)


def test_a_prior_recorded_again_at_a_later_court_step_is_named_once():
    """The same murder at two court steps of one court case (sentenced, then a probation violation) is one
    prior conviction: one reason names it, not two (HS 11359(c)(1); PC 667(e)(2)(C)(iv)(IV))."""
    rec = record(at_step(conv("187 PC-MURDER", "2001-01-01"), "201", "001", "CR1001"),
                 at_step(conv("187 PC-MURDER", "2002-06-01"), "201", "002", "CR1001"),
                 cannabis(case="CASE-X"))  # (a case key of its own: the default one follows a counter)
    ev = _target(rec)
    assert ev.suggestion is S.NOT_ELIGIBLE
    strikes = [r for r in ev.reasons if r.rule == "prior-super-strike"]
    assert len(strikes) == 1, [r.text for r in strikes]
    assert "2001-01-01" in strikes[0].text


def test_the_same_offense_in_two_court_cases_is_named_twice():
    rec = record(at_step(conv("187 PC-MURDER", "2001-01-01"), "201", "001", "CR1001"),
                 at_step(conv("187 PC-MURDER", "2002-06-01"), "202", "001", "CR2002"),
                 cannabis(case="CASE-X"))
    assert len([r for r in _target(rec).reasons if r.rule == "prior-super-strike"]) == 2
