"""The questions a county policy may ask about a conviction, by name: what value each takes, validated
and compiled once, when the policy is loaded. What each asks of a conviction and its person's record, and
how the decision that rests on it is worded, is engine/columns/policy.py's `condition` (the one engine).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from reviewer.domain.vocabulary import Level, SentenceStatus, Suggestion


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Condition:
    valid: Callable[[Any], bool]
    wants: str
    compile: Callable[[Any], Any] = lambda v: v


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _section_key(key: str) -> tuple[str, tuple[str, ...] | None]:
    """'11357' -> any subsection; '11357(a)' -> prefix ('A',); '11357(no-sub-section)' -> ()."""
    key = key.strip().upper().replace("HS", "").strip()
    section, _, rest = key.partition("(")
    if not rest:
        return section.strip(), None
    if rest.startswith("NO-SUB-SECTION"):
        return section.strip(), ()
    return section.strip(), tuple(p.strip(")( ") for p in ("(" + rest).split(")(") if p.strip(")( "))


def _is_bool(v) -> bool:
    return isinstance(v, bool)


def _is_years(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 < v < 130


def _is_levels(v) -> bool:
    return all(x in ("F", "M", "I") for x in _as_list(v))


def _is_strings(v) -> bool:
    return all(isinstance(x, str) and x.strip() for x in _as_list(v))


def _is_suggestions(v) -> bool:
    return all(x in Suggestion.__members__ for x in _as_list(v))


def _is_serving(v) -> bool:
    return isinstance(v, bool) or v in SentenceStatus.__members__


def _serving_value(v) -> SentenceStatus:
    if isinstance(v, bool):
        return SentenceStatus.SERVING if v else SentenceStatus.COMPLETED
    return SentenceStatus(v)


_BOOL = "true or false"
_YEARS = "a number of years"
_DATE = "a date YYYY-MM-DD"

CONDITIONS: dict[str, Condition] = {
    "level": Condition(_is_levels, "F, M or I, or a list of them", lambda v: frozenset(Level(x) for x in _as_list(v))),
    "section": Condition(_is_strings, 'a code section such as "11357" or "11357(a)", or a list',
                         lambda v: tuple(_section_key(k) for k in _as_list(v))),
    "convicted_on_or_after": Condition(lambda v: isinstance(v, date), _DATE),
    "convicted_before": Condition(lambda v: isinstance(v, date), _DATE),
    "prior_super_strike": Condition(_is_bool, _BOOL),
    "prior_pc290": Condition(_is_bool, _BOOL),
    "two_priors_same_section": Condition(_is_bool, _BOOL),
    "statute_disqualified": Condition(_is_bool, _BOOL),
    "age_at_least": Condition(_is_years, _YEARS),
    "age_at_most": Condition(_is_years, _YEARS),
    "under_21_at_conviction": Condition(_is_bool, _BOOL),
    "years_since_conviction_at_least": Condition(_is_years, _YEARS),
    "no_conviction_within_years": Condition(_is_years, _YEARS),
    "only_cannabis_convictions": Condition(_is_bool, _BOOL),
    "all_sentences_completed": Condition(_is_bool, _BOOL),
    "serving_sentence": Condition(_is_serving, "true, false, SERVING, COMPLETED or UNKNOWN", _serving_value),
    "deceased": Condition(_is_bool, _BOOL),
    "statute_suggestion": Condition(_is_suggestions, "a suggestion name or a list of them",
                                    lambda v: frozenset(Suggestion(x) for x in _as_list(v))),
}
DATE_CONDITIONS = {"convicted_on_or_after", "convicted_before"}
