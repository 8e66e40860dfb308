"""Who is using Reviewer: every decision records it."""
from __future__ import annotations

from dataclasses import dataclass

from reviewer.domain.vocabulary import Role


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role = Role.ATTORNEY
    bar_number: str = ""

    @property
    def can_decide(self) -> bool:
        return self.role is Role.ATTORNEY


BAR_NUMBER_DIGITS = 6  # State Bar of California numbers are issued in sequence; none has more than six digits


def bar_number_problem(text: str) -> str:
    """Why `text` is not a State Bar of California number (1 to 6 digits, not all zeros), or ""."""
    value = text.strip()
    if value.upper().startswith("SBN"):
        return "Enter the State Bar number without “SBN”: digits only."
    if not value.isdigit() or not value.isascii():
        return "A State Bar number is digits only (for example 123456)."
    if len(value) > BAR_NUMBER_DIGITS:
        return f"A State Bar number has at most {BAR_NUMBER_DIGITS} digits; this one has {len(value)}."
    if int(value) == 0:
        return "A State Bar number is not all zeros."
    return ""
