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
    # When the offense was committed, as far as the record shows: the arrest date of the cycle
    # (CYC_DATE where present). A prior must exist at that time (People v. Smit (2018) 24 Cal.App.5th 596).
    offense_date: date | None = None
    cycle_age: int | None = None  # CYC_AGE: age at the arrest cycle
    sentence_kind: str = ""  # "prison", "jail", "probation" or "" (the longest part decides the end)
    # A non-cannabis conviction whose cycle began with a cannabis arrest (possible plea bargain): the arrest.
    cannabis_arrest: str = ""
    is_cannabis: bool = field(init=False, default=False)
    section: str = field(init=False, default="")

    def __post_init__(self) -> None:
        # Asked for every conviction by every rule: worked out once.
        self.is_cannabis = self.code is not None and self.code.is_cannabis
        self.section = self.code.section if self.code else ""

    @property
    def cycle(self) -> str:
        """The arrest cycle (first three digits of CNT_ORDER): one arrest and what the courts made of it."""
        return self.count_order[:3]

    @property
    def committed_by(self) -> date | None:
        """The latest date the offense can have been committed: the arrest, else the disposition."""
        return self.offense_date or self.disposition_date


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
    # Attorneys' answers to the engine's questions: (conviction id, question key) -> answer value.
    answers: dict[tuple[int, str], str] = field(default_factory=dict, compare=False, hash=False)


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


@dataclass(frozen=True, slots=True)
class Answer:
    """One possible answer to a question, and where it leads under the statute."""

    value: str
    label: str
    suggestion: Suggestion
    citation: str

    def as_dict(self) -> dict[str, str]:
        return {"value": self.value, "label": self.label, "suggestion": self.suggestion.value,
                "citation": self.citation}


@dataclass(frozen=True, slots=True)
class Question:
    """What an attorney must answer for a NEEDS_REVIEW suggestion to become a decided one.

    `key` names the question for this conviction (answers are stored under it); each answer
    says which suggestion it leads to and the subdivision that says so."""

    key: str
    text: str
    answers: tuple[Answer, ...]
    citation: str = ""

    def answer(self, value: str) -> Answer | None:
        return next((a for a in self.answers if a.value == value), None)

    def as_dict(self) -> dict:
        return {"key": self.key, "text": self.text, "citation": self.citation,
                "answers": [a.as_dict() for a in self.answers]}


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
    questions: tuple[Question, ...] = ()

    @property
    def needs_attention(self) -> bool:
        """Queue priority: review needed or a disqualifier hit."""
        return self.suggestion is Suggestion.NEEDS_REVIEW or self.disqualified
