"""A policy in plain words: each rule as "If …, then …", for `reviewer policy show` and the app.

Works on the loaded Policy (its compiled conditions), so both formats read the same way.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from reviewer.domain.vocabulary import Level, SentenceStatus, Suggestion
from reviewer.engine.policy import FOLLOW_STATUTE, Policy, Rule


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _levels(v: frozenset[Level]) -> str:
    order = [lv for lv in Level if lv in v]
    return "the conviction is a " + _or([lv.label.lower() for lv in order])


def _sections(v: tuple) -> str:
    names = []
    for section, prefix in v:
        if prefix is None:
            names.append(f"HS {section}")
        elif prefix == ():
            names.append(f"HS {section} with no subdivision recorded")
        else:
            names.append(f"HS {section}" + "".join(f"({p.lower()})" for p in prefix))
    return "the conviction is under " + _or(names)


def _day(v: date) -> str:
    return v.isoformat()


def _yes_no(yes: str, no: str) -> Callable[[bool], str]:
    return lambda v: yes if v else no


def _serving(v: SentenceStatus) -> str:
    return {SentenceStatus.SERVING: "the sentence is still being served",
            SentenceStatus.COMPLETED: "the sentence is completed"}.get(v, "whether the sentence is served is unknown")


def _suggestions(v: frozenset[Suggestion]) -> str:
    return "the statute alone would suggest " + _or([s.label.lower() for s in Suggestion if s in v])


WORDS: dict[str, Callable[[Any], str]] = {
    "level": _levels,
    "section": _sections,
    "convicted_on_or_after": lambda v: f"the conviction is dated {_day(v)} or later",
    "convicted_before": lambda v: f"the conviction is dated before {_day(v)}",
    "prior_super_strike": _yes_no("the person has a prior super-strike conviction (PC 667(e)(2)(C)(iv))",
                                  "the person has no prior super-strike conviction"),
    "prior_pc290": _yes_no("the person has a prior PC 290(c) offense or a PC 290 registration",
                           "the person has no prior PC 290(c) offense or registration"),
    "two_priors_same_section": _yes_no("the person has two or more prior convictions under the same section",
                                       "the person has fewer than two prior convictions under the same section"),
    "statute_disqualified": _yes_no("a statutory exception keeps the conviction a felony",
                                    "no statutory exception applies"),
    "age_at_least": lambda v: f"the person is {v} or older today",
    "age_at_most": lambda v: f"the person is {v} or younger today",
    "under_21_at_conviction": _yes_no("the person was under 21 when convicted", "the person was 21 or older when convicted"),
    "years_since_conviction_at_least": lambda v: f"the conviction is {v} or more years old",
    "no_conviction_within_years": lambda v: f"the person has no conviction in the past {v} years",
    "only_cannabis_convictions": _yes_no("every conviction on the record is under HS 11357-11360",
                                         "the record has a conviction other than HS 11357-11360"),
    "all_sentences_completed": _yes_no("every sentence on the record is completed", "a sentence is still running"),
    "serving_sentence": _serving,
    "deceased": _yes_no("the person is recorded as deceased", "the person is not recorded as deceased"),
    "statute_suggestion": _suggestions,
}


def outcome_words(suggest: str) -> str:
    if suggest == FOLLOW_STATUTE:
        return "do what the statute alone suggests"
    return {
        "DISMISS_AND_SEAL": "dismiss and seal",
        "REDESIGNATE_MISDEMEANOR": "redesignate as a misdemeanor",
        "REDESIGNATE_INFRACTION": "redesignate as an infraction",
        "NOT_ELIGIBLE": "not eligible (the office challenges relief)",
        "NEEDS_REVIEW": "an attorney reviews it",
        "REFER": "refer it to another agency (for example the city attorney)",
    }[suggest]


def rule_words(rule: Rule) -> str:
    conditions = [WORDS[name](value) for name, value in rule.when]
    head = ("If " + " and ".join(conditions)) if conditions else "In every other case"
    cite = f" [{rule.citation}]" if rule.citation else ""
    return f"{head}: {outcome_words(rule.suggest)} — “{rule.reason}”{cite}."


def policy_words(policy: Policy) -> list[str]:
    """The policy as lines of plain text: what it is, then its rules in the order they are tried."""
    lines = [f"{policy.name}, version {policy.version} (SHA-256 {policy.digest[:12]})"]
    description = policy.document.get("description") if isinstance(policy.document, dict) else None
    based_on = policy.document.get("based_on") if isinstance(policy.document, dict) else None
    if description:
        lines.append(str(description))
    if based_on:
        lines.append(f"Based on: {based_on}")
    lines.append("For each HS 11357-11360 conviction of the county, the statute is read first (HS 11361.8); "
                 "then the first rule below whose conditions all hold gives the suggestion:")
    for n, rule in enumerate(policy.rules, start=1):
        lines.append(f"{n}. {rule_words(rule)}")
    otherwise = policy.otherwise
    lines.append(f"Otherwise: {outcome_words(otherwise.suggest)} — “{otherwise.reason}”.")
    return lines
