"""Evaluate persons' cannabis convictions in one county: the statute first, then the county policy.

There is one engine: the rules over columns (engine/columns). A county is evaluated as one frame; a
person (an attorney's answer, a test case) is the same rules over that person's rows alone.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from reviewer.domain.records import Evaluation, PersonRecord
from reviewer.engine.counties import normalise_county
from reviewer.engine.policy import Policy

__all__ = ["evaluate_record", "evaluate_records", "normalise_county"]


def evaluate_record(record: PersonRecord, county: str, as_of: date, policy: Policy | None = None) -> list[Evaluation]:
    """One Evaluation per conviction of `county` on this record that the engine evaluates (HS 11357-11360,
    and a related count that may be a plea bargain), in conviction id order."""
    return evaluate_records([record], county, as_of, policy)


def evaluate_records(records: Iterable[PersonRecord], county: str, as_of: date,
                     policy: Policy | None = None) -> list[Evaluation]:
    """evaluate_record for every record, all in one run of the rules (in conviction id order)."""
    from reviewer.engine.columns.evaluate import evaluate_records as over_columns  # (polars loads on first use)

    return over_columns(records, county, as_of, policy)
