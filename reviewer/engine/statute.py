"""Layer 1: what HS 11357-11360 carry after AUMA, and the felony exceptions (DOMAIN.md)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reviewer.domain.records import Conviction, Reason
from reviewer.domain.vocabulary import Level, Suggestion
from reviewer.engine import tables
from reviewer.engine.facts import PersonFacts, age_on

AUMA_EFFECTIVE = date(2016, 11, 9)

# Where each section's felony exceptions live, for the explanation.
FELONY_EXCEPTIONS = {
    "11358": ("HS 11358(d)(1)", "HS 11358(d)(2)"),
    "11359": ("HS 11359(c)(1)", "HS 11359(c)(2)"),
    "11360": ("HS 11360(a)(3)(A)", "HS 11360(a)(3)(B)"),
}
NOW_MISDEMEANOR = {"11358": "HS 11358(c)", "11359": "HS 11359(b)", "11360": "HS 11360(a)(2)"}


@dataclass(slots=True, unsafe_hash=True)  # a value, not frozen for speed (see domain.records.Conviction)
class StatuteResult:
    suggestion: Suggestion
    reasons: tuple[Reason, ...]
    disqualifiers: tuple[Reason, ...] = ()
    data_problem: bool = False

    @property
    def disqualified(self) -> bool:
        return bool(self.disqualifiers)


def assess(conv: Conviction, facts: PersonFacts, as_of: date) -> StatuteResult:
    """The statute's answer for one cannabis conviction, with every fact it used."""
    result = _assess(conv, facts, as_of)
    related = tuple(related_charges(conv, facts))
    if related and not result.data_problem:
        return StatuteResult(result.suggestion, result.reasons + related, result.disqualifiers)
    return result


def related_charges(conv: Conviction, facts: PersonFacts):
    """Possible plea bargains: a related non-cannabis count in the same court case (informational)."""
    for other in facts.convictions:
        if other is conv or other.case_key != conv.case_key or other.is_cannabis:
            continue
        entry = tables.first_match(tables.RELATED_CHARGES, other.code)
        if entry is not None:
            yield Reason(
                "related-charge",
                entry.citation,
                f"the same court case also has {other.code} ({entry.label}): possibly a plea bargain for a "
                "cannabis charge; review that count too",
            )


def _assess(conv: Conviction, facts: PersonFacts, as_of: date) -> StatuteResult:
    problems = data_problems(conv)
    if problems:
        return StatuteResult(Suggestion.NEEDS_REVIEW, tuple(Reason("data-problem", "", p) for p in problems), (), True)
    disqualifiers = tuple(find_disqualifiers(conv, facts))
    if conv.disposition_date >= AUMA_EFFECTIVE:
        reason = Reason(
            "after-auma",
            "HS 11361.8(a)",
            f"convicted on {conv.disposition_date.isoformat()}, after AUMA took effect on 2016-11-09: "
            "relief depends on when the offense was committed",
        )
        return StatuteResult(Suggestion.NEEDS_REVIEW, (reason,) + disqualifiers, disqualifiers)
    if conv.section == "11357":
        return _possession(conv, facts)
    return _felony_capable(conv, facts, disqualifiers)


def data_problems(conv: Conviction) -> tuple[str, ...]:
    """What the record lacks for any rule to apply (flagged at import, or missing outright)."""
    if conv.issues:
        return conv.issues
    if conv.disposition_date is not None and conv.level is not None:
        return ()
    where = f"{conv.source_file} line {conv.source_line}" if conv.source_line else "the record"
    missing = [
        name
        for name, value in (("disposition date", conv.disposition_date), ("level", conv.level))
        if value is None
    ]
    return tuple(f"{where}: {name} missing" for name in missing)


def find_disqualifiers(conv: Conviction, facts: PersonFacts):
    """The 'still a felony' conditions that hold for this conviction (11358-11360 only)."""
    if conv.section not in FELONY_EXCEPTIONS:
        return
    strike_cite, priors_cite = FELONY_EXCEPTIONS[conv.section]
    entry = tables.first_match(tables.DISQUALIFYING_SUBSECTIONS, conv.code)
    if entry is not None:
        yield Reason("disqualifying-subsection", entry.citation, f"convicted under {conv.code}: {entry.label}")
    for hit in facts.prior_super_strikes(conv):
        yield Reason(
            "prior-super-strike",
            f"{strike_cite}; {tables.SUPER_STRIKE_CITATION}",
            f"prior conviction {hit.describe()} is listed in {hit.entry.citation}",
        )
    for hit in facts.prior_pc290(conv):
        yield Reason(
            "prior-pc290",
            f"{strike_cite}; {tables.PC290_CITATION}",
            f"prior conviction {hit.describe()} requires registration under PC 290(c)",
        )
    if facts.prior_registration(conv):
        when = facts.person.pc290_registration_date
        on = f" on {when.isoformat()}" if when else " (date not recorded)"
        yield Reason("prior-pc290", f"{strike_cite}; PC 290", f"registered as a PC 290 offender{on}")
    priors = facts.priors_same_section(conv)
    if len(priors) >= 2:
        listed = ", ".join(f"{p.code} on {p.disposition_date.isoformat()}" for p in priors)
        yield Reason(
            "two-priors-same-section",
            priors_cite,
            f"{len(priors)} prior HS {conv.section} convictions before this one: {listed}",
        )


def _possession(conv: Conviction, facts: PersonFacts) -> StatuteResult:
    """HS 11357: never a felony now; the amount decides legal, infraction or misdemeanor."""
    code = conv.code
    if not code.subsections:
        return StatuteResult(
            Suggestion.NEEDS_REVIEW,
            (
                Reason(
                    "11357-no-subsection",
                    "HS 11357; HS 11362.1",
                    "HS 11357 recorded without subsection: the quantity decides whether the conduct is now "
                    "legal (28.5 g or less at 21+) or a misdemeanor, and the record does not show it",
                ),
            ),
        )
    if code.has_prefix("B"):
        return _legal_now(conv, facts, "HS 11357(b) (28.5 g or less)", "HS 11362.1(a)(1)")
    if conv.level is Level.FELONY:
        return StatuteResult(
            Suggestion.REDESIGNATE_MISDEMEANOR,
            (
                Reason(
                    "11357-felony",
                    "HS 11357(b)(2); HS 11361.8(b),(f)",
                    f"felony {code}: possession is never a felony after AUMA; at most a misdemeanor",
                ),
            ),
        )
    return StatuteResult(
        Suggestion.NEEDS_REVIEW,
        (
            Reason(
                "11357-misdemeanor",
                "HS 11357(b)(2),(c); HS 11362.1",
                f"{conv.level.label.lower()} {code}: legal now only if the quantity was within HS 11362.1; "
                "the record does not show it",
            ),
        ),
    )


def _legal_now(conv: Conviction, facts: PersonFacts, what: str, legal_cite: str) -> StatuteResult:
    dob = facts.person.dob
    age = age_on(dob, conv.disposition_date) if dob else None
    if age is not None and age < 21:
        return StatuteResult(
            Suggestion.REDESIGNATE_INFRACTION,
            (
                Reason(
                    "legal-conduct-under-21",
                    f"{legal_cite}; HS 11361.8(b),(f)",
                    f"{what}: legal at 21 or older, an infraction below 21; age {age} at conviction",
                ),
            ),
        )
    known = f"age {age} at conviction" if age is not None else "age at conviction unknown, treated as adult"
    return StatuteResult(
        Suggestion.DISMISS_AND_SEAL,
        (Reason("legal-conduct", f"{legal_cite}; HS 11361.8(a),(e)", f"{what}: conduct now legal at 21 or older; {known}"),),
    )


def _felony_capable(conv: Conviction, facts: PersonFacts, disqualifiers: tuple[Reason, ...]) -> StatuteResult:
    """HS 11358, 11359, 11360: a misdemeanor now unless an exception keeps it a felony."""
    code = conv.code
    if conv.section == "11360" and code.has_prefix("B"):
        return _legal_now(conv, facts, "HS 11360(b) (giving away or transporting 28.5 g or less)", "HS 11362.1(a)(1)")
    if conv.level is not Level.FELONY:
        reason = Reason(
            "already-lesser",
            NOW_MISDEMEANOR[conv.section],
            f"{conv.level.label.lower()} {code}: already no more than the misdemeanor AUMA provides",
        )
        return StatuteResult(Suggestion.NOT_ELIGIBLE, (reason,) + disqualifiers, disqualifiers)
    if disqualifiers:
        head = Reason(
            "still-a-felony",
            FELONY_EXCEPTIONS[conv.section][0].split("(")[0] + " (felony exceptions)",
            f"felony {code} stays a felony because of what follows",
        )
        return StatuteResult(Suggestion.NOT_ELIGIBLE, (head,) + disqualifiers, disqualifiers)
    reason = Reason(
        "now-misdemeanor",
        f"{NOW_MISDEMEANOR[conv.section]}; HS 11361.8(b),(f)",
        f"felony {code}: now a misdemeanor; no prior super strike, PC 290 offense or registration, "
        "or two prior convictions of the same section",
    )
    return StatuteResult(Suggestion.REDESIGNATE_MISDEMEANOR, (reason,))
