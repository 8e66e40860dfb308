"""Policy documents edited one change at a time, and every condition in plain words (no Qt, no database)."""
from __future__ import annotations

import json

import pytest

from reviewer.engine import policy_edit
from reviewer.engine.conditions import CONDITIONS, PolicyError
from reviewer.engine.policy import load_policy, policy_from_document
from reviewer.engine.policy_words import WORDS, policy_words
from reviewer.resources import shipped_policies
from reviewer.services.policy_files import ConfigurableOptions, configurable_document, new_policy_document, options_of


@pytest.fixture
def la() -> dict:
    return json.loads(shipped_policies()["los-angeles-pilot-2019"].read_text(encoding="utf-8"))


def test_every_condition_has_plain_words():
    assert set(WORDS) == set(CONDITIONS)


@pytest.mark.parametrize("name", sorted(shipped_policies()))
def test_every_shipped_policy_reads_in_plain_words(name):
    policy = load_policy(shipped_policies()[name])
    lines = policy_words(policy)
    assert lines[0].startswith(f"{policy.name}, version {policy.version}")
    assert sum(line[:1].isdigit() for line in lines) == len(policy.rules)
    assert lines[-1].startswith("Otherwise: ")


def test_edits_are_validated_and_leave_the_original_alone(la):
    before = json.dumps(la, sort_keys=True)
    index = next(i for i, r in enumerate(la["rules"]) if r["id"] == "fifty-or-older")
    edited = policy_edit.set_number(la, index, "age_at_least", 55)
    assert edited["rules"][index]["when"] == {"age_at_least": 55} and json.dumps(la, sort_keys=True) == before
    with pytest.raises(PolicyError, match=r"when.age_at_least: 0 is not valid"):
        policy_edit.set_number(la, index, "age_at_least", 0)
    with pytest.raises(PolicyError, match="has no such condition"):
        policy_edit.set_number(la, index, "age_at_most", 30)
    with pytest.raises(PolicyError, match="suggest: 'MAYBE' is not one of"):
        policy_edit.set_outcome(la, index, "MAYBE")
    with pytest.raises(PolicyError, match="a reason text is required"):
        policy_edit.set_reason(la, index, "  ")
    assert policy_edit.move(la, 0, -1) is la  # already first: unchanged
    moved = policy_edit.move(la, 0, 1)
    assert [r["id"] for r in moved["rules"][:2]] == [la["rules"][1]["id"], la["rules"][0]["id"]]
    removed = policy_edit.remove(la, 0)
    assert len(removed["rules"]) == len(la["rules"]) - 1
    assert policy_from_document(removed).digest != policy_from_document(la).digest


def test_configurable_options_round_trip_and_an_edit_drops_them():
    options = ConfigurableOptions(dismiss=["11357"], reduce=["11358", "11359", "11360"], age_at_least=60,
                                  years_crime_free=7, deceased=False)
    doc = configurable_document(options)
    assert options_of(doc) == options
    rules = [r["id"] for r in doc["rules"]]
    assert rules == ["misdemeanor-or-infraction", "dismiss-11357", "under-21", "age-60", "crime-free", "only-prop64",
                     "reduce-11358", "reduce-11359", "reduce-11360"]
    assert options_of(policy_edit.set_reason(doc, 0, "Misdemeanors dismissed")) is None
    with pytest.raises(PolicyError, match="both dismissed and reduced"):
        configurable_document(ConfigurableOptions(dismiss=["11357"], reduce=["11357"]))
    with pytest.raises(PolicyError, match="age_at_least: 30 is not between 40 and 65"):
        configurable_document(ConfigurableOptions(age_at_least=30))


def test_a_new_policy_names_what_it_is_based_on(la):
    doc = new_policy_document(la, "Our office", "3")
    assert (doc["name"], doc["version"], doc["rules"]) == ("Our office", "3", la["rules"])
    assert doc["based_on"] == policy_from_document(la).identity


def test_every_condition_a_policy_may_name_is_asked_of_the_rows():
    """conditions.py names and validates; columns/policy.py's `condition` asks it of each row: a condition
    added to one and not the other would be accepted in a policy file and then fail every evaluation."""
    from datetime import date

    import polars as pl

    from reviewer.engine.columns.policy import condition

    samples = {"level": ["F", "M"], "section": ["11359", "11357(a)"], "convicted_on_or_after": date(2010, 1, 1),
               "convicted_before": date(2016, 11, 9), "prior_super_strike": True, "prior_pc290": False,
               "two_priors_same_section": True, "statute_disqualified": False, "age_at_least": 21,
               "age_at_most": 60, "under_21_at_conviction": True, "years_since_conviction_at_least": 5,
               "no_conviction_within_years": 10, "only_cannabis_convictions": True,
               "all_sentences_completed": True, "serving_sentence": "SERVING", "deceased": False,
               "statute_suggestion": ["NOT_ELIGIBLE"]}
    assert set(samples) == set(CONDITIONS)
    for name, value in samples.items():
        assert CONDITIONS[name].valid(value), name
        test, words = condition(name, CONDITIONS[name].compile(value), date(2019, 11, 11))
        assert isinstance(test, pl.Expr) and isinstance(words, pl.Expr), name
