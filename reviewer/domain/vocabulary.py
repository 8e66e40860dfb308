"""The words of DESIGN.md as enums: suggestions, outcomes, levels, decisions."""
from __future__ import annotations

from enum import Enum


class Suggestion(str, Enum):
    """What the engine proposes for one conviction."""

    DISMISS_AND_SEAL = "DISMISS_AND_SEAL"
    REDESIGNATE_MISDEMEANOR = "REDESIGNATE_MISDEMEANOR"
    REDESIGNATE_INFRACTION = "REDESIGNATE_INFRACTION"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    NEEDS_REVIEW = "NEEDS_REVIEW"
    REFER = "REFER"

    @property
    def grants_relief(self) -> bool:
        return self in RELIEF_SUGGESTIONS

    @property
    def label(self) -> str:
        return SUGGESTION_LABELS[self]


RELIEF_SUGGESTIONS = frozenset(
    {Suggestion.DISMISS_AND_SEAL, Suggestion.REDESIGNATE_MISDEMEANOR, Suggestion.REDESIGNATE_INFRACTION}
)

SUGGESTION_LABELS = {
    Suggestion.DISMISS_AND_SEAL: "Dismiss and seal",
    Suggestion.REDESIGNATE_MISDEMEANOR: "Redesignate as misdemeanor",
    Suggestion.REDESIGNATE_INFRACTION: "Redesignate as infraction",
    Suggestion.NOT_ELIGIBLE: "Not eligible",
    Suggestion.NEEDS_REVIEW: "Needs review",
    Suggestion.REFER: "Refer to another agency",
}


class Outcome(str, Enum):
    """Where an attorney's decision lands: relief, a challenge, or a referral."""

    DISMISS_AND_SEAL = "DISMISS_AND_SEAL"
    REDESIGNATE_MISDEMEANOR = "REDESIGNATE_MISDEMEANOR"
    REDESIGNATE_INFRACTION = "REDESIGNATE_INFRACTION"
    CHALLENGE_NOT_ELIGIBLE = "CHALLENGE_NOT_ELIGIBLE"
    CHALLENGE_PUBLIC_SAFETY = "CHALLENGE_PUBLIC_SAFETY"
    REFER = "REFER"

    @property
    def is_challenge(self) -> bool:
        return self in (Outcome.CHALLENGE_NOT_ELIGIBLE, Outcome.CHALLENGE_PUBLIC_SAFETY)

    @property
    def grants_relief(self) -> bool:
        """Dismissal or redesignation: neither a challenge nor a referral."""
        return not self.is_challenge and self is not Outcome.REFER

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @classmethod
    def for_suggestion(cls, suggestion: Suggestion) -> "Outcome | None":
        """The outcome that accepting a suggestion produces (None: it must be decided by hand)."""
        return _ACCEPTED_OUTCOME.get(suggestion)


OUTCOME_LABELS = {
    Outcome.DISMISS_AND_SEAL: "Dismiss and seal",
    Outcome.REDESIGNATE_MISDEMEANOR: "Redesignate as misdemeanor",
    Outcome.REDESIGNATE_INFRACTION: "Redesignate as infraction",
    Outcome.CHALLENGE_NOT_ELIGIBLE: "Challenge: not eligible",
    Outcome.CHALLENGE_PUBLIC_SAFETY: "Challenge: unreasonable risk to public safety",
    Outcome.REFER: "Refer to another agency",
}

_ACCEPTED_OUTCOME = {
    Suggestion.DISMISS_AND_SEAL: Outcome.DISMISS_AND_SEAL,
    Suggestion.REDESIGNATE_MISDEMEANOR: Outcome.REDESIGNATE_MISDEMEANOR,
    Suggestion.REDESIGNATE_INFRACTION: Outcome.REDESIGNATE_INFRACTION,
    Suggestion.NOT_ELIGIBLE: Outcome.CHALLENGE_NOT_ELIGIBLE,
    Suggestion.REFER: Outcome.REFER,
}


class Level(str, Enum):
    """Level of a conviction: felony, misdemeanor or infraction."""

    FELONY = "F"
    MISDEMEANOR = "M"
    INFRACTION = "I"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {Level.FELONY: "Felony", Level.MISDEMEANOR: "Misdemeanor", Level.INFRACTION: "Infraction"}


class DecisionKind(str, Enum):
    ACCEPT = "ACCEPT"
    OVERRIDE = "OVERRIDE"


class SentenceStatus(str, Enum):
    """Whether the sentence is still being served on the as-of date (HS 11361.8(a)/(b) vs (e)/(f))."""

    SERVING = "SERVING"
    COMPLETED = "COMPLETED"
    UNKNOWN = "UNKNOWN"


# The engine's question "is the sentence still being served?" (answered SERVING or COMPLETED).
SENTENCE_QUESTION = "sentence-serving"


class Role(str, Enum):
    ATTORNEY = "attorney"
    CLERK = "clerk"


class ReviewStatus(str, Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    OVERRIDDEN = "overridden"
