"""Parallel evaluation splits a county's persons into ranges of person ids (store/records.py::person_ranges):
every person evaluated exactly once, in order, and the stored rows follow conviction order with any number of
workers, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date
from itertools import pairwise

from sqlalchemy import select

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.evaluating import evaluate
from reviewer.services.importing import import_file
from reviewer.store import models as m
from reviewer.store.database import Database
from reviewer.store.records import (
    person_ranges,
    persons_with_cannabis_in,
    records_in_county,
)

COUNTY = "SACRAMENTO"
AS_OF = date(2019, 11, 11)
COLUMNS = ("conviction_id", "suggestion", "statute_suggestion", "policy_reason", "reasons", "sentence_status",
           "disqualified", "flagged", "priority", "questions")


def test_person_ranges_cover_every_person_once_in_order(db_url, tmp_path):
    data = tmp_path / "doj.csv"
    write_demo_file(data, rows=6000, county=COUNTY, seed=11)
    db = Database(db_url)
    try:
        import_file(db, data)
        with db.engine.connect() as conn:
            everyone = persons_with_cannabis_in(conn, COUNTY)
            for parts in (1, 2, 6, 7, len(everyone), len(everyone) + 5):
                ranges = person_ranges(conn, COUNTY, parts)
                assert 1 <= len(ranges) <= parts
                assert all(first <= last for first, last in ranges)
                assert all(a[1] < b[0] for a, b in pairwise(ranges)), "in order, not overlapping"
                read = [r.person.id for shard in ranges for r in records_in_county(conn, COUNTY, shard)]
                assert read == everyone, f"{parts} parts: every person once, in id order"
            assert person_ranges(conn, "ALPINE", 6) == []

        def stored(run_id: int) -> list[tuple]:
            with db.engine.connect() as conn:
                cols = [getattr(m.Evaluation, c) for c in COLUMNS]
                return [tuple(r) for r in conn.execute(select(*cols).where(m.Evaluation.run_id == run_id)
                                                       .order_by(m.Evaluation.id))]

        one = evaluate(db, COUNTY, AS_OF, workers=1)
        two = evaluate(db, COUNTY, AS_OF, workers=2)
        first, second = stored(one.run_id), stored(two.run_id)
        assert first == second, "the same rows, in the same order, with one worker or two"
        assert [r[0] for r in second] == sorted(r[0] for r in second), "stored in conviction order"
    finally:
        db.dispose()
