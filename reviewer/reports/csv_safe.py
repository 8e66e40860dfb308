"""Text from input data made safe for spreadsheets (no formula execution), the way OWASP recommends.

A CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run by Excel
and LibreOffice as a formula ("CSV injection"). OWASP's remedy: write such a cell as text by
putting a single quote in front of it; the csv module quotes the field where needed.
"""
from __future__ import annotations

from typing import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """Every text cell of a CSV row made safe (numbers, dates and empty cells as they are)."""
    return [spreadsheet_safe(v) for v in values]
