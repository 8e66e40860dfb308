"""The questions a county policy may ask about a conviction, by name.

Each condition has a test (fast, run for every rule tried) and a description (run only
for the rule that decides, to explain it). Values written in the policy are validated
and compiled once, when the policy is loaded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from reviewer.domain.records import Conviction
from reviewer.domain.vocabulary import Level, SentenceStatus, Suggestion
from reviewer.engine.facts import PersonFacts, add_years, age_on, where_when
from reviewer.engine.statute import StatuteResult


@dataclass(slots=True, unsafe_hash=True)  # a value, not frozen for speed (see domain.records.Conviction)
class Context:
    conviction: Conviction
    facts: PersonFacts
    as_of: date
    statute: StatuteResult


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Condition:
    test: Callable[[Context, Any], bool]
    describe: Callable[[Context, Any], str]
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


def _section_matches(conv: Conviction, keys) -> bool:
    for section, prefix in keys:
        if conv.section != section:
            continue
        subs = conv.code.subsections
        if prefix is None or (prefix == () and not subs) or (prefix and subs[: len(prefix)] == prefix):
            return True
    return False


def _age_text(ctx: Context) -> str:
    age = ctx.facts.age(ctx.as_of)
    return f"age {age} on {ctx.as_of.isoformat()}" if age is not None else "date of birth unknown"


def _convicted_text(ctx: Context, _v=None) -> str:
    return f"convicted on {ctx.conviction.disposition_date.isoformat()}"


def _under_21(ctx: Context) -> bool | None:
    dob = ctx.facts.person.dob
    return None if dob is None else add_years(dob, 21) > ctx.conviction.disposition_date


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


def _running_text(c) -> str:
    """Which sentence runs, named: the count under review may itself be completed (the case shows it so)."""
    running = c.facts.running_sentence(c.as_of)
    if running is None:
        return "all sentences completed"
    end = running.sentence_end or running.disposition_date
    return (f"a sentence still running on {c.as_of.isoformat()}: {running.code or running.offense_text} "
            f"{where_when(running)}, ending {end.isoformat()}")


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
    "level": Condition(
        lambda c, v: c.conviction.level in v,
        lambda c, v: f"level {c.conviction.level.label.lower()}",
        _is_levels, "F, M or I, or a list of them", lambda v: frozenset(Level(x) for x in _as_list(v))),
    "section": Condition(
        lambda c, v: _section_matches(c.conviction, v),
        lambda c, v: f"{c.conviction.code} conviction",
        _is_strings, 'a code section such as "11357" or "11357(a)", or a list',
        lambda v: tuple(_section_key(k) for k in _as_list(v))),
    "convicted_on_or_after": Condition(
        lambda c, v: c.conviction.disposition_date >= v, _convicted_text, lambda v: isinstance(v, date), _DATE),
    "convicted_before": Condition(
        lambda c, v: c.conviction.disposition_date < v, _convicted_text, lambda v: isinstance(v, date), _DATE),
    "prior_super_strike": Condition(
        lambda c, v: (bool(c.facts.super_strikes) and bool(c.facts.prior_super_strikes(c.conviction))) == v,
        lambda c, v: "; ".join(h.describe() for h in c.facts.prior_super_strikes(c.conviction)) or "no prior super strike",
        _is_bool, _BOOL),
    "prior_pc290": Condition(
        lambda c, v: ((bool(c.facts.pc290) and bool(c.facts.prior_pc290(c.conviction)))
                      or c.facts.prior_registration(c.conviction)) == v,
        lambda c, v: "; ".join([h.describe() for h in c.facts.prior_pc290(c.conviction)]
                               + (["PC 290 registration"] if c.facts.prior_registration(c.conviction) else []))
        or "no prior PC 290 offense or registration",
        _is_bool, _BOOL),
    "two_priors_same_section": Condition(
        lambda c, v: (len(c.facts.priors_same_section(c.conviction)) >= 2) == v,
        lambda c, v: f"{len(c.facts.priors_same_section(c.conviction))} prior HS {c.conviction.section} conviction(s)",
        _is_bool, _BOOL),
    "statute_disqualified": Condition(
        lambda c, v: bool(c.statute.disqualifiers) == v,
        lambda c, v: "; ".join(r.text for r in c.statute.disqualifiers) or "no statutory disqualifier",
        _is_bool, _BOOL),
    "age_at_least": Condition(
        lambda c, v: (a := c.facts.age(c.as_of)) is not None and a >= v, lambda c, v: _age_text(c), _is_years, _YEARS),
    "age_at_most": Condition(
        lambda c, v: (a := c.facts.age(c.as_of)) is not None and a <= v, lambda c, v: _age_text(c), _is_years, _YEARS),
    "under_21_at_conviction": Condition(
        lambda c, v: (u := _under_21(c)) is not None and u == v,
        lambda c, v: f"age {age_on(c.facts.person.dob, c.conviction.disposition_date)} at conviction",
        _is_bool, _BOOL),
    "years_since_conviction_at_least": Condition(
        lambda c, v: c.conviction.disposition_date <= add_years(c.as_of, -v), _convicted_text, _is_years, _YEARS),
    "no_conviction_within_years": Condition(
        lambda c, v: c.facts.no_conviction_since(add_years(c.as_of, -v)),
        lambda c, v: f"most recent conviction on {c.facts.latest_conviction.isoformat() if c.facts.latest_conviction else 'none'}",
        _is_years, _YEARS),
    "only_cannabis_convictions": Condition(
        lambda c, v: c.facts.only_cannabis() == v,
        lambda c, v: f"{c.facts.cannabis_count} of {len(c.facts.convictions)} convictions are HS 11357-11360",
        _is_bool, _BOOL),
    "all_sentences_completed": Condition(
        lambda c, v: c.facts.all_sentences_completed(c.as_of) == v,
        lambda c, v: _running_text(c), _is_bool, _BOOL),
    "serving_sentence": Condition(
        lambda c, v: c.facts.sentence_status(c.conviction, c.as_of) is v,
        lambda c, v: f"sentence {c.facts.sentence_status(c.conviction, c.as_of).value.lower()} on {c.as_of.isoformat()}",
        _is_serving, "true, false, SERVING, COMPLETED or UNKNOWN", _serving_value),
    "deceased": Condition(
        lambda c, v: c.facts.person.deceased == v,
        lambda c, v: "deceased" if c.facts.person.deceased else "not recorded as deceased", _is_bool, _BOOL),
    "statute_suggestion": Condition(
        lambda c, v: c.statute.suggestion in v,
        lambda c, v: f"statute suggests {c.statute.suggestion.value}",
        _is_suggestions, "a suggestion name or a list of them", lambda v: frozenset(Suggestion(x) for x in _as_list(v))),
}
DATE_CONDITIONS = {"convicted_on_or_after", "convicted_before"}
