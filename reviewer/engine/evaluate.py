"""Evaluate a person's cannabis convictions in one county: statute first, then policy."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from reviewer.domain.records import Conviction, Evaluation, PersonRecord, Reason
from reviewer.domain.vocabulary import RELIEF_SUGGESTIONS, Level, Suggestion
from reviewer.engine.conditions import CONDITIONS, Context
from reviewer.engine.facts import PersonFacts
from reviewer.engine.policy import FOLLOW_STATUTE, Policy, Rule
from reviewer.engine.statute import add_questions, assess, is_target


_SUGGESTIONS = {s.value: s for s in Suggestion}
_FELONY = Level.FELONY
_LOWER = {s: s.label.lower() for s in Suggestion}


def normalise_county(name: str) -> str:
    return " ".join(name.upper().split())


def evaluate_record(record: PersonRecord, county: str, as_of: date, policy: Policy | None = None) -> list[Evaluation]:
    """One Evaluation per HS 11357-11360 conviction of `county` on this record."""
    return _evaluate_record(record, normalise_county(county), as_of, policy)


def _evaluate_record(record: PersonRecord, county: str, as_of: date, policy: Policy | None) -> list[Evaluation]:
    targets = [c for c in record.convictions if c.county == county and (c.is_cannabis or is_target(c))]
    if not targets:
        return []
    facts = PersonFacts(record)
    return [evaluate_conviction(conv, facts, as_of, policy) for conv in targets]


def evaluate_records(
    records: Iterable[PersonRecord], county: str, as_of: date, policy: Policy | None = None
) -> Iterator[Evaluation]:
    county = normalise_county(county)
    for record in records:
        yield from _evaluate_record(record, county, as_of, policy)


def evaluate_conviction(conv: Conviction, facts: PersonFacts, as_of: date, policy: Policy | None) -> Evaluation:
    status = facts.sentence_status(conv, as_of)
    statute = assess(conv, facts, as_of, policy is None or not conv.is_cannabis, status)
    # Flagged felonies enter the queue; so does a possible plea bargain (a related count standing in
    # for a cannabis arrest), whatever its level.
    flagged = conv.level is _FELONY or not conv.is_cannabis
    # A county policy's rules are about cannabis convictions: a possible plea bargain stays with the statute's
    # NEEDS_REVIEW (the attorney decides it).
    if policy is None or statute.data_problem or not conv.is_cannabis:
        first = statute.reasons[0].text if statute.reasons else ""
        return Evaluation(
            conv.id, statute.suggestion, statute.reasons, status, statute.disqualified, flagged, statute.suggestion, first,
            statute.questions,
        )
    compiled = _compiled(policy)
    rule, found = _first_rule(compiled, Context(conv, facts, as_of, statute))
    suggestion = statute.suggestion if rule.suggestion is None else rule.suggestion
    reasons = [_policy_reason(rule.id, rule.reason, rule.citation, found)]
    if suggestion is not statute.suggestion:
        # Which layer decided, and where the policy goes further than the statute, both are shown.
        reasons.append(_layers(compiled.name, suggestion, statute.suggestion))
    if statute.disqualifiers and suggestion in RELIEF_SUGGESTIONS:
        reasons.append(
            Reason(
                "policy-grants-despite-exception",
                "HS 11361.8(b); HS 11361.9",
                "the statute's felony exceptions below apply, but the county policy does not challenge on them",
            )
        )
    # The statute's questions stay open only while the policy leaves the case to review; relief says
    # which subdivision it goes through.
    completed = add_questions(statute, conv, facts, as_of, suggestion, status)
    reasons.extend(completed.reasons)
    questions = completed.questions
    return Evaluation(
        conv.id, suggestion, tuple(reasons), status, bool(statute.disqualifiers), flagged, statute.suggestion,
        rule.reason, questions,
    )


@dataclass(frozen=True, slots=True)
class _Rule:
    """A policy rule ready to run: its conditions' tests and descriptions looked up, its suggestion
    (None: the statute's) and citation worked out."""

    id: str
    tests: tuple[tuple[Callable[[Context, Any], bool], Any], ...]
    describes: tuple[tuple[Callable[[Context, Any], str], Any], ...]
    suggestion: Suggestion | None
    reason: str
    citation: str


@dataclass(frozen=True, slots=True)
class _Policy:
    policy: Policy
    name: str
    rules: tuple[_Rule, ...]
    otherwise: _Rule
    steps: tuple[tuple, ...] = ()  # per rule in order: (test, value, rule)


_COMPILED: dict[int, _Policy] = {}


def _compiled(policy: Policy) -> _Policy:
    """The policy's rules ready to run, once per policy value (looked up for every conviction)."""
    hit = _COMPILED.get(id(policy))
    if hit is None or hit.policy is not policy:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        default_citation = f"policy {policy.name} v{policy.version}"

        def ready(rule: Rule) -> _Rule:
            return _Rule(
                rule.id,
                tuple((CONDITIONS[name].test, value) for name, value in rule.when),
                tuple((CONDITIONS[name].describe, value) for name, value in rule.when),
                None if rule.suggest == FOLLOW_STATUTE else _SUGGESTIONS[rule.suggest],
                rule.reason,
                rule.citation or default_citation,
            )

        rules = tuple(map(ready, policy.rules))
        hit = _COMPILED[id(policy)] = _Policy(policy, policy.name, rules, ready(policy.otherwise),
                                              tuple(map(_step, rules)))
    return hit


@lru_cache(maxsize=4096)
def _policy_reason(rule_id: str, text: str, citation: str, found: tuple[str, ...]) -> Reason:
    """The policy rule that decided, with the facts that made its conditions hold (few distinct values:
    one shared Reason each)."""
    detail = f" ({'; '.join(found)})" if found else ""
    return Reason(f"policy:{rule_id}", citation, f"{text}{detail}")


@lru_cache(maxsize=256)
def _layers(policy_name: str, suggestion: Suggestion, statute: Suggestion) -> Reason:
    return Reason("statute-alone", "HS 11361.8; HS 11361.9",
                  f"county policy {policy_name}: {_LOWER[suggestion]}; statute alone: {_LOWER[statute]}")


def _first_rule(policy: _Policy, ctx: Context) -> tuple[_Rule, tuple[str, ...]]:
    """The first rule whose conditions all hold, and the facts that made them hold."""
    for test, value, rule in policy.steps:
        if test(ctx, value):
            return rule, tuple([describe(ctx, value) for describe, value in rule.describes])
    return policy.otherwise, ()


def _all_hold(ctx: Context, tests) -> bool:
    for test, value in tests:
        if not test(ctx, value):
            return False
    return True


def _step(rule: _Rule) -> tuple:
    """(test, value, rule): one call decides whether the rule holds (a rule of several conditions tests
    them in order, up to the first that fails)."""
    if len(rule.tests) == 1:
        return (*rule.tests[0], rule)
    return _all_hold, rule.tests, rule
