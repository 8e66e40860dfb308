"""What a court document is made from: the office, the court case and its counts, the wording."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from reviewer.domain.vocabulary import Outcome, SentenceStatus

RELIEF = (Outcome.DISMISS_AND_SEAL, Outcome.REDESIGNATE_MISDEMEANOR, Outcome.REDESIGNATE_INFRACTION)
NO_CASE_NUMBER = "NOT ON DOJ RECORD"
PLACEHOLDER_CASE_NUMBER = "CASE NUMBER REQUIRED"  # printed instead of a placeholder someone typed ("TODO")
# How the office files relief: San Francisco's motion-and-order per court case, the Los Angeles / Alameda bulk
# motion with an exhibit, or both (the bulk motion for cases without a challenge, per-case papers for the rest).
FILING_STYLES = {
    "per-case": "one motion and order per court case (San Francisco)",
    "bulk": "one bulk motion with Exhibit A (Los Angeles, Alameda); per-case papers only for challenges",
    "both": "the bulk motion for cases without a challenge; per-case motion, order and notice for cases with one",
}


@dataclass(frozen=True)
class Office:
    """The filing office, from the settings (never from code)."""

    county: str
    court_name: str
    court_address: tuple[str, ...]
    district_attorney: str
    deputy_name: str
    deputy_bar_number: str
    office_address: tuple[str, ...]
    phone: str
    email: str
    deputy_title: str = "Deputy District Attorney"
    district_attorney_title: str = "District Attorney"
    public_defender: str = ""
    public_defender_address: tuple[str, ...] = ()
    city: str = ""
    public_defender_email: str = ""
    filing_style: str = "per-case"
    referral_agency: str = "City Attorney"
    is_example: bool = False

    @property
    def court_title(self) -> str:
        return self.court_name.upper()

    @property
    def county_line(self) -> str:
        return f"COUNTY OF {self.county.upper()}"


@dataclass(frozen=True)
class CountLine:
    """One convicted count of the court case and what was decided for it."""

    count: str
    code_section: str
    level: str
    convicted_on: date | None
    outcome: Outcome
    sentence_status: SentenceStatus
    grounds: tuple[str, ...] = ()  # disqualifying facts from the evaluation (not-eligible challenges)
    attorney_reason: str = ""
    referral_reason: str = ""  # a count referred to another agency: why (the attorney's words or the policy's)
    risk: str = ""  # public-safety challenge: the PC 667(e)(2)(C)(iv) felony the People fear (PC 1170.18(c))

    @property
    def is_relief(self) -> bool:
        return self.outcome in RELIEF

    @property
    def is_challenge(self) -> bool:
        return self.outcome.is_challenge


@dataclass(frozen=True)
class CaseFile:
    """All counts of one person's court case (same case key), decided together."""

    person_name: str
    dob: date | None
    cii: str
    court_case: str
    case_key: str
    counts: tuple[CountLine, ...] = field(default_factory=tuple)
    person_id: int = 0
    relief_in_bulk: tuple[str, ...] = ()  # counts whose relief the bulk motion's Exhibit A asks for instead

    @property
    def case_number(self) -> str:
        """The number as printed: NOT ON DOJ RECORD where there is none, CASE NUMBER REQUIRED for a placeholder."""
        if not self.court_case:
            return NO_CASE_NUMBER
        return PLACEHOLDER_CASE_NUMBER if case_number_problem(self.court_case) else self.court_case

    @property
    def number_problem(self) -> str | None:
        return case_number_problem(self.court_case)

    @property
    def display_name(self) -> str:
        """The name as the DOJ wrote it, with a space after the comma of LAST,FIRST."""
        return ", ".join(part.strip() for part in self.person_name.split(",") if part.strip())

    @property
    def relief_counts(self) -> tuple[CountLine, ...]:
        return tuple(c for c in self.counts if c.is_relief)

    @property
    def challenged_counts(self) -> tuple[CountLine, ...]:
        return tuple(c for c in self.counts if c.is_challenge)

    @property
    def referred_counts(self) -> tuple[CountLine, ...]:
        return tuple(c for c in self.counts if c.outcome is Outcome.REFER)

    @property
    def needs_sentence_answer(self) -> bool:
        """Relief cites 11361.8(b) or (e)/(f) by the sentence; unknown means an attorney must say."""
        return any(c.sentence_status is SentenceStatus.UNKNOWN for c in self.relief_counts)

    @property
    def document_kinds(self) -> tuple[str, ...]:
        kinds = []
        if self.relief_counts:
            kinds.append("motion-order")
        if self.challenged_counts:
            kinds.append("notice-of-challenge")
        return tuple(kinds)


# Words that stand in for a number nobody has yet; a court case number always has a digit in it.
_PLACEHOLDER = re.compile(
    r"\b(?:TODO|TBD|TBA|FIXME|XXX+|N/?A|NONE|NULL|UNKNOWN|PENDING|PLACEHOLDER|MISSING|UNASSIGNED|NOT\s+ON)\b|\?",
    re.IGNORECASE)


def case_number_problem(number: str | None) -> str | None:
    """Why `number` is not a court case number a paper can be filed under, or None when it is one."""
    text = " ".join((number or "").split())
    if not text or text.upper() == NO_CASE_NUMBER:
        return "no court case number"
    if _PLACEHOLDER.search(text) or not any(ch.isdigit() for ch in text) or not text.strip("0-/ "):
        return f"the court case number {text!r} is a placeholder"
    return None


def format_date(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "date not on record"
