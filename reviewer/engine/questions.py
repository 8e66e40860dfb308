"""What the record cannot show: questions the rules ask, and the answers attorneys gave.

A rule that needs a fact the DOJ record does not hold calls `Asker.ask`. With an answer on
file it gets the answer (and the answer becomes one of the reasons); without one the question
is kept and the rule answers NEEDS_REVIEW. Where each answer leads is worked out afterwards by
running the rules again with that answer (statute.assess).
"""
from __future__ import annotations

from dataclasses import dataclass

from reviewer.domain.records import Conviction, Reason

YES_NO = (("yes", "Yes"), ("no", "No"))


@dataclass(slots=True)  # a value; not frozen, for speed (built for every question asked)
class Asked:
    key: str
    text: str
    options: tuple[tuple[str, str], ...]
    citation: str


class Asker:
    """The questions one assessment of one conviction asked, and the answers it used."""

    __slots__ = ("conv_id", "answers", "open", "used")

    def __init__(self, conv: Conviction, answers: dict[tuple[int, str], str] | None) -> None:
        self.conv_id = conv.id
        self.answers = answers or {}
        self.open: list[Asked] = []
        self.used: list[Reason] = []

    def ask(self, key: str, text, citation: str, options: tuple[tuple[str, str], ...] = YES_NO) -> str | None:
        """`text`: the question, or an object whose str() is the question (written only if needed)."""
        answers = self.answers
        value = answers.get((self.conv_id, key)) if answers else None
        if value is not None:
            label = next((lab for val, lab in options if val == value), None)
            if label is not None:
                if not any(r.rule == f"answer:{key}" for r in self.used):
                    self.used.append(Reason(f"answer:{key}", citation, f"the reviewing attorney answered "
                                                                       f"{label}: {str(text)}"))
                return value
        for q in self.open:
            if q.key == key:
                return None
        self.open.append(Asked(key, str(text), options, citation))
        return None

    def note(self, key: str, text, citation: str, value: str) -> None:
        """An answer a rule looked up itself: it becomes one of the reasons."""
        if not any(r.rule == f"answer:{key}" for r in self.used):
            label = dict(YES_NO).get(value, value)
            self.used.append(Reason(f"answer:{key}", citation, f"the reviewing attorney answered {label}: {str(text)}"))

    def with_answer(self, key: str, value: str) -> "Asker":
        trial = Asker.__new__(Asker)
        trial.conv_id = self.conv_id
        trial.answers = {**self.answers, (self.conv_id, key): value}
        trial.open, trial.used = [], []
        return trial
