"""The counties an evaluation can be run for: those the imported records hold cannabis convictions in."""
from __future__ import annotations

from reviewer.engine.evaluate import normalise_county
from reviewer.store.counties import CountyCount, cannabis_counties, has_cannabis_in
from reviewer.store.database import Database

__all__ = ["CountyCount", "UnknownCounty", "counties_present", "counties_text", "require_county"]


class UnknownCounty(ValueError):
    """No HS 11357-11360 conviction of that county is in the database; the message lists those present."""


def counties_present(db: Database) -> list[CountyCount]:
    with db.engine.connect() as conn:
        return cannabis_counties(conn)


def counties_text(counties: list[CountyCount]) -> str:
    """'LOS ANGELES (1,204 convictions, 873 persons), …'"""
    return ", ".join(f"{c.county} ({c.convictions:,} conviction{'s' if c.convictions != 1 else ''}, "
                     f"{c.persons:,} person{'s' if c.persons != 1 else ''})" for c in counties)


def require_county(db: Database, county: str) -> None:
    """UnknownCounty when the database holds no cannabis conviction of the county (checked before every
    evaluation: a probe; the counties present are counted only for the message)."""
    wanted = normalise_county(county)
    with db.engine.connect() as conn:
        if has_cannabis_in(conn, wanted):
            return
    present = counties_present(db)
    if not present:
        raise UnknownCounty(f"no HS 11357-11360 conviction is in the database yet, in any county: import the "
                            f"DOJ research files first (county asked: {wanted or '(none)'})")
    raise UnknownCounty(f"no HS 11357-11360 conviction of county {wanted!r} is in the database; counties present: "
                        f"{counties_text(present)}")
