"""A person's criminal record as the engine and the screens see it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reviewer.domain.code_section import CodeSection
from reviewer.domain.vocabulary import Level, SentenceStatus, Suggestion


@dataclass(slots=True, unsafe_hash=True)
class Conviction:
    """One convicted count (all counties), with where it came from.

    A value, never changed after construction (equal and hashable by its fields). Not frozen
    only because a frozen dataclass takes ten times as long to build, and evaluation builds one per
    conviction (the same goes for Reason, Evaluation and the engine's StatuteResult and Context)."""

    id: int
    offense_text: str
    code: CodeSection | None
    level: Level | None
    disposition_date: date | None
    county: str
    case_key: str = ""
    count_order: str = ""
    court_case: str = ""
    sentence_end: date | None = None
    has_sentence: bool = False
    source_file: str = ""
    source_line: int = 0
    issues: tuple[str, ...] = ()
    is_cannabis: bool = field(init=False, default=False)
    section: str = field(init=False, default="")

    def __post_init__(self) -> None:
        # Asked for every conviction by every rule: worked out once.
        self.is_cannabis = self.code is not None and self.code.is_cannabis
        self.section = self.code.section if self.code else ""

    def before(self, other: "Conviction") -> bool:
        """Strictly earlier disposition (a prior). Undated convictions are never priors."""
        return (
            self.disposition_date is not None
            and other.disposition_date is not None
            and self.disposition_date < other.disposition_date
        )


@dataclass(frozen=True, slots=True)
class Person:
    subject_id: str
    name: str = ""
    cii: str = ""
    dob: date | None = None
    deceased: bool = False
    pc290_registration: bool = False
    pc290_registration_date: date | None = None
    id: int = 0


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person and every conviction on their record, across counties."""

    person: Person
    convictions: tuple[Conviction, ...] = field(default_factory=tuple)


@dataclass(slots=True, unsafe_hash=True)  # a value (see Conviction): built three times per evaluation
class Reason:
    """One step of an explanation: the rule, the statute it comes from, and the facts used."""

    rule: str
    citation: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "citation": self.citation, "text": self.text}

    def __str__(self) -> str:
        return f"{self.text} [{self.citation}]" if self.citation else self.text


@dataclass(slots=True, unsafe_hash=True)  # a value (see Conviction): built once per evaluation
class Evaluation:
    """The engine's answer for one conviction."""

    conviction_id: int
    suggestion: Suggestion
    reasons: tuple[Reason, ...]
    sentence_status: SentenceStatus
    disqualified: bool = False
    flagged: bool = False
    statute_suggestion: Suggestion | None = None
    policy_reason: str = ""

    @property
    def needs_attention(self) -> bool:
        """Queue priority: review needed or a disqualifier hit."""
        return self.suggestion is Suggestion.NEEDS_REVIEW or self.disqualified
