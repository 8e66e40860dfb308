"""What can be wrong with an input file: rejected as a whole, or flagged row by row."""
from __future__ import annotations

from dataclasses import dataclass


class FileRejected(Exception):
    """The file cannot be read as a whole; nothing from it may be imported."""

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        self.file, self.line, self.problem = file, line, problem
        where = f"line {line}: " if line else ""
        super().__init__(f"{file}: {where}{problem}")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A readable row with a bad value: the row imports, its conviction goes to review."""

    line: int
    field: str
    problem: str

    def describe(self, file: str) -> str:
        return f"{file} line {self.line}, {self.field}: {self.problem}"
