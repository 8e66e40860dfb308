"""Which counties the imported records hold cannabis convictions in, with counts."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, case, func, literal, select

from reviewer.store import models as m

_C = m.Conviction


@dataclass(frozen=True, slots=True)
class CountyCount:
    county: str
    persons: int
    convictions: int  # HS 11357-11360 convictions of the county
    felonies: int  # of them, felonies (the queue's flagged felonies)


def cannabis_counties(conn: Connection) -> list[CountyCount]:
    """Counties with at least one HS 11357-11360 conviction, most convictions first."""
    felony = func.sum(case((_C.level == "F", literal(1)), else_=0))
    query = (
        select(_C.county, func.count(func.distinct(_C.person_id)), func.count(), felony)
        .where(_C.is_cannabis.is_(True))
        .group_by(_C.county)
        .order_by(func.count().desc(), _C.county)
    )
    return [CountyCount(r[0], int(r[1]), int(r[2]), int(r[3] or 0)) for r in conn.execute(query)]


def has_cannabis_in(conn: Connection, county: str) -> bool:
    """Any HS 11357-11360 conviction of the county (one probe of the partial index, not a count)."""
    query = select(_C.id).where(_C.county == county, _C.is_cannabis.is_(True)).limit(1)
    return conn.execute(query).first() is not None
