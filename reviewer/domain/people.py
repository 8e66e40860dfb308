"""Who is using Reviewer: every decision records it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.domain.vocabulary import Role


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role = Role.ATTORNEY
    bar_number: str = ""
    # Who is signed in, as the system knows it: the PostgreSQL role of the connection, or on a
    # single-user SQLite file the operating-system user (recorded beside the typed name).
    account: str = ""

    @property
    def can_decide(self) -> bool:
        return self.role is Role.ATTORNEY


BAR_NUMBER_DIGITS = 6  # State Bar of California numbers are issued in sequence; none has more than six digits


# How bar numbers are written on papers: "123456", "SBN 123456", "CSB #204512", "Bar No. 98765".
_BAR_PREFIX = re.compile(r"^(?:SBN|CSB|BAR)?\s*(?:NO\.?|#)?\s*", re.IGNORECASE)


def bar_number_digits(text: str) -> str:
    """The digits of a State Bar number as typed, without its written prefix ("SBN 123456" -> "123456")."""
    value = (text or "").strip()
    return _BAR_PREFIX.sub("", value, count=1) if value else ""


def bar_number_problem(text: str) -> str:
    """Why `text` is not a State Bar of California number (1 to 6 digits, not all zeros, an optional
    "SBN"/"CSB"/"Bar No." before them), or ""."""
    value = bar_number_digits(text)
    if not value:
        return "A State Bar number is digits (for example 123456)."
    if not value.isdigit() or not value.isascii():
        return "A State Bar number is digits only (for example 123456)."
    if len(value) > BAR_NUMBER_DIGITS:
        return f"A State Bar number has at most {BAR_NUMBER_DIGITS} digits; this one has {len(value)}."
    if int(value) == 0:
        return "A State Bar number is not all zeros."
    return ""
