"""The questions a county policy may ask about a conviction, by name.

Each predicate takes the evaluation context and the value written in the policy, and
returns (holds, fact) where `fact` is the sentence that goes into the explanation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from reviewer.domain.records import Conviction
from reviewer.domain.vocabulary import Level, SentenceStatus, Suggestion
from reviewer.engine.facts import PersonFacts, add_years, age_on, sentence_status
from reviewer.engine.statute import StatuteResult


@dataclass(frozen=True, slots=True)
class Context:
    conviction: Conviction
    facts: PersonFacts
    as_of: date
    statute: StatuteResult


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the field."""


Predicate = Callable[[Context, Any], "tuple[bool, str]"]


def _section_key_matches(conv: Conviction, key: str) -> bool:
    """'11357' matches the section; '11357(a)' a subsection; '11357(no-sub-section)' none recorded."""
    key = key.strip().upper().replace("HS", "").strip()
    if "(" not in key:
        return conv.section == key
    section, _, rest = key.partition("(")
    if conv.section != section.strip():
        return False
    if rest.startswith("NO-SUB-SECTION"):
        return not conv.code.subsections
    parts = tuple(p.strip(")( ") for p in ("(" + rest).split(")(")) if rest else ()
    return conv.code.subsections[: len(parts)] == parts


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def level(ctx: Context, value) -> tuple[bool, str]:
    wanted = {Level(v) for v in _as_list(value)}
    lvl = ctx.conviction.level
    return lvl in wanted, f"level {lvl.label.lower() if lvl else 'unknown'}"


def section(ctx: Context, value) -> tuple[bool, str]:
    for key in _as_list(value):
        if _section_key_matches(ctx.conviction, key):
            return True, f"HS {key} conviction ({ctx.conviction.code})"
    return False, f"{ctx.conviction.code} is not among {', '.join(_as_list(value))}"


def convicted_on_or_after(ctx: Context, value) -> tuple[bool, str]:
    day = ctx.conviction.disposition_date
    return day >= value, f"convicted on {day.isoformat()}"


def convicted_before(ctx: Context, value) -> tuple[bool, str]:
    day = ctx.conviction.disposition_date
    return day < value, f"convicted on {day.isoformat()}"


def prior_super_strike(ctx: Context, value) -> tuple[bool, str]:
    hits = ctx.facts.prior_super_strikes(ctx.conviction)
    text = "; ".join(h.describe() for h in hits) or "no prior super strike"
    return bool(hits) == value, text


def prior_pc290(ctx: Context, value) -> tuple[bool, str]:
    hits = ctx.facts.prior_pc290(ctx.conviction)
    registered = ctx.facts.prior_registration(ctx.conviction)
    parts = [h.describe() for h in hits] + (["PC 290 registration"] if registered else [])
    return bool(parts) == value, "; ".join(parts) or "no prior PC 290 offense or registration"


def two_priors_same_section(ctx: Context, value) -> tuple[bool, str]:
    n = len(ctx.facts.priors_same_section(ctx.conviction))
    return (n >= 2) == value, f"{n} prior HS {ctx.conviction.section} conviction(s)"


def statute_disqualified(ctx: Context, value) -> tuple[bool, str]:
    d = ctx.statute.disqualifiers
    return bool(d) == value, "; ".join(r.text for r in d) or "no statutory disqualifier"


def age_at_least(ctx: Context, value) -> tuple[bool, str]:
    age = ctx.facts.age(ctx.as_of)
    return age is not None and age >= value, _age_text(age, ctx.as_of)


def age_at_most(ctx: Context, value) -> tuple[bool, str]:
    age = ctx.facts.age(ctx.as_of)
    return age is not None and age <= value, _age_text(age, ctx.as_of)


def _age_text(age: int | None, on: date) -> str:
    return f"age {age} on {on.isoformat()}" if age is not None else "date of birth unknown"


def under_21_at_conviction(ctx: Context, value) -> tuple[bool, str]:
    dob, day = ctx.facts.person.dob, ctx.conviction.disposition_date
    if dob is None:
        return False, "date of birth unknown"
    holds = add_years(dob, 21) > day
    return holds == value, f"age {age_on(dob, day)} at conviction"


def years_since_conviction_at_least(ctx: Context, value) -> tuple[bool, str]:
    day = ctx.conviction.disposition_date
    return day <= add_years(ctx.as_of, -value), f"convicted on {day.isoformat()}"


def no_conviction_within_years(ctx: Context, value) -> tuple[bool, str]:
    latest = ctx.facts.latest_conviction
    holds = ctx.facts.no_conviction_since(add_years(ctx.as_of, -value))
    return holds, f"most recent conviction on {latest.isoformat() if latest else 'none'}"


def only_cannabis_convictions(ctx: Context, value) -> tuple[bool, str]:
    f = ctx.facts
    return f.only_cannabis() == value, f"{f.cannabis_count} of {len(f.convictions)} convictions are HS 11357-11360"


def all_sentences_completed(ctx: Context, value) -> tuple[bool, str]:
    done = ctx.facts.all_sentences_completed(ctx.as_of)
    return done == value, "all sentences completed" if done else "a sentence is still running"


def serving_sentence(ctx: Context, value) -> tuple[bool, str]:
    status = sentence_status(ctx.conviction, ctx.as_of)
    wanted = SentenceStatus(value) if isinstance(value, str) else (
        SentenceStatus.SERVING if value else SentenceStatus.COMPLETED
    )
    return status is wanted, f"sentence {status.value.lower()} on {ctx.as_of.isoformat()}"


def deceased(ctx: Context, value) -> tuple[bool, str]:
    dead = ctx.facts.person.deceased
    return dead == value, "deceased" if dead else "not recorded as deceased"


def statute_suggestion(ctx: Context, value) -> tuple[bool, str]:
    wanted = {Suggestion(v) for v in _as_list(value)}
    return ctx.statute.suggestion in wanted, f"statute suggests {ctx.statute.suggestion.value}"


def _levels(v):
    return all(x in ("F", "M", "I") for x in _as_list(v))


def _strings(v):
    return all(isinstance(x, str) and x for x in _as_list(v))


def _suggestions(v):
    return all(x in Suggestion.__members__ for x in _as_list(v))


def _bool(v):
    return isinstance(v, bool)


def _years(v):
    return isinstance(v, int) and not isinstance(v, bool) and 0 < v < 130


def _date(v):
    return isinstance(v, date)


def _serving(v):
    return isinstance(v, bool) or v in SentenceStatus.__members__


# name -> (predicate, validator, what the validator wants, parse)
PREDICATES: dict[str, tuple[Predicate, Callable[[Any], bool], str]] = {
    "level": (level, _levels, "F, M or I, or a list of them"),
    "section": (section, _strings, "a code section such as \"11357\" or \"11357(a)\", or a list"),
    "convicted_on_or_after": (convicted_on_or_after, _date, "a date YYYY-MM-DD"),
    "convicted_before": (convicted_before, _date, "a date YYYY-MM-DD"),
    "prior_super_strike": (prior_super_strike, _bool, "true or false"),
    "prior_pc290": (prior_pc290, _bool, "true or false"),
    "two_priors_same_section": (two_priors_same_section, _bool, "true or false"),
    "statute_disqualified": (statute_disqualified, _bool, "true or false"),
    "age_at_least": (age_at_least, _years, "a number of years"),
    "age_at_most": (age_at_most, _years, "a number of years"),
    "under_21_at_conviction": (under_21_at_conviction, _bool, "true or false"),
    "years_since_conviction_at_least": (years_since_conviction_at_least, _years, "a number of years"),
    "no_conviction_within_years": (no_conviction_within_years, _years, "a number of years"),
    "only_cannabis_convictions": (only_cannabis_convictions, _bool, "true or false"),
    "all_sentences_completed": (all_sentences_completed, _bool, "true or false"),
    "serving_sentence": (serving_sentence, _serving, "true, false, SERVING, COMPLETED or UNKNOWN"),
    "deceased": (deceased, _bool, "true or false"),
    "statute_suggestion": (statute_suggestion, _suggestions, "a suggestion name or a list of them"),
}
DATE_PREDICATES = {"convicted_on_or_after", "convicted_before"}
