"""Which printed papers are not ready for filing, named so that a clerk can find the conviction.

A paper whose court case number is missing or a placeholder is printed marked "CASE NUMBER
REQUIRED" on every page (documents.readiness); the print job reports it here. It is recorded as
printed like any other, and is printed again by the next batch once the number is entered
(`reviewer case-number`: the number entered is part of what the print answered).
"""
from __future__ import annotations

from reviewer.documents.model import CaseFile

Key = tuple[int, str]
SHOWN = 20


def not_ready(case: CaseFile, row: int = 0) -> tuple[Key, str] | None:
    """(case key, what is wrong, naming the person, counts and code sections), or None for a filing-ready case."""
    problem = case.number_problem
    if problem is None:
        return None
    counts = ", ".join(f"count {c.count} {c.code_section}" for c in case.counts[:3]) + (" ..." if len(case.counts) > 3 else "")
    where = f" (bulk motion, Exhibit A row {row})" if row else ""
    return (case.person_id, case.case_key), f"{case.display_name}, {counts}: {problem}{where}"


def summary_lines(entries: list[tuple[Key, str]]) -> list[str]:
    if not entries:
        return []
    lines = [f"{len(entries)} court cases printed NOT FILING-READY, marked CASE NUMBER REQUIRED on every page: "
             "enter the number (`reviewer case-number` or the print center) and print them again:"]
    lines += [f"  {pid}:{key} {what}" for (pid, key), what in entries[:SHOWN]]
    if len(entries) > SHOWN:
        lines.append(f"  ... and {len(entries) - SHOWN} more")
    return lines
