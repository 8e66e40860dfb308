"""What may stand as the ground of a challenge: facts, never a doubt or an empty placeholder.

A notice of challenge tells the court why relief is opposed. Under HS 11361.8(b) and (f) the
court presumes eligibility unless the People prove otherwise by clear and convincing evidence,
so the ground is a fact: the disqualifying conviction with its date, county and case (what the
engine found in the record), or the facts the attorney states. A public-safety challenge must
name the risk the law means: "unreasonable risk of danger to public safety" is an unreasonable
risk that the person will commit a new violent felony described in PC 667(e)(2)(C)(iv)
(PC 1170.18(c), applied by HS 11361.8(b)(2)).

The same checks run when a challenge is recorded (deciding) and when it is printed (printing),
so a decision made before them is held at print time rather than printed.
"""
from __future__ import annotations

import json
import re
from typing import Iterable

from reviewer.domain.vocabulary import Level, Outcome

# Engine rules whose text states a disqualifying fact of the record (when the engine concluded NOT_ELIGIBLE).
FACT_RULES = frozenset({
    "disqualifying-subsection", "prior-super-strike", "prior-pc290", "prior-pc290-registration",
    "two-priors-same-section", "after-auma", "after-auma-disqualified", "already-lesser", "auma-subsection",
    "still-a-felony",
})
_DOUBT = re.compile(
    r"\?|\bdepends? on\b|\bpossibl[ey]\b|\bmay\b(?!\s+\d)|\bmight\b|\bunclear\b|\bunknown\b|\bnot sure\b|\bperhaps\b"
    r"|\bprobabl[ey]\b|\bto answer\b|\bto confirm\b|\bTBD\b|\bunsure\b|\bmaybe\b|\bif\b|\bwhether\b",
    re.IGNORECASE)
MIN_WORDS = 3

# PC 667(e)(2)(C)(iv): the new violent felonies a public-safety challenge can fear (words that name them).
VIOLENT_FELONIES = (
    ("a homicide or attempted homicide (Pen. Code, §§ 187-191.5)",
     r"homicid|murder|manslaughter|\bkill|\b18[7-9]\b|\b19[01](\.5)?\b"),
    ("a sexually violent offense (Welf. & Inst. Code, § 6600, subd. (b))", r"sexual|rape|\b261\b|\b6600\b"),
    ("oral copulation, sodomy or sexual penetration of a child under 14 (Pen. Code, §§ 286, 287, 289)",
     r"sodomy|oral copulation|penetration|\b28[67]\b|\b289\b|\b288a\b"),
    ("a lewd or lascivious act on a child under 14 (Pen. Code, § 288)", r"lewd|lascivious|molest|\b288\b"),
    ("solicitation to commit murder (Pen. Code, § 653f)", r"solicit|\b653f\b"),
    ("assault with a machine gun on a peace officer or firefighter (Pen. Code, § 245, subd. (d)(3))",
     r"machine ?gun|\b245\(d\)\(3\)"),
    ("possession of a weapon of mass destruction (Pen. Code, § 11418, subd. (a)(1))",
     r"weapon of mass destruction|\b11418\b"),
    ("a serious or violent felony punishable by life imprisonment or death",
     r"life imprisonment|punishable by (life|death)|life sentence"),
)
_VIOLENT = [(label, re.compile(pattern, re.IGNORECASE)) for label, pattern in VIOLENT_FELONIES]


def engine_facts(reasons: str | Iterable[dict], suggestion: str) -> tuple[dict, ...]:
    """The engine's disqualifying facts, only when the engine itself concluded NOT_ELIGIBLE.

    A NEEDS_REVIEW evaluation's reasons are questions ("relief depends on whether ..."): never grounds."""
    if suggestion != "NOT_ELIGIBLE":
        return ()
    items = json.loads(reasons or "[]") if isinstance(reasons, str) else list(reasons)
    return tuple(r for r in items
                 if (r.get("rule", "") in FACT_RULES or r.get("rule", "").startswith("policy:"))
                 and not is_doubt(r.get("text", "")))


def is_doubt(text: str) -> bool:
    return bool(_DOUBT.search(text or ""))


def violent_felony_named(text: str) -> str | None:
    """The PC 667(e)(2)(C)(iv) offense `text` names, or None."""
    return next((label for label, pattern in _VIOLENT if pattern.search(text or "")), None)


def stated_facts_problem(reason: str) -> str | None:
    """Why an attorney's reason cannot stand as the facts of a ground (None: it can)."""
    reason = " ".join((reason or "").split())
    if len(reason.split()) < MIN_WORDS:
        return ("state the facts the challenge rests on (what the record shows, with dates and the court case), "
                f"in at least {MIN_WORDS} words")
    if is_doubt(reason):
        return ("the reason states a doubt, not a fact; answer the open question first, or state the facts "
                "that disqualify the person")
    return None


def challenge_problem(outcome: Outcome, reason: str, facts: tuple[dict, ...] = ()) -> str | None:
    """Why this challenge cannot be recorded or printed as it stands (None: it can)."""
    if outcome is Outcome.CHALLENGE_PUBLIC_SAFETY:
        problem = stated_facts_problem(reason)
        if problem:
            return f"A public-safety challenge needs facts: {problem}."
        if violent_felony_named(reason) is None:
            return ("A public-safety challenge must name what makes the risk unreasonable: the new violent felony "
                    "the person is at risk of committing, one described in Pen. Code, § 667, subd. (e)(2)(C)(iv) "
                    "(Pen. Code, § 1170.18, subd. (c)), e.g. a homicide, a sexually violent offense, a lewd act "
                    "on a child under 14, solicitation to commit murder; and the facts that show that risk.")
        return None
    if outcome is Outcome.CHALLENGE_NOT_ELIGIBLE and not facts:
        problem = stated_facts_problem(reason)
        if problem:
            return ("The record shows no disqualifying fact for this conviction, so the challenge rests on the "
                    f"attorney's reason: {problem}.")
    return None


def grants_nothing(outcome: Outcome, level: str | None) -> str | None:
    """Why `outcome` is no relief for a conviction of `level` (None: it is relief, or the level is unknown).

    HS 11361.8 gives a lesser offense or none: a misdemeanor cannot be 'redesignated' a misdemeanor, nor an
    infraction a misdemeanor or an infraction."""
    order = {Level.INFRACTION.value: 0, Level.MISDEMEANOR.value: 1, Level.FELONY.value: 2}
    target = {Outcome.REDESIGNATE_MISDEMEANOR: 1, Outcome.REDESIGNATE_INFRACTION: 0}.get(outcome)
    if target is None or level not in order or target < order[level]:
        return None
    was = Level(level).label.lower()
    now = "a misdemeanor" if target == 1 else "an infraction"
    return (f"The conviction is already {'an' if was[0] in 'aeiou' else 'a'} {was}: redesignating it as {now} "
            "is not a lesser offense and grants nothing (Health & Saf. Code, § 11361.8, subds. (a), (e)). "
            "Choose dismissal and sealing, a lower level, or a challenge.")
