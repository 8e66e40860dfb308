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


FOREIGN_KEYS = sa.text("SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                       "WHERE conrelid = to_regclass('conviction') AND contype = 'f' ORDER BY conname")


def foreign_keys(db: Database) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(FOREIGN_KEYS)]


def key_oids(db: Database) -> set[int]:
    """A key dropped and added again is a new catalog row: how a test sees which path an import took."""
    with db.engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT oid FROM pg_constraint WHERE conrelid = to_regclass('conviction') "
                                        "AND contype = 'f'")).scalars())


def test_a_first_load_checks_the_foreign_keys_after_and_leaves_them_as_defined(two_schemas, tmp_path):
    """The keys dropped for an empty table's load come back exactly, validated over every row; the next
    import (the table no longer empty) takes the ordinary path, and the keys still hold it."""
    first, _ = two_schemas
    db = Database(first)
    before = foreign_keys(db)
    assert [name for name, _, _ in before] == ["conviction_batch_id_fkey", "conviction_person_id_fkey"]
    demo, more = tmp_path / "demo.csv", tmp_path / "more.csv"
    write_demo_file(demo, 3000, "SACRAMENTO", seed=6)
    write_demo_file(more, 1500, "SACRAMENTO", seed=7)
    oids = key_oids(db)
    assert import_file(db, demo).imported
    assert foreign_keys(db) == before and all(valid for _, _, valid in before)
    assert key_oids(db).isdisjoint(oids)  # dropped for the load, added after
    oids = key_oids(db)
    assert import_file(db, more).imported
    assert foreign_keys(db) == before and key_oids(db) == oids  # checked row by row
    with db.engine.connect() as conn:
        orphans = conn.execute(sa.text("SELECT count(*) FROM conviction c LEFT JOIN person p ON p.id = c.person_id "
                                       "WHERE p.id IS NULL")).scalar()
    assert orphans == 0
    db.dispose()


def test_a_first_load_that_fails_leaves_nothing_and_the_keys_in_place(two_schemas, tmp_path, monkeypatch):
    """PostgreSQL's DDL is part of the import's transaction: a failure after the convictions are in (here the
    kept copy of the file cannot be written) rolls the dropped keys back with the rows."""
    from reviewer.services import importing

    first, _ = two_schemas
    db = Database(first)
    before = foreign_keys(db)
    demo = tmp_path / "demo.csv"
    write_demo_file(demo, 2000, "SACRAMENTO", seed=8)

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importing, "write_source", disk_full)
    with pytest.raises(OSError):
        import_file(db, demo)
    assert foreign_keys(db) == before
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM conviction")).scalar() == 0
    monkeypatch.undo()
    assert import_file(db, demo).imported  # and the file imports normally afterwards
    db.dispose()


def test_two_first_imports_at_once_on_an_empty_database(two_schemas, tmp_path):
    """Two different files into one empty database at the same moment: the second waits for the first's
    transaction (pg_first_load's lock), finds the table filled and takes the ordinary path; no deadlock."""
    import office_workers as work
    from test_office_concurrency import run_processes

    first, _ = two_schemas
    Database(first).dispose()  # the schema, before two processes open it
    demo, more = tmp_path / "demo.csv", tmp_path / "more.csv"
    write_demo_file(demo, 3000, "SACRAMENTO", seed=6)
    write_demo_file(more, 1500, "YOLO", seed=7)
    db = Database(first)
    before, oids = foreign_keys(db), key_oids(db)
    answers = run_processes((work.import_same, (first, str(demo))), (work.import_same, (first, str(more))))
    assert answers == ["imported", "imported"]
    assert foreign_keys(db) == before and key_oids(db).isdisjoint(oids)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(DISTINCT batch_id) FROM conviction")).scalar() == 2
    db.dispose()


def test_evaluation_rows_by_copy_are_those_sqlite_stores(two_schemas, tmp_path, gogen_dir):
    """Evaluation rows go to PostgreSQL by COPY (store.bulk): every column of every row reads back as SQLite
    stores it, with reasons and questions full of the quotes and commas CSV escapes, and names in two encodings."""
    from datetime import date

    from test_hostile_files import write_corpus

    from reviewer.services.evaluating import evaluate, resolve_policy

    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    demo = tmp_path / "demo.csv"
    write_demo_file(demo, 3000, "SACRAMENTO", seed=9)
    files = [demo, corpus / "mixed_encoding.csv", corpus / "poison_values.csv"]
    columns = ("conviction_id", "suggestion", "statute_suggestion", "policy_reason", "reasons", "sentence_status",
               "disqualified", "flagged", "priority", "questions")
    stored = []
    for url in (two_schemas[0], str(tmp_path / "r.db")):
        db = Database(url)
        for path in files:
            assert import_file(db, path).imported
        for policy in (None, resolve_policy("sacramento-configurable-2019")):
            evaluate(db, "SACRAMENTO", date(2020, 1, 1), policy, workers=1)
        with db.engine.connect() as conn:
            stored.append([tuple(r) for r in conn.execute(sa.text(
                f"SELECT {', '.join(columns)}, current FROM evaluation ORDER BY id"))])
            stored.append(sorted(tuple(r) for r in conn.execute(sa.text("SELECT ref, reason FROM shared_reason"))))
        db.dispose()
    pg_rows, pg_shared, lite_rows, lite_shared = stored
    assert len(pg_rows) > 500 and pg_rows == lite_rows and pg_shared == lite_shared
    # Every reasons value holds the quotes and commas CSV must escape; some rows carry questions too.
    assert all('"' in r[4] and "," in r[4] for r in pg_rows) and any(r[9] != "[]" for r in pg_rows)
