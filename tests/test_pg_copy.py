"""PostgreSQL imports stage their rows by COPY (store.pg_copy) and move them with the same INSERT ... SELECT
as SQLite's stage: the rows stored are exactly those of the row-by-row path."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from reviewer.ingest.synthetic import write_demo_file
from reviewer.services.importing import import_file
from reviewer.services.queue import import_files
from reviewer.store import pg_copy
from reviewer.store.database import Database
from tests.conftest import PG_URL, _pg_available

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_schemas():
    reason = _pg_available()
    if reason:
        pytest.skip(reason)
    engine = sa.create_engine(PG_URL)
    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with engine.begin() as conn:
        for name in names:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    yield [f"{PG_URL}?options=-csearch_path%3D{name}" for name in names]
    with engine.begin() as conn:
        for name in names:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
    engine.dispose()


def dump(url: str) -> dict[str, list[tuple]]:
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            return {table: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]
                    for table in ("person", "conviction")}
    finally:
        db.dispose()


def test_copy_stores_exactly_what_the_row_path_stores(two_schemas, tmp_path, gogen_dir, monkeypatch):
    demo, more = tmp_path / "demo.csv", tmp_path / "more.csv"
    write_demo_file(demo, 3000, "SACRAMENTO", seed=6)
    write_demo_file(more, 1500, "SACRAMENTO", seed=7)
    # A first load, a file of the same persons again (merged, nothing twice), a job of two files in one transaction.
    steps = [[gogen_dir / "no_headers.csv"], [gogen_dir / "extra_comma.csv"], [demo, more]]
    copied, rows = two_schemas
    for files in steps:
        if len(files) == 1:
            assert import_file(Database(copied), files[0]).rows
        else:
            assert all(r.imported for r in import_files(Database(copied), files, "tester"))
    monkeypatch.setattr(pg_copy, "available", lambda conn: False)
    for files in steps:
        if len(files) == 1:
            import_file(Database(rows), files[0])
        else:
            import_files(Database(rows), files, "tester")
    got, want = dump(copied), dump(rows)
    assert len(want["conviction"]) > 1000
    assert got == want
    with Database(copied).engine.connect() as conn:  # no stage table outlives its import
        assert conn.execute(sa.text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'reviewer_stage%'")).scalar() == 0


def test_empty_strings_and_nulls_stay_apart_through_copy(two_schemas, gogen_dir, tmp_path):
    """CSV has one way to write both; Arrow quotes every string, so PostgreSQL reads nothing as NULL."""
    copied, _ = two_schemas
    query = sa.text("SELECT count(*) FILTER (WHERE section IS NULL), count(*) FILTER (WHERE subsection = ''), "
                    "count(*) FILTER (WHERE cannabis_arrest IS NULL), count(*) FILTER (WHERE court_case = '') "
                    "FROM conviction")
    counts = []
    for url in (copied, str(tmp_path / "r.db")):
        db = Database(url)
        import_file(db, gogen_dir / "no_headers.csv")
        with db.engine.connect() as conn:
            counts.append(tuple(conn.execute(query).one()))
        db.dispose()
    assert counts[0] == counts[1] and counts[0][1] > 0 and counts[0][2] > 0
