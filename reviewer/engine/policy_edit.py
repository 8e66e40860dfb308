"""Edits to a Reviewer policy document, one at a time; each returns a new document, validated.

The app's policy editor uses these: the rules keep their JSON form (conditions by name, see
conditions.py), so that the document an office edits is the one the engine reads and each
evaluation stores.
"""
from __future__ import annotations

import copy
from typing import Any

from reviewer.engine.conditions import PolicyError
from reviewer.engine.policy import FOLLOW_STATUTE, FORMAT, policy_from_document

# Conditions whose value is a number of years (an age or a span): the editor offers them as numbers.
NUMBER_CONDITIONS = {
    "age_at_least": "age at least", "age_at_most": "age at most",
    "years_since_conviction_at_least": "years since the conviction, at least",
    "no_conviction_within_years": "years without a conviction",
}
OUTCOMES = ("DISMISS_AND_SEAL", "REDESIGNATE_MISDEMEANOR", "REDESIGNATE_INFRACTION", "NOT_ELIGIBLE", "NEEDS_REVIEW",
            "REFER", FOLLOW_STATUTE)


def _checked(doc: dict[str, Any]) -> dict[str, Any]:
    if doc.get("format") != FORMAT:
        raise PolicyError("only a Reviewer policy can be edited")
    policy_from_document(doc)
    return doc


def _rules(doc: dict[str, Any], index: int) -> tuple[dict[str, Any], list]:
    new = copy.deepcopy(doc)
    rules = new.get("rules", [])
    if not 0 <= index < len(rules):
        raise PolicyError(f"rules[{index}]: no such rule")
    new.pop("configurable_options", None)  # edited by hand: no longer the configurable flow's options
    return new, rules


def number_conditions(rule: dict[str, Any]) -> list[tuple[str, int]]:
    return [(k, v) for k, v in rule.get("when", {}).items() if k in NUMBER_CONDITIONS and isinstance(v, int)]


def set_number(doc: dict[str, Any], index: int, condition: str, value: int) -> dict[str, Any]:
    new, rules = _rules(doc, index)
    if condition not in rules[index].get("when", {}):
        raise PolicyError(f"rules[{index}].when.{condition}: the rule has no such condition")
    rules[index]["when"][condition] = value
    return _checked(new)


def set_outcome(doc: dict[str, Any], index: int, suggest: str) -> dict[str, Any]:
    new, rules = _rules(doc, index)
    rules[index]["suggest"] = suggest
    return _checked(new)


def set_reason(doc: dict[str, Any], index: int, reason: str) -> dict[str, Any]:
    new, rules = _rules(doc, index)
    rules[index]["reason"] = reason
    return _checked(new)


def move(doc: dict[str, Any], index: int, delta: int) -> dict[str, Any]:
    new, rules = _rules(doc, index)
    target = index + delta
    if not 0 <= target < len(rules):
        return doc
    rules[index], rules[target] = rules[target], rules[index]
    return _checked(new)


def remove(doc: dict[str, Any], index: int) -> dict[str, Any]:
    new, rules = _rules(doc, index)
    del rules[index]
    return _checked(new)


def rename(doc: dict[str, Any], name: str) -> dict[str, Any]:
    if not name.strip():
        raise PolicyError("field 'name' is required")
    new = copy.deepcopy(doc)
    new["name"] = name.strip()
    return _checked(new)
