"""County policy as data: loading, validation messages, and how it sits on top of the statute."""
from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.domain.vocabulary import Suggestion as S
from reviewer.engine.conditions import PolicyError
from reviewer.engine.evaluate import evaluate_record
from reviewer.engine.policy import load_policy, policy_from_document
from reviewer.resources import shipped_policies
from tests.records import conv, record

AS_OF = date(2019, 11, 11)


def one(rec, policy, county="SACRAMENTO"):
    (ev,) = evaluate_record(rec, county, AS_OF, policy)
    return ev


def doc(*rules, otherwise=None):
    d = {"format": "reviewer-policy", "format_version": 1, "name": "t", "version": "1", "rules": list(rules)}
    if otherwise:
        d["otherwise"] = otherwise
    return d


def test_every_shipped_policy_loads():
    shipped = shipped_policies()
    assert {"los-angeles-pilot-2019", "sacramento-configurable-2019", "statute-with-challenges"} <= set(shipped)
    for path in shipped.values():
        policy = load_policy(path)
        assert policy.rules and len(policy.digest) == 64


def test_gogen_options_read_as_is(gogen_dir):
    policy = load_policy(gogen_dir / "eligibility_options.json")
    assert policy.source_format == "gogen-eligibility-options"
    ev = one(record(conv("459 PC-BURGLARY", "2014-01-01"), conv("11359 HS", "2015-10-31")), policy)
    assert ev.suggestion is S.REDESIGNATE_MISDEMEANOR and ev.policy_reason == "Reduce all HS 11359 convictions"
    only_cannabis = one(record(conv("11359 HS", "2015-10-31")), policy)
    assert only_cannabis.policy_reason == "Only has 11357-60 charges"


def test_conviction_after_auma_follows_the_policy():
    ev = one(record(conv("11358 HS", "2017-02-14")), policy_from_document({"baselineEligibility": {"dismiss": ["11358"]}}))
    assert ev.suggestion is S.DISMISS_AND_SEAL
    la = load_policy(shipped_policies()["los-angeles-pilot-2019"])
    assert one(record(conv("11358 HS", "2017-02-14", county="LOS ANGELES")), la, "LOS ANGELES").suggestion is S.NOT_ELIGIBLE


def test_policy_granting_relief_despite_a_statute_exception_says_so():
    policy = policy_from_document({"baselineEligibility": {"reduce": ["11359"]}})
    ev = one(record(conv("187 PC-MURDER", "1998-05-04"), conv("11359 HS", "2015-10-31")), policy)
    assert ev.suggestion is S.REDESIGNATE_MISDEMEANOR and ev.disqualified
    assert ev.statute_suggestion is S.NOT_ELIGIBLE
    assert "policy-grants-despite-exception" in [r.rule for r in ev.reasons]


def test_rule_facts_explain_the_decision():
    policy = policy_from_document(doc({"when": {"age_at_least": 50}, "suggest": "DISMISS_AND_SEAL", "reason": "50+"}))
    ev = one(record(conv("11359 HS", "2010-01-01"), dob="1960-03-14"), policy)
    assert ev.reasons[0].text == "50+ (age 59 on 2019-11-11)"


def test_statute_keyword_follows_the_statute():
    policy = policy_from_document(doc({"when": {}, "suggest": "STATUTE", "reason": "as the statute provides"}))
    assert one(record(conv("187 PC", "1990-01-01"), conv("11359 HS", "2010-01-01")), policy).suggestion is S.NOT_ELIGIBLE


def test_data_problems_win_over_policy():
    policy = policy_from_document({"baselineEligibility": {"dismiss": ["11358"]}})
    ev = one(record(conv("11358 HS", "2010-01-01", issues=("t.csv line 3, PRI_DOB: not a valid date",))), policy)
    assert ev.suggestion is S.NEEDS_REVIEW


@pytest.mark.parametrize("document,message", [
    ([], "must be a JSON object"),
    ({"format": "other"}, "unknown policy format"),
    (doc({"when": {"age_at_least": 50}, "suggest": "MAYBE", "reason": "x"}), "rules[0].suggest: 'MAYBE'"),
    (doc({"when": {"age_at_least": "fifty"}, "suggest": "REFER", "reason": "x"}), "rules[0].when.age_at_least"),
    (doc({"when": {"shoe_size": 9}, "suggest": "REFER", "reason": "x"}), "rules[0].when.shoe_size: unknown condition"),
    (doc({"when": {"convicted_before": "2016-13-01"}, "suggest": "REFER", "reason": "x"}), "is not a date"),
    (doc({"when": {}, "suggest": "REFER"}), "rules[0].reason"),
    ({"baselineEligibility": {"dismiss": ["187"]}}, "not an HS 11357-11360 section"),
    ({"baselineEligibility": {"dismiss": []}, "additionalRelief": {"subjectAgeThreshold": 30}}, "subjectAgeThreshold"),
])
def test_invalid_policies_name_the_field(document, message):
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        policy_from_document(document, "p.json")


def test_broken_json_names_file_and_line(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"format": "reviewer-policy",\n "rules": [,]}')
    with pytest.raises(PolicyError, match=r"p.json: line 2"):
        load_policy(path)


def test_digest_identifies_the_content():
    a = policy_from_document(doc({"when": {}, "suggest": "REFER", "reason": "x"}))
    b = policy_from_document(json.loads(json.dumps(doc({"when": {}, "suggest": "REFER", "reason": "x"}))))
    c = policy_from_document(doc({"when": {}, "suggest": "REFER", "reason": "y"}))
    assert a.digest == b.digest != c.digest


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text(), st.text()), max_size=4))
def test_reasons_json_is_what_json_dumps_writes(parts):
    from reviewer.domain.records import Reason
    from reviewer.services.evaluating import reasons_json

    reasons = [Reason(*p) for p in parts]
    assert reasons_json(reasons) == json.dumps([r.as_dict() for r in reasons], separators=(",", ":"))


def test_a_running_sentence_is_named_where_the_count_under_review_is_completed():
    """A policy rule on every sentence of the record (HS 11361.8(b)): the reason names the sentence still running
    (code, date, county, end), so it never reads as a contradiction of the count's own completed sentence."""
    policy = policy_from_document(doc({"id": "serving", "when": {"all_sentences_completed": False},
                                       "suggest": "NEEDS_REVIEW", "reason": "Currently serving sentence",
                                       "citation": "HS 11361.8(b)"}))
    rec = record(conv("11358 HS-CULTIVATE", "2016-05-16", arrested="2016-01-19", sentence_end="2016-06-01"),
                 conv("4060 BP-POSSESS", "2016-11-20", sentence_end="2021-11-20"))
    ev = one(rec, policy)
    assert ev.suggestion is S.NEEDS_REVIEW
    assert ev.reasons[0].text == ("Currently serving sentence (a sentence still running on 2019-11-11: 4060 BP "
                                  "on 2016-11-20, Sacramento County, ending 2021-11-20)")
