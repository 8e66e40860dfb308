"""The statute layer, rule by rule, on hand-written records (no files, no database)."""
from __future__ import annotations

from datetime import date

import pytest

from reviewer.domain.vocabulary import SentenceStatus, Suggestion
from reviewer.engine.evaluate import evaluate_record
from tests.records import conv, record

AS_OF = date(2019, 11, 11)
S = Suggestion


def only(rec, county="SACRAMENTO", policy=None):
    results = evaluate_record(rec, county, AS_OF, policy)
    assert len(results) == 1
    return results[0]


def rules(ev) -> list[str]:
    return [r.rule for r in ev.reasons]


@pytest.mark.parametrize("code,level,dob,expected", [
    ("11357 HS-NO SPECIFIED SUBSECTION", "F", "1970-01-01", S.NEEDS_REVIEW),
    ("11357 HS-NO SPECIFIED SUBSECTION", "M", "1970-01-01", S.NEEDS_REVIEW),
    ("11357(B) HS-POSSESS 28.5 G OR LESS", "M", "1970-01-01", S.DISMISS_AND_SEAL),
    # 19 at conviction: an infraction now (HS 11357(a)(2)), and already one: nothing lesser to give.
    ("11357(B) HS-POSSESS 28.5 G OR LESS", "I", "1995-01-01", S.NOT_ELIGIBLE),
    ("11357(B) HS-POSSESS 28.5 G OR LESS", "M", "1995-01-01", S.REDESIGNATE_INFRACTION),
    # Before AUMA, 11357(a) was concentrated cannabis: 8 g or less is lawful now, the record has no amount.
    ("11357(A) HS-POSSESS CONCENTRATE", "F", "1970-01-01", S.NEEDS_REVIEW),
    # Before AUMA, 11357(c) was more than 28.5 g: still a misdemeanor (HS 11357(b)(2)).
    ("11357(C) HS-POSSESS OVER 28.5 G", "M", "1970-01-01", S.NOT_ELIGIBLE),
    # Six plants or fewer is lawful now, and before AUMA every cultivation was a felony: the record cannot tell.
    ("11358 HS-CULTIVATE", "F", "1970-01-01", S.NEEDS_REVIEW),
    ("11358(C) HS-CULTIVATE OVER 6 PLANTS", "F", "1970-01-01", S.REDESIGNATE_MISDEMEANOR),
    ("11359 HS-POSSESS FOR SALE", "F", "1970-01-01", S.REDESIGNATE_MISDEMEANOR),
    ("11359 HS-POSSESS FOR SALE", "M", "1970-01-01", S.NOT_ELIGIBLE),
    # A gift or transport of 28.5 g or less was charged under (a) too, and is lawful now.
    ("11360(A) HS-SELL/TRANSPORT", "F", "1970-01-01", S.NEEDS_REVIEW),
    ("11360(A)(2) HS-SELL", "F", "1970-01-01", S.REDESIGNATE_MISDEMEANOR),
    ("11360(B) HS-GIVE AWAY 28.5 G", "M", "1970-01-01", S.DISMISS_AND_SEAL),
])
def test_what_each_section_carries(code, level, dob, expected):
    ev = only(record(conv(code, "2014-06-01", level), dob=dob))
    assert ev.suggestion is expected
    assert all(r.citation for r in ev.reasons), "every statute reason cites the law"


def test_11357_without_subsection_names_the_gap():
    ev = only(record(conv("11357 HS-NO SPECIFIED SUBSECTI", "2010-01-01")))
    assert ev.suggestion is S.NEEDS_REVIEW
    assert "no subsection" in ev.reasons[0].text and "HS 11357" in ev.reasons[0].citation


def test_prior_super_strike_disqualifies_with_facts():
    ev = only(record(conv("187 PC-MURDER", "1991-04-11", county="YOLO"), conv("11359 HS", "2010-05-01")))
    assert ev.suggestion is S.NOT_ELIGIBLE and ev.disqualified
    strike = next(r for r in ev.reasons if r.rule == "prior-super-strike")
    assert "187 PC" in strike.text and "1991-04-11" in strike.text and "667(e)(2)(C)(iv)" in strike.text
    assert "HS 11359(c)(1)" in strike.citation


def test_super_strike_after_the_cannabis_conviction_does_not_count():
    ev = only(record(conv("11359 HS", "2010-05-01"), conv("187 PC-MURDER", "2012-04-11")))
    assert ev.suggestion is S.REDESIGNATE_MISDEMEANOR and not ev.disqualified


def test_super_strike_on_the_same_day_is_not_a_prior():
    ev = only(record(conv("220 PC-ASSAULT", "1998-05-04"), conv("11359 HS", "1998-05-04")))
    assert ev.suggestion is S.REDESIGNATE_MISDEMEANOR


def test_attempted_murder_is_a_super_strike():
    ev = only(record(conv("664/187 PC-ATTEMPTED MURDER", "1990-01-01"), conv("11359 HS", "2000-01-01")))
    assert ev.suggestion is S.NOT_ELIGIBLE


def test_an_exception_does_not_reach_conduct_that_may_be_lawful_now():
    """HS 11358(d) and 11360(a)(3) keep a felony only for conduct still an offense: a felony HS 11358 or
    11360(a) before AUMA may have been six plants or fewer, or giving away or transporting 28.5 g or less,
    lawful now (HS 11362.1(a)) whatever the priors. With a super strike on the record: a question, the
    exception kept as the disqualifier should the answer be no."""
    for code, key in (("11358 HS-CULTIVATE", "plants-6"), ("11360(A) HS-TRANSPORT", "gift-28.5g")):
        ev = only(record(conv("664/187 PC-ATTEMPTED MURDER", "1990-01-01"), conv(code, "2000-01-01")))
        assert ev.suggestion is S.NEEDS_REVIEW and ev.disqualified
        assert rules(ev)[:2] == ["conduct-unknown", "prior-super-strike"]
        (q,) = [q for q in ev.questions if q.key == key]
        assert {a.value: a.suggestion for a in q.answers} == {"yes": S.DISMISS_AND_SEAL, "no": S.NOT_ELIGIBLE}


def test_gang_enhanced_offense_in_one_case_is_a_super_strike():
    rec = record(conv("136.1 PC-DISSUADE WITNESS", "2015-02-14", case="101001"),
                 conv("186.22(B)(4) PC-GANG", "2015-02-14", case="101001"),
                 conv("11359 HS", "2015-05-19", arrested="2015-03-01"))
    assert only(rec).suggestion is S.NOT_ELIGIBLE
    # The same two offenses in different cases are not the combination.
    rec = record(conv("136.1 PC-DISSUADE WITNESS", "2015-02-14", case="101001"),
                 conv("186.22(B)(4) PC-GANG", "2015-02-14", case="102001"),
                 conv("11359 HS", "2015-05-19", arrested="2015-03-01"))
    assert only(rec).suggestion is S.REDESIGNATE_MISDEMEANOR


def test_prior_pc290_offense_disqualifies():
    ev = only(record(conv("314(1) PC-INDECENT EXPOSURE", "2001-01-01"), conv("11359 HS", "2005-01-01")))
    assert ev.suggestion is S.NOT_ELIGIBLE
    assert "prior-pc290" in rules(ev)


def test_pc290_registration_without_a_290c_conviction_is_a_question():
    """HS 11359(c)(1) needs a prior PC 290(c) conviction; a registration step alone does not show one
    (issue 10 point 9): NEEDS_REVIEW, naming the registration, with the question that decides it."""
    ev = only(record(conv("11359 HS", "2005-01-01"), registered="2000-01-01"))
    assert ev.suggestion is S.NEEDS_REVIEW
    assert any("registered as a PC 290 offender on 2000-01-01" in r.text for r in ev.reasons)
    (q,) = [q for q in ev.questions if q.key == "pc290-registration"]
    assert {a.value: a.suggestion for a in q.answers} == {"yes": S.NOT_ELIGIBLE, "no": S.REDESIGNATE_MISDEMEANOR}
    sale = conv("11359 HS", "2005-01-01")
    answered = only(record(sale, registered="2000-01-01", answers={(sale.id, "pc290-registration"): "yes"}))
    assert answered.suggestion is S.NOT_ELIGIBLE and any(r.rule.startswith("answer:") for r in answered.reasons)


def test_two_priors_of_the_same_section_disqualify():
    rec = record(conv("11359 HS", "2001-01-01"), conv("11359 HS", "2003-01-01"),
                 conv("11359 HS", "2006-01-01", arrested="2005-06-01"))
    results = {ev.conviction_id: ev for ev in evaluate_record(rec, "SACRAMENTO", AS_OF)}
    third = max(results)
    assert results[third].suggestion is S.NOT_ELIGIBLE
    assert "two-priors-same-section" in rules(results[third])
    assert results[min(results)].suggestion is S.REDESIGNATE_MISDEMEANOR  # the first has no priors


def test_priors_of_another_section_do_not_count():
    rec = record(conv("11358(C) HS", "2001-01-01"), conv("11360(A)(2) HS", "2003-01-01"),
                 conv("11359 HS", "2006-01-01"))
    evs = evaluate_record(rec, "SACRAMENTO", AS_OF)
    assert all(ev.suggestion is S.REDESIGNATE_MISDEMEANOR for ev in evs)


def test_prior_from_another_county_counts_but_is_not_evaluated():
    rec = record(conv("11359 HS", "2001-01-01", county="YOLO"), conv("11359 HS", "2002-01-01", county="YOLO"),
                 conv("11359 HS", "2006-01-01", arrested="2005-06-01"))
    evs = evaluate_record(rec, "SACRAMENTO", AS_OF)
    assert len(evs) == 1 and evs[0].suggestion is S.NOT_ELIGIBLE


@pytest.mark.parametrize("code", ["11359(C)(3) HS-SELL TO MINOR", "11359(D) HS-USE MINOR",
                                  "11360(A)(3)(C) HS-FURNISH TO MINOR", "11360(A)(3)(D) HS-EXPORT"])
def test_disqualifying_subsections(code):
    ev = only(record(conv(code, "2010-01-01")))
    assert ev.suggestion is S.NOT_ELIGIBLE and "disqualifying-subsection" in rules(ev)


def test_conviction_after_auma_goes_to_review_under_the_statute():
    ev = only(record(conv("11359 HS", "2016-11-09")))
    assert ev.suggestion is S.NEEDS_REVIEW and ev.reasons[0].rule == "after-auma"
    assert only(record(conv("11359 HS", "2016-11-08"))).suggestion is S.REDESIGNATE_MISDEMEANOR


def test_bad_data_goes_to_review_with_the_line_and_field():
    problem = "t.csv line 17, STP_EVENT_DATE: '20191345' is not a valid date (YYYYMMDD)"
    ev = only(record(conv("11358 HS", "2010-01-01", issues=(problem,))))
    assert ev.suggestion is S.NEEDS_REVIEW and ev.reasons[0].text == problem


def test_other_counties_and_other_offenses_are_not_evaluated():
    rec = record(conv("11358 HS", "2010-01-01", county="YOLO"), conv("459 PC-BURGLARY", "2011-01-01"))
    assert evaluate_record(rec, "SACRAMENTO", AS_OF) == []


@pytest.mark.parametrize("end,status", [("2020-02-14", SentenceStatus.SERVING), ("2018-04-10", SentenceStatus.COMPLETED),
                                        (None, SentenceStatus.UNKNOWN)])
def test_sentence_status_decides_11361_8_b_or_e(end, status):
    ev = only(record(conv("11358 HS", "2015-02-14", sentence_end=end)))
    assert ev.sentence_status is status


def test_flagged_only_for_felonies_and_priority_for_attention():
    felony = only(record(conv("11359 HS", "2010-01-01")))
    misdemeanor = only(record(conv("11359 HS", "2010-01-01", level="M")))
    review = only(record(conv("11357 HS", "2010-01-01")))
    assert felony.flagged and not misdemeanor.flagged
    assert review.needs_attention and not felony.needs_attention


def test_results_are_deterministic():
    rec = record(conv("187 PC", "1990-01-01"), conv("11359 HS", "2010-01-01"), conv("11358 HS", "2012-01-01"))
    assert evaluate_record(rec, "SACRAMENTO", AS_OF) == evaluate_record(rec, "SACRAMENTO", AS_OF)


def test_related_charge_in_the_same_case_is_noted_without_changing_the_suggestion():
    rec = record(conv("11359 HS", "2010-01-01", case="101001"), conv("11366 HS-MAINTAIN PLACE", "2010-01-01", case="101001"),
                 conv("11364 HS-PARAPHERNALIA", "2012-01-01", case="102001"))
    ev = only(rec)
    assert ev.suggestion is S.REDESIGNATE_MISDEMEANOR
    notes = [r for r in ev.reasons if r.rule == "related-charge"]
    assert len(notes) == 1 and "11366 HS" in notes[0].text and notes[0].citation == "HS 11366"
