"""Per-attorney progress and a projected finish date, for the dashboard.

"Today" is a parameter. The pace is the decisions of the last seven days divided by the days on which
decisions were made (a week of four working days is not counted as seven), so the projection reads
"at this pace, the queue is done on ...", counted in such working days from tomorrow (weekends skipped).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from reviewer.store.database import Database
from reviewer.store.progress import decisions_per_day

PACE_DAYS = 7


@dataclass(frozen=True)
class AttorneyProgress:
    name: str
    today: int
    this_week: int  # since Monday


@dataclass(frozen=True)
class Progress:
    attorneys: tuple[AttorneyProgress, ...]
    per_day: float  # the office's pace over the last PACE_DAYS days (days with decisions)
    pending: int
    finish: date | None  # None: no pace yet, or nothing pending


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def working_days_after(day: date, n: int) -> date:
    """The n-th weekday after `day`."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def attorney_progress(db: Database, today: date, pending: int) -> Progress:
    since = min(week_start(today), today - timedelta(days=PACE_DAYS - 1))
    with db.engine.connect() as conn:
        counts = decisions_per_day(conn, since)
    monday = week_start(today)
    names = sorted({name for name, _ in counts})
    attorneys = tuple(
        AttorneyProgress(name, counts.get((name, today), 0),
                         sum(n for (who, day), n in counts.items() if who == name and monday <= day <= today))
        for name in names
    )
    recent = {day: 0 for _, day in counts if day > today - timedelta(days=PACE_DAYS)}
    for (_, day), n in counts.items():
        if day in recent:
            recent[day] += n
    per_day = sum(recent.values()) / len(recent) if recent else 0.0
    finish = None
    if pending == 0:
        finish = today
    elif per_day > 0:
        finish = working_days_after(today, math.ceil(pending / per_day))
    return Progress(tuple(sorted(attorneys, key=lambda a: (-a.this_week, a.name))), per_day, pending, finish)


__all__ = ["AttorneyProgress", "Progress", "attorney_progress", "week_start", "working_days_after"]
