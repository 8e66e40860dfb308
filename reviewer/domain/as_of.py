"""The dates an evaluation may be made as of.

Relief under HS 11361.8 exists from the day AUMA took effect (2016-11-09): an earlier as-of date asks
what no statute answers. Sentence status is read against the as-of date, so a date far ahead would call
every running sentence completed; a year ahead is room enough to plan a filing."""
from __future__ import annotations

from datetime import date, timedelta

EARLIEST_AS_OF = date(2016, 11, 9)
AHEAD = timedelta(days=366)


def latest_as_of(today: date) -> date:
    return today + AHEAD


def as_of_problem(day: date, today: date) -> str | None:
    """Why `day` cannot be an as-of date, or None."""
    if day < EARLIEST_AS_OF:
        return (f"{day.isoformat()} is before 2016-11-09, when AUMA took effect: relief under HS 11361.8 "
                "starts then")
    if day > latest_as_of(today):
        return f"{day.isoformat()} is more than a year from today ({today.isoformat()})"
    return None
