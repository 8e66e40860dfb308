"""Who is using Reviewer: every decision records it."""
from __future__ import annotations

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
