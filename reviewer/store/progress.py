"""Decisions per attorney and day, for the dashboard's progress (standing decisions only: undone ones don't count)."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import Connection, func, select

from reviewer.store import models as m


def decisions_per_day(conn: Connection, since: date) -> Counter:
    """{(attorney, day): decisions made that day and not undone} from `since` on."""
    D = m.Decision
    day = func.date(D.decided_at)
    query = (select(D.user_name, day, func.count()).where(D.undone_at.is_(None),
                                                          D.decided_at >= datetime.combine(since, datetime.min.time()))
             .group_by(D.user_name, day))
    out: Counter = Counter()
    for name, when, n in conn.execute(query):
        out[(name, when if isinstance(when, date) else date.fromisoformat(str(when)[:10]))] += n
    return out

